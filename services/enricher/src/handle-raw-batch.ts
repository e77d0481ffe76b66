import type { BatchHandler } from '@cdnlog/common';
import { decodeRawEvent } from './enrich/decode';
import { enrichEvent } from './enrich/enrich-event';
import type { GeoIp } from './geo/geoip';
import type { BatchWriter, WriterItem } from './sink/batch-writer';
import type { UserAgents } from './ua/user-agent';

/**
 * The enricher's batch handler: decode and enrich every message of a partition
 * batch (poison messages become dead letters with their reason), buffer them in
 * the writer, and when the buffer is full wait for the flush (heartbeating), so
 * a slow or absent ClickHouse pauses consumption instead of growing memory.
 */
export function handleRawBatch(deps: { writer: BatchWriter; geo: GeoIp; userAgents: UserAgents; maxRows: number; onItems?: (events: number, dead: number) => void }): BatchHandler {
  return async (batch, control) => {
    const now = Date.now();
    const items: WriterItem[] = [];
    let dead = 0;
    for (const message of batch.messages) {
      const decoded = decodeRawEvent(message.value);
      if (decoded.ok) {
        items.push({ kind: 'event', topic: batch.topic, partition: batch.partition, offset: message.offset, event: enrichEvent(decoded.event, { ...deps, now }) });
      } else {
        dead++;
        items.push({ kind: 'dead', topic: batch.topic, partition: batch.partition, offset: message.offset, message, reason: decoded.reason });
      }
    }
    deps.writer.add(items);
    deps.onItems?.(items.length - dead, dead);
    while (deps.writer.size >= deps.maxRows) await control.keepAlive(deps.writer.flush());
  };
}


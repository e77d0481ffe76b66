import type { BatchHandler } from '@cdnlog/common';
import { decodeRawMessage } from './enrich/decode-raw-message';
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
    const context = { ...deps, now };
    let events = 0;
    let dead = 0;
    for (const message of batch.messages) {
      const decoded = decodeRawMessage(message.value);
      if (decoded.ok) {
        const enriched = decoded.events.map((event) => enrichEvent(event, decoded.request, context));
        events += enriched.length;
        items.push({ kind: 'events', topic: batch.topic, partition: batch.partition, offset: message.offset, events: enriched });
      } else {
        dead++;
        items.push({ kind: 'dead', topic: batch.topic, partition: batch.partition, offset: message.offset, message, reason: decoded.reason });
      }
    }
    deps.writer.add(items);
    deps.onItems?.(events, dead);
    while (deps.writer.size >= deps.maxRows) await control.keepAlive(deps.writer.flush());
  };
}


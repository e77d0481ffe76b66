import type { BatchHandler } from '@cdnlog/common';
import { decodeRawMessage } from './enrich/decode-raw-message';
import { enrichEvent, enrichRequest } from './enrich/enrich-event';
import type { GeoIp } from './geo/geoip';
import type { BatchWriter, WriterItem } from './sink/batch-writer';
import type { UserAgents } from './ua/user-agent';

/**
 * The enricher's batch handler: decode and enrich each message of a partition
 * batch (a message that cannot be decoded, and each event that cannot be
 * stored, becomes a dead letter with its reason) and buffer it
 * in the writer. Whenever the buffer holds `maxRows` rows the handler waits for
 * the flush (heartbeating) before reading on, also in the middle of a batch:
 * one fetch can hold tens of thousands of events (a v2 message carries a whole
 * request), and a slow or absent ClickHouse must pause consumption instead of
 * growing memory. The writer commits what it flushed; the rest of the batch
 * follows in later flushes. (Flushing while the next buffer fills was tried: no
 * measurable gain on 2 cores, and a rebalance could then move a partition while
 * its flush was still committing.)
 */
export function handleRawBatch(deps: { writer: BatchWriter; geo: GeoIp; userAgents: UserAgents; maxRows: number; onItems?: (events: number, dead: number) => void }): BatchHandler {
  return async (batch, control) => {
    const enrichedAt = Date.now();
    const { topic, partition } = batch;
    for (const message of batch.messages) {
      const decoded = decodeRawMessage(message.value);
      let item: WriterItem;
      if (decoded.ok) {
        const request = enrichRequest(decoded.request, enrichedAt);
        const events = decoded.events.map((event) => enrichEvent(event, deps));
        item = { kind: 'events', topic, partition, offset: message.offset, request, events, raw: decoded.events };
        if (decoded.refused.length > 0) {
          const refusedAt = new Set(decoded.refused.map((r) => r.index));
          item.indexes = [];
          for (let i = 0; item.indexes.length < events.length; i++) if (!refusedAt.has(i)) item.indexes.push(i);
          item.refused = decoded.refused.map((r) => ({ index: r.index, event: r.event, stage: 'decode', code: 'invalid_event', reason: r.reason }));
        }
        deps.onItems?.(events.length, decoded.refused.length);
      } else {
        item = { kind: 'dead', topic, partition, offset: message.offset, message, reason: decoded.reason };
        deps.onItems?.(0, 1);
      }
      deps.writer.add([item]);
      while (deps.writer.size >= deps.maxRows) await control.keepAlive(deps.writer.flush());
    }
  };
}

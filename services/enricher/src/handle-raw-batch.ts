import type { BatchHandler } from '@cdnlog/common';
import { enrichMessage, type EnrichMessageDeps } from './enrich/enrich-message';
import type { BatchWriter } from './sink/batch-writer';

/**
 * The enricher's batch handler: each message of a partition batch becomes a
 * writer item (`enrichMessage`: its events enriched and serialized, or a dead
 * letter when it cannot be decoded) buffered in the writer. Whenever the
 * buffer holds `maxRows` rows the handler waits for the flush (heartbeating)
 * before reading on, also in the middle of a batch: one fetch can hold tens of
 * thousands of events (a v2 message carries a whole request), and a slow or
 * absent ClickHouse must pause consumption instead of growing memory. The
 * writer commits what it flushed; the rest of the batch follows in later
 * flushes. (Flushing while the next buffer fills was tried: no measurable gain
 * on 2 cores, and a rebalance could then move a partition while its flush was
 * still committing.)
 */
export function handleRawBatch(deps: EnrichMessageDeps & { writer: BatchWriter; maxRows: number; onItems?: (events: number, dead: number) => void }): BatchHandler {
  return async (batch, control) => {
    const enrichedAt = Date.now();
    for (const message of batch.messages) {
      const item = enrichMessage(message, enrichedAt, deps);
      if (item.kind === 'events') deps.onItems?.(item.rowCount, item.refused.length);
      else deps.onItems?.(0, 1);
      deps.writer.add([item]);
      while (deps.writer.size >= deps.maxRows) await control.keepAlive(deps.writer.flush());
    }
  };
}

import { EVENT_ID_RULE, type RawBatchEvent } from '@cdnlog/common';

/**
 * The enriched `batchKey` of one raw message: the id of its first event when
 * the ids come from an idempotency key (every copy an edge re-sends with that
 * key has the same ids, position by position), else ''. The aggregator counts
 * one copy per batchKey, so a batch re-sent after a 503 whose first attempt was
 * written after all is not counted twice in the live window.
 */
export function batchKeyOf(events: readonly RawBatchEvent[]): string {
  const first = events[0]?.eventId ?? '';
  return first.startsWith(EVENT_ID_RULE.idempotencyKey) ? first : '';
}

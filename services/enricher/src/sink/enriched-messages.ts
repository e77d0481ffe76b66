import {
  ENRICHED_BATCH_MAX_BYTES, ENRICHED_BATCH_MAX_EVENTS, ENRICHED_BATCH_VERSION, ENRICHED_EVENT_VERSION, type EnrichedBatchEvent,
  type EnrichedRequestFields, type OutgoingMessage,
} from '@cdnlog/common';

export type EnrichedMessageVersion = typeof ENRICHED_EVENT_VERSION | typeof ENRICHED_BATCH_VERSION;

/**
 * The enriched-topic messages of one raw message's events (key = tenant), in
 * the configured contract version (libs/common/src/schemas/enriched-event.ts):
 * v2, one message holding them all, split in halves until each part is at most
 * `maxBytes` serialized (or holds one event); v1, one message per event.
 */
export function enrichedMessages(
  request: EnrichedRequestFields,
  events: EnrichedBatchEvent[],
  version: EnrichedMessageVersion,
  maxBytes = ENRICHED_BATCH_MAX_BYTES,
): OutgoingMessage[] {
  const key = request.customerId;
  if (version === ENRICHED_EVENT_VERSION) {
    return events.map((event) => ({ key, value: JSON.stringify({ v: ENRICHED_EVENT_VERSION, ...request, ...event }) }));
  }
  const out: OutgoingMessage[] = [];
  const add = (part: EnrichedBatchEvent[]): void => {
    if (part.length > ENRICHED_BATCH_MAX_EVENTS) {
      add(part.slice(0, ENRICHED_BATCH_MAX_EVENTS));
      add(part.slice(ENRICHED_BATCH_MAX_EVENTS));
      return;
    }
    const value = Buffer.from(JSON.stringify({ v: ENRICHED_BATCH_VERSION, ...request, events: part }));
    if (value.length <= maxBytes || part.length === 1) {
      out.push({ key, value });
      return;
    }
    const half = Math.ceil(part.length / 2);
    add(part.slice(0, half));
    add(part.slice(half));
  };
  if (events.length > 0) add(events);
  return out;
}

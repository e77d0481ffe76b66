import { issueSummary, RAW_BATCH_VERSION, readVersioned, RAW_EVENT_VERSION, rawBatchSchema, type RawBatchEvent, type RawRequestFields, rawEventSchema } from '@cdnlog/common';

/** The events of a message and the request fields they share (kept apart: copying them into every event cost more than parsing it). */
export type Decoded = { ok: true; request: RawRequestFields; events: RawBatchEvent[] } | { ok: false; reason: string };

/**
 * A raw-topic message → its events, or the reason it is poison (it then goes
 * to the DLQ whole). Reads both layouts (libs/common/src/schemas/raw-event.ts):
 * v2, the events of one accepted request, and v1, one event.
 */
export function decodeRawMessage(value: Buffer | null): Decoded {
  const read = readVersioned(value);
  if (!read.ok) return read;
  const { json, version } = read;
  if (version === RAW_BATCH_VERSION) {
    const result = rawBatchSchema.safeParse(json);
    if (!result.success) return { ok: false, reason: `not a raw batch v2: ${issueSummary(result.error)}` };
    const { customerId, receivedAt, batchId, batchKey, events } = result.data;
    return { ok: true, request: { customerId, receivedAt, batchId, batchKey }, events };
  }
  if (version === RAW_EVENT_VERSION) {
    const result = rawEventSchema.safeParse(json);
    if (!result.success) return { ok: false, reason: `not a raw event v1: ${issueSummary(result.error)}` };
    const event = result.data;
    return { ok: true, request: { customerId: event.customerId, receivedAt: event.receivedAt, batchId: event.batchId }, events: [event] };
  }
  return { ok: false, reason: `unknown raw message version ${JSON.stringify(version) ?? 'undefined'} (this enricher reads v1 and v2)` };
}

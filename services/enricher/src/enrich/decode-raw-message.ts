import { RAW_BATCH_VERSION, RAW_EVENT_VERSION, rawBatchSchema, type RawBatchEvent, type RawRequestFields, rawEventSchema } from '@cdnlog/common';
import type { z } from 'zod';

/** The events of a message and the request fields they share (kept apart: copying them into every event cost more than parsing it). */
export type Decoded = { ok: true; request: RawRequestFields; events: RawBatchEvent[] } | { ok: false; reason: string };

/**
 * A raw-topic message → its events, or the reason it is poison (it then goes
 * to the DLQ whole). Reads both layouts (libs/common/src/schemas/raw-event.ts):
 * v2, the events of one accepted request, and v1, one event.
 */
export function decodeRawMessage(value: Buffer | null): Decoded {
  if (value === null || value.length === 0) return { ok: false, reason: 'empty message' };
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: `not JSON: ${(err as Error).message}` };
  }
  const version = json !== null && typeof json === 'object' ? (json as { v?: unknown }).v : undefined;
  if (version === RAW_BATCH_VERSION) {
    const result = rawBatchSchema.safeParse(json);
    if (!result.success) return { ok: false, reason: `not a raw batch v2: ${firstIssues(result.error)}` };
    const { customerId, receivedAt, batchId, batchKey, events } = result.data;
    return { ok: true, request: { customerId, receivedAt, batchId, batchKey }, events };
  }
  if (version === RAW_EVENT_VERSION) {
    const result = rawEventSchema.safeParse(json);
    if (!result.success) return { ok: false, reason: `not a raw event v1: ${firstIssues(result.error)}` };
    const event = result.data;
    return { ok: true, request: { customerId: event.customerId, receivedAt: event.receivedAt, batchId: event.batchId }, events: [event] };
  }
  return { ok: false, reason: `unknown raw message version ${JSON.stringify(version) ?? 'undefined'} (this enricher reads v1 and v2)` };
}

function firstIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

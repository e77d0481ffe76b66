import {
  issueSummary,
  isRawBatchEvent,
  MAX_BYTES_SENT,
  MAX_RESPONSE_TIME_MS,
  MAX_STORED_TIMESTAMP_MS,
  RAW_BATCH_MAX_EVENTS,
  RAW_BATCH_VERSION,
  readVersioned,
  RAW_EVENT_VERSION,
  rawBatchEventSchema,
  rawBatchSchema,
  type RawBatchEvent,
  type RawRequestFields,
  rawEventSchema,
  repairTextFields,
} from '@cdnlog/common';
import { z } from 'zod';

/** An event of a decodable message that cannot be stored, with its index in the message's `events` (0 for v1). */
export interface RefusedEvent {
  index: number;
  /** The event as the message holds it (after the schema, when it passed). */
  event: unknown;
  reason: string;
}

/**
 * The events of a message and the request fields they share (kept apart:
 * copying them into every event cost more than parsing it). `events` are the
 * storable ones, in order; `refused` the others, each with why.
 */
export type Decoded =
  | { ok: true; request: RawRequestFields; events: RawBatchEvent[]; refused: RefusedEvent[] }
  | { ok: false; reason: string };

/** A v2 message's request-level fields; its events are checked one by one (`accept`). */
const rawBatchEnvelopeSchema = rawBatchSchema.extend({ events: z.array(z.unknown()).min(1).max(RAW_BATCH_MAX_EVENTS) });

/**
 * A raw-topic message → its events, or the reason it is poison (it then goes
 * to the DLQ whole). Reads both layouts (libs/common/src/schemas/raw-event.ts):
 * v2, the events of one accepted request, and v1, one event.
 *
 * The raw topic is not trusted to be canonical (messages written before the
 * ingest API repaired text, or by other producers): every string of the
 * request and of each event is made well-formed (unpaired surrogates →
 * U+FFFD), and events no store can hold (see `unstorable`) are refused one by
 * one. In a v2 message, the request fields are checked by the schema and each
 * event by `isRawBatchEvent` (the schema's conditions without its copy of the
 * event); an event that fails it is checked by the schema, and refused alone
 * with the schema's reason if it fails that too.
 */
export function decodeRawMessage(value: Buffer | null): Decoded {
  const read = readVersioned(value);
  if (!read.ok) return read;
  const { json, version } = read;
  if (version === RAW_BATCH_VERSION) {
    const envelope = rawBatchEnvelopeSchema.safeParse(json);
    if (!envelope.success) return { ok: false, reason: `not a raw batch v2: ${issueSummary(envelope.error)}` };
    return accept(envelope.data, envelope.data.events);
  }
  if (version === RAW_EVENT_VERSION) {
    const result = rawEventSchema.safeParse(json);
    if (!result.success) return { ok: false, reason: `not a raw event v1: ${issueSummary(result.error)}` };
    // A v1 event carries its request fields itself: they are repaired in it too.
    const event = repairTextFields(result.data, ['batchId']);
    return accept(event, [event]);
  }
  return { ok: false, reason: `unknown raw message version ${JSON.stringify(version) ?? 'undefined'} (this enricher reads v1 and v2)` };
}

/**
 * Schema-checked request fields and their events → canonical request fields,
 * storable events (canonical), refusals by index.
 */
function accept(request: RawRequestFields, raw: readonly unknown[]): Decoded {
  const { customerId, receivedAt, batchId, batchKey } = request;
  if (!(receivedAt >= 0 && receivedAt <= MAX_STORED_TIMESTAMP_MS)) return { ok: false, reason: `receivedAt: must be between 0 and ${MAX_STORED_TIMESTAMP_MS}` };
  const fields = repairTextFields<RawRequestFields, 'batchId' | 'batchKey'>({ customerId, receivedAt, batchId, batchKey }, ['batchId', 'batchKey']);
  const events: RawBatchEvent[] = [];
  const refused: RefusedEvent[] = [];
  for (let index = 0; index < raw.length; index++) {
    let event = raw[index];
    let reason: string | undefined;
    if (!isRawBatchEvent(event)) {
      const result = rawBatchEventSchema.safeParse(event);
      if (result.success) event = result.data;
      else reason = `not a raw event: ${issueSummary(result.error)}`;
    }
    reason ??= unstorable(event as RawBatchEvent);
    if (reason === undefined) events.push(repairTextFields(event as RawBatchEvent, EVENT_TEXT_FIELDS));
    else refused.push({ index, event, reason });
  }
  return { ok: true, request: fields, events, refused };
}

/**
 * Why a schema-valid event cannot be stored, or undefined. The schema stays
 * lenient for old messages; these bounds are what ClickHouse and the live
 * windows can hold (the ingest API refuses the same since they were set).
 */
function unstorable(e: RawBatchEvent): string | undefined {
  if (!(e.bytesSent <= MAX_BYTES_SENT)) return `bytesSent: must be at most ${MAX_BYTES_SENT}`;
  if (!(e.status >= 100 && e.status <= 599)) return 'status: must be between 100 and 599';
  if (!(e.timestamp >= 0 && e.timestamp <= MAX_STORED_TIMESTAMP_MS)) return `timestamp: must be between 0 and ${MAX_STORED_TIMESTAMP_MS} (epoch ms)`;
  const rt = e.responseTimeMs;
  if (rt !== undefined && !(Number.isFinite(rt) && rt <= MAX_RESPONSE_TIME_MS)) return `responseTimeMs: must be at most ${MAX_RESPONSE_TIME_MS}`;
  return undefined;
}

/** The text fields of an event (every one but the numbers), repaired in place: the schema's output is our own object. */
const EVENT_TEXT_FIELDS = ['eventId', 'clientIp', 'method', 'path', 'userAgent', 'host', 'requestId', 'referer', 'cacheStatus', 'pop'] as const;

import { z } from 'zod';
import { tenantIdSchema } from './tenant-id';

/**
 * Messages on the enriched topic, for the aggregator and internal consumers
 * (key = customerId). Two versions; consumers accept both, ignore fields they
 * do not know and reject a `v` they do not know.
 *
 * - v2 (`EnrichedBatch`, what the enricher writes by default): the enriched
 *   events of one raw message (one accepted request, or a chunk of it), the
 *   request-level fields stated once. Larger than `ENRICHED_BATCH_MAX_BYTES`,
 *   it is split into several messages with the same request fields. It costs
 *   both consumers much less CPU than one Kafka record per event
 *   (docs/benchmarks.md).
 * - v1 (`EnrichedEvent`): one message per event. Written with
 *   `ENRICHED_MESSAGE_VERSION=1` for consumers that do not read v2 yet.
 *
 * Strings are '' when unknown (never absent); `responseTimeMs` is null when the
 * edge did not send it. JSON Schemas: docs/contracts/enriched-event.v1.schema.json and
 * enriched-batch.v2.schema.json (generated, see `npm run contracts`).
 */
export const ENRICHED_EVENT_VERSION = 1 as const;
export const ENRICHED_BATCH_VERSION = 2 as const;

/** Events per v2 message, at most (as many as a raw v2 message holds). */
export const ENRICHED_BATCH_MAX_EVENTS = 500;
/** Serialized size a v2 message is kept under by splitting (a single event may exceed it alone): well inside a 1 MB broker limit, compressed or not. */
export const ENRICHED_BATCH_MAX_BYTES = 512 * 1024;

export const UA_FAMILIES = ['Chrome', 'Firefox', 'Safari', 'Edge', 'Opera', 'Googlebot', 'Bingbot', 'curl', 'Other'] as const;
export const DEVICE_CLASSES = ['desktop', 'mobile', 'tablet', 'bot', 'other'] as const;

export const enrichedEventSchema = z.object({
  v: z.literal(ENRICHED_EVENT_VERSION),
  eventId: z.string().min(1).max(128).describe('Stable event id; the deduplication key'),
  customerId: tenantIdSchema,
  timestamp: z.number().int().describe('Event time, epoch milliseconds UTC'),
  receivedAt: z.number().int().describe('When ingest accepted it, epoch ms'),
  enrichedAt: z.number().int().describe('When the enricher processed it, epoch ms'),
  batchId: z.string(),
  batchKey: z
    .string()
    .max(64)
    .optional()
    .describe(
      'The same for every copy of a raw message an edge re-sent with the same idempotency key (from the raw message, at most 64 characters '
      + 'there too); "" when the request had none. The live window counts one copy per batchKey (a Redis key is named after it). '
      + 'Absent in messages written before it existed.',
    ),
  clientIp: z.string(),
  country: z.string().max(2).describe('ISO 3166-1 alpha-2, or "" when unknown/private'),
  city: z.string(),
  region: z.string(),
  method: z.string(),
  url: z.string().describe('Path with query string, as sent'),
  path: z.string().describe('Path without query string or fragment'),
  route: z.string().describe('"METHOD path"'),
  status: z.number().int().min(100).max(599),
  statusClass: z.enum(['1xx', '2xx', '3xx', '4xx', '5xx']),
  bytesSent: z.number().int().min(0),
  userAgent: z.string(),
  uaFamily: z.enum(UA_FAMILIES),
  deviceClass: z.enum(DEVICE_CLASSES),
  isBot: z.boolean(),
  host: z.string(),
  referer: z.string(),
  cacheStatus: z.string().describe('Upper-cased, e.g. HIT, MISS; "" when unknown'),
  pop: z.string(),
  responseTimeMs: z.number().min(0).nullable(),
  requestId: z.string(),
});

const { v: _v, customerId, receivedAt, enrichedAt, batchId, batchKey, ...eventFields } = enrichedEventSchema.shape;

/** One event of a v2 message: the v1 fields without the request-level ones. */
export const enrichedBatchEventSchema = z.object(eventFields);

export const enrichedBatchSchema = z.object({
  v: z.literal(ENRICHED_BATCH_VERSION),
  customerId,
  receivedAt,
  enrichedAt,
  batchId,
  batchKey: batchKey.unwrap().describe('As in v1, but always present: "" when the request had no idempotency key'),
  events: z.array(enrichedBatchEventSchema).min(1).max(ENRICHED_BATCH_MAX_EVENTS),
});

/** A v1 message: one event. */
export type EnrichedEvent = z.infer<typeof enrichedEventSchema>;
/** A v2 message: the enriched events of one raw message (or a part of it). */
export type EnrichedBatch = z.infer<typeof enrichedBatchSchema>;
/** One event of a v2 message. */
export type EnrichedBatchEvent = z.infer<typeof enrichedBatchEventSchema>;
/** The request-level fields every event of a v2 message shares. */
export type EnrichedRequestFields = Omit<EnrichedBatch, 'v' | 'events'>;
export type UaFamily = (typeof UA_FAMILIES)[number];
export type DeviceClass = (typeof DEVICE_CLASSES)[number];

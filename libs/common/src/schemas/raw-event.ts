import { z } from 'zod';
import { tenantIdSchema } from './tenant-id';

/**
 * Messages on the raw topic, written by the ingest API (key = customerId).
 * Two versions; consumers accept both and reject versions they do not know.
 *
 * - v2 (`RawBatch`, what the ingest API writes): one message per accepted
 *   request, or per chunk of at most `RAW_BATCH_MAX_EVENTS` events of it. The
 *   request-level fields are stated once, the events follow in request order.
 *   One Kafka message per event cost kafkajs far more CPU per event
 *   (docs/benchmarks.md); a batch is also the unit the API accepted.
 * - v1 (`RawEvent`): one message per event. Still read, so messages written
 *   before an upgrade (or by tools such as `npm run bench:history`) keep working.
 */
export const RAW_EVENT_VERSION = 1 as const;
export const RAW_BATCH_VERSION = 2 as const;

/** Events per v2 message, at most: ~300 KB of JSON for typical entries, well inside a 1 MB broker message limit once compressed. */
export const RAW_BATCH_MAX_EVENTS = 500;

/**
 * Bytes one request may report, at most (1 TB): the ingest API refuses more and
 * the enricher refuses such events from the raw topic, so no per-minute sum
 * (Redis int64, ClickHouse UInt64) can overflow at this pipeline's rates. The
 * schemas below keep accepting any non-negative integer: messages written
 * before the bound must still decode (the enricher refuses them one by one).
 */
export const MAX_BYTES_SENT = 1_000_000_000_000;

/**
 * The latest event time (and `receivedAt`) the stores can hold, epoch ms:
 * ClickHouse's `DateTime` is seconds in a UInt32 (2106-02-07). The ingest API
 * accepts timestamps near now only; the enricher refuses later ones it reads.
 */
export const MAX_STORED_TIMESTAMP_MS = 4_294_967_295_999;

/** Response time one request may report, at most (one hour). */
export const MAX_RESPONSE_TIME_MS = 3_600_000;

/** The fields of one event, without the request-level ones. */
const eventFields = {
  /** Stable id: the same event re-sent by an edge gets the same id (downstream dedup key). */
  eventId: z.string().min(1).max(128),
  /** Event time, epoch milliseconds (UTC). */
  timestamp: z.number().int(),
  clientIp: z.string().min(2).max(45),
  method: z.string().min(1).max(16),
  path: z.string().min(1).max(2048),
  status: z.number().int().min(100).max(599),
  bytesSent: z.number().int().min(0),
  userAgent: z.string().max(1024).optional(),
  host: z.string().max(255).optional(),
  requestId: z.string().max(128).optional(),
  referer: z.string().max(2048).optional(),
  cacheStatus: z.string().max(32).optional(),
  responseTimeMs: z.number().min(0).optional(),
  pop: z.string().max(32).optional(),
};

/** The request-level fields every event shares. */
const requestFields = {
  customerId: tenantIdSchema,
  /** When the ingest API accepted the batch, epoch milliseconds. */
  receivedAt: z.number().int(),
  batchId: z.string().min(1).max(64),
};

const { eventId, timestamp, ...restOfEvent } = eventFields;
const { customerId, receivedAt, batchId } = requestFields;
/** v1 keeps its published field order (docs/contracts/raw-event.v1.schema.json). */
export const rawEventSchema = z.object({ v: z.literal(RAW_EVENT_VERSION), eventId, customerId, timestamp, receivedAt, batchId, ...restOfEvent });

export const rawBatchEventSchema = z.object(eventFields);

export const rawBatchSchema = z.object({
  v: z.literal(RAW_BATCH_VERSION),
  ...requestFields,
  /**
   * Present when the request carried an idempotency key: the same for every copy
   * of this message an edge re-sends with that key (a digest of tenant, key and
   * the message's first position in the request), so the live window can count
   * one copy. Added after v2 was first published; older messages lack it.
   */
  batchKey: z.string().min(1).max(64).optional(),
  events: z.array(rawBatchEventSchema).min(1).max(RAW_BATCH_MAX_EVENTS),
});

/** A v1 message: one event. */
export type RawEvent = z.infer<typeof rawEventSchema>;
/** A v2 message: the events of one accepted request (or a chunk of it). */
export type RawBatch = z.infer<typeof rawBatchSchema>;
/** One event of a v2 message. */
export type RawBatchEvent = z.infer<typeof rawBatchEventSchema>;
/** The request-level fields every event of a message shares. */
export type RawRequestFields = Pick<RawBatch, 'customerId' | 'receivedAt' | 'batchId' | 'batchKey'>;

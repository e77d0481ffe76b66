import { z } from 'zod';
import { fields, kafkaEnv, loggingEnv, opsEnv, redisEnv, REQUEST_TIMEOUT_MS, requireRegistryInProduction, tenantRegistryEnv } from '@cdnlog/common';

/** Every environment variable the ingest API reads (documented in its README). */
export const configSchema = z.object({
  ...loggingEnv,
  ...kafkaEnv,
  ...redisEnv,
  PORT: fields.port(8080),
  ...opsEnv(9100),
  ...tenantRegistryEnv,
  /** Body limit after decompression; compressed bodies are capped at the same size. */
  MAX_BODY_BYTES: fields.positiveInt(2 * 1024 * 1024),
  MAX_ENTRIES_PER_BATCH: fields.positiveInt(10_000),
  /** Oldest accepted event time, relative to now. */
  MAX_EVENT_AGE_HOURS: fields.positiveInt(7 * 24),
  /** How far in the future an event time may be (edge clock skew). */
  MAX_FUTURE_SKEW_SECONDS: fields.positiveInt(300),
  /**
   * How long an accepted idempotency key is remembered: the resend horizon. A resend within it gets 409; a
   * later one is published again, which history still deduplicates by event id and which the live window
   * (15 minutes) no longer counts, so an hour keeps both exact while each key costs Redis memory.
   */
  IDEMPOTENCY_TTL_HOURS: fields.positiveInt(1),
  /** A publish not acknowledged by Kafka within this time answers 503. */
  PUBLISH_TIMEOUT_MS: fields.positiveInt(5000),
  /** How long concurrent requests are gathered into one produce call. */
  PUBLISH_LINGER_MS: z.coerce.number().int().min(0).max(1000).default(2),
  /** Under sustained load, least time between the starts of two produce calls: fewer, larger calls (a call's fixed CPU cost dwarfs that of its records when they are few; docs/benchmarks.md). An idle publisher still sends after PUBLISH_LINGER_MS. */
  PUBLISH_MIN_SEND_INTERVAL_MS: z.coerce.number().int().min(0).max(1000).default(10),
  PUBLISH_MAX_BATCH_EVENTS: fields.positiveInt(5000),
  /** Message bytes in one produce call: half the 8 MiB the project's topics accept (libs/common/src/kafka/admin.ts), before compression, so a call never passes it. A request larger than this goes alone. */
  PUBLISH_MAX_BATCH_BYTES: fields.positiveInt(4 * 1024 * 1024),
  /** Bound of events accepted for publishing but not yet acknowledged; 429 above 90 %. */
  PUBLISH_BUFFER_EVENTS: fields.positiveInt(100_000),
  /** A request whose headers and body have not all arrived within this time gets 408 `request_timeout` (slow clients hold no slot longer). */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).max(300_000).default(REQUEST_TIMEOUT_MS),
  /** Concurrent POST /v1/logs requests per instance; beyond it requests get 429 at once (load shedding in a spike). */
  MAX_INFLIGHT_REQUESTS: fields.positiveInt(256),
  /** 429 while the oldest request waiting for a produce call has waited longer than this. */
  PUBLISH_MAX_QUEUE_DELAY_MS: fields.positiveInt(1000),
  /** 429 before reading the body while the event loop's p99 delay over the last second exceeds this (CPU saturation). */
  MAX_EVENT_LOOP_DELAY_MS: fields.positiveInt(300),
  /** Quotas of tenants without their own in the registry (`limits`, config/README.md); all per ingest instance except the idempotency keys. Events per second. */
  DEFAULT_TENANT_EVENTS_PER_SECOND: fields.positiveInt(20_000),
  /** Events a tenant may send at once above its rate. */
  DEFAULT_TENANT_BURST: fields.positiveInt(40_000),
  /** Body bytes per second after decompression, charged before parsing: what parsing costs grows with them, valid or not. */
  DEFAULT_TENANT_BYTES_PER_SECOND: fields.positiveInt(16 * 1024 * 1024),
  DEFAULT_TENANT_BYTE_BURST: fields.positiveInt(32 * 1024 * 1024),
  /**
   * Requests of one tenant in flight (a quarter of MAX_INFLIGHT_REQUESTS by default): slow bodies of one tenant cannot hold
   * every slot, while a tenant sending a few hundred requests a second keeps room when answers slow down for a moment
   * (the noisy profile in docs/benchmarks.md).
   */
  DEFAULT_TENANT_CONCURRENT_REQUESTS: fields.positiveInt(64),
  /** Idempotency keys one tenant holds in Redis at once, across instances: each costs Redis memory (record and index), so this bounds a tenant's share (sizes in docs/operations.md). */
  DEFAULT_TENANT_IDEMPOTENCY_KEYS: fields.positiveInt(20_000),
}).superRefine(requireRegistryInProduction);

export type IngestConfig = z.infer<typeof configSchema>;

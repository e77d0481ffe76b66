/**
 * Every Redis key the pipeline writes, in one place. A tenant's keys carry the
 * tenant in a hash tag `{tenant}`, so they share one Redis Cluster slot and a
 * Lua script may touch several of them.
 */
/** The hash tag of keys that belong to no tenant. */
export const INTERNAL_TAG = '_meta';

export const redisKeys = {
  /** ingest-api: an idempotency key (stored as a digest) → claim or accepted batch. */
  ingestIdempotency: (tenant: string, keyDigest: string) => `ingest:idem:{${tenant}}:${keyDigest}`,
  /** ingest-api: the idempotency keys a tenant holds (sorted set: key digest → expiry, epoch ms), to bound how many. */
  ingestIdempotencyHeld: (tenant: string) => `ingest:idem-held:{${tenant}}`,

  /** aggregator → metrics-api: the live window of one tenant, one set of keys per minute (epoch seconds). */
  live: {
    counters: (tenant: string, minute: number) => `live:{${tenant}}:${minute}:c`,
    uniqueIps: (tenant: string, minute: number) => `live:{${tenant}}:${minute}:ips`,
    countries: (tenant: string, minute: number) => `live:{${tenant}}:${minute}:geo`,
    routes: (tenant: string, minute: number) => `live:{${tenant}}:${minute}:rt`,
    uaFamilies: (tenant: string, minute: number) => `live:{${tenant}}:${minute}:ua`,
    /** Last enriched-topic offset applied for this tenant from one partition (exactly-once watermark). */
    watermark: (tenant: string, topic: string, partition: number) => `live:{${tenant}}:wm:${topic}:${partition}`,
    /** The batch (batchId) whose copy of a re-sendable raw message (batchKey) the live window counted; other copies are skipped. */
    resendClaim: (tenant: string, batchKey: string) => `live:{${tenant}}:rs:${batchKey}`,
    /**
     * Last offset applied from a partition at all; its absence means Redis lost the live window.
     * `_meta` cannot be a tenant id (they start with a letter or digit), so no tenant's keys, nor a
     * rebuild's scan of `live:{tenant}:*`, can reach the markers.
     */
    partitionMarker: (topic: string, partition: number) => `live:{${INTERNAL_TAG}}:p:${topic}:${partition}`,
  },
};

/** Counter fields of `redisKeys.live.counters`. */
export const LIVE_COUNTER_FIELDS = ['requests', 'bytes', 'status2xx', 'status3xx', 'status4xx', 'status5xx', 'cacheHits', 'cacheMisses'] as const;
export type LiveCounterField = (typeof LIVE_COUNTER_FIELDS)[number];

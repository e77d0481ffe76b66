/**
 * Every Redis key the pipeline writes, in one place. A tenant's keys carry the
 * tenant in a hash tag `{tenant}`, so they share one Redis Cluster slot and a
 * Lua script may touch several of them.
 */
export const redisKeys = {
  /** ingest-api: an idempotency key (stored as a digest) → claim or accepted batch. */
  ingestIdempotency: (tenant: string, keyDigest: string) => `ingest:idem:{${tenant}}:${keyDigest}`,
};

import { createHash } from 'node:crypto';
import { type RedisClient, redisKeys } from '@cdnlog/common';

export type Claim =
  | { kind: 'claimed'; release: () => Promise<void>; complete: (accepted: number) => Promise<void> }
  | { kind: 'in_progress' }
  | { kind: 'done'; batchId: string; accepted: number }
  /** The tenant holds as many keys as it may; the oldest is forgotten in `retryAfterSeconds`. */
  | { kind: 'quota_exceeded'; retryAfterSeconds: number };

/**
 * KEYS[1]: the key's record; KEYS[2]: the tenant's held keys (digest → expiry ms).
 * ARGV: token, claim TTL ms, now ms, keys the tenant may hold, digest, record TTL ms.
 * A key already held answers with its value before the quota is looked at, so a
 * resend of an accepted batch still gets its 409 when the tenant is at its quota.
 */
const CLAIM = `
local held = redis.call('GET', KEYS[1])
if held then return {'held', held} end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[3])
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then
  local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return {'full', oldest[2]}
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], tonumber(ARGV[3]) + tonumber(ARGV[2]), ARGV[5])
if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[6]) then redis.call('PEXPIRE', KEYS[2], ARGV[6]) end
return {'claimed'}`;

/** ARGV: record, record TTL ms, expiry ms, digest. */
const COMPLETE = `
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1`;

// Delete the claim only if it is still ours (a slow request must not free another's claim). ARGV: token, digest.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('ZREM', KEYS[2], ARGV[2])
  return redis.call('DEL', KEYS[1])
end
return 0`;

/**
 * Idempotency keys in Redis, shared by every ingest instance:
 * - a claim takes the key for the request (two concurrent requests: one wins,
 *   the other gets `in_progress`); the claim expires after `claimTtlMs` if the
 *   instance dies mid-request;
 * - on success the key records the batch for `ttlMs` → later resends get 409;
 * - on failure the claim is released, so the key can be used again;
 * - a tenant holds at most `maxKeys` (claims and records) at once, so one
 *   tenant's keyed requests cannot fill the Redis every tenant shares; a new
 *   key beyond that is refused until the oldest expires.
 * The key is stored as a digest, so any header value is safe in a Redis key.
 */
export class IdempotencyStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly opts: { ttlMs: number; claimTtlMs: number; now?: () => number },
  ) {}

  async claim(tenant: string, idempotencyKey: string, batchId: string, maxKeys: number): Promise<Claim> {
    const digest = createHash('sha256').update(idempotencyKey).digest('hex');
    const keys = [redisKeys.ingestIdempotency(tenant, digest), redisKeys.ingestIdempotencyHeld(tenant)] as const;
    const token = `pending:${batchId}`;
    const now = this.now();
    const [outcome, value] = (await this.redis.eval(
      CLAIM, 2, ...keys, token, String(this.opts.claimTtlMs), String(now), String(maxKeys), digest, String(this.opts.ttlMs),
    )) as [string, string | undefined];
    if (outcome === 'claimed') {
      return {
        kind: 'claimed',
        release: async () => void (await this.redis.eval(RELEASE, 2, ...keys, token, digest)),
        complete: async (accepted) =>
          void (await this.redis.eval(COMPLETE, 2, ...keys, `done:${batchId}:${accepted}`, String(this.opts.ttlMs), String(this.now() + this.opts.ttlMs), digest)),
      };
    }
    if (outcome === 'full') return { kind: 'quota_exceeded', retryAfterSeconds: Math.max(1, Math.ceil((Number(value) - now) / 1000)) };
    if (value?.startsWith('done:')) {
      const [, id, accepted] = value.split(':');
      return { kind: 'done', batchId: id!, accepted: Number(accepted) };
    }
    return { kind: 'in_progress' };
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }
}

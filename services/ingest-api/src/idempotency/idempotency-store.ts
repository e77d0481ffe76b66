import { createHash } from 'node:crypto';
import { type RedisClient, redisKeys } from '@cdnlog/common';

export type Claim =
  | { kind: 'claimed'; release: () => Promise<void>; complete: (accepted: number) => Promise<void> }
  | { kind: 'in_progress' }
  | { kind: 'done'; batchId: string; accepted: number };

// Delete the claim only if it is still ours (a slow request must not free another's claim).
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * Idempotency keys in Redis, shared by every ingest instance:
 * - `SET NX` claims a key for the request (two concurrent requests: one wins,
 *   the other gets `in_progress`); the claim expires after `claimTtlMs` if the
 *   instance dies mid-request;
 * - on success the key records the batch for `ttlMs` (≥ 24 h) → later resends get 409;
 * - on failure the claim is released, so the key can be used again.
 * The key is stored as a digest, so any header value is safe in a Redis key.
 */
export class IdempotencyStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly opts: { ttlMs: number; claimTtlMs: number },
  ) {}

  async claim(tenant: string, idempotencyKey: string, batchId: string): Promise<Claim> {
    const key = redisKeys.ingestIdempotency(tenant, createHash('sha256').update(idempotencyKey).digest('hex'));
    const token = `pending:${batchId}`;
    const won = await this.redis.set(key, token, 'PX', this.opts.claimTtlMs, 'NX');
    if (won === 'OK') {
      return {
        kind: 'claimed',
        release: async () => void (await this.redis.eval(RELEASE, 1, key, token)),
        complete: async (accepted) => void (await this.redis.set(key, `done:${batchId}:${accepted}`, 'PX', this.opts.ttlMs)),
      };
    }
    const value = await this.redis.get(key);
    if (value?.startsWith('done:')) {
      const [, id, accepted] = value.split(':');
      return { kind: 'done', batchId: id!, accepted: Number(accepted) };
    }
    // Pending, or it expired between the two calls: either way the caller should retry shortly.
    return { kind: 'in_progress' };
  }
}

import { redisKeys, type RedisClient } from '@cdnlog/common';
import type { PositionedEvent } from '../aggregate/pre-aggregate';

/**
 * KEYS[i]: the claim of one batchKey; ARGV[1]: TTL in seconds; ARGV[i + 1]: the
 * batchId that offers to be counted for KEYS[i]. Returns, per key, the batchId
 * that is counted: whichever claimed it first. The shebang makes Redis refuse
 * the script under maxmemory before it runs, like the live script.
 */
const CLAIM_SCRIPT = `#!lua
local owners = {}
for i, key in ipairs(KEYS) do
  local owner = redis.call('GET', key)
  if not owner then
    owner = ARGV[i + 1]
    redis.call('SET', key, owner, 'EX', ARGV[1])
  end
  owners[i] = owner
end
return owners
`;

export type ClaimClient = RedisClient & { cdnlogClaimBatches(numKeys: number, ...args: string[]): Promise<string[]> };

/** Register the script once per client (EVALSHA with EVAL fallback, handled by ioredis). */
export function withClaimScript<C extends RedisClient>(redis: C): C & ClaimClient {
  if (!('cdnlogClaimBatches' in redis)) redis.defineCommand('cdnlogClaimBatches', { lua: CLAIM_SCRIPT });
  return redis as C & ClaimClient;
}

/** Beyond the window and grace: covers events timed up to 10 minutes in the future. */
export const CLAIM_MARGIN_SECONDS = 600;

/**
 * Keep one copy of each re-sent batch. An edge that got a 503 re-sends its batch
 * with the same idempotency key, and the first attempt may have been written
 * after all: both copies carry the same `batchKey` and different `batchId`s.
 * The first copy to claim its batchKey in Redis is counted; the events of every
 * other copy are dropped here (ClickHouse collapses them by event id). A
 * redelivery of the counted copy has the same batchId and stays (the watermark
 * skips it later). One script call per tenant: its keys share the tenant's
 * Cluster slot. Claims live as long as the window plus `CLAIM_MARGIN_SECONDS`:
 * a copy arriving later only holds events that are out of the window by then
 * (events may be timed up to the ingest API's future skew, 5 min by default,
 * ahead of their arrival). Memory: one key of ~100–150 B per raw message sent
 * with an idempotency key, for as long as that.
 */
export async function dropResentCopies(
  redis: ClaimClient,
  events: PositionedEvent[],
  ttlSeconds: number,
): Promise<{ kept: PositionedEvent[]; skipped: number }> {
  const offers = new Map<string, Map<string, string>>(); // tenant → batchKey → batchId of its first copy here
  for (const { event } of events) {
    if (!event.batchKey) continue;
    let tenant = offers.get(event.customerId);
    if (!tenant) offers.set(event.customerId, (tenant = new Map()));
    if (!tenant.has(event.batchKey)) tenant.set(event.batchKey, event.batchId);
  }
  if (offers.size === 0) return { kept: events, skipped: 0 };

  const counted = new Set<string>(); // `${tenant}\0${batchKey}\0${batchId}` of the copies that count
  await Promise.all(
    [...offers].map(async ([tenant, batches]) => {
      const batchKeys = [...batches.keys()];
      const owners = await redis.cdnlogClaimBatches(
        batchKeys.length, ...batchKeys.map((k) => redisKeys.live.resendClaim(tenant, k)), String(ttlSeconds), ...batches.values(),
      );
      batchKeys.forEach((k, i) => counted.add(`${tenant}\0${k}\0${owners[i]}`));
    }),
  );
  const kept = events.filter(({ event }) => !event.batchKey || counted.has(`${event.customerId}\0${event.batchKey}\0${event.batchId}`));
  return { kept, skipped: events.length - kept.length };
}

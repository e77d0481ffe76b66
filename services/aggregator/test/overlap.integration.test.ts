/**
 * Two members briefly process the same partition during a rebalance: the other
 * one moves the tenant's watermark while this one applies. Each time the script
 * answers "overlap", the handler recomputes from the new watermark, until its
 * own rest is applied or nothing is left (a duplicate).
 */
import { createMetrics, createRedis, type ConsumedMessage, redisKeys, scanKeys } from '@cdnlog/common';
import { stackConfig, testLogger, uniquePrefix } from '@cdnlog/common/testing';
import { withLiveScript } from '../src/apply/apply-live';
import { handleEnrichedBatch } from '../src/handle-enriched-batch';
import { aggregatorMetrics } from '../src/metrics';
import type { LiveRebuild } from '../src/rebuild/live-rebuild';

const prefix = uniquePrefix('overlap');
const tenants = [`${prefix}-t`, `${prefix}-t2`];
const topic = `${prefix}.enriched`;
const redis = withLiveScript(createRedis(stackConfig()));
afterAll(async () => {
  for (const tenant of tenants) for (const k of await scanKeys(redis, `live:{${tenant}}:*`)) await redis.del(k);
  await redis.del(redisKeys.live.partitionMarker(topic, 0));
  await redis.quit();
});

const now = Date.now();
const fields = { timestamp: now, clientIp: '1.1.1.1', country: 'GB', route: 'GET /', status: 200, bytesSent: 1, uaFamily: 'Chrome', cacheStatus: 'HIT' };
const request = (tenant: string) => ({ customerId: tenant, receivedAt: now, enrichedAt: now, batchId: 'b', batchKey: '' });
/** v1: one event at the offset; v2: three events sharing it. */
const message = (tenant: string, offset: number, version: 1 | 2): ConsumedMessage => {
  const value = version === 1
    ? { v: 1, eventId: `${prefix}-${offset}`, ...request(tenant), ...fields }
    : { v: 2, ...request(tenant), events: [0, 1, 2].map((i) => ({ eventId: `${prefix}-${offset}-${i}`, ...fields })) };
  return { topic, partition: 0, offset: String(offset), key: tenant, value: Buffer.from(JSON.stringify(value)), headers: {}, timestamp: now };
};

it.each([
  [1, 1, `${prefix}-t`],
  [2, 3, `${prefix}-t2`],
] as const)('v%i messages (%i event(s) per offset): applies exactly the events past the watermark, even when it moved twice while this member applied', async (version, perOffset, tenant) => {
  const watermark = redisKeys.live.watermark(tenant, topic, 0);
  await redis.set(watermark, '3'); // offsets 0..3 counted by the other member already
  const original = redis.cdnlogApplyLive.bind(redis);
  let calls = 0;
  redis.cdnlogApplyLive = async (numKeys: number, ...args: string[]) => {
    if (++calls === 2) await redis.set(watermark, '6'); // the other member counted 4..6 meanwhile
    return original(numKeys, ...args);
  };
  const metrics = aggregatorMetrics(createMetrics('test'));
  const rebuild = { withLock: (_t: string, _p: number, fn: () => Promise<unknown>) => fn(), beforeBatch: async () => 'apply' } as unknown as LiveRebuild;
  const handle = handleEnrichedBatch({
    redis, rebuild, metrics, logger: testLogger('overlap'), unknownErrorGraceMs: 1000,
    deadLetters: { send: async (letters) => expect(letters).toEqual([]) }, // nothing here is refused
    settings: { windowMinutes: 15, graceSeconds: 120, topN: 10 },
  });
  await redis.set(redisKeys.live.partitionMarker(topic, 0), '-1');
  try {
    await handle({ topic, partition: 0, messages: Array.from({ length: 10 }, (_, i) => message(tenant, i, version)), highWatermark: '10' }, {} as never);
  } finally {
    redis.cdnlogApplyLive = original;
  }

  expect(calls).toBe(3); // overlap at 3, overlap at 6, then 7..9 applied
  expect(await redis.get(watermark)).toBe('9');
  const minute = Math.floor(now / 60_000) * 60;
  expect(await redis.hget(redisKeys.live.counters(tenant, minute), 'requests')).toBe(String(3 * perOffset));
  expect((await metrics.freshness.get()).values.find((v) => v.metricName?.endsWith('_count'))?.value).toBe(3 * perOffset);
});

/**
 * Two members briefly process the same partition during a rebalance: the other
 * one moves the tenant's watermark while this one applies. Each time the script
 * answers "overlap", the handler recomputes from the new watermark, until its
 * own rest is applied or nothing is left (a duplicate).
 */
import { createMetrics, createRedis, type ConsumedMessage, type EnrichedEvent, redisKeys, scanKeys } from '@cdnlog/common';
import { stackConfig, testLogger, uniquePrefix } from '@cdnlog/common/testing';
import { withLiveScript } from '../src/apply/apply-live';
import { handleEnrichedBatch } from '../src/handle-enriched-batch';
import { aggregatorMetrics } from '../src/metrics';
import type { LiveRebuild } from '../src/rebuild/live-rebuild';

const prefix = uniquePrefix('overlap');
const tenant = `${prefix}-t`;
const topic = `${prefix}.enriched`;
const redis = withLiveScript(createRedis(stackConfig()));
afterAll(async () => {
  for (const k of await scanKeys(redis, `live:{${tenant}}:*`)) await redis.del(k);
  await redis.del(redisKeys.live.partitionMarker(topic, 0));
  await redis.quit();
});

const now = Date.now();
const message = (offset: number): ConsumedMessage => {
  const event: Partial<EnrichedEvent> = {
    v: 1, eventId: `${prefix}-${offset}`, customerId: tenant, timestamp: now, receivedAt: now, enrichedAt: now, batchId: 'b', clientIp: '1.1.1.1',
    country: 'GB', route: 'GET /', status: 200, bytesSent: 1, uaFamily: 'Chrome', cacheStatus: 'HIT',
  };
  return { topic, partition: 0, offset: String(offset), key: tenant, value: Buffer.from(JSON.stringify(event)), headers: {}, timestamp: now };
};

it('applies exactly the events past the watermark, even when it moved twice while this member applied', async () => {
  const watermark = redisKeys.live.watermark(tenant, topic, 0);
  await redis.set(watermark, '3'); // offsets 0..3 counted by the other member already
  const original = redis.cdnlogApplyLive.bind(redis);
  let calls = 0;
  redis.cdnlogApplyLive = async (numKeys: number, ...args: string[]) => {
    if (++calls === 2) await redis.set(watermark, '6'); // the other member counted 4..6 meanwhile
    return original(numKeys, ...args);
  };
  const rebuild = { withLock: (_t: string, _p: number, fn: () => Promise<unknown>) => fn(), beforeBatch: async () => 'apply' } as unknown as LiveRebuild;
  const handle = handleEnrichedBatch({
    redis, rebuild, metrics: aggregatorMetrics(createMetrics('test')), logger: testLogger('overlap'),
    settings: { windowMinutes: 15, graceSeconds: 120, topN: 10 },
  });
  await redis.set(redisKeys.live.partitionMarker(topic, 0), '-1');
  await handle({ topic, partition: 0, messages: Array.from({ length: 10 }, (_, i) => message(i)), highWatermark: '10' }, {} as never);

  expect(calls).toBe(3); // overlap at 3, overlap at 6, then 7..9 applied
  expect(await redis.get(watermark)).toBe('9');
  const minute = Math.floor(now / 60_000) * 60;
  expect(await redis.hget(redisKeys.live.counters(tenant, minute), 'requests')).toBe('3');
});

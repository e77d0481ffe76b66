import { redisKeys } from '@cdnlog/common';
import { runStack, stopComponent, testLogger, waitFor } from '@cdnlog/common/testing';
import { withLiveScript } from '../src/apply/apply-live';
import { createAggregator } from '../src/create-aggregator';
import { aggregatorTestbed } from './harness';

let bed: Awaited<ReturnType<typeof aggregatorTestbed>>;
let aggregator: ReturnType<typeof createAggregator>;
const all = () => bed.events(6000, 0, 9000);

beforeAll(async () => {
  bed = await aggregatorTestbed('agg');
  aggregator = createAggregator(bed.config, testLogger('aggregator'));
  await aggregator.start();
});
afterAll(async () => {
  await aggregator.stop();
  await bed.cleanup();
});

const metricValue = async (name: string) => {
  const line = (await aggregator.metrics.registry.metrics()).split('\n').find((l) => l.startsWith(name));
  return line ? Number(line.split(' ').pop()) : 0;
};

describe('aggregator on the real stack', () => {
  it('per-minute totals equal the expected numbers exactly (v1 and v2 messages mixed); top lists exact; unique IPs within 2 %', async () => {
    const events = all();
    await bed.produceV1(events.slice(0, 1500)); // as enrichers before v2 wrote them
    await bed.produce(events.slice(1500)); // v2: 50 events per message
    await bed.waitExact(events);
    expect(await metricValue('cdnlog_aggregator_event_freshness_seconds_count')).toBe(events.length); // one observation per event read

    const [tenant] = bed.tenants;
    const mine = events.filter((e) => e.customerId === tenant);
    const minute = Math.floor(mine[0]!.timestamp / 60_000) * 60;
    const inMinute = mine.filter((e) => Math.floor(e.timestamp / 60_000) * 60 === minute);
    // Unique IPs over the tenant's whole window: PFCOUNT merges the minutes' HyperLogLogs.
    const truth = new Set(mine.map((e) => e.clientIp)).size;
    const minutes = [...new Set(mine.map((e) => Math.floor(e.timestamp / 60_000) * 60))];
    const hll = await bed.redis.pfcount(...minutes.map((m) => redisKeys.live.uniqueIps(tenant!, m)));
    expect(truth).toBe(2000);
    expect(Math.abs(hll - truth) / truth).toBeLessThan(0.02);

    const count = (key: (e: (typeof inMinute)[0]) => string) => {
      const m = new Map<string, number>();
      for (const e of inMinute) m.set(key(e), (m.get(key(e)) ?? 0) + 1);
      return [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : -1)).map(([k, v]) => [k, String(v)]).flat();
    };
    expect(await bed.redis.zrevrange(redisKeys.live.countries(tenant!, minute), 0, -1, 'WITHSCORES')).toEqual(count((e) => e.country));
    expect(await bed.redis.zrevrange(redisKeys.live.routes(tenant!, minute), 0, -1, 'WITHSCORES')).toEqual(count((e) => e.route));
    expect(await bed.redis.zrevrange(redisKeys.live.uaFamilies(tenant!, minute), 0, -1, 'WITHSCORES')).toEqual(count((e) => e.uaFamily));
  });

  it('replaying every batch after the scripts ran (offsets rewound, as after a crash before commit) changes nothing', async () => {
    await aggregator.stop();
    await bed.rewindGroup();
    aggregator = createAggregator(bed.config, testLogger('aggregator'));
    await aggregator.start();
    await waitFor(() => metricValue('cdnlog_aggregator_tenant_applies_total{outcome="duplicate"'), (n) => n >= 3, { what: 'redeliveries to be ignored' });
    await bed.waitExact(all());
  });

  it('every key expires: minute keys after the window plus grace, watermarks later', async () => {
    const [tenant] = bed.tenants;
    const keys = await bed.tenantKeys(tenant!);
    expect(keys.length).toBeGreaterThan(0);
    const withoutExpiry = [];
    for (const key of keys) if ((await bed.redis.ttl(key)) < 0) withoutExpiry.push(key);
    expect(withoutExpiry).toEqual([]);
    const minute = Math.floor(all()[0]!.timestamp / 60_000) * 60;
    expect(Number(await bed.redis.call('EXPIRETIME', redisKeys.live.counters(tenant!, minute)))).toBe(minute + 15 * 60 + 120);
  });

  it('a failing script leaves no partial increments', async () => {
    const redis = withLiveScript(bed.redis);
    const tenant = bed.tenants[1]!;
    const minute = Math.floor(Date.now() / 60_000) * 60;
    const k = redisKeys.live;
    const keysFor = (m: number) => [k.counters(tenant, m), k.uniqueIps(tenant, m), k.countries(tenant, m), k.routes(tenant, m), k.uaFamilies(tenant, m)];
    const before = await bed.redis.hgetall(k.counters(tenant, minute));
    const good = { expireAt: minute + 2000, c: { requests: '5' }, ips: ['1.1.1.1'], geo: { GB: 5 }, rt: {}, ua: {} };
    const bad = { ...good, c: { requests: 'five' } };
    const payload = JSON.stringify({ first: 10_000_000, last: 10_000_001, wmTtl: 60, topN: 10, minutes: [good, bad] });
    const keys = [k.watermark(tenant, 'x', 0), ...keysFor(minute), ...keysFor(minute - 60)];
    await expect(redis.cdnlogApplyLive(keys.length, ...keys, payload)).rejects.toThrow('ERR live: minute 2 is malformed');
    expect(await bed.redis.hgetall(k.counters(tenant, minute))).toEqual(before);
    expect(await bed.redis.exists(k.watermark(tenant, 'x', 0))).toBe(0);
  });

  it('Redis at maxmemory: the consumer pauses and retries, nothing is evicted, totals exact afterwards', async () => {
    const info = await bed.redis.info('memory');
    const used = Number(/used_memory:(\d+)/.exec(info)![1]);
    const errorsBefore = await metricValue('cdnlog_consumer_handler_errors_total');
    // Well below what is used. At exactly `used` this test failed once (the first 6,000 no longer exact), presumably
    // because memory dropped below the limit for a moment and a script ran.
    await bed.redis.config('SET', 'maxmemory', String(Math.floor(used / 2)));
    const more = bed.events(300, 6000, 9000);
    try {
      await bed.produce(more);
      await waitFor(() => metricValue('cdnlog_consumer_handler_errors_total'), (n) => n > errorsBefore, { what: 'OOM-rejected script calls' });
      await bed.waitExact(all()); // the first 6000 are all still there
    } finally {
      await bed.redis.config('SET', 'maxmemory', '512mb');
    }
    await bed.waitExact([...all(), ...more]);
  }, 120_000);

  it('Redis restarted empty after offsets were committed: the window is rebuilt from Kafka, exact again', async () => {
    const events = [...all(), ...bed.events(300, 6000, 9000)];
    await stopComponent('redis');
    const up = await runStack('up');
    expect(up.status).toBe(0);
    expect(up.stderr).toContain('stack: starting redis');
    await bed.waitExact(events, 90_000);
    expect(await metricValue('cdnlog_aggregator_rebuilds_total')).toBeGreaterThanOrEqual(1);
  }, 150_000);
});

/**
 * The live script on the real Redis: it checks the payload and what Redis holds
 * (key types, HyperLogLogs, counter bounds, the watermark) before its first
 * write, so every refusal is an `ERR live:` error that changes nothing at all.
 */
import { createRedis, redisKeys, scanKeys } from '@cdnlog/common';
import { stackConfig, uniquePrefix } from '@cdnlog/common/testing';
import { applyTenantDelta, withLiveScript } from '../src/apply/apply-live';
import { dumpTenant } from './harness';

const redis = withLiveScript(createRedis(stackConfig()));
const tenant = `${uniquePrefix('livescript')}-t`;
const k = redisKeys.live;
const topic = 'live-script-test';
const watermark = k.watermark(tenant, topic, 0);
const minute = Math.floor(Date.now() / 60_000) * 60;
const settings = { windowMinutes: 15, graceSeconds: 120, topN: 10 };
const keysOf = (m: number) => [k.counters(tenant, m), k.uniqueIps(tenant, m), k.countries(tenant, m), k.routes(tenant, m), k.uaFamilies(tenant, m)];
const zeros = { requests: '0', bytes: '0', status2xx: '0', status3xx: '0', status4xx: '0', status5xx: '0', cacheHits: '0', cacheMisses: '0' };
const goodMinute = (c: Record<string, string> = { ...zeros, requests: '2', bytes: '300', status2xx: '2' }) => ({
  expireAt: minute + 2000, c, ips: ['1.1.1.1', '2.2.2.2'], geo: { GB: 2 }, rt: { 'GET /': 2 }, ua: { Chrome: 2 },
});

/** Call the script with two minutes (this one and the one before) for offsets first..last, or with a raw payload. */
const call = (minutes: unknown[] | string, first = 100, last = 101) => {
  const keys = [watermark, ...(Array.isArray(minutes) ? minutes.flatMap((_, i) => keysOf(minute - 60 * i)) : [...keysOf(minute), ...keysOf(minute - 60)])];
  const payload = typeof minutes === 'string' ? minutes : JSON.stringify({ first, last, wmTtl: 600, topN: 10, minutes });
  return redis.cdnlogApplyLive(keys.length, ...keys, payload);
};

beforeEach(async () => {
  for (const key of await scanKeys(redis, `live:{${tenant}}:*`)) await redis.del(key);
  await call([goodMinute(), goodMinute()], 0, 10); // some state to protect: both minutes written, watermark 10
});
afterAll(async () => {
  for (const key of await scanKeys(redis, `live:{${tenant}}:*`)) await redis.del(key);
  await redis.quit();
});

/** Run `refused` and expect an `ERR live:` error matching `message`, with every key of the tenant (watermark included) unchanged. */
async function expectNothingChanged(refused: () => Promise<unknown>, message: RegExp) {
  const before = await dumpTenant(redis, tenant);
  expect(before.map((d) => d.key)).toContain(watermark);
  await expect(refused()).rejects.toThrow(message);
  expect(await dumpTenant(redis, tenant)).toEqual(before);
}

describe('live script', () => {
  it('counts counters beyond 2^53 exactly (decimal strings): twelve events of 2^53 - 1 bytes', async () => {
    const bytes = 12n * BigInt(Number.MAX_SAFE_INTEGER);
    const delta = {
      tenant, firstOffset: 11, lastOffset: 11,
      minutes: new Map([[minute, {
        counters: { requests: 12, bytes, status2xx: 12, status3xx: 0, status4xx: 0, status5xx: 0, cacheHits: 0, cacheMisses: 0 },
        ips: new Set(['3.3.3.3']), countries: new Map(), routes: new Map([['GET /', 12]]), uaFamilies: new Map(),
      }]]),
    };
    expect(await applyTenantDelta(redis, delta, topic, 0, settings)).toEqual({ outcome: 'applied', watermark: 11 });
    expect(await redis.hget(k.counters(tenant, minute), 'bytes')).toBe(String(bytes + 300n));
    expect(await applyTenantDelta(redis, delta, topic, 0, settings)).toEqual({ outcome: 'duplicate', watermark: 11 });
  });

  it('a minute without anything only moves the watermark (how a dead-lettered offset is passed)', async () => {
    const before = await dumpTenant(redis, tenant);
    expect(await call([], 11, 11)).toEqual(['applied', '11']);
    expect(await call([], 11, 11)).toEqual(['duplicate', '11']);
    const after = await dumpTenant(redis, tenant);
    expect(after.filter((d) => d.key !== watermark)).toEqual(before.filter((d) => d.key !== watermark));
    expect(await redis.get(watermark)).toBe('11');
  });

  it("a minute's routes key that is a plain string (WRONGTYPE for ZINCRBY): refused before the first write, even of the other minute", async () => {
    await redis.set(k.routes(tenant, minute - 60), 'not a zset');
    await expectNothingChanged(() => call([goodMinute(), goodMinute()]), /^ERR live: live:\{.*\}:\d+:rt is a string, not a zset/);
  });

  it('a counter that would reach the bound (9e18, below the int64 limit): refused, nothing written', async () => {
    await redis.hset(k.counters(tenant, minute - 60), 'bytes', '8999999999999999000');
    await expectNothingChanged(() => call([goodMinute(), goodMinute({ ...zeros, requests: '1', bytes: '1000' })]), /^ERR live: .*:c bytes would reach 9000000000000000000/);
    // Below the bound it counts, exactly.
    await redis.hset(k.counters(tenant, minute - 60), 'bytes', '8900000000000000000');
    expect(await call([goodMinute(), goodMinute({ ...zeros, requests: '1', bytes: '1000' })])).toEqual(['applied', '101']);
    expect(await redis.hget(k.counters(tenant, minute - 60), 'bytes')).toBe('8900000000000001000');
  });

  it('other states Redis may hold: a HyperLogLog key that is no HyperLogLog, a counter that is no integer, a watermark of the wrong type', async () => {
    await redis.set(k.uniqueIps(tenant, minute), 'plain');
    await expectNothingChanged(() => call([goodMinute(), goodMinute()]), /^ERR live: .*:ips is not a HyperLogLog/);
    await redis.del(k.uniqueIps(tenant, minute));
    await call([goodMinute()], 20, 20); // re-creates it
    await redis.hset(k.counters(tenant, minute), 'status2xx', 'abc');
    await expectNothingChanged(() => call([goodMinute(), goodMinute()], 30, 31), /^ERR live: .*:c status2xx is not an integer/);
    // Integers Redis itself would not parse: a leading zero, a negative zero (HINCRBY would fail after earlier writes).
    for (const odd of ['007', '-0']) {
      await redis.hset(k.counters(tenant, minute), 'status2xx', odd);
      await expectNothingChanged(() => call([goodMinute(), goodMinute()], 30, 31), /^ERR live: .*:c status2xx is not an integer/);
    }
    await redis.hset(k.counters(tenant, minute), 'status2xx', '1');
    const wm = await redis.get(watermark);
    await redis.del(watermark);
    await redis.hset(watermark, 'x', wm!);
    await expectNothingChanged(() => call([goodMinute(), goodMinute()], 30, 31), /^ERR live: watermark .* is a hash/);
  });

  it('payloads it refuses: counters as JSON numbers or over 18 digits, top-list increments not finite, not JSON', async () => {
    const both = (m: unknown) => () => call([goodMinute(), m]);
    await expectNothingChanged(both({ ...goodMinute(), c: { ...zeros, bytes: 300 } }), /^ERR live: minute 2 is malformed/);
    await expectNothingChanged(both(goodMinute({ ...zeros, bytes: '1000000000000000000' })), /^ERR live: minute 2 is malformed/);
    await expectNothingChanged(both(goodMinute({ ...zeros, bytes: '-5' })), /^ERR live: minute 2 is malformed/);
    await expectNothingChanged(both(goodMinute({ ...zeros, bytes: '0100' })), /^ERR live: minute 2 is malformed/);
    await expectNothingChanged(both({ ...goodMinute(), rt: { 'GET /': -1 } }), /^ERR live: minute 2 is malformed/);
    const payload = (rt: string) => `{"first":100,"last":101,"wmTtl":600,"topN":10,"minutes":[${JSON.stringify(goodMinute())},${JSON.stringify(goodMinute()).replace('{"GET /":2}', rt)}]}`;
    await expectNothingChanged(() => call(payload('{"GET /":1e999}')), /^ERR live: (minute 2 is malformed|payload is not JSON)/);
    await expectNothingChanged(() => call(payload('{"GET /\\udc00":1}')), /^ERR live: payload is not JSON/);
  });
});

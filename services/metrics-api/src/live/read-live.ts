import { LIVE_COUNTER_FIELDS, type LiveCounterField, redisKeys, type RedisClient } from '@cdnlog/common';
import type { LiveMinute, LiveView } from '../api-schemas';

const pairs = (flat: string[]) => {
  const out: Array<[string, number]> = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, Number(flat[i + 1])]);
  return out;
};

/**
 * The tenant's live window from the aggregator's keys (services/aggregator/README.md):
 * every minute of the window, oldest first, zeros where there was no traffic.
 * One pipeline per request; all keys share the tenant's hash tag (one slot).
 */
export async function readLive(redis: RedisClient, tenant: string, opts: { windowMinutes: number; topN: number; nowMs: number }): Promise<LiveView> {
  const current = Math.floor(opts.nowMs / 60_000) * 60;
  const minutes = Array.from({ length: opts.windowMinutes }, (_, i) => current - (opts.windowMinutes - 1 - i) * 60);
  const k = redisKeys.live;
  const pipeline = redis.pipeline();
  for (const m of minutes) {
    pipeline.hgetall(k.counters(tenant, m));
    pipeline.pfcount(k.uniqueIps(tenant, m));
    pipeline.zrevrange(k.countries(tenant, m), 0, opts.topN - 1, 'WITHSCORES');
    pipeline.zrevrange(k.routes(tenant, m), 0, opts.topN - 1, 'WITHSCORES');
    pipeline.zrevrange(k.uaFamilies(tenant, m), 0, opts.topN - 1, 'WITHSCORES');
  }
  pipeline.pfcount(...minutes.map((m) => k.uniqueIps(tenant, m)));
  const results = await pipeline.exec();
  if (!results) throw new Error('redis pipeline returned nothing');
  const value = (i: number) => {
    const [err, v] = results[i]!;
    if (err) throw err;
    return v;
  };

  const totals: Record<LiveCounterField, number> = { requests: 0, bytes: 0, status2xx: 0, status3xx: 0, status4xx: 0, status5xx: 0, cacheHits: 0, cacheMisses: 0 };
  const out: LiveMinute[] = minutes.map((m, idx) => {
    const base = idx * 5;
    const raw = value(base) as Record<string, string>;
    const c = Object.fromEntries(LIVE_COUNTER_FIELDS.map((f) => [f, Number(raw[f] ?? 0)])) as Record<LiveCounterField, number>;
    for (const f of LIVE_COUNTER_FIELDS) totals[f] += c[f];
    return {
      minute: new Date(m * 1000).toISOString(),
      requests: c.requests,
      bytes: c.bytes,
      status2xx: c.status2xx,
      status3xx: c.status3xx,
      status4xx: c.status4xx,
      status5xx: c.status5xx,
      uniqueIps: Number(value(base + 1)),
      topCountries: pairs(value(base + 2) as string[]).map(([country, requests]) => ({ country, requests })),
      topPaths: pairs(value(base + 3) as string[]).map(([path, requests]) => ({ path, requests })),
      topUaFamilies: pairs(value(base + 4) as string[]).map(([uaFamily, requests]) => ({ uaFamily, requests })),
    };
  });
  const cacheable = totals.cacheHits + totals.cacheMisses;
  return {
    customerId: tenant,
    source: 'live',
    windowMinutes: opts.windowMinutes,
    totals: {
      requests: totals.requests,
      bytes: totals.bytes,
      status2xx: totals.status2xx,
      status3xx: totals.status3xx,
      status4xx: totals.status4xx,
      status5xx: totals.status5xx,
      uniqueIps: Number(value(minutes.length * 5)),
      cacheHitRatio: cacheable === 0 ? null : Math.round((totals.cacheHits / cacheable) * 10_000) / 10_000,
    },
    minutes: out,
  };
}

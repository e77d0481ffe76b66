import { seededRandom } from '@cdnlog/common';

/**
 * Realistic CDN access-log entries: skewed tenant sizes and paths (Zipf),
 * public IPv4 addresses (they resolve in GeoLite2), real user agents, and
 * status / cache-status mixes like a CDN edge's. Deterministic per seed.
 */
export const BENCH_TENANTS = Array.from({ length: 20 }, (_, i) => `bench-${String(i).padStart(2, '0')}`);

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.70',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  'curl/8.5.0',
];
const PATHS = Array.from({ length: 200 }, (_, i) =>
  i % 4 === 0 ? `/static/app.${i}.js` : i % 4 === 1 ? `/img/p${i}.webp` : i % 4 === 2 ? `/api/v1/items/${i}` : `/page/${i}.html`,
);
const STATUS = [[200, 850], [206, 20], [304, 50], [301, 10], [404, 50], [403, 5], [500, 5], [502, 5], [503, 5]] as const;
const CACHE = [['HIT', 70], ['MISS', 20], ['EXPIRED', 5], ['BYPASS', 5]] as const;
const POPS = ['fra1', 'lhr1', 'iad1', 'sin1', 'gru1'];

/** Zipf(s=1.1) sampler over n items: item 0 is the most frequent. */
export function zipf(n: number, random: () => number): () => number {
  const weights = Array.from({ length: n }, (_, i) => 1 / Math.pow(i + 1, 1.1));
  const total = weights.reduce((a, b) => a + b, 0);
  const cdf: number[] = [];
  let acc = 0;
  for (const w of weights) cdf.push((acc += w / total));
  return () => {
    const r = random();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < r) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function weighted<T>(table: ReadonlyArray<readonly [T, number]>, random: () => number): () => T {
  const total = table.reduce((a, [, w]) => a + w, 0);
  return () => {
    let r = random() * total;
    for (const [value, w] of table) if ((r -= w) < 0) return value;
    return table[0]![0];
  };
}

function publicIpv4(random: () => number): string {
  for (;;) {
    const a = 1 + Math.floor(random() * 222);
    if (a === 10 || a === 127 || a === 100 || a === 169 || a === 172 || a === 192) continue;
    return `${a}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${1 + Math.floor(random() * 254)}`;
  }
}

export interface EntryGenerator {
  tenant(): string;
  entry(runId: string, nowMs: number): Record<string, unknown>;
}

export function entryGenerator(seed: number): EntryGenerator {
  const random = seededRandom(seed);
  const tenant = zipf(BENCH_TENANTS.length, random);
  const path = zipf(PATHS.length, random);
  const status = weighted(STATUS, random);
  const cache = weighted(CACHE, random);
  // A pool of client IPs per generator: CDN traffic repeats addresses.
  const ips = Array.from({ length: 5000 }, () => publicIpv4(random));
  const ip = zipf(ips.length, random);
  return {
    tenant: () => BENCH_TENANTS[tenant()]!,
    entry: (runId, nowMs) => ({
      timestamp: nowMs,
      clientIp: ips[ip()]!,
      method: random() < 0.95 ? 'GET' : 'POST',
      path: `${PATHS[path()]!}${random() < 0.3 ? `?v=${Math.floor(random() * 100)}` : ''}`,
      status: status(),
      bytesSent: Math.floor(200 + random() * 50_000),
      userAgent: USER_AGENTS[Math.floor(random() * USER_AGENTS.length)]!,
      host: runId,
      cacheStatus: cache(),
      responseTimeMs: Math.floor(random() * 300),
      pop: POPS[Math.floor(random() * POPS.length)]!,
    }),
  };
}

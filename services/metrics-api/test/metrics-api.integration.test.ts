import type { AddressInfo } from 'node:net';
import { closeServer, listen, parseEnv, redisKeys, sha256Hex, startOpsServer, stringLiteral, TenantRegistry } from '@cdnlog/common';
import { testLogger, uniquePrefix } from '@cdnlog/common/testing';
import { configSchema } from '../src/config';
import { createMetricsApi } from '../src/create-metrics-api';

const prefix = uniquePrefix('mapi');
const A = `${prefix}-a`;
const B = `${prefix}-b`;
const registry = new TenantRegistry([
  { id: A, ingestKeySha256: [], readKeySha256: [sha256Hex('read-a')] },
  { id: B, ingestKeySha256: [], readKeySha256: [sha256Hex('read-b')] },
]);
let api: Awaited<ReturnType<typeof createMetricsApi>>;
let server: Awaited<ReturnType<typeof listen>>;
let url: string;

beforeAll(async () => {
  const config = parseEnv(configSchema, { ...process.env, CLICKHOUSE_DATABASE: `t_${prefix}`, HISTORY_CACHE_TTL_MS: '0', LIVE_TOP_N: '2' });
  api = await createMetricsApi(config, { logger: testLogger('metrics-api'), registry, isShuttingDown: () => false });
  server = await listen(api.app, 0, { host: '127.0.0.1' });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await closeServer(server);
  for (const t of [A, B]) for (const k of await api.redis.keys(`live:{${t}}:*`)) await api.redis.del(k);
  await api.clickhouse.command({ query: `DROP DATABASE IF EXISTS ${api.tables.database}` });
  await api.close();
});

async function get(path: string, key?: string) {
  const res = await fetch(`${url}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* csv */
  }
  return { status: res.status, body: body as Record<string, unknown>, text, type: res.headers.get('content-type') };
}

describe('GET /api/v1/metrics/:customerId (live, from Redis)', () => {
  it('answers the whole window with exact numbers and zeros for minutes without traffic', async () => {
    if (Date.now() % 60_000 > 55_000) await new Promise((r) => setTimeout(r, 60_000 - (Date.now() % 60_000) + 100));
    const now = Math.floor(Date.now() / 60_000) * 60;
    const old = now - 120;
    const k = redisKeys.live;
    await api.redis.hset(k.counters(A, old), { requests: 10, bytes: 1000, status2xx: 7, status3xx: 0, status4xx: 2, status5xx: 1, cacheHits: 6, cacheMisses: 2 });
    await api.redis.pfadd(k.uniqueIps(A, old), '1.1.1.1', '2.2.2.2', '3.3.3.3');
    await api.redis.zadd(k.countries(A, old), 6, 'GB', 3, 'US', 1, 'DE');
    await api.redis.zadd(k.routes(A, old), 7, 'GET /a', 3, 'GET /b');
    await api.redis.zadd(k.uaFamilies(A, old), 10, 'Chrome');
    await api.redis.hset(k.counters(A, now), { requests: 2, bytes: 50, status2xx: 2, cacheHits: 0, cacheMisses: 2 });
    await api.redis.pfadd(k.uniqueIps(A, now), '3.3.3.3', '4.4.4.4');
    await api.redis.hset(k.counters(B, now), { requests: 999 });

    const res = await get(`/api/v1/metrics/${A}`, 'read-a');
    expect(res.status).toBe(200);
    const minutes = res.body.minutes as Array<Record<string, unknown>>;
    expect(minutes).toHaveLength(15);
    expect(minutes[0]!.minute).toBe(new Date((now - 14 * 60) * 1000).toISOString());
    expect(minutes[12]).toEqual({
      minute: new Date(old * 1000).toISOString(), requests: 10, bytes: 1000, status2xx: 7, status3xx: 0, status4xx: 2, status5xx: 1, uniqueIps: 3,
      topCountries: [{ country: 'GB', requests: 6 }, { country: 'US', requests: 3 }],
      topPaths: [{ path: 'GET /a', requests: 7 }, { path: 'GET /b', requests: 3 }],
      topUaFamilies: [{ uaFamily: 'Chrome', requests: 10 }],
    });
    expect(minutes[13]).toEqual({
      minute: new Date((now - 60) * 1000).toISOString(), requests: 0, bytes: 0, status2xx: 0, status3xx: 0, status4xx: 0, status5xx: 0, uniqueIps: 0,
      topCountries: [], topPaths: [], topUaFamilies: [],
    });
    expect(minutes[14]).toMatchObject({ requests: 2, bytes: 50, status2xx: 2, uniqueIps: 2 });
    expect(res.body).toMatchObject({
      customerId: A,
      source: 'live',
      windowMinutes: 15,
      totals: { requests: 12, bytes: 1050, status2xx: 9, status3xx: 0, status4xx: 2, status5xx: 1, uniqueIps: 4, cacheHitRatio: 0.6 },
    });
  });
});

describe('GET /api/v1/metrics/:customerId/history (ClickHouse)', () => {
  const day = Math.floor(Date.now() / 86_400_000) * 86_400 - 2 * 86_400; // two days ago, 00:00 UTC
  const row = (i: number, over: Record<string, unknown> = {}) => ({
    customer_id: A, timestamp: day + 3600 + (i % 3) * 3600 + i, timestamp_ms: 0, event_id: `h${i}`, client_ip: `10.0.0.${i % 4}`,
    country: i % 2 ? 'GB' : 'US', city: '', region: '', method: 'GET', url: '/x', path: '/x', route: 'GET /x', status: [200, 404, 503][i % 3],
    bytes_sent: 100, user_agent: '', ua_family: 'curl', device_class: 'bot', is_bot: 1, host: '', referer: '', cache_status: 'HIT', pop: 'fra1',
    response_time_ms: 0, request_id: '', ingested_at: day, ...over,
  });

  beforeAll(async () => {
    const rows = Array.from({ length: 30 }, (_, i) => row(i));
    await api.clickhouse.insert({ table: api.tables.enrichedLogs, values: rows, format: 'JSONEachRow' });
    await api.clickhouse.insert({ table: api.tables.enrichedLogs, values: rows.slice(0, 15), format: 'JSONEachRow' }); // the same batch sent twice
    await api.clickhouse.insert({ table: api.tables.enrichedLogs, values: [row(0, { customer_id: B, event_id: 'b0' })], format: 'JSONEachRow' });
    await api.clickhouse.command({
      query: `INSERT INTO ${api.tables.minuteRollups} SELECT customer_id, toStartOfMinute(timestamp) AS minute, count(), sum(bytes_sent),
        countIf(status >= 200 AND status < 300), countIf(status >= 300 AND status < 400), countIf(status >= 400 AND status < 500), countIf(status >= 500),
        countIf(position(cache_status, 'HIT') > 0), countIf(position(cache_status, 'MISS') > 0), uniqState(client_ip), 1
        FROM ${api.tables.enrichedLogs} FINAL WHERE customer_id IN (${stringLiteral(A)}, ${stringLiteral(B)}) GROUP BY customer_id, minute`,
    });
  });

  const range = () => `from=${new Date(day * 1000).toISOString()}&to=${(day + 86_400) * 1000}`;

  it('hourly buckets: exact after deduplication (a batch sent twice counts once)', async () => {
    const res = await get(`/api/v1/metrics/${A}/history?${range()}&interval=hour`, 'read-a');
    expect(res.status).toBe(200);
    const bucket = (h: number, s2: number, s4: number, s5: number) => ({
      bucket: new Date((day + h * 3600) * 1000).toISOString(), group: null, requests: 10, bytes: 1000, status2xx: s2, status3xx: 0, status4xx: s4, status5xx: s5, uniqueIps: 4,
    });
    // i % 3 picks both the hour (1, 2, 3) and the status (200, 404, 503).
    expect(res.body).toEqual({
      customerId: A, source: 'history', from: new Date(day * 1000).toISOString(), to: new Date((day + 86_400) * 1000).toISOString(),
      interval: 'hour', groupBy: null, buckets: [bucket(1, 10, 0, 0), bucket(2, 0, 10, 0), bucket(3, 0, 0, 10)],
    });
  });

  it('groupBy with top-N per bucket, and a daily total', async () => {
    const grouped = await get(`/api/v1/metrics/${A}/history?${range()}&interval=day&groupBy=country`, 'read-a');
    expect((grouped.body.buckets as unknown[]).map((b) => JSON.stringify(b))).toEqual([
      JSON.stringify({ bucket: new Date(day * 1000).toISOString(), group: 'GB', requests: 15, bytes: 1500, status2xx: 5, status3xx: 0, status4xx: 5, status5xx: 5, uniqueIps: 2 }),
      JSON.stringify({ bucket: new Date(day * 1000).toISOString(), group: 'US', requests: 15, bytes: 1500, status2xx: 5, status3xx: 0, status4xx: 5, status5xx: 5, uniqueIps: 2 }),
    ]);
    const top1 = await get(`/api/v1/metrics/${A}/history?${range()}&interval=hour&groupBy=statusClass&top=1`, 'read-a');
    expect((top1.body.buckets as Array<{ group: string; requests: number }>).map((b) => [b.group, b.requests])).toEqual([
      ['2xx', 10], ['4xx', 10], ['5xx', 10],
    ]);
  });

  it('exports CSV', async () => {
    const res = await get(`/api/v1/metrics/${A}/history?${range()}&interval=day&format=csv`, 'read-a');
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/csv/);
    expect(res.text).toBe(
      `bucket,group,requests,bytes,status2xx,status3xx,status4xx,status5xx,uniqueIps\r\n${new Date(day * 1000).toISOString()},,30,3000,10,0,10,10,4\r\n`,
    );
  });

  it('caps ranges per interval and validates from/to', async () => {
    const tooLong = await get(`/api/v1/metrics/${A}/history?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&interval=minute`, 'read-a');
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toEqual({
      error: 'range_too_large',
      message: 'With interval=minute the range may span at most 7 days; use a coarser interval or a shorter range.',
    });
    const backwards = await get(`/api/v1/metrics/${A}/history?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z`, 'read-a');
    expect(backwards.body).toEqual({
      error: 'invalid_query', message: 'Invalid query parameter(s): to must be after from.', details: { problems: [{ parameter: 'to', message: 'must be after from' }] },
    });
    const missing = await get(`/api/v1/metrics/${A}/history`, 'read-a');
    expect(missing.body).toEqual({
      error: 'invalid_query',
      message: 'Invalid query parameter(s): from is required; to is required.',
      details: { problems: [{ parameter: 'from', message: 'is required' }, { parameter: 'to', message: 'is required' }] },
    });
  });
});

describe('tenant isolation and hostile input', () => {
  const endpoints = (id: string) => [`/api/v1/metrics/${id}`, `/api/v1/metrics/${id}/history?from=0&to=1000`];

  it('rejects other tenants\u2019 keys, missing, malformed and wrong keys on every endpoint', async () => {
    for (const path of endpoints(A)) {
      expect([(await get(path, 'read-b')).status, (await get(path, 'read-b')).body.error]).toEqual([403, 'forbidden']);
      expect((await get(path)).body).toEqual({ error: 'missing_api_key', message: 'Send "authorization: Bearer <read key>".' });
      expect((await get(path, 'wrong')).status).toBe(403);
      const basic = await fetch(`${url}${path}`, { headers: { authorization: 'Basic cmVhZC1h' } });
      expect([basic.status, ((await basic.json()) as { error: string }).error]).toEqual([401, 'malformed_api_key']);
    }
    // An unknown tenant gets the very answer a wrong key gets: ids cannot be enumerated.
    for (const path of endpoints(`${prefix}-nobody`)) {
      expect(await get(path, 'read-a')).toEqual(await get(endpoints(A)[path.endsWith('1000') ? 1 : 0]!, 'read-b'));
      expect((await get(path, 'read-a')).body).toEqual({ error: 'forbidden', message: 'This key may not read this tenant (or no such tenant is registered).' });
    }
  });

  it('rejects path traversal and injection in customerId', async () => {
    for (const id of ['..%2F..%2Fetc%2Fpasswd', "acme'%20OR%20'1'%3D'1", 'ACME', '%00', 'a'.repeat(65), '%7Bacme%7D']) {
      for (const path of endpoints(id)) {
        const res = await get(path, 'read-a');
        expect({ id, status: res.status, error: res.body.error }).toEqual({ id, status: 400, error: 'invalid_customer_id' });
      }
    }
  });

  it('rejects injection in every query parameter, naming the parameter', async () => {
    const base = `from=0&to=1000`;
    const cases: Array<[string, string]> = [
      [`from=2026-01-01'%20OR%201%3D1&to=1000`, 'from'],
      [`${base}&groupBy=country;%20DROP%20TABLE%20x`, 'groupBy'],
      [`${base}&interval=hour)%20--`, 'interval'],
      [`${base}&limit=1%20OR%201`, 'limit'],
      [`${base}&top=-1`, 'top'],
      [`${base}&format=xml`, 'format'],
      [`from=0&from=1&to=1000`, 'from'],
      [`${base}&database=system`, 'database'],
    ];
    for (const [query, parameter] of cases) {
      const res = await get(`/api/v1/metrics/${A}/history?${query}`, 'read-a');
      expect({ query, status: res.status, error: res.body.error }).toEqual({ query, status: 400, error: 'invalid_query' });
      expect((res.body.details as { problems: Array<{ parameter: string }> }).problems.map((p) => p.parameter)).toContain(parameter);
    }
    const live = await get(`/api/v1/metrics/${A}?window=999`, 'read-a');
    expect([live.status, live.body.error]).toEqual([400, 'invalid_query']);
  });

  it('serves its OpenAPI document and health on the API port, readiness and metrics on the ops port only', async () => {
    const doc = (await (await fetch(`${url}/openapi.json`)).json()) as { paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
    expect(Object.keys(doc.paths)).toEqual(['/api/v1/metrics/{customerId}', '/api/v1/metrics/{customerId}/history', '/healthz']);
    expect(Object.keys(doc.components.schemas)).toEqual(['LiveView', 'HistoryView', 'Error']);
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
    for (const path of ['/readyz', '/metrics']) expect({ path, status: (await fetch(`${url}${path}`)).status }).toEqual({ path, status: 404 });
    const ops = await startOpsServer({ ...api.ops, port: 0, host: '127.0.0.1', isShuttingDown: () => false, logger: testLogger('metrics-api') });
    try {
      const opsUrl = `http://127.0.0.1:${(ops.address() as AddressInfo).port}`;
      expect(await (await fetch(`${opsUrl}/readyz`)).json()).toEqual({ status: 'ready', checks: { redis: 'ok', clickhouse: 'ok', tenantRegistry: 'ok' } });
      expect(await (await fetch(`${opsUrl}/metrics`)).text()).toContain('cdnlog_metrics_api_requests_total');
    } finally {
      await closeServer(ops);
    }
  });
});

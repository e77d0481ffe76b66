/**
 * The cost guards of history queries against the real ClickHouse: rows, memory
 * and time bounds answer exact errors; a query given up on (deadline, reader
 * hung up) leaves system.processes; one tenant over its in-flight limit gets
 * 429 while another is served, and so does one past its history time per
 * minute. Each API instance here gets its own guard config.
 */
import type { AddressInfo } from 'node:net';
import { closeServer, listen, parseEnv, sha256Hex, stringLiteral, TenantRegistry } from '@cdnlog/common';
import { testLogger, uniquePrefix, waitFor } from '@cdnlog/common/testing';
import { configSchema } from '../src/config';
import { createMetricsApi } from '../src/create-metrics-api';

const prefix = uniquePrefix('mguard');
const A = `${prefix}-a`;
/** B owns the slow data set and may run one history query at a time. */
const B = `${prefix}-b`;
const registry = new TenantRegistry([
  { id: A, ingestKeySha256: [], readKeySha256: [sha256Hex('read-a')] },
  { id: B, ingestKeySha256: [], readKeySha256: [sha256Hex('read-b')], limits: { historyQueriesInFlight: 1 } },
]);
const B_ROWS = 3_000_000;
const day = Math.floor(Date.now() / 86_400_000) * 86_400 - 2 * 86_400; // two days ago, 00:00 UTC
const range = `from=${day * 1000}&to=${(day + 86_400) * 1000}`;
/** GROUP BY (hour, path) over B's raw rows with FINAL: several seconds of ClickHouse's time on this data. */
const SLOW = `/api/v1/metrics/${B}/history?${range}&interval=hour&groupBy=path`;

type Instance = { api: Awaited<ReturnType<typeof createMetricsApi>>; server: Awaited<ReturnType<typeof listen>>; url: string };
const instances: Instance[] = [];

async function start(env: Record<string, string>): Promise<Instance> {
  const config = parseEnv(configSchema, { ...process.env, CLICKHOUSE_DATABASE: `t_${prefix}`, HISTORY_CACHE_TTL_MS: '0', ...env });
  const api = await createMetricsApi(config, { logger: testLogger('metrics-api'), registry, isShuttingDown: () => false });
  const server = await listen(api.app, 0, { host: '127.0.0.1' });
  const instance = { api, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  instances.push(instance);
  return instance;
}

let main: Instance;
let admin: Instance['api']['clickhouse'];

beforeAll(async () => {
  main = await start({ HISTORY_CACHE_TTL_MS: '60000', HISTORY_MAX_EXECUTION_SECONDS: '60', HISTORY_QUERY_TIMEOUT_MS: '60000' });
  admin = main.api.clickhouse;
  const t = main.api.tables;
  // A: 20 requests a minute apart, alternating countries; B: millions of rows over distinct paths.
  await admin.command({
    query: `INSERT INTO ${t.enrichedLogs} (customer_id, timestamp, event_id, client_ip, country, path, status, bytes_sent)
      SELECT ${stringLiteral(A)}, toDateTime(${day + 3600} + number * 60), concat('a', toString(number)), '10.0.0.1',
        if(number % 2 = 1, 'GB', 'US'), '/x', 200, 100 FROM system.numbers LIMIT 20`,
  });
  await admin.command({
    query: `INSERT INTO ${t.minuteRollups} (customer_id, minute, requests, bytes, status_2xx, unique_ips, version)
      SELECT customer_id, toStartOfMinute(timestamp) AS m, count(), sum(bytes_sent), count(), uniqState(client_ip), 1
      FROM ${t.enrichedLogs} WHERE customer_id = ${stringLiteral(A)} GROUP BY customer_id, m`,
  });
  await admin.command({
    query: `INSERT INTO ${t.enrichedLogs} (customer_id, timestamp, event_id, client_ip, path, status, bytes_sent)
      SELECT ${stringLiteral(B)}, toDateTime(${day + 3600} + intDiv(number, 100)), toString(number), toString(number % 5000),
        concat('/p', toString(number % 100000)), 200, 100 FROM system.numbers LIMIT ${B_ROWS}`,
  });
}, 120_000);

afterAll(async () => {
  for (const { server } of instances) await closeServer(server);
  await admin.command({ query: `DROP DATABASE IF EXISTS ${main.api.tables.database}` });
  for (const { api } of instances) await api.close();
});

async function get(instance: Instance, path: string, key: string) {
  const res = await fetch(`${instance.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Record<string, unknown> };
}

/** B's history queries (the FINAL ones) ClickHouse is running now. */
async function runningForB(): Promise<string[]> {
  const rs = await admin.query({
    query: `SELECT query_id FROM system.processes
      WHERE query LIKE ${stringLiteral(`%${B}%`)} AND query LIKE '%FINAL%' AND query NOT LIKE '%system.processes%'`,
    format: 'JSONEachRow',
  });
  return (await rs.json<{ query_id: string }>()).map((r) => r.query_id);
}

/** The query_id of B's one history query once ClickHouse runs it. */
async function oneRunningForB(): Promise<string> {
  const [queryId] = await waitFor(runningForB, (ids) => ids.length === 1, { intervalMs: 50, timeoutMs: 10_000, what: 'B’s slow query to run' });
  return queryId!;
}

/** Left alone, the slow query runs several seconds longer than this waits for it to go. */
async function goneFromProcesses(queryId: string): Promise<void> {
  await waitFor(runningForB, (ids) => !ids.includes(queryId), { intervalMs: 100, timeoutMs: 2000, what: `query ${queryId} to leave system.processes` });
}

/** B's slow query from a reader who will hang up. */
function slowReader(path: string) {
  const reader = new AbortController();
  const request = fetch(`${main.url}${path}`, { headers: { authorization: 'Bearer read-b' }, signal: reader.signal }).catch((e: Error) => e.name);
  return { request, hangUp: () => reader.abort() };
}

const tooExpensive = {
  error: 'query_too_expensive',
  message: 'This history query would read more rows or hold more memory than one query may; narrow the range (from/to), drop groupBy or use a coarser interval.',
};
const timeout = (seconds: string) => ({
  error: 'query_timeout',
  message: `This history query ran longer than ${seconds} s and was stopped; retry shortly, or narrow the range (from/to), drop groupBy or use a coarser interval.`,
});

describe('history guards', () => {
  it('past max_rows_to_read: 422 query_too_expensive, on the rollups and on raw rows alike', async () => {
    const tight = await start({ HISTORY_MAX_ROWS_TO_READ: '10' });
    for (const path of [`/api/v1/metrics/${A}/history?${range}&interval=hour`, `/api/v1/metrics/${A}/history?${range}&interval=day&groupBy=country`]) {
      const res = await get(tight, path, 'read-a');
      expect({ path, status: res.status, body: res.body }).toEqual({ path, status: 422, body: tooExpensive });
    }
    // The same queries within the bound are answered.
    const ok = await get(main, `/api/v1/metrics/${A}/history?${range}&interval=hour`, 'read-a');
    expect(ok.status).toBe(200);
    expect((ok.body.buckets as Array<{ requests: number }>).map((b) => b.requests)).toEqual([20]);
  });

  it('past max_memory_usage: 422 query_too_expensive', async () => {
    const tight = await start({ HISTORY_MAX_MEMORY_BYTES: String(16 * 1024 * 1024) });
    const res = await get(tight, SLOW, 'read-b');
    expect([res.status, res.body]).toEqual([422, tooExpensive]);
  });

  it('past max_execution_time: 503 query_timeout with retry-after, and the query is gone from system.processes', async () => {
    const slow = await start({ HISTORY_MAX_EXECUTION_SECONDS: '1', HISTORY_QUERY_TIMEOUT_MS: '60000' });
    const answer = get(slow, SLOW, 'read-b');
    const queryId = await oneRunningForB();
    expect(await answer).toEqual({ status: 503, retryAfter: '5', body: timeout('1') });
    expect(await runningForB()).not.toContain(queryId);
  });

  it('past the API’s own deadline: 503 query_timeout, and the API kills the query on the server', async () => {
    const impatient = await start({ HISTORY_MAX_EXECUTION_SECONDS: '60', HISTORY_QUERY_TIMEOUT_MS: '1500' });
    const answer = get(impatient, SLOW, 'read-b');
    const queryId = await oneRunningForB();
    expect(await answer).toEqual({ status: 503, retryAfter: '5', body: timeout('1.5') });
    await goneFromProcesses(queryId);
  });

  it('a reader who hangs up mid-query: the query leaves system.processes within seconds, not when it would have ended', async () => {
    const reader = slowReader(`${SLOW}&top=3`);
    const queryId = await oneRunningForB();
    reader.hangUp();
    expect(await reader.request).toBe('AbortError');
    await goneFromProcesses(queryId);
  });

  it('tenant B over its history-in-flight limit gets 429 while A is served; B’s cached answers are not limited', async () => {
    const quick = `/api/v1/metrics/${B}/history?${range}&interval=day`; // B has no rollups: an empty answer, now cached
    expect((await get(main, quick, 'read-b')).body.buckets).toEqual([]);
    const reader = slowReader(`${SLOW}&top=2`);
    const queryId = await oneRunningForB();

    const limited = await get(main, `/api/v1/metrics/${B}/history?${range}&interval=day&groupBy=country`, 'read-b');
    expect([limited.status, limited.retryAfter, limited.body]).toEqual([
      429,
      '1',
      { error: 'tenant_history_limited', message: 'This tenant is running as many history queries as it may at once (1); retry when one has answered.' },
    ]);
    expect((await get(main, quick, 'read-b')).status).toBe(200);
    const a = await get(main, `/api/v1/metrics/${A}/history?${range}&interval=day&groupBy=country`, 'read-a');
    expect([a.status, (a.body.buckets as Array<{ group: string; requests: number }>).map((b) => [b.group, b.requests])]).toEqual([
      200,
      [['GB', 10], ['US', 10]],
    ]);

    reader.hangUp();
    await reader.request;
    await goneFromProcesses(queryId);
    const freed = await waitFor(
      () => get(main, `/api/v1/metrics/${B}/history?${range}&interval=day&groupBy=country`, 'read-b'),
      (r) => r.status !== 429,
      { intervalMs: 50, timeoutMs: 2000, what: 'B’s slot to be released' },
    );
    expect([freed.status, freed.body.buckets]).toEqual([200, [{ bucket: new Date(day * 1000).toISOString(), group: '', requests: B_ROWS, bytes: B_ROWS * 100, status2xx: B_ROWS, status3xx: 0, status4xx: 0, status5xx: 0, uniqueIps: expect.any(Number) }]]);
  });

  it('tenant B past its history time per minute gets 429 with Retry-After until its budget refills, while A is served and B’s cached answers are free', async () => {
    // One second of query time per minute: B's one slow query spends it, with debt.
    const budgeted = await start({ HISTORY_CACHE_TTL_MS: '60000', HISTORY_MAX_EXECUTION_SECONDS: '60', HISTORY_QUERY_TIMEOUT_MS: '60000', DEFAULT_TENANT_HISTORY_SECONDS_PER_MINUTE: '1' });
    const slow = `${SLOW}&top=4`;
    expect((await get(budgeted, slow, 'read-b')).status).toBe(200);

    const spent = await get(budgeted, `/api/v1/metrics/${B}/history?${range}&interval=day&groupBy=country`, 'read-b');
    const retryAfter = Number(spent.retryAfter);
    expect(retryAfter).toBeGreaterThan(60); // more than one second of debt, refilled at one second a minute
    expect([spent.status, spent.body]).toEqual([
      429,
      { error: 'tenant_history_limited', message: `This tenant's history queries have used their 1 s of query time per minute; retry in ${retryAfter} s.` },
    ]);
    expect((await get(budgeted, slow, 'read-b')).status).toBe(200); // cached: no ClickHouse time
    const metrics = await budgeted.api.metrics.registry.getMetricsAsJSON();
    const value = (name: string, labels: Record<string, string>) =>
      metrics.find((m) => m.name === name)?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
    expect(value('cdnlog_metrics_api_quota_refusals_total', { tenant: B, quota: 'history_seconds' })).toBe(1);
    expect(value('cdnlog_metrics_api_history_query_seconds_total', { tenant: B })).toBeGreaterThan(1);
    const a = await get(budgeted, `/api/v1/metrics/${A}/history?${range}&interval=day&groupBy=country`, 'read-a');
    expect([a.status, (a.body.buckets as Array<{ group: string; requests: number }>).map((b) => [b.group, b.requests])]).toEqual([
      200,
      [['GB', 10], ['US', 10]],
    ]);
  });
});

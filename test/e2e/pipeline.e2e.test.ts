/**
 * The whole pipeline, as four separate built services on the real stack:
 * ingest-api → Kafka → enricher → ClickHouse + enriched topic → aggregator →
 * Redis → metrics-api. Every accepted event is counted exactly once, live and
 * in history, and a resent batch is not counted twice (neither after a 409 nor
 * after a first attempt that was written but not acknowledged). Keys are
 * rotated with a SIGHUP, no restart.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRedis, type RedisClient, scanKeys, sha256Hex } from '@cdnlog/common';
import { stackConfig, uniquePrefix, waitFor } from '@cdnlog/common/testing';
import { type Pipeline, startPipeline } from './start-pipeline';

const prefix = uniquePrefix('e2e');
const tenant = `${prefix}-shop`;
const other = `${prefix}-other`;
const registryPath = join(tmpdir(), `${prefix}-tenants.json`);
let pipeline: Pipeline;
let redis: RedisClient;

beforeAll(async () => {
  writeFileSync(
    registryPath,
    JSON.stringify({
      tenants: [
        { id: tenant, ingestKeySha256: [sha256Hex('shop-ingest')], readKeySha256: [sha256Hex('shop-read')] },
        { id: other, ingestKeySha256: [sha256Hex('other-ingest')], readKeySha256: [sha256Hex('other-read')] },
      ],
    }),
  );
  pipeline = await startPipeline(prefix, 19_401, { TENANT_REGISTRY_PATH: registryPath });
  redis = createRedis(stackConfig());
}, 120_000);

afterAll(async () => {
  await redis.quit();
  await pipeline.stop();
});

const ingest = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${pipeline.urls.ingest}/v1/logs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-customer-id': tenant, authorization: 'Bearer shop-ingest', ...headers },
    body: JSON.stringify(body),
  });
interface Counted {
  requests: number;
  bytes: number;
}
interface ReadBody {
  totals: Counted & Record<string, number | null>;
  minutes: Array<Counted & { topCountries: unknown[]; topUaFamilies: unknown[] }>;
  buckets: Counted[];
}
const read = (path: string, key = 'shop-read') =>
  fetch(`${pipeline.urls.metrics}${path}`, { headers: { authorization: `Bearer ${key}` } }).then(async (r) => ({
    status: r.status,
    body: (await r.json()) as ReadBody,
  }));

describe('the whole pipeline', () => {
  it('counts every accepted event exactly once, live and in history', async () => {
    const now = Date.now();
    const batch = (b: number) =>
      Array.from({ length: 100 }, (_, i) => ({
        timestamp: now - 5_000, clientIp: i % 2 ? '81.2.69.142' : `8.8.${b}.${i % 10}`, method: 'GET', path: `/p${i % 4}?v=${i}`,
        status: [200, 200, 304, 404, 502][i % 5], bytesSent: 1000 + i, cacheStatus: i % 3 ? 'HIT' : 'MISS',
        userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      }));
    const statuses = [];
    for (let b = 0; b < 5; b++) statuses.push((await ingest(batch(b), { 'idempotency-key': `batch-${b}` })).status);
    statuses.push((await ingest(batch(0), { 'idempotency-key': 'batch-0' })).status); // the edge retries batch 0
    expect(statuses).toEqual([202, 202, 202, 202, 202, 409]);
    const bytes = 5 * batch(0).reduce((s, e) => s + e.bytesSent, 0);

    const live = await waitFor(() => read(`/api/v1/metrics/${tenant}`), (r) => (r.body.totals?.requests ?? 0) >= 500, { what: '500 live requests', timeoutMs: 90_000 });
    expect(live.body.totals).toMatchObject({ requests: 500, bytes, status2xx: 200, status3xx: 100, status4xx: 100, status5xx: 100, cacheHitRatio: 0.66 });
    const busiest = live.body.minutes.find((m) => m.requests > 0)!;
    // Equal scores: Redis lists them in reverse lexical order.
    expect(busiest.topCountries).toEqual([{ country: 'US', requests: 250 }, { country: 'GB', requests: 250 }]);
    expect(busiest.topUaFamilies).toEqual([{ uaFamily: 'Chrome', requests: 500 }]);

    const from = now - 10 * 60_000;
    const history = await waitFor(
      () => read(`/api/v1/metrics/${tenant}/history?from=${from}&to=${now + 5 * 60_000}&interval=minute`),
      (r) => (r.body.buckets ?? []).reduce((s, b) => s + b.requests, 0) >= 500,
      { what: '500 requests in history', timeoutMs: 60_000 },
    );
    expect(history.body.buckets.reduce((s, b) => s + b.requests, 0)).toBe(500);
    expect(history.body.buckets.reduce((s, b) => s + b.bytes, 0)).toBe(bytes);

    expect((await read(`/api/v1/metrics/${tenant}`, 'other-read')).status).toBe(403);
    expect((await read(`/api/v1/metrics/${other}`, 'other-read')).body.totals.requests).toBe(0);
  }, 180_000);

  it('a batch re-sent after its first attempt was written but not acknowledged is counted once, live and in history', async () => {
    const now = Date.now();
    const asOther = { 'x-customer-id': other, authorization: 'Bearer other-ingest' };
    // Half the entries, the first among them, carry the edge's request id (their event ids then come from it, not from the key).
    const batch = Array.from({ length: 50 }, (_, i) => ({
      timestamp: now - 5_000, clientIp: '81.2.69.142', method: 'GET', path: `/resend/${i}`, status: 200, bytesSent: 10, ...(i % 2 === 0 ? { requestId: `${prefix}-rq-${i}` } : {}),
    }));
    expect((await ingest(batch, { ...asOther, 'idempotency-key': 'resend-1' })).status).toBe(202);
    // A publish that times out (503) releases the idempotency key so the edge may retry, although Kafka
    // may still write the batch: forgetting the key recreates that state after the first copy was written.
    await redis.del(...(await scanKeys(redis, `ingest:idem:{${other}}:*`)));
    expect((await ingest(batch, { ...asOther, 'idempotency-key': 'resend-1' })).status).toBe(202);
    // The same raw partition (keyed by tenant) carries a last event after both copies: once it is live, both were read.
    expect((await ingest([{ ...batch[1]!, path: '/resend/last' }], asOther)).status).toBe(202);

    const live = await waitFor(() => read(`/api/v1/metrics/${other}`, 'other-read'), (r) => (r.body.totals?.requests ?? 0) >= 51, { what: '51 live requests', timeoutMs: 60_000 });
    expect(live.body.totals.requests).toBe(51);
    const range = `from=${now - 10 * 60_000}&to=${now + 5 * 60_000}&interval=minute`;
    const history = await waitFor(
      () => read(`/api/v1/metrics/${other}/history?${range}`, 'other-read'),
      (r) => (r.body.buckets ?? []).reduce((s, b) => s + b.requests, 0) >= 51,
      { what: '51 requests in history', timeoutMs: 60_000 },
    );
    expect(history.body.buckets.reduce((s, b) => s + b.requests, 0)).toBe(51);
    const aggregatorMetrics = await (await fetch(`http://127.0.0.1:${pipeline.ports.aggregator}/metrics`)).text();
    expect(aggregatorMetrics).toMatch(/^cdnlog_aggregator_resent_events_skipped_total\{[^}]*\} 50$/m);
  }, 120_000);
});

describe('the tenant registry', () => {
  const registryFile = (ingestKey: string, readKey: string) => JSON.stringify({
    tenants: [
      { id: tenant, ingestKeySha256: [sha256Hex(ingestKey)], readKeySha256: [sha256Hex(readKey)] },
      { id: other, ingestKeySha256: [sha256Hex('other-ingest')], readKeySha256: [sha256Hex('other-read')] },
    ],
  });
  /** `cdnlog_tenant_registry_reloads_total` of a service, by outcome. */
  const reloads = async (port: number) => {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    return Object.fromEntries([...text.matchAll(/^cdnlog_tenant_registry_reloads_total\{[^}]*outcome="(\w+)"[^}]*\} (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
  };
  const hupBoth = async (expected: Record<string, number>) => {
    pipeline.signal('ingest-api', 'SIGHUP');
    pipeline.signal('metrics-api', 'SIGHUP');
    for (const port of [pipeline.ports.ingest, pipeline.ports.metrics]) {
      await waitFor(() => reloads(port), (r) => JSON.stringify(r) === JSON.stringify(expected), { what: `reloads ${JSON.stringify(expected)} on :${port}`, timeoutMs: 10_000 });
    }
  };
  const entry = () => ({ timestamp: Date.now(), clientIp: '81.2.69.142', method: 'GET', path: '/rotated', status: 200, bytesSent: 1 });

  it('is reloaded by both APIs on SIGHUP: a rotated key works, the revoked one is refused; a broken file changes nothing', async () => {
    writeFileSync(registryPath, registryFile('shop-ingest-2', 'shop-read-2'));
    await hupBoth({ ok: 1 });
    expect((await ingest(entry(), { authorization: 'Bearer shop-ingest-2' })).status).toBe(202);
    const revoked = await ingest(entry());
    expect(revoked.status).toBe(403);
    expect(await revoked.json()).toEqual({
      error: 'invalid_api_key',
      message: 'The x-customer-id and the ingest key ("authorization: Bearer <key>") do not match a registered tenant.',
    });
    expect((await read(`/api/v1/metrics/${tenant}`, 'shop-read-2')).status).toBe(200);
    expect((await read(`/api/v1/metrics/${tenant}`)).status).toBe(403);

    writeFileSync(registryPath, '{"tenants": ['); // a half-written file
    await hupBoth({ ok: 1, refused: 1 });
    expect((await ingest(entry(), { authorization: 'Bearer shop-ingest-2' })).status).toBe(202);
    expect((await read(`/api/v1/metrics/${tenant}`, 'shop-read-2')).status).toBe(200);
    expect((await ingest(entry())).status).toBe(403);
  }, 60_000);
});

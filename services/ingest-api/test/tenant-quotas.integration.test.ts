/**
 * Each tenant's quotas on one ingest instance, against the real Kafka and Redis:
 * tenant B over a quota gets 429 with its own code and Retry-After, while
 * tenant A, sending at the same time, is not affected.
 */
import { connect, type Socket } from 'node:net';
import { redisKeys } from '@cdnlog/common';
import { IdempotencyStore } from '../src/idempotency/idempotency-store';
import { entry, startIngest } from './harness';

let ingest: Awaited<ReturnType<typeof startIngest>>;
beforeAll(async () => {
  ingest = await startIngest('quotas', {
    limits: {
      // B: the tenant that floods; A (keyed / other) keeps the defaults.
      open: { concurrentRequests: 2, bytesPerSecond: 1000, byteBurst: 1000 },
      other: { idempotencyKeys: 2 },
    },
  });
});
afterAll(() => ingest.stop());

const A = () => ({ 'x-customer-id': ingest.tenants.keyed, authorization: 'Bearer keyed-secret' });
const B = () => ({ 'x-customer-id': ingest.tenants.open });

/** `cdnlog_ingest_quota_refusals_total` of one tenant and quota. */
async function refusals(tenant: string, quota: string): Promise<number> {
  const text = await (await fetch(`${ingest.opsUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('cdnlog_ingest_quota_refusals_total{') && l.includes(`tenant="${tenant}"`) && l.includes(`quota="${quota}"`));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

/** A request whose body stops after its first bytes: it holds its slot until it is finished or closed. */
function slowRequest(tenant: string): Socket {
  const body = JSON.stringify([entry()]);
  const port = Number(new URL(ingest.url).port);
  const socket = connect({ port, host: '127.0.0.1' }, () =>
    socket.write(`POST /v1/logs HTTP/1.1\r\nhost: x\r\nx-customer-id: ${tenant}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body.slice(0, 5)}`),
  );
  socket.on('error', () => undefined);
  return socket;
}

describe('tenant quotas', () => {
  it('concurrent requests: B holding its 2 slots with slow bodies gets 429 tenant_concurrency_limited; A gets 202; closing them frees B', async () => {
    const slow = [slowRequest(ingest.tenants.open), slowRequest(ingest.tenants.open)];
    await new Promise((r) => setTimeout(r, 300));

    const refused = await ingest.post([entry()], B());
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({
      error: 'tenant_concurrency_limited',
      message: 'This tenant already has 2 requests in flight on this instance; retry when one has finished.',
    });
    expect(refused.headers.get('retry-after')).toBe('1');
    expect((await ingest.post([entry()], A())).status).toBe(202);
    expect(await refusals(ingest.tenants.open, 'concurrency')).toBe(1);

    for (const s of slow) s.destroy();
    await new Promise((r) => setTimeout(r, 300));
    expect((await ingest.post([entry()], B())).status).toBe(202);
  });

  it('bytes: a body past B’s byte burst is charged in full, and B’s next request is refused before its body is read; A is not', async () => {
    await new Promise((r) => setTimeout(r, 1100)); // B's bucket refills from the last test
    const big = Array.from({ length: 20 }, (_, i) => entry({ path: `/b${i}` }));
    const bytes = Buffer.byteLength(JSON.stringify(big));
    expect(bytes).toBeGreaterThan(4000);
    expect((await ingest.post(big, B())).status).toBe(202);

    const refused = await ingest.post([entry()], B());
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({
      error: 'tenant_rate_limited',
      message: 'This tenant exceeds its ingest byte rate (request bodies after decompression); retry later.',
    });
    // The debt of ~bytes − 1,000 at 1,000 bytes/s, rounded up to whole seconds.
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(Math.ceil((bytes - 1000) / 1000) - 1);
    expect(retryAfter).toBeLessThanOrEqual(Math.ceil(bytes / 1000));
    expect((await ingest.post(big, A())).status).toBe(202);
    expect(await refusals(ingest.tenants.open, 'bytes')).toBe(1);
  });

  it('events: invalid entries are charged too, ten times over as zod checks them, so a tenant cannot make the API parse for free', async () => {
    const slowTenant = { 'x-customer-id': ingest.tenants.slow };
    const invalid = Array.from({ length: 10 }, () => entry({ status: 'teapot' }));
    const rejected = await ingest.post(invalid, slowTenant);
    expect(rejected.status).toBe(400);
    expect(rejected.body.error).toBe('invalid_entries');

    const refused = await ingest.post([entry()], slowTenant);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe('tenant_rate_limited');
    expect(refused.body.message).toBe('This tenant exceeds its ingest rate; retry later.');
    // 10 events taken from the burst of 10, then 9 more each for the 10 entries zod checked: a debt of 90 at 5 events/s.
    expect(refused.headers.get('retry-after')).toBe('19');
    // In debt, the tenant is refused before its body is read: even one that is not JSON gets the 429, not a 400.
    const unread = await ingest.post(undefined, slowTenant, 'not json');
    expect([unread.status, unread.body.error]).toEqual([429, 'tenant_rate_limited']);
    expect(await refusals(ingest.tenants.slow, 'events')).toBe(2);
    expect((await ingest.post(invalid.slice(0, 1), A())).status).toBe(400);
    expect((await ingest.post([entry()], A())).status).toBe(202);
  });

  it('idempotency keys: past its quota of 2 the tenant gets 429 idempotency_keys_exhausted for a new key, still 409 for a held one, 202 without a key', async () => {
    const C = { 'x-customer-id': ingest.tenants.other, authorization: 'Bearer other-secret' };
    const post = (key?: string) => ingest.post([entry()], key ? { ...C, 'idempotency-key': key } : C);
    expect((await post('q-1')).status).toBe(202);
    expect((await post('q-2')).status).toBe(202);

    const refused = await post('q-3');
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({
      error: 'idempotency_keys_exhausted',
      message: 'This tenant holds 2 idempotency keys, its quota; a new key is accepted once the oldest expires. Requests without idempotency-key are not affected.',
    });
    // The oldest key expires after IDEMPOTENCY_TTL_HOURS (1 h).
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3500);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(3600);
    expect((await post('q-1')).body.error).toBe('duplicate_idempotency_key');
    expect((await post()).status).toBe(202);
    expect((await ingest.post([entry()], { ...A(), 'idempotency-key': 'q-3' })).status).toBe(202);

    expect(await ingest.redis.zcard(redisKeys.ingestIdempotencyHeld(ingest.tenants.other))).toBe(2);
    const ttl = await ingest.redis.pttl(redisKeys.ingestIdempotencyHeld(ingest.tenants.other));
    expect(ttl).toBeGreaterThan(3_500_000);
    expect(ttl).toBeLessThanOrEqual(3_600_000);
    expect(await refusals(ingest.tenants.other, 'idempotency_keys')).toBe(1);
  });
});

describe('idempotency key quota in Redis', () => {
  it('frees a key of the quota when its claim is released or its time has passed', async () => {
    let now = Date.now();
    const store = new IdempotencyStore(ingest.redis, { ttlMs: 60_000, claimTtlMs: 30_000, now: () => now });
    const tenant = `${ingest.prefix}-store`;
    const first = await store.claim(tenant, 'k1', 'batch-1', 2);
    const second = await store.claim(tenant, 'k2', 'batch-2', 2);
    expect([first.kind, second.kind]).toEqual(['claimed', 'claimed']);
    expect(await store.claim(tenant, 'k3', 'batch-3', 2)).toEqual({ kind: 'quota_exceeded', retryAfterSeconds: 30 });
    expect(await store.claim(tenant, 'k1', 'batch-4', 2)).toEqual({ kind: 'in_progress' });

    if (second.kind === 'claimed') await second.release();
    const third = await store.claim(tenant, 'k3', 'batch-3', 2);
    expect(third.kind).toBe('claimed');
    if (first.kind === 'claimed') await first.complete(7);
    expect(await store.claim(tenant, 'k1', 'batch-5', 2)).toEqual({ kind: 'done', batchId: 'batch-1', accepted: 7 });
    // k1 is held until now + 60 s, k3's claim until now + 30 s.
    expect(await store.claim(tenant, 'k4', 'batch-6', 2)).toEqual({ kind: 'quota_exceeded', retryAfterSeconds: 30 });
    now += 30_001;
    expect((await store.claim(tenant, 'k4', 'batch-6', 2)).kind).toBe('claimed');
  });
});

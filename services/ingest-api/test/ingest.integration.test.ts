import { gzipSync } from 'node:zlib';
import { eventIdFor } from '../src/events/event-id';
import { entry, startIngest } from './harness';

let ingest: Awaited<ReturnType<typeof startIngest>>;
beforeAll(async () => {
  ingest = await startIngest('ingest');
});
afterAll(() => ingest.stop());

const keyed = () => ({ 'x-customer-id': ingest.tenants.keyed, authorization: 'Bearer keyed-secret' });
const open = () => ({ 'x-customer-id': ingest.tenants.open });

describe('POST /v1/logs on the real Kafka', () => {
  it('answers 202 and the batch is readable from the topic exactly once, as sent', async () => {
    const before = await ingest.messageCount();
    const batch = [
      entry({ requestId: 'req-1', path: '/a', status: 200, bytesSent: 10, timestamp: Date.now() - 60_000 }),
      entry({ requestId: 'req-2', path: '/b', status: 404, bytesSent: 20, method: 'post' }),
      entry({ path: '/c', status: 503, bytesSent: 30, clientIp: '2001:db8::1', userAgent: null }),
    ];
    const res = await ingest.post(batch, keyed());
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: 3, batchId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    // One v2 message for the request: the request fields once, then its events in order.
    expect(await ingest.messageCount()).toBe(before + 1);
    const messages = (await ingest.readTopic(before + 1)).filter((m) => m.batchId === res.body.batchId);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ v: 2, customerId: ingest.tenants.keyed, receivedAt: expect.any(Number) });
    const events = messages[0]!.events;
    expect(events.map((e) => e.path)).toEqual(['/a', '/b', '/c']);
    const byPath = Object.fromEntries(events.map((e) => [e.path, e]));
    expect(byPath['/a']).toMatchObject({ status: 200, bytesSent: 10, requestId: 'req-1', method: 'GET' });
    expect(byPath['/b']).toMatchObject({ status: 404, bytesSent: 20, method: 'POST' });
    expect(byPath['/c']).toMatchObject({ status: 503, clientIp: '2001:db8::1' });
    expect('userAgent' in byPath['/c']!).toBe(false);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(3);
    // requestId → stable id: the same request logged again gets the same id.
    expect(byPath['/a']!.eventId).toMatch(/^r[0-9a-f]{31}$/);
    expect(byPath['/c']!.eventId).toMatch(/^x[0-9a-f]{31}$/);
  });

  it('accepts one entry object, NDJSON, and gzip bodies', async () => {
    const before = await ingest.messageCount();
    const single = await ingest.post(entry(), open());
    expect(single.body).toMatchObject({ accepted: 1 });
    const ndjson = [entry({ path: '/n1' }), entry({ path: '/n2' })].map((e) => JSON.stringify(e)).join('\n') + '\n\n';
    const lines = await ingest.post(null, { ...open(), 'content-type': 'application/x-ndjson' }, ndjson);
    expect(lines.body).toMatchObject({ accepted: 2 });
    const gz = gzipSync(JSON.stringify([entry(), entry(), entry()]));
    const res = await ingest.post(null, { ...open(), 'content-encoding': 'gzip' }, gz);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: 3 });
    // Three requests, one message each, with 1, 2 and 3 events.
    expect(await ingest.messageCount()).toBe(before + 3);
    const messages = await ingest.readTopic(before + 3);
    const sizeOf = (batchId: unknown) => messages.filter((m) => m.batchId === batchId).map((m) => m.events.length);
    expect([sizeOf(single.body.batchId), sizeOf(lines.body.batchId), sizeOf(res.body.batchId)]).toEqual([[1], [2], [3]]);
  });

  it('splits a request larger than 500 events into messages of at most 500, ids by position in the request', async () => {
    const key = `big-${Date.now()}`;
    const before = await ingest.messageCount();
    const batch = Array.from({ length: 1201 }, (_, i) => entry({ path: `/big/${i}` }));
    const res = await ingest.post(batch, { ...open(), 'idempotency-key': key });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: 1201 });
    expect(await ingest.messageCount()).toBe(before + 3);
    const messages = (await ingest.readTopic(before + 3)).filter((m) => m.batchId === res.body.batchId);
    expect(messages.map((m) => m.events.length)).toEqual([500, 500, 201]);
    const events = messages.flatMap((m) => m.events);
    expect(events.map((e) => e.path)).toEqual(batch.map((e) => e.path));
    expect(events[1200]!.eventId).toBe(eventIdFor(ingest.tenants.open, 1200, undefined, key, ''));
  });

  it('answers 409 to a re-sent idempotency key and publishes nothing more', async () => {
    const headers = { ...open(), 'idempotency-key': 'edge-7/batch-0001' };
    const first = await ingest.post([entry(), entry()], headers);
    expect(first.status).toBe(202);
    const after = await ingest.messageCount();
    const again = await ingest.post([entry(), entry()], headers);
    expect(again.status).toBe(409);
    expect(again.body).toEqual({
      error: 'duplicate_idempotency_key',
      message: 'A batch with this idempotency-key was already accepted; it was not published again.',
      details: { batchId: first.body.batchId, accepted: 2 },
    });
    expect(await ingest.messageCount()).toBe(after);
    // The key belongs to the tenant: another tenant may use the same key.
    expect((await ingest.post([entry()], { ...keyed(), 'idempotency-key': 'edge-7/batch-0001' })).status).toBe(202);
  });

  it('publishes once when two requests with one idempotency key race', async () => {
    const before = await ingest.messageCount();
    const headers = { ...open(), 'idempotency-key': `race-${Date.now()}` };
    const results = await Promise.all([1, 2, 3, 4].map(() => ingest.post([entry(), entry(), entry()], headers)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([202, 409, 409, 409]);
    for (const r of results.filter((x) => x.status === 409)) {
      expect(['duplicate_idempotency_key', 'idempotency_key_in_progress']).toContain(r.body.error);
    }
    expect(await ingest.messageCount()).toBe(before + 1);
    const winner = results.find((r) => r.status === 202)!.body.batchId;
    const published = (await ingest.readTopic(before + 1)).filter((m) => m.batchId === winner);
    expect(published.map((m) => m.events.length)).toEqual([3]);
  });

  it('gives the same event ids to a retried batch with the same idempotency key position', async () => {
    const key = `ids-${Date.now()}`;
    const before = await ingest.messageCount();
    const res = await ingest.post([entry({ path: '/k0' }), entry({ path: '/k1' })], { ...open(), 'idempotency-key': key });
    expect(res.status).toBe(202);
    const events = (await ingest.readTopic(before + 1)).filter((m) => m.batchId === res.body.batchId).flatMap((m) => m.events);
    const byPath = Object.fromEntries(events.map((e) => [e.path, e.eventId]));
    // A resend after a lost response (new key claim, e.g. after expiry) derives exactly these ids again.
    expect(byPath).toEqual({
      '/k0': eventIdFor(ingest.tenants.open, 0, undefined, key, ''),
      '/k1': eventIdFor(ingest.tenants.open, 1, undefined, key, ''),
    });
    expect(byPath['/k0']).toMatch(/^k[0-9a-f]{31}$/);
  });

  it('rejects a batch with one bad entry with 400 naming index and field, and publishes nothing', async () => {
    const before = await ingest.messageCount();
    const res = await ingest.post([entry(), entry(), entry({ status: 700 }), entry()], open());
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'invalid_entries',
      message: '1 problem(s) in the batch; nothing was accepted. Fix them and resend the whole batch.',
      details: { problems: [{ index: 2, field: 'status', message: 'must be between 100 and 599' }], totalProblems: 1 },
    });
    expect(await ingest.messageCount()).toBe(before);
  });

  it('authenticates tenants: 401 without id; one 403 for unknown tenant, missing key or wrong key', async () => {
    const cases: Array<[Record<string, string>, number, string]> = [
      [{}, 401, 'missing_customer_id'],
      [{ 'x-customer-id': 'no-such-tenant' }, 403, 'invalid_api_key'],
      [{ 'x-customer-id': 'no-such-tenant', authorization: 'Bearer keyed-secret' }, 403, 'invalid_api_key'],
      [{ 'x-customer-id': ingest.tenants.keyed }, 403, 'invalid_api_key'],
      [{ 'x-customer-id': ingest.tenants.keyed, authorization: 'Bearer wrong' }, 403, 'invalid_api_key'],
      [{ 'x-customer-id': ingest.tenants.keyed, authorization: 'Bearer other-secret' }, 403, 'invalid_api_key'],
      [{ 'x-customer-id': ingest.tenants.keyed, authorization: 'Basic a2V5ZWQtc2VjcmV0' }, 403, 'invalid_api_key'],
    ];
    const before = await ingest.messageCount();
    const bodies = new Set<string>();
    for (const [headers, status, code] of cases) {
      const res = await ingest.post([entry()], headers);
      expect({ status: res.status, code: res.body.error }).toEqual({ status, code });
      if (status === 403) bodies.add(JSON.stringify(res.body));
    }
    expect([...bodies]).toEqual([
      JSON.stringify({ error: 'invalid_api_key', message: 'The x-customer-id and the ingest key ("authorization: Bearer <key>") do not match a registered tenant.' }),
    ]);
    expect(await ingest.messageCount()).toBe(before);
  });

  it('throttles a flooding tenant with 429 + Retry-After while other tenants keep going', async () => {
    const slow = { 'x-customer-id': ingest.tenants.slow };
    expect((await ingest.post(Array.from({ length: 10 }, () => entry()), slow)).status).toBe(202);
    const limited = await ingest.post(Array.from({ length: 10 }, () => entry()), slow);
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ error: 'tenant_rate_limited', message: 'This tenant exceeds its ingest rate; retry later.' });
    expect(limited.headers.get('retry-after')).toBe('2');
    expect((await ingest.post([entry()], open())).status).toBe(202);
  });

  it('answers alike on the direct path and on the spellings only express routes (trailing slash, letter case)', async () => {
    // app.ts serves POST /v1/logs (with or without a query) before express; express serves the variants it matches.
    const answers = [];
    for (const path of ['/v1/logs?src=edge', '/v1/logs/', '/V1/Logs']) {
      const before = await ingest.messageCount();
      const ok = await fetch(`${ingest.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...open() }, body: JSON.stringify(entry()) });
      expect(ok.status).toBe(202);
      expect(ok.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(await ok.json()).toEqual({ accepted: 1, batchId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      expect(await ingest.messageCount()).toBe(before + 1);

      const refused = await fetch(`${ingest.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' });
      answers.push({ status: refused.status, type: refused.headers.get('content-type'), body: await refused.json() });
    }
    const missingId = { error: 'missing_customer_id', message: 'The x-customer-id header is required.' };
    expect(answers).toEqual(Array(3).fill({ status: 401, type: 'application/json; charset=utf-8', body: missingId }));
  });

  it('serves its OpenAPI document and health on the API port, readiness and metrics on the ops port only', async () => {
    const doc = (await (await fetch(`${ingest.url}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
      components: { schemas: { Entry: { required: string[] } } };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(['/v1/logs', '/healthz']);
    expect(doc.components.schemas.Entry.required).toEqual(['timestamp', 'clientIp', 'method', 'path', 'status', 'bytesSent']);
    expect(await (await fetch(`${ingest.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${ingest.opsUrl}/healthz`)).json()).toEqual({ status: 'ok' });
    for (const path of ['/readyz', '/metrics']) {
      const onApi = await fetch(`${ingest.url}${path}`);
      expect({ path, status: onApi.status, error: ((await onApi.json()) as { error: string }).error }).toEqual({ path, status: 404, error: 'not_found' });
    }
    const ready = await fetch(`${ingest.opsUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { kafka: 'ok', tenantRegistry: 'ok' } });
    const metrics = await (await fetch(`${ingest.opsUrl}/metrics`)).text();
    expect(metrics).toMatch(/^cdnlog_ingest_requests_total\{status="202",code="ok",service="ingest-api"\} \d+$/m);
    expect(metrics).toMatch(/^cdnlog_ingest_requests_total\{status="409",code="duplicate_idempotency_key",service="ingest-api"\} \d+$/m);
    expect(metrics).toContain('cdnlog_ingest_publish_duration_seconds_bucket');
  });
});

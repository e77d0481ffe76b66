/**
 * Kafka and Redis failing under the ingest API, for real: the test stack's
 * broker is frozen (SIGSTOP) and then stopped and restarted; Redis is frozen.
 * The API must never answer 202 for what is not durable, must push back when
 * its buffer fills, and must recover by itself.
 */
import { runStack, stackPid as pidOf, stopComponent, waitFor } from '@cdnlog/common/testing';
import { entry, startIngest } from './harness';

let ingest: Awaited<ReturnType<typeof startIngest>>;
beforeAll(async () => {
  ingest = await startIngest('outage', { env: { PUBLISH_TIMEOUT_MS: '1500', PUBLISH_BUFFER_EVENTS: '100', MAX_INFLIGHT_REQUESTS: '4' } });
});
afterAll(async () => {
  for (const c of ['kafka', 'redis'] as const) process.kill(pidOf(c), 'SIGCONT');
  await ingest.stop();
});

const open = () => ({ 'x-customer-id': ingest.tenants.open });
const batch = (n: number) => Array.from({ length: n }, () => entry());

describe('ingest API when Kafka hangs or stops', () => {
  it('a hung broker: the request times out with 503, the full buffer answers 429 + Retry-After, and it recovers', async () => {
    expect((await ingest.post(batch(1), open())).status).toBe(202);
    const kafka = pidOf('kafka');
    process.kill(kafka, 'SIGSTOP');
    try {
      const pending = ingest.post(batch(85), open());
      await waitFor(async () => ingest.publisher.inflight, (n) => n === 85, { what: '85 events in flight' });

      const pushedBack = await ingest.post(batch(20), open());
      expect(pushedBack.status).toBe(429);
      expect(pushedBack.body).toEqual({ error: 'overloaded', message: 'The ingest buffer is nearly full; retry later.' });
      expect(pushedBack.headers.get('retry-after')).toBe('1');

      const timedOut = await pending;
      expect(timedOut.status).toBe(503);
      expect(timedOut.body).toEqual({
        error: 'publish_timeout',
        message: 'Kafka did not acknowledge the batch within 1500 ms; resend it (event ids make the resend safe).',
      });
      expect(timedOut.headers.get('retry-after')).toBe('2');
      // The timed-out events still hold their place in the buffer until Kafka settles them: memory stays bounded.
      expect(ingest.publisher.inflight).toBe(85);
    } finally {
      process.kill(kafka, 'SIGCONT');
    }
    await waitFor(async () => ingest.publisher.inflight, (n) => n === 0, { what: 'the buffer to drain', timeoutMs: 30_000 });
    expect((await ingest.post(batch(5), open())).status).toBe(202);
  });

  it('more concurrent requests than MAX_INFLIGHT_REQUESTS: the excess gets 429 at once, not a slow answer', async () => {
    const kafka = pidOf('kafka');
    process.kill(kafka, 'SIGSTOP');
    try {
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => new Promise((r) => setTimeout(r, i * 50)).then(() => ingest.post(batch(1), open()))),
      );
      const shed = results.filter((r) => r.status === 429);
      expect(results.map((r) => r.status).sort()).toEqual([429, 429, 503, 503, 503, 503]);
      for (const r of shed) {
        expect(r.body).toEqual({ error: 'overloaded', message: 'This instance has too many requests in flight; retry later.' });
        expect(r.headers.get('retry-after')).toBe('1');
      }
    } finally {
      process.kill(kafka, 'SIGCONT');
    }
    await waitFor(async () => ingest.publisher.inflight, (n) => n === 0, { what: 'the buffer to drain', timeoutMs: 30_000 });
  });

  it('a stopped broker: only 503s, never 202; after the broker returns the API recovers by itself and the failed key is usable again', async () => {
    await stopComponent('kafka');

    const key = `outage-${Date.now()}`;
    const statuses: number[] = [];
    const codes = new Set<unknown>();
    for (let i = 0; i < 6; i++) {
      const res = await ingest.post(batch(1), { ...open(), 'idempotency-key': key });
      statuses.push(res.status);
      codes.add(res.body.error);
      expect([res.status, res.headers.get('retry-after'), res.body.error]).toEqual([503, '2', expect.any(String)]);
    }
    expect(statuses).toEqual([503, 503, 503, 503, 503, 503]);
    expect([...codes].every((c) => c === 'publish_timeout' || c === 'kafka_unavailable')).toBe(true);
    const notReady = await fetch(`${ingest.opsUrl}/readyz`);
    expect(notReady.status).toBe(503);

    const up = await runStack('up');
    expect(up.status).toBe(0);
    expect(up.stderr).toContain('stack: starting kafka on 127.0.0.1:');

    const recovered = await waitFor(
      () => ingest.post(batch(3), { ...open(), 'idempotency-key': key }),
      (res) => res.status !== 503,
      { what: 'a non-503 answer after the broker restart', timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(recovered.status).toBe(202);
    expect(recovered.body.accepted).toBe(3);
    expect((await ingest.post(batch(3), { ...open(), 'idempotency-key': key })).status).toBe(409);
    expect((await fetch(`${ingest.opsUrl}/readyz`)).status).toBe(200);
  });
});

describe('ingest API when Redis hangs', () => {
  it('requests with an idempotency key get 503; requests without one still get 202', async () => {
    const redis = pidOf('redis');
    process.kill(redis, 'SIGSTOP');
    try {
      const withKey = await ingest.post(batch(1), { ...open(), 'idempotency-key': `redis-${Date.now()}` });
      expect(withKey.status).toBe(503);
      expect(withKey.body).toEqual({
        error: 'idempotency_store_unavailable',
        message: 'The idempotency store (Redis) is unreachable; retry, or resend without idempotency-key.',
      });
      expect((await ingest.post(batch(1), open())).status).toBe(202);
    } finally {
      process.kill(redis, 'SIGCONT');
    }
    expect((await ingest.post(batch(1), { ...open(), 'idempotency-key': `redis-after-${Date.now()}` })).status).toBe(202);
  });
});

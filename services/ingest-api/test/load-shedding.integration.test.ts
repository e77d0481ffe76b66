/**
 * Overload is answered early and cheaply: a CPU-saturated instance (event-loop
 * delay) and a broker that acknowledges more slowly than requests arrive (queue
 * delay) both turn new requests away with 429 before their bodies are read,
 * and the instance accepts again once the pressure is gone.
 */
import { stackPid as pidOf, waitFor } from '@cdnlog/common/testing';
import { entry, startIngest } from './harness';

let ingest: Awaited<ReturnType<typeof startIngest>>;
beforeAll(async () => {
  ingest = await startIngest('shed', { env: { MAX_EVENT_LOOP_DELAY_MS: '100', PUBLISH_MAX_QUEUE_DELAY_MS: '300', PUBLISH_TIMEOUT_MS: '5000' } });
});
afterAll(async () => {
  process.kill(pidOf('kafka'), 'SIGCONT');
  await ingest.stop();
});

const open = () => ({ 'x-customer-id': ingest.tenants.open });
/** Keep the event loop busy 150 ms of every 170 for `ms`, as a CPU-saturated instance would be. */
async function saturate(ms: number) {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    for (const slice = Date.now() + 150; Date.now() < slice; );
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('ingest API load shedding', () => {
  it('event loop delayed 150 ms at a time for 1.5 s (CPU saturation): 429 overloaded at once, 202 again after a quiet second', async () => {
    expect((await ingest.post([entry()], open())).status).toBe(202);
    await saturate(1500);
    expect(ingest.shedder.delayMs).toBeGreaterThan(100);
    const before = await ingest.messageCount();
    const shed = await ingest.post([entry(), entry()], open());
    expect(shed.status).toBe(429);
    expect(shed.body).toEqual({ error: 'overloaded', message: 'This instance is CPU-saturated; retry later.' });
    expect(shed.headers.get('retry-after')).toBe('1');
    expect(await ingest.messageCount()).toBe(before);

    await waitFor(async () => ingest.shedder.delayMs, (ms) => ms <= 100, { what: 'a quiet window', timeoutMs: 5000 });
    expect((await ingest.post([entry()], open())).status).toBe(202);
  });

  it('CPU saturated while one tenant sends most of the requests: it gets 429, the other tenant 202', async () => {
    await waitFor(async () => ingest.shedder.delayMs, (ms) => ms <= 100, { what: 'a quiet window', timeoutMs: 5000 });
    await saturate(1500);
    expect(ingest.shedder.delayMs).toBeGreaterThan(100);
    expect(ingest.shedder.delayMs).toBeLessThanOrEqual(200); // above twice the bound everyone is shed
    const heavy = await Promise.all(Array.from({ length: 10 }, () => ingest.post([entry()], open())));
    expect(heavy.map((r) => r.status)).toEqual(Array(10).fill(429));
    const light = await ingest.post([entry()], { 'x-customer-id': ingest.tenants.keyed, authorization: 'Bearer keyed-secret' });
    expect(light.status).toBe(202);
    const heavyAgain = await ingest.post([entry()], open());
    expect(heavyAgain.body).toEqual({ error: 'overloaded', message: 'This instance is CPU-saturated; retry later.' });
  });

  it('broker acknowledging slower than requests arrive: a request queued 300 ms turns new ones away with 429', async () => {
    await waitFor(async () => ingest.shedder.delayMs, (ms) => ms <= 100, { what: 'a quiet window', timeoutMs: 5000 });
    const kafka = pidOf('kafka');
    process.kill(kafka, 'SIGSTOP');
    let first: Promise<{ status: number }> | undefined;
    let second: Promise<{ status: number }> | undefined;
    try {
      first = ingest.post([entry()], open()); // goes out and hangs
      await waitFor(async () => ingest.publisher.inflight, (n) => n === 1, { what: 'the first request in flight' });
      second = ingest.post([entry()], open()); // waits behind it
      await waitFor(async () => ingest.publisher.queueDelayMs(), (ms) => ms > 300, { what: 'the queue delay to pass 300 ms' });
      const shed = await ingest.post([entry()], open());
      expect(shed.status).toBe(429);
      expect(shed.body).toEqual({ error: 'overloaded', message: 'Kafka acknowledges more slowly than events arrive; retry later.' });
      expect(shed.headers.get('retry-after')).toBe('1');
    } finally {
      process.kill(kafka, 'SIGCONT');
    }
    // Neither waiting request was lost: both are acknowledged once the broker answers.
    expect([(await first!).status, (await second!).status]).toEqual([202, 202]);
    expect(ingest.publisher.queueDelayMs()).toBe(0);
    expect((await ingest.post([entry()], open())).status).toBe(202);
  });
});

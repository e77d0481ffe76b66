import { randomUUID } from 'node:crypto';
import { every, type Tally } from './tally';

async function count(tally: Tally, request: Promise<Response>): Promise<void> {
  try {
    const res = await request;
    tally.add(res.status, await res.text());
  } catch {
    tally.add('error');
  }
}

/** Single valid events, each with a new idempotency-key, at `perSecond`: the tenant's key quota fills, then 429. */
export function keyedRequests(opts: { url: string; tenant: string; key: string; runId: string; perSecond: number; signal: AbortSignal; tally: Tally }): Promise<void> {
  const send = () => {
    const body = JSON.stringify([{ timestamp: Date.now(), clientIp: '81.2.69.142', method: 'GET', path: '/noisy', status: 200, bytesSent: 1, host: opts.runId }]);
    void count(opts.tally, fetch(`${opts.url}/v1/logs`, {
      method: 'POST', body,
      headers: { 'content-type': 'application/json', 'x-customer-id': opts.tenant, authorization: `Bearer ${opts.key}`, 'idempotency-key': randomUUID() },
    }));
  };
  return every(1000 / opts.perSecond, opts.signal, send);
}

/** Batches of 10,000 invalid entries (~1 MB each) at `perSecond`: each costs a parse; the byte and event quotas bound how many get one. */
export function invalidBatches(opts: { url: string; tenant: string; key: string; perSecond: number; signal: AbortSignal; tally: Tally }): Promise<void> {
  const body = JSON.stringify(Array.from({ length: 10_000 }, (_, i) => ({ timestamp: Date.now(), clientIp: '81.2.69.142', method: 'GET', path: `/x${i}`, status: 'teapot', bytesSent: 1 })));
  const send = () =>
    void count(opts.tally, fetch(`${opts.url}/v1/logs`, {
      method: 'POST', body, headers: { 'content-type': 'application/json', 'x-customer-id': opts.tenant, authorization: `Bearer ${opts.key}` },
    }));
  return every(1000 / opts.perSecond, opts.signal, send);
}

/** `concurrency` loops of grouped history queries over 7 days by minute (raw rows, FINAL), each asking for a different `top` so no cache answers. */
export function historyQueries(opts: { url: string; tenant: string; key: string; concurrency: number; signal: AbortSignal; tally: Tally }): Promise<void> {
  let n = 0;
  const loop = async () => {
    while (!opts.signal.aborted) {
      const to = Date.now();
      const query = `from=${to - 7 * 86_400_000}&to=${to}&interval=minute&groupBy=path&top=${1 + (n++ % 1000)}&limit=10000`;
      await count(opts.tally, fetch(`${opts.url}/api/v1/metrics/${opts.tenant}/history?${query}`, { headers: { authorization: `Bearer ${opts.key}` } }));
      await new Promise((r) => setTimeout(r, 20)); // hostile, but not a busy loop in the load generator itself
    }
  };
  return Promise.all(Array.from({ length: opts.concurrency }, loop)).then(() => undefined);
}

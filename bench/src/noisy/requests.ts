import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { PipelinedClient } from './pipelined-client';
import { every, type Tally } from './tally';

/**
 * B's requests go through node:http with pooled connections rather than fetch:
 * the flood generator shares the box's two cores with A and the services, and
 * fetch costs several times the CPU per request. B's own machines would not
 * take A's CPU at all, so the cheaper the generator, the more the report
 * measures the services.
 */
const agent = new Agent({ keepAlive: true, maxSockets: 64, timeout: 4000 });

/** One request; its status and body go into `tally` (`error` when the connection failed). */
function send(tally: Tally, url: string, opts: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string }): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { agent, method: opts.method, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        tally.add(res.statusCode ?? 0, Buffer.concat(chunks).toString());
        resolve(res.statusCode);
      });
      res.on('error', () => {
        tally.add('error');
        resolve(undefined);
      });
    });
    req.on('error', () => {
      tally.add('error');
      resolve(undefined);
    });
    req.end(opts.body);
  });
}

/**
 * Single valid events, each with a new idempotency-key, at `perSecond`, pipelined on a few connections:
 * the tenant's key quota fills, then 429.
 */
export function keyedRequests(opts: { url: string; tenant: string; key: string; runId: string; perSecond: number; signal: AbortSignal; tally: Tally }): Promise<void> {
  const { hostname, port } = new URL(opts.url);
  const client = new PipelinedClient(hostname, Number(port), 8);
  const post = () => {
    const body = JSON.stringify([{ timestamp: Date.now(), clientIp: '81.2.69.142', method: 'GET', path: '/noisy', status: 200, bytesSent: 1, host: opts.runId }]);
    const head = `POST /v1/logs HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: application/json\r\nx-customer-id: ${opts.tenant}\r\n` +
      `authorization: Bearer ${opts.key}\r\nidempotency-key: ${randomUUID()}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n`;
    client.send(head + body, (status, answer) => opts.tally.add(status, answer));
  };
  return every(1000 / opts.perSecond, opts.signal, post).finally(() => client.close());
}

/** Batches of 10,000 invalid entries (~1 MB each) at `perSecond`: each costs a parse; the byte and event quotas bound how many get one. */
export function invalidBatches(opts: { url: string; tenant: string; key: string; perSecond: number; signal: AbortSignal; tally: Tally }): Promise<void> {
  const body = JSON.stringify(Array.from({ length: 10_000 }, (_, i) => ({ timestamp: Date.now(), clientIp: '81.2.69.142', method: 'GET', path: `/x${i}`, status: 'teapot', bytesSent: 1 })));
  const post = () =>
    void send(opts.tally, `${opts.url}/v1/logs`, {
      method: 'POST', body, headers: { 'content-type': 'application/json', 'x-customer-id': opts.tenant, authorization: `Bearer ${opts.key}` },
    });
  return every(1000 / opts.perSecond, opts.signal, post);
}

/**
 * `concurrency` loops of grouped history queries over 7 days by minute (raw rows, FINAL), each asking for a
 * different `top` so no cache answers. A loop sends its next query as soon as one is answered, and retries a
 * refusal after a quarter second whatever its Retry-After says: expensive queries, as many as B may run and more,
 * not a flood of requests (that is the load balancer's to refuse, not a tenant quota's).
 */
export function historyQueries(opts: { url: string; tenant: string; key: string; concurrency: number; signal: AbortSignal; tally: Tally }): Promise<void> {
  let n = 0;
  const loop = async () => {
    while (!opts.signal.aborted) {
      const to = Date.now();
      const query = `from=${to - 7 * 86_400_000}&to=${to}&interval=minute&groupBy=path&top=${1 + (n++ % 1000)}&limit=10000`;
      const status = await send(opts.tally, `${opts.url}/api/v1/metrics/${opts.tenant}/history?${query}`, { method: 'GET', headers: { authorization: `Bearer ${opts.key}` } });
      if (status !== 200) await new Promise((r) => setTimeout(r, 250));
    }
  };
  return Promise.all(Array.from({ length: opts.concurrency }, loop)).then(() => undefined);
}

/**
 * One load-generator thread: sends POST /v1/logs at a fixed offered rate (open
 * loop: the schedule does not wait for answers), at most `maxInFlight` at once,
 * over keep-alive connections. Reports per-second counts and, at the end, every
 * latency sample.
 */
import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { entryGenerator } from '../generate/entries';

export interface WorkerInput {
  ingestUrl: string;
  ingestKey: string;
  runId: string;
  seed: number;
  batchSize: number;
  /** Offered requests/s of this worker, per phase. */
  phases: Array<{ seconds: number; requestsPerSecond: number }>;
  maxInFlight: number;
  /** Send as this tenant only (default: the bench tenants in their Zipf shares). */
  tenant?: string;
}

export interface WorkerSecond {
  second: number;
  offered: number;
  sent: number;
  accepted: number;
  statuses: Record<string, number>;
  latencies: number[];
}

const input = workerData as WorkerInput;
const url = new URL(input.ingestUrl);
/**
 * `timeout` closes an idle pooled connection before the server does. Node's
 * agent only honours the server's `Keep-Alive: timeout=5` hint when it has a
 * timeout of its own; without one, a burst after a stall picked up connections
 * the server was closing at that moment, and those requests failed with ECONNRESET.
 */
const agent = new Agent({ keepAlive: true, maxSockets: input.maxInFlight, timeout: 4000 });
const gen = entryGenerator(input.seed);

/**
 * Keep-alive connections opened (with GET /healthz) before the clock starts, as
 * an edge holds its connections open. Without them the first seconds of a run
 * measure the client's connection set-up, not the server (docs/benchmarks.md,
 * decision record).
 */
const WARM_CONNECTIONS = 64;

let inFlight = 0;
let current: WorkerSecond = { second: 0, offered: 0, sent: 0, accepted: 0, statuses: {}, latencies: [] };

function send(): void {
  const tenant = input.tenant ?? gen.tenant();
  const now = Date.now();
  const entries = Array.from({ length: input.batchSize }, () => gen.entry(input.runId, now));
  const body = JSON.stringify(input.batchSize === 1 ? entries[0] : entries);
  const bucket = current;
  const started = process.hrtime.bigint();
  inFlight++;
  bucket.sent++;
  const req = request(
    {
      agent, host: url.hostname, port: url.port, path: '/v1/logs', method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-customer-id': tenant, authorization: `Bearer ${input.ingestKey}` },
    },
    (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        inFlight--;
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        const status = String(res.statusCode);
        bucket.statuses[status] = (bucket.statuses[status] ?? 0) + 1;
        bucket.latencies.push(ms);
        if (res.statusCode === 202) bucket.accepted += (JSON.parse(Buffer.concat(chunks).toString()) as { accepted: number }).accepted;
      });
    },
  );
  req.on('error', (err: NodeJS.ErrnoException) => {
    inFlight--;
    // "error ECONNRESET" and the like: which failure it was matters more than that one happened.
    const key = err.code ? `error ${err.code}` : 'error';
    bucket.statuses[key] = (bucket.statuses[key] ?? 0) + 1;
  });
  req.end(body);
}

function warmConnections(count: number): Promise<void> {
  const opened = Array.from({ length: count }, () => new Promise<void>((resolve) => {
    const req = request({ agent, host: url.hostname, port: url.port, path: '/healthz', method: 'GET' }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', () => resolve());
    req.end();
  }));
  return Promise.all(opened).then(() => undefined);
}

async function run(): Promise<void> {
  await warmConnections(Math.min(WARM_CONNECTIONS, input.maxInFlight));
  const seconds: WorkerSecond[] = [];
  let second = 0;
  for (const phase of input.phases) {
    for (let s = 0; s < phase.seconds; s++, second++) {
      current = { second, offered: 0, sent: 0, accepted: 0, statuses: {}, latencies: [] };
      const start = Date.now();
      let due = 0;
      while (Date.now() - start < 1000) {
        const target = Math.floor(((Date.now() - start) / 1000) * phase.requestsPerSecond);
        while (due < target) {
          due++;
          current.offered++;
          if (inFlight < input.maxInFlight) send();
        }
        await new Promise((r) => setTimeout(r, 2));
      }
      while (due < phase.requestsPerSecond) {
        due++;
        current.offered++;
        if (inFlight < input.maxInFlight) send();
      }
      seconds.push(current);
      parentPort!.postMessage({ type: 'second', second: current.second, sent: current.sent });
    }
  }
  const deadline = Date.now() + 30_000;
  while (inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  parentPort!.postMessage({ type: 'done', seconds });
  agent.destroy();
}

void run();

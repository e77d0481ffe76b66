/**
 * `npm run bench -- --profile noisy`: tenant A sends its normal traffic in
 * alternating segments, alone and while tenant B floods the shared services (slow bodies, keyed
 * requests past its key quota, invalid batches, grouped history queries), and
 * the report puts A's statuses and latency side by side. Target (issue #18):
 * A gets no 429 or 5xx and its p99 stays within 2× of the quiet run.
 */
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { getPriority, setPriority } from 'node:os';
import { join } from 'node:path';
import { arg, integerArg } from '../cli-args';
import { type LoadResult, percentile, runLoad } from '../load/run-load';
import { type NoisyReport, type TenantRun, writeNoisyReport } from '../report/write-noisy-report';
import { historyQueries, invalidBatches, keyedRequests } from './requests';
import { slowBodies } from './slow-bodies';
import { Tally } from './tally';

const FLOOD_KINDS = ['slowBodies', 'keyedRequests', 'invalidBatches', 'historyQueries'] as const;
const KEYS = { ingest: 'bench-ingest-key', read: 'bench-read-key' };
/** A: a bench tenant with the sample registry's ordinary limits; B: `bench-noisy`, small quotas (config/tenants.sample.json). */
const TENANTS = { a: 'bench-01', b: 'bench-noisy' };

export async function runNoisy(argv: readonly string[], root: string): Promise<void> {
  const ingestUrl = arg('ingest', 'http://127.0.0.1:8080', argv);
  const metricsUrl = arg('metrics', 'http://127.0.0.1:8081', argv);
  const seconds = integerArg('seconds', 60, { min: 5, max: 3600 }, argv);
  const rate = integerArg('rate', 2000, { min: 10, max: 100_000 }, argv);
  const batch = integerArg('batch', 10, { min: 1, max: 1000 }, argv);
  const out = arg('out', join(root, 'bench', 'results'), argv);
  // Which of B's floods run (all by default): one at a time shows which costs A most.
  const kinds = arg('floods', FLOOD_KINDS.join(','), argv).split(',');
  const unknownKind = kinds.find((k) => !(FLOOD_KINDS as readonly string[]).includes(k));
  if (unknownKind) throw new Error(`--floods ${unknownKind}: use some of ${FLOOD_KINDS.join(', ')}`);
  const log = (line: string) => process.stdout.write(`bench: ${line}\n`);
  const startedAt = new Date().toISOString();
  const runId = `bench-${randomBytes(4).toString('hex')}`;

  // A's quiet and noisy runs alternate in `rounds` segments of seconds/rounds each: this host's own
  // speed drifts over minutes, and alternating lets the drift weigh on both sides alike.
  const rounds = integerArg('rounds', 3, { min: 1, max: 60 }, argv);
  const segmentSeconds = Math.max(5, Math.round(seconds / rounds));
  const quiet: LoadResult[] = [];
  const noisy: LoadResult[] = [];
  const floods = {
    slowBodies: new Tally(), keyedRequests: new Tally(), invalidBatches: new Tally(), historyQueries: new Tally(),
  };
  const tenantA = () =>
    runLoad({
      ingestUrl, ingestKey: KEYS.ingest, runId, batchSize: batch, tenant: TENANTS.a,
      phases: [{ seconds: segmentSeconds, requestsPerSecond: Math.max(1, Math.round(rate / batch)) }], workers: 1, maxInFlight: 256,
    });
  const settle = () => new Promise((r) => setTimeout(r, 3000)); // the consumers catch up between segments

  for (let round = 1; round <= rounds; round++) {
    log(`noisy: round ${round}/${rounds}: tenant ${TENANTS.a} alone, ${rate} events/s in batches of ${batch} for ${segmentSeconds} s`);
    quiet.push(await tenantA());
    await settle();
    log(`noisy: round ${round}/${rounds}: tenant ${TENANTS.a} again while ${TENANTS.b} floods`);
    const stop = new AbortController();
    setMaxListeners(100, stop.signal); // one listener per slow connection
    const b = { tenant: TENANTS.b, key: KEYS.ingest, signal: stop.signal };
    const start: Record<(typeof FLOOD_KINDS)[number], () => Promise<void>> = {
      slowBodies: () => slowBodies({ ...b, url: ingestUrl, connections: 48, tally: floods.slowBodies }),
      keyedRequests: () => keyedRequests({ ...b, url: ingestUrl, runId, perSecond: 300, tally: floods.keyedRequests }),
      invalidBatches: () => invalidBatches({ ...b, url: ingestUrl, perSecond: 4, tally: floods.invalidBatches }),
      historyQueries: () => historyQueries({ ...b, key: KEYS.read, url: metricsUrl, concurrency: 8, tally: floods.historyQueries }),
    };
    // B's floods run in this (main) thread, A's load in a worker thread of the same process. On Linux a
    // priority set here applies to this thread only: at nice 10 the flood generator's own CPU yields to
    // A's client and to the services, as B's machines would not share A's cores at all.
    const niceBefore = getPriority();
    trySetPriority(10);
    const running = FLOOD_KINDS.filter((k) => kinds.includes(k)).map((k) => start[k]());
    noisy.push(await tenantA());
    stop.abort();
    await Promise.all(running);
    trySetPriority(niceBefore);
    await settle();
  }

  const report: Omit<NoisyReport, 'machine' | 'verdict'> = {
    startedAt, seconds: segmentSeconds * rounds, rounds, rate, batch, tenants: TENANTS, floods: FLOOD_KINDS.filter((k) => kinds.includes(k)),
    quiet: tenantRun(quiet), noisy: tenantRun(noisy),
    flood: Object.fromEntries(Object.entries(floods).map(([k, t]) => [k, t.counts])) as NoisyReport['flood'],
  };
  const file = writeNoisyReport(out, report);
  log(`report: ${file}`);
  log(`A quiet p99 ${report.quiet.p99Ms} ms ${JSON.stringify(report.quiet.statuses)}; A with B flooding p99 ${report.noisy.p99Ms} ms ${JSON.stringify(report.noisy.statuses)}`);
}

/** A's answers and latency over all its segments of one kind (quiet or noisy). */
function tenantRun(segments: LoadResult[]): TenantRun {
  const latencies = segments.flatMap((l) => l.latencies);
  const statuses: Record<string, number> = {};
  for (const l of segments) for (const [status, n] of Object.entries(l.statuses)) statuses[status] = (statuses[status] ?? 0) + n;
  return {
    statuses, acceptedEvents: segments.reduce((a, l) => a + l.acceptedEvents, 0),
    p50Ms: percentile(latencies, 0.5), p95Ms: percentile(latencies, 0.95), p99Ms: percentile(latencies, 0.99),
    p99BySecond: segments.flatMap((l) => l.seconds.map((s) => Math.round(s.p99Ms))),
  };
}

/** Raising a priority back needs privileges the bench may not have: then it stays lower, which only slows the report. */
function trySetPriority(nice: number): void {
  try {
    setPriority(nice);
  } catch {
    /* not permitted */
  }
}

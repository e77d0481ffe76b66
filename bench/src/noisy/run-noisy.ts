/**
 * `npm run bench -- --profile noisy`: tenant A sends its normal traffic twice,
 * alone and while tenant B floods the shared services (slow bodies, keyed
 * requests past its key quota, invalid batches, grouped history queries), and
 * the report puts A's statuses and latency side by side. Target (issue #18):
 * A gets no 429 or 5xx and its p99 stays within 2× of the quiet run.
 */
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { getPriority, setPriority } from 'node:os';
import { join } from 'node:path';
import { arg, integerArg } from '../cli-args';
import { percentile, runLoad } from '../load/run-load';
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

  const tenantA = async (): Promise<TenantRun> => {
    const load = await runLoad({
      ingestUrl, ingestKey: KEYS.ingest, runId, batchSize: batch, tenant: TENANTS.a,
      phases: [{ seconds, requestsPerSecond: Math.max(1, Math.round(rate / batch)) }], workers: 1, maxInFlight: 256,
    });
    return {
      statuses: load.statuses, acceptedEvents: load.acceptedEvents,
      p50Ms: percentile(load.latencies, 0.5), p95Ms: percentile(load.latencies, 0.95), p99Ms: percentile(load.latencies, 0.99),
    };
  };

  log(`noisy: tenant ${TENANTS.a} alone, ${rate} events/s in batches of ${batch} for ${seconds} s`);
  const quiet = await tenantA();
  await new Promise((r) => setTimeout(r, 5000)); // the consumers settle between the runs

  log(`noisy: tenant ${TENANTS.a} again while ${TENANTS.b} floods`);
  const stop = new AbortController();
  setMaxListeners(100, stop.signal); // one listener per slow connection
  const floods = {
    slowBodies: new Tally(), keyedRequests: new Tally(), invalidBatches: new Tally(), historyQueries: new Tally(),
  };
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
  const noisy = await tenantA();
  stop.abort();
  await Promise.all(running);
  trySetPriority(niceBefore);

  const report: Omit<NoisyReport, 'machine' | 'verdict'> = {
    startedAt, seconds, rate, batch, tenants: TENANTS, floods: FLOOD_KINDS.filter((k) => kinds.includes(k)), quiet, noisy,
    flood: Object.fromEntries(Object.entries(floods).map(([k, t]) => [k, t.counts])) as NoisyReport['flood'],
  };
  const file = writeNoisyReport(out, report);
  log(`report: ${file}`);
  log(`A quiet p99 ${quiet.p99Ms} ms ${JSON.stringify(quiet.statuses)}; A with B flooding p99 ${noisy.p99Ms} ms ${JSON.stringify(noisy.statuses)}`);
}

/** Raising a priority back needs privileges the bench may not have: then it stays lower, which only slows the report. */
function trySetPriority(nice: number): void {
  try {
    setPriority(nice);
  } catch {
    /* not permitted */
  }
}

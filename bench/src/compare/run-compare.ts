/**
 * `npm run bench -- --profile compare`: the project and the Go reference peer
 * (/work/shared/peers, README there) one after the other on the same stack, with
 * the same load generator, the other system's services stopped (everything shares
 * the box's cores). The method is the peer's compare.py: offer RATE events/s in
 * batches of BATCH for SECONDS, wait until ClickHouse (FINAL) and the live view
 * hold every accepted event, and charge the CPU (utime + stime) of the three
 * services, Kafka, ClickHouse and Redis over that whole span to the events.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { type ClickHouseClient, clickhouseEnv, createClickHouse, createRedis, parseEnv, type RedisClient, redisEnv, scanKeys, stringLiteral, tablesFor } from '@cdnlog/common';
import { BENCH_TENANTS } from '../generate/entries';
import { percentile, runLoad } from '../load/run-load';
import { finalCount, liveTotal, rowCount } from '../measure/drain';
import { pidsOf, sampleProcesses } from '../measure/proc-stats';
import { writeCompareReport } from '../report/write-compare-report';
import { type CompareMeasurement, CPU_COLUMNS, type CpuColumn, type LoadSummary, parsePeerLoad, summarize } from './compute';
import { type CompareOptions, compareOptions, type ComparePoint, type System } from './options';
import { peerPaths, peerPid, peerUnavailable, projectServicesRunning, runCommand, runPeer, sleep, startProject, stopProjectServices } from './systems';

/** config/tenants.sample.json's bench keys; the peer accepts bench-00…bench-19 with its own key. */
const KEYS = { project: { ingest: 'bench-ingest-key', read: 'bench-read-key' }, peer: { ingest: 'demo-ingest-key' } };
const PEER_TABLE = 'peer.logs';
/** The peer's load generator dates events up to 5 s back; counting from a minute before that start catches them all. */
const TIMESTAMP_SLACK_MS = 10_000;
/** Polls (half a second apart) without a new row before the drain is confirmed with FINAL anyway. */
const STALL_POLLS = 10;

interface Context {
  opts: CompareOptions;
  stackDir: string;
  clickhouse: ClickHouseClient;
  projectTable: string;
  redis?: RedisClient;
  /** The peer's load generator, when built; otherwise the bench's own. */
  peerLoadBin?: string;
  log: (line: string) => void;
}

export async function runCompare(argv: readonly string[], root: string): Promise<void> {
  const opts = compareOptions(argv, root);
  const log = (line: string) => process.stdout.write(`bench:compare: ${line}\n`);
  const config = parseEnv(z.object({ ...clickhouseEnv, ...redisEnv }));
  const startedAt = new Date().toISOString();
  const wantPeer = opts.systems.includes('peer');
  let skipped = wantPeer ? peerUnavailable(opts.peerDir) : 'not asked for (--systems)';
  const peer = peerPaths(opts.peerDir);
  if (wantPeer && !skipped && !existsSync(peer.bin)) {
    log(`building the Go peer (${peer.bin})`);
    await runPeer(opts.peerDir, 'build').catch((err: Error) => (skipped = `its build failed: ${err.message}`));
  }
  if (wantPeer && skipped) log(`SKIPPING THE GO PEER: ${skipped}. Measuring the project only.`);
  const measurePeer = wantPeer && !skipped;
  const ctx: Context = {
    opts, stackDir: process.env.STACK_DIR ?? join(root, '.stack'), log,
    clickhouse: createClickHouse(config), projectTable: tablesFor(config.CLICKHOUSE_DATABASE).enrichedLogs,
    redis: measurePeer ? createRedis(config) : undefined,
    peerLoadBin: existsSync(peer.bin) ? peer.bin : undefined,
  };
  log(`load generator: ${ctx.peerLoadBin ? `${ctx.peerLoadBin} -role load` : "the bench's own (the peer's is not built)"}`);

  const measurements: CompareMeasurement[] = [];
  let projectStopped = false;
  let failure: unknown;
  try {
    if (opts.systems.includes('project')) {
      if (existsSync(peer.script)) await runPeer(opts.peerDir, 'stop');
      if (!projectServicesRunning(ctx.stackDir)) {
        log("starting the project's services (scripts/pipeline up)");
        await startProject(root);
        await sleep(opts.settleSeconds * 1000);
      }
      await measurePoints(ctx, 'project', measurements);
    }
    if (measurePeer) {
      log("stopping the project's four services while the peer runs (the stack stays up)");
      projectStopped = (await stopProjectServices(ctx.stackDir, log)).length > 0;
      log('starting the Go peer (run-peer.sh start)');
      await runPeer(opts.peerDir, 'start');
      await sleep(opts.settleSeconds * 1000);
      await measurePoints(ctx, 'peer', measurements);
    }
  } catch (err) {
    failure = err;
  } finally {
    if (measurePeer) await runPeer(opts.peerDir, 'stop').catch((err: Error) => log(`run-peer.sh stop failed: ${err.message}`));
    if (projectStopped) {
      log("starting the project's services again (scripts/pipeline up)");
      await startProject(root).catch((err: Error) => log(`scripts/pipeline up failed: ${err.message}`));
    }
    await ctx.clickhouse.close();
    await ctx.redis?.quit();
  }
  // What was measured before a failure is still worth its report.
  if (measurements.length > 0) {
    const file = writeCompareReport(opts.out, { startedAt, seconds: opts.seconds, warmupSeconds: opts.warmupSeconds, peer: { dir: opts.peerDir, measured: measurePeer, skipped }, measurements });
    log(`report: ${file}`);
  }
  if (failure !== undefined) throw failure;
}

/** Measure every point of the options for `system`, appending to `out` as each completes. */
async function measurePoints(ctx: Context, system: System, out: CompareMeasurement[]): Promise<void> {
  const first = ctx.opts.points[0]!;
  if (ctx.opts.warmupSeconds > 0) {
    ctx.log(`${system}: warming up, ${first.rate} events/s in batches of ${first.batch} for ${ctx.opts.warmupSeconds} s (not measured)`);
    const warm = await measure(ctx, system, first, ctx.opts.warmupSeconds);
    // A warm-up still draining would spill into the first point's minutes and counts.
    if (warm.clickhouseDoneSeconds === null || warm.liveDoneSeconds === null) {
      throw new Error(`${system}: the warm-up did not drain within --timeout-s (${ctx.opts.timeoutSeconds} s)`);
    }
    await sleep(ctx.opts.settleSeconds * 1000);
  }
  for (const [i, point] of ctx.opts.points.entries()) {
    if (i > 0) await sleep(ctx.opts.settleSeconds * 1000);
    ctx.log(`${system}: ${point.rate} events/s in batches of ${point.batch} for ${ctx.opts.seconds} s`);
    const m = await measure(ctx, system, point);
    ctx.log(`${system}: accepted ${m.acceptedEventsPerSecond} ev/s, end to end ${m.endToEndEventsPerSecond ?? 'incomplete'} ev/s, ${m.cpuMicrosPerEventTotal} µs CPU/event`);
    out.push(m);
  }
}

async function measure(ctx: Context, system: System, point: ComparePoint, seconds = ctx.opts.seconds): Promise<CompareMeasurement> {
  const { opts } = ctx;
  const one = (pid: number | undefined) => (pid === undefined ? [] : [pid]);
  const pids: Record<CpuColumn, number[]> = {
    ingest: system === 'project' ? pidsOf(ctx.stackDir, 'ingest-api') : one(peerPid(opts.peerDir, 'ingest')),
    enricher: system === 'project' ? pidsOf(ctx.stackDir, 'enricher') : one(peerPid(opts.peerDir, 'enricher')),
    aggregator: system === 'project' ? pidsOf(ctx.stackDir, 'aggregator') : one(peerPid(opts.peerDir, 'aggregator')),
    kafka: pidsOf(ctx.stackDir, 'kafka'),
    clickhouse: pidsOf(ctx.stackDir, 'clickhouse'),
    redis: pidsOf(ctx.stackDir, 'redis'),
  };
  const cpu = () => Object.fromEntries(CPU_COLUMNS.map((c) => [c, sampleProcesses(pids[c])?.cpuSeconds])) as Record<CpuColumn, number | undefined>;
  const fromMinuteMs = Math.floor((Date.now() - TIMESTAMP_SLACK_MS) / 60_000) * 60_000;
  const tenants = BENCH_TENANTS.map(stringLiteral).join(', ');
  const rows = `customer_id IN (${tenants}) AND timestamp >= toDateTime(${fromMinuteMs / 1000})`;
  const table = system === 'project' ? ctx.projectTable : PEER_TABLE;
  const stored = () => finalCount(ctx.clickhouse, table, rows);
  const storedRows = () => rowCount(ctx.clickhouse, table, rows);
  const live = () => (system === 'project' ? liveTotal(opts.metricsUrl, KEYS.project.read, fromMinuteMs) : peerLiveTotal(ctx.redis!, fromMinuteMs));

  // Counts are taken as differences: earlier runs' rows in the same minutes stay where they are.
  const [stored0, rows0, live0] = [await stored(), await storedRows(), await live()];
  const cpu0 = cpu();
  const started = Date.now();
  const sinceStart = () => (Date.now() - started) / 1000;
  const load = ctx.peerLoadBin ? await peerLoad(ctx, system, point, seconds) : await benchLoad(ctx, system, point, seconds);
  const loadSeconds = sinceStart();
  const deadline = started + opts.timeoutSeconds * 1000;
  let storedEvents = 0;
  let liveEvents = 0;
  // FINAL reads and merges every row of the run, so polling with it while a slow system drains loads
  // ClickHouse in proportion to the drain and charged that to the system measured. The plain count is
  // cheap and never below the distinct one: FINAL only confirms once it says enough, or once it has
  // not grown for STALL_POLLS polls (merges of older rows in the same minutes can hold the plain
  // difference below the accepted count for good), and at most every STALL_POLLS polls (duplicates
  // can take the plain count past the accepted one before FINAL gets there). ClickHouse is done when
  // the plain count last grew before FINAL confirmed, however late the confirmation came.
  let lastRows = -1;
  let grewAt = 0;
  let grewPoll = 0;
  let polls = 0;
  let finalPoll = -Infinity;
  const clickhouseDone = (await waitFor(async () => {
    polls++;
    const rows = (await storedRows()) - rows0;
    if (rows > lastRows) [lastRows, grewAt, grewPoll] = [rows, sinceStart(), polls];
    if (rows < load.accepted && polls - grewPoll < STALL_POLLS) return false;
    if (polls - finalPoll < STALL_POLLS) return false;
    finalPoll = polls;
    return (storedEvents = (await stored()) - stored0) >= load.accepted;
  }, deadline)) ? grewAt : null;
  if (clickhouseDone === null) storedEvents = (await stored()) - stored0;
  const liveDone = (await waitFor(async () => (liveEvents = (await live()) - live0) >= load.accepted, deadline)) ? sinceStart() : null;
  const cpu1 = cpu();
  const cpuSeconds = Object.fromEntries(
    CPU_COLUMNS.map((c) => [c, cpu0[c] === undefined || cpu1[c] === undefined ? null : Math.round((cpu1[c] - cpu0[c]) * 100) / 100]),
  ) as Record<CpuColumn, number | null>;
  return summarize({
    system, point, seconds, loadGenerator: ctx.peerLoadBin ? 'peer' : 'bench', load, loadSeconds: Math.round(loadSeconds * 10) / 10,
    clickhouseDoneSeconds: clickhouseDone === null ? null : Math.round(clickhouseDone * 10) / 10,
    liveDoneSeconds: liveDone === null ? null : Math.round(liveDone * 10) / 10,
    clickhouseEvents: storedEvents, liveEvents, cpuSeconds,
  });
}

/** Poll `check` every half second until it holds (true) or the deadline passes (false). */
async function waitFor(check: () => Promise<boolean>, deadline: number): Promise<boolean> {
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(500);
  }
}

/** The peer's `bin/peer -role load`, as compare.py runs it (64 keep-alive connections, open loop). */
async function peerLoad(ctx: Context, system: System, point: ComparePoint, seconds: number): Promise<LoadSummary> {
  const url = `${system === 'project' ? ctx.opts.ingestUrl : ctx.opts.peerIngestUrl}/v1/logs`;
  const key = system === 'project' ? KEYS.project.ingest : KEYS.peer.ingest;
  const r = await runCommand(ctx.peerLoadBin!, [
    '-role', 'load', '-url', url, '-tenants', BENCH_TENANTS.join(','), '-key', key,
    '-rate', String(point.rate), '-batch', String(point.batch), '-duration', `${seconds}s`, '-conns', '64',
  ]);
  const summary = parsePeerLoad(r.stdout);
  if (!summary) throw new Error(`the peer's load generator printed no summary (exit ${r.code}):\n${(r.stdout + r.stderr).slice(-2000)}`);
  return summary;
}

/** The bench's own load generator (src/load), when the peer's is not built. */
async function benchLoad(ctx: Context, system: System, point: ComparePoint, seconds: number): Promise<LoadSummary> {
  if (system !== 'project') throw new Error("the peer is measured with its own load generator only");
  const load = await runLoad({
    ingestUrl: ctx.opts.ingestUrl, ingestKey: KEYS.project.ingest, runId: `compare-${randomBytes(4).toString('hex')}`, batchSize: point.batch,
    phases: [{ seconds, requestsPerSecond: point.rate / point.batch }], workers: 2, maxInFlight: 512,
  });
  return {
    accepted: load.acceptedEvents, statuses: load.statuses,
    p50Ms: percentile(load.latencies, 0.5), p95Ms: percentile(load.latencies, 0.95), p99Ms: percentile(load.latencies, 0.99),
  };
}

/** The peer's live view: the `requests` of its per-tenant minute hashes `peer:{tenant}:m:<epoch s>` from `fromMinuteMs` on. */
async function peerLiveTotal(redis: RedisClient, fromMinuteMs: number): Promise<number> {
  const keys = (await scanKeys(redis, 'peer:{*}:m:*')).filter((k) => Number(/:m:(\d+)$/.exec(k)?.[1] ?? -1) >= fromMinuteMs / 1000);
  const values = await Promise.all(keys.map((k) => redis.hget(k, 'requests')));
  return values.reduce((a, v) => a + Number(v ?? 0), 0);
}

/**
 * npm run bench -- --profile a|b|c|low|soak|smoke [--ingest URL] [--metrics URL] [--out DIR] [--align-minute yes|no]
 * npm run bench -- --profile noisy [--rate 2000] [--batch 10] [--seconds 60] [--rounds 3] [--floods slowBodies,keyedRequests,invalidBatches,historyQueries]
 *   (tenant A alone and while tenant B floods: src/noisy/run-noisy.ts)
 * npm run bench -- --profile compare [--rate 40000] [--batch 500] [--seconds 30] [--systems project,peer] [--peer-dir DIR]
 *   (the project and the Go peer side by side: src/compare/run-compare.ts)
 *
 * Runs a load profile against a running pipeline (npm run up), then waits until
 * every accepted event is in ClickHouse and in the live totals (exit 1 if that
 * never happens: exactness is the one hard check), measures freshness, /proc
 * resources and Kafka's own producer ceiling, and writes JSON + Markdown + SVG.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { clickhouseEnv, createClickHouse, createKafka, createLogger, ensureTopics, kafkaEnv, parseEnv, redisEnv, tablesFor } from '@cdnlog/common';
import { arg } from './cli-args';
import { runCompare } from './compare/run-compare';
import { runNoisy } from './noisy/run-noisy';
import { entryGenerator } from './generate/entries';
import { percentile, runLoad } from './load/run-load';
import { measureCeiling } from './measure/ceiling';
import { waitForDrain } from './measure/drain';
import { startFreshnessProbes } from './measure/freshness';
import { startProcSampler } from './measure/proc-stats';
import { startRedisSampler } from './measure/redis-memory';
import { COMPARE_PROFILE, NOISY_PROFILE, PROFILES } from './profiles';
import { machine } from './report/results';
import { type BenchReport, writeReport } from './report/write-report';

async function main(): Promise<void> {
  if (arg('profile', 'smoke') === COMPARE_PROFILE) return runCompare(process.argv, join(__dirname, '..', '..'));
  if (arg('profile', 'smoke') === NOISY_PROFILE) return runNoisy(process.argv, join(__dirname, '..', '..'));
  const profile = PROFILES[arg('profile', 'smoke')];
  if (!profile) throw new Error(`unknown profile; use one of ${[...Object.keys(PROFILES), COMPARE_PROFILE, NOISY_PROFILE].join(', ')}`);
  const ingestUrl = arg('ingest', 'http://127.0.0.1:8080');
  const metricsUrl = arg('metrics', 'http://127.0.0.1:8081');
  const out = arg('out', join(__dirname, '..', 'results'));
  const stackDir = process.env.STACK_DIR ?? join(__dirname, '..', '..', '.stack');
  const config = parseEnv(z.object({ ...kafkaEnv, ...clickhouseEnv, ...redisEnv, LIVE_WINDOW_MINUTES: z.coerce.number().int().positive().default(15) }));
  const keys = { ingest: 'bench-ingest-key', read: 'bench-read-key' };
  const log = (line: string) => process.stdout.write(`bench: ${line}\n`);

  const runId = `bench-${randomBytes(4).toString('hex')}`;
  const waitMs = 60_000 - (Date.now() % 60_000);
  if (arg('align-minute', 'yes') === 'yes' && waitMs < 59_000) {
    log(`waiting ${Math.round(waitMs / 1000)} s for the next minute boundary (live totals are per minute)`);
    await new Promise((r) => setTimeout(r, waitMs + 50));
  }
  const startedAt = new Date();
  const fromMinuteMs = Math.floor(startedAt.getTime() / 60_000) * 60_000;
  log(`profile ${profile.name}: ${profile.description}; run ${runId}`);

  const procs = startProcSampler(stackDir);
  const redisSamples = startRedisSampler(config);
  const probes = startFreshnessProbes({ ingestUrl, ingestKey: keys.ingest, metricsUrl, readKey: keys.read, everyMs: 1000 });
  const load = await runLoad(
    { ingestUrl, ingestKey: keys.ingest, runId, batchSize: profile.batchSize, phases: profile.phases, workers: profile.workers, maxInFlight: profile.maxInFlight },
    (s) => s % 15 === 14 && log(`${s + 1} s`),
  );
  const freshness = await probes.stop();
  log(`load done: ${load.acceptedEvents} events accepted of ${load.offeredEvents} offered; waiting for the drain`);

  const clickhouse = createClickHouse(config);
  const drain = await waitForDrain({
    clickhouse, tables: tablesFor(config.CLICKHOUSE_DATABASE), runId, metricsUrl, readKey: keys.read, fromMinuteMs,
    expected: load.acceptedEvents,
    ambiguous: Object.entries(load.statuses).filter(([s]) => s.startsWith('5') || s.startsWith('error')).reduce((a, [, n]) => a + n, 0) * profile.batchSize,
    timeoutMs: 10 * 60_000, liveWindowMinutes: config.LIVE_WINDOW_MINUTES,
  });
  const redis = await redisSamples.stop();
  await clickhouse.close();
  const processes = procs.stop();

  // The ceiling is measured with records the size of the pipeline's raw messages: one v2 message per request of `batchSize` events.
  const gen = entryGenerator(1);
  const events = Array.from({ length: profile.batchSize }, () => ({ eventId: 'x'.repeat(32), ...gen.entry(runId, Date.now()) }));
  const recordSize = Buffer.byteLength(JSON.stringify({ v: 2, customerId: 'bench-00', batchId: 'x'.repeat(36), receivedAt: Date.now(), events }));
  const ceilingRecords = Math.max(2000, Math.round(profile.ceilingRecords / profile.batchSize));
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'bench', logger: createLogger('bench', 'error') });
  await ensureTopics(kafka, ['bench.ceiling'], config.KAFKA_TOPIC_PARTITIONS, 1);
  log('measuring the broker ceiling (ProducerPerformance)');
  const ceiling = measureCeiling({ brokers: config.KAFKA_BROKERS.join(','), topic: 'bench.ceiling', records: ceilingRecords, recordSize });

  let offset = 0;
  const phases = profile.phases.map((p) => {
    const secs = load.seconds.slice(offset, offset + p.seconds);
    offset += p.seconds;
    const statuses: Record<string, number> = {};
    for (const s of secs) for (const [k, v] of Object.entries(s.statuses)) statuses[k] = (statuses[k] ?? 0) + v;
    const latencies = secs.flatMap((s) => s.latencies);
    return {
      label: p.label,
      offeredEventsPerSecond: Math.round(secs.reduce((a, s) => a + s.offeredEvents, 0) / Math.max(1, secs.length)),
      acceptedEventsPerSecond: Math.round(secs.reduce((a, s) => a + s.acceptedEvents, 0) / Math.max(1, secs.length)),
      p50Ms: percentile(latencies, 0.5),
      p95Ms: percentile(latencies, 0.95),
      p99Ms: percentile(latencies, 0.99),
      statuses,
    };
  });
  const accepted = Math.round(load.acceptedEvents / load.durationSeconds);
  const report: BenchReport = {
    profile: profile.name, description: profile.description, runId, startedAt: startedAt.toISOString(),
    machine: machine(),
    offeredEventsPerSecond: Math.round(load.offeredEvents / load.durationSeconds), acceptedEventsPerSecond: accepted, acceptedEvents: load.acceptedEvents,
    statuses: load.statuses,
    latencyMs: { p50: percentile(load.latencies, 0.5), p95: percentile(load.latencies, 0.95), p99: percentile(load.latencies, 0.99), max: percentile(load.latencies, 1) },
    phases,
    sustainedEventsPerSecond: profile.ramp
      ? Math.max(0, ...phases.filter((p) => p.acceptedEventsPerSecond >= 0.95 * p.offeredEventsPerSecond && !Object.keys(p.statuses).some((s) => s.startsWith('5') || s.startsWith('error'))).map((p) => p.acceptedEventsPerSecond))
      : undefined,
    drain, freshness, processes, ceiling, redis,
    // Raw messages per second (one per request) against the broker's records per second of the same size.
    pipelineToCeiling: ceiling ? Math.round((accepted / profile.batchSize / ceiling.recordsPerSecond) * 100) / 100 : null,
    recordSizeBytes: recordSize,
    seconds: load.seconds.map(({ second, offeredEvents, acceptedEvents, p99Ms }) => ({ second, offeredEvents, acceptedEvents, p99Ms })),
  };
  const file = writeReport(out, report);
  log(`report: ${file}`);
  log(`accepted ${accepted} ev/s, p99 ${report.latencyMs.p99} ms, exact ${drain.exact}, consistent ${drain.ok}, drain ${drain.seconds} s, freshness p95 ${freshness.p95Ms} ms`);
  if (!drain.ok) {
    log(`LOST OR DOUBLE-COUNTED: ClickHouse ${drain.clickhouseDistinct}, live ${drain.liveTotal}, acknowledged ${drain.expected}, ambiguous ${drain.ambiguous}`);
    process.exit(1);
  }
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});

/**
 * npm run bench:history [-- --days 30 --per-minute 5 --repeat 10 --metrics URL --out DIR]
 *
 * Issue #6: "history over 30 days of minute data for one tenant answers in well
 * under a second". Seeds tenant `bench-history` with `--per-minute` events in
 * every minute of the last `--days` days, through the real path (raw topic →
 * enricher → enriched_logs → rollup scheduler → minute_rollups), waits until
 * the rollups agree with the raw rows, then times the metrics API's history
 * queries (each `--repeat` times, past its cache) and writes JSON + Markdown.
 * Event ids are deterministic per minute, so a second run re-seeds the same
 * minutes without adding to them.
 */
import { join } from 'node:path';
import { z } from 'zod';
import {
  clickhouseEnv, createClickHouse, createKafka, createLogger, createProducer, kafkaEnv, parseEnv, RAW_EVENT_VERSION, stringLiteral,
  tablesFor, topicsFromConfig,
} from '@cdnlog/common';
import { arg } from './cli-args';
import { entryGenerator } from './generate/entries';
import { percentile } from './load/run-load';
import { writeHistoryReport } from './report/write-history-report';

const TENANT = 'bench-history';
const READ_KEY = 'bench-read-key';

const log = (line: string) => process.stdout.write(`bench:history: ${line}\n`);

async function main(): Promise<void> {
  const days = Number(arg('days', '30'));
  const perMinute = Number(arg('per-minute', '5'));
  const repeat = Number(arg('repeat', '10'));
  const metricsUrl = arg('metrics', 'http://127.0.0.1:8081');
  const out = arg('out', join(__dirname, '..', 'results'));
  const config = parseEnv(z.object({ ...kafkaEnv, ...clickhouseEnv }));
  const clickhouse = createClickHouse(config);
  const tables = tablesFor(config.CLICKHOUSE_DATABASE);

  // Whole minutes, ending one hour ago (closed minutes: the rollup scheduler recomputes them at once).
  const toMs = Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000;
  const fromMs = toMs - days * 86_400_000;
  const minutes = (toMs - fromMs) / 60_000;
  const expected = minutes * perMinute;

  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'bench-history', logger: createLogger('bench', 'error') });
  const producer = createProducer(kafka);
  await producer.connect();
  const generate = entryGenerator(7);
  const seedStarted = Date.now();
  log(`seeding ${expected.toLocaleString('en')} events (${perMinute} in each of ${minutes.toLocaleString('en')} minutes) to ${topicsFromConfig(config).raw}`);
  let batch: Array<{ key: string; value: string }> = [];
  for (let m = 0; m < minutes; m++) {
    const minuteMs = fromMs + m * 60_000;
    for (let k = 0; k < perMinute; k++) {
      const timestamp = minuteMs + Math.floor((k * 60_000) / perMinute);
      const event = {
        ...generate.entry('bench-history', timestamp), v: RAW_EVENT_VERSION, eventId: `hist-${minuteMs / 60_000}-${k}`,
        customerId: TENANT, receivedAt: Date.now(), batchId: 'bench-history',
      };
      batch.push({ key: TENANT, value: JSON.stringify(event) });
    }
    if (batch.length >= 5000 || m === minutes - 1) {
      await producer.send(topicsFromConfig(config).raw, batch);
      batch = [];
    }
  }
  await producer.disconnect();

  const range = `customer_id = ${stringLiteral(TENANT)} AND timestamp >= toDateTime(${fromMs / 1000}) AND timestamp < toDateTime(${toMs / 1000})`;
  const minuteRange = `customer_id = ${stringLiteral(TENANT)} AND minute >= toDateTime(${fromMs / 1000}) AND minute < toDateTime(${toMs / 1000})`;
  const scalar = async (query: string) => Number((await (await clickhouse.query({ query, format: 'JSONEachRow' })).json<{ n: string }>())[0]?.n ?? 0);
  let rows = 0;
  let rollups = 0;
  for (const deadline = Date.now() + 15 * 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 2000))) {
    rows = await scalar(`SELECT count() AS n FROM ${tables.enrichedLogs} FINAL WHERE ${range}`);
    rollups = await scalar(`SELECT sum(requests) AS n FROM ${tables.minuteRollups} FINAL WHERE ${minuteRange}`);
    if (rows === expected && rollups === expected) break;
  }
  const seedSeconds = Math.round((Date.now() - seedStarted) / 100) / 10;
  if (rows !== expected || rollups !== expected) throw new Error(`seeding did not settle: ${rows} rows, rollups ${rollups}, expected ${expected}`);
  log(`seeded and rolled up in ${seedSeconds} s: ${rows} rows = rollups ${rollups}`);

  const iso = (ms: number) => new Date(ms).toISOString();
  const queries: Array<{ label: string; params: Record<string, string>; limit: number }> = [
    { label: `${days} days by hour (rollups)`, params: { from: iso(fromMs), to: iso(toMs), interval: 'hour' }, limit: 10_000 },
    { label: `${days} days by day (rollups)`, params: { from: iso(fromMs), to: iso(toMs), interval: 'day' }, limit: 10_000 },
    // 6 days: 8,640 minute buckets fit the API's 10,000-row limit (7 days, the minute range cap, would be 10,080).
    { label: '6 days by minute (rollups)', params: { from: iso(toMs - 6 * 86_400_000), to: iso(toMs), interval: 'minute' }, limit: 10_000 },
    { label: `${days} days by day, top 5 countries (raw rows)`, params: { from: iso(fromMs), to: iso(toMs), interval: 'day', groupBy: 'country', top: '5' }, limit: 10_000 },
    { label: `${days} days by hour, status class (raw rows)`, params: { from: iso(fromMs), to: iso(toMs), interval: 'hour', groupBy: 'statusClass', top: '5' }, limit: 10_000 },
  ];
  const results = [];
  for (const q of queries) {
    const latencies: number[] = [];
    let total = 0;
    let buckets = 0;
    for (let i = 0; i < repeat; i++) {
      // A different limit each time: the API's short-lived cache must not answer.
      const params = new URLSearchParams({ ...q.params, limit: String(q.limit - i) });
      const started = performance.now();
      const res = await fetch(`${metricsUrl}/api/v1/metrics/${TENANT}/history?${params}`, { headers: { authorization: `Bearer ${READ_KEY}` } });
      const body = (await res.json()) as { buckets?: Array<{ requests: number }> };
      latencies.push(Math.round(performance.now() - started));
      if (res.status !== 200 || !body.buckets) throw new Error(`${q.label}: HTTP ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
      buckets = body.buckets.length;
      total = body.buckets.reduce((a, b) => a + b.requests, 0);
    }
    const expectedTotal = q.params.interval === 'minute' ? 6 * 1440 * perMinute : q.params.groupBy ? undefined : expected;
    if (expectedTotal !== undefined && total !== expectedTotal) throw new Error(`${q.label}: total ${total}, expected ${expectedTotal}`);
    const result = { label: q.label, buckets, requestsTotal: total, p50Ms: percentile(latencies, 0.5), p95Ms: percentile(latencies, 0.95), maxMs: Math.max(...latencies) };
    log(`${q.label}: ${buckets} buckets, p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms, max ${result.maxMs} ms`);
    results.push(result);
  }
  await clickhouse.close();
  const file = writeHistoryReport(out, { startedAt: new Date(seedStarted).toISOString(), tenant: TENANT, days, perMinute, events: expected, seedSeconds, repeat, queries: results });
  log(`report: ${file}`);
}

main().catch((err) => {
  process.stderr.write(`bench:history failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});

/**
 * One retention pass against the real ClickHouse (single schema mode), RETENTION_DAYS=30 and
 * tenant B at retentionDays=10, over rows of tenants A and B 100 days ago, 20 days ago and today
 * in both history tables: the 100-day partitions are dropped, B's 20-day rows deleted by a
 * mutation, the rest kept; a second pass drops nothing and creates no mutation.
 */
import { createClickHouse, createMetrics, migrate, stringLiteral, tablesFor, TenantRegistry } from '@cdnlog/common';
import { stackConfig, testLogger, uniquePrefix, waitFor } from '@cdnlog/common/testing';
import { retentionMetrics } from '../src/metrics';
import { DAY_MS } from '../src/retention/cutoff';
import { RetentionPass } from '../src/retention/retention-pass';
import { minuteOf, recomputeRollupsSql } from '../src/sink/rollups';

const config = stackConfig();
const clickhouse = createClickHouse(config);
const database = `t_${uniquePrefix('retention')}`;
const tables = tablesFor(database);
const logger = testLogger('retention');
const A = 'tenant-a';
const B = 'tenant-b';
const registry = TenantRegistry.parse({ tenants: [{ id: A }, { id: B, retentionDays: 10 }] });

async function rows<T>(query: string): Promise<T[]> {
  const rs = await clickhouse.query({ query, format: 'JSONEachRow' });
  return rs.json<T>();
}

/** Three events of `tenant` in the two minutes from `start` (epoch ms of a minute): two in the first, one in the second. */
function eventRows(tenant: string, start: number, tag: string) {
  return [5_000, 10_000, 65_000].map((offset, i) => ({
    customer_id: tenant, timestamp: Math.floor((start + offset) / 1000), timestamp_ms: 0, event_id: `${tag}-${i}`, client_ip: `10.0.0.${i}`,
    country: '', city: '', region: '', method: 'GET', url: '/x', path: '/x', route: 'GET /x', status: 200, bytes_sent: 100, user_agent: 'curl/8',
    ua_family: 'curl', device_class: 'bot', is_bot: 1, host: 'h', referer: '', cache_status: 'HIT', pop: 'fra1', response_time_ms: 1, request_id: 'r',
    ingested_at: Math.floor(Date.now() / 1000),
  }));
}

/** Rows per tenant and day (YYYYMMDD, the server's partition day) of a table. */
function countsByDay(table: string, timeColumn: string) {
  return rows<{ tenant: string; day: number; n: string }>(
    `SELECT customer_id AS tenant, toYYYYMMDD(${timeColumn}) AS day, count() AS n FROM ${table} GROUP BY tenant, day ORDER BY tenant, day`,
  );
}

async function mutationsByTable(): Promise<Record<string, number>> {
  const list = await rows<{ table: string; n: string }>(`SELECT table, count() AS n FROM system.mutations WHERE database = ${stringLiteral(database)} GROUP BY table`);
  return Object.fromEntries(list.map((r) => [r.table, Number(r.n)]));
}

async function activePartitions(table: string): Promise<number[]> {
  const list = await rows<{ partition: string }>(
    `SELECT DISTINCT partition FROM system.parts WHERE active AND database = ${stringLiteral(database)} AND table = ${stringLiteral(table)} ORDER BY partition`,
  );
  return list.map((p) => Number(p.partition));
}

afterAll(async () => {
  await clickhouse.command({ query: `DROP DATABASE IF EXISTS ${database}` });
  await clickhouse.close();
});

it('drops the 100-day partitions, deletes B past its 10 days, keeps the rest; a second pass does nothing', async () => {
  await migrate(clickhouse, { tables, mode: 'single', logger });
  const now = Date.now();
  // Each day's two minutes end at least a minute before now.
  const starts = { old: minuteOf(now - 100 * DAY_MS), mid: minuteOf(now - 20 * DAY_MS), today: minuteOf(now) - 3 * 60_000 };
  const [days] = await rows<{ old: number; mid: number; today: number }>(
    `SELECT toYYYYMMDD(toDateTime(${starts.old / 1000})) AS old, toYYYYMMDD(toDateTime(${starts.mid / 1000})) AS mid, toYYYYMMDD(toDateTime(${starts.today / 1000})) AS today`,
  );
  const { old, mid, today } = days!;
  for (const tenant of [A, B]) {
    for (const [tag, start] of Object.entries(starts)) {
      await clickhouse.insert({ table: tables.enrichedLogs, values: eventRows(tenant, start, `${tenant}-${tag}`), format: 'JSONEachRow' });
    }
  }
  // The rollups as the enricher computes them, from the raw rows.
  const ranges = [A, B].flatMap((tenant) => Object.values(starts).map((from) => ({ tenant, from, to: from + 2 * 60_000 })));
  await clickhouse.command({ query: recomputeRollupsSql(tables, ranges, 1) });

  expect(await countsByDay(tables.enrichedLogs, 'timestamp')).toEqual(
    [A, B].flatMap((tenant) => [old, mid, today].map((day) => ({ tenant, day, n: '3' }))),
  );
  expect(await countsByDay(tables.minuteRollups, 'minute')).toEqual(
    [A, B].flatMap((tenant) => [old, mid, today].map((day) => ({ tenant, day, n: '2' }))),
  );

  const metrics = createMetrics('enricher');
  const pass = new RetentionPass({
    clickhouse, tables, logger, target: { mode: 'single', cluster: 'unused' }, globalDays: 30,
    tenantRetentions: () => registry.list().flatMap((t) => (t.retentionDays === undefined ? [] : [{ tenant: t.id, days: t.retentionDays }])), counters: retentionMetrics(metrics, 3_600_000),
  });

  expect(await pass.run()).toEqual({
    dropped: { enriched_logs: [old], minute_rollups: [old] },
    deleted: { enriched_logs: [B], minute_rollups: [B] },
    failures: 0,
  });
  // Mutations run in the background on 18.16.
  await waitFor(
    () => rows<{ n: string }>(`SELECT count() AS n FROM system.mutations WHERE database = ${stringLiteral(database)} AND is_done = 0`),
    (r) => r[0]?.n === '0',
    { timeoutMs: 30_000, intervalMs: 250, what: 'the delete mutations to finish' },
  );

  const kept = (n: string) => [{ tenant: A, day: mid, n }, { tenant: A, day: today, n }, { tenant: B, day: today, n }];
  expect(await countsByDay(tables.enrichedLogs, 'timestamp')).toEqual(kept('3'));
  expect(await countsByDay(tables.minuteRollups, 'minute')).toEqual(kept('2'));
  expect(await activePartitions('enriched_logs')).toEqual([mid, today]);
  expect(await activePartitions('minute_rollups')).toEqual([mid, today]);
  expect(await mutationsByTable()).toEqual({ enriched_logs: 1, minute_rollups: 1 });
  const counted = await metrics.registry.getSingleMetric('cdnlog_enricher_retention_partitions_dropped_total')!.get();
  expect(counted.values.map((v) => [v.labels.table, v.value])).toEqual([['enriched_logs', 1], ['minute_rollups', 1]]);

  expect(await pass.run()).toEqual({
    dropped: { enriched_logs: [], minute_rollups: [] },
    deleted: { enriched_logs: [], minute_rollups: [] },
    failures: 0,
  });
  expect(await mutationsByTable()).toEqual({ enriched_logs: 1, minute_rollups: 1 });
  expect(await countsByDay(tables.enrichedLogs, 'timestamp')).toEqual(kept('3'));
  expect(await countsByDay(tables.minuteRollups, 'minute')).toEqual(kept('2'));
});

it('a pass against an unreachable server counts its failed statements and returns instead of throwing', async () => {
  const unreachable = createClickHouse({ ...config, CLICKHOUSE_URL: 'http://127.0.0.1:1' });
  try {
    const pass = new RetentionPass({
      clickhouse: unreachable, tables, logger, target: { mode: 'single', cluster: 'unused' }, globalDays: 30,
      tenantRetentions: () => registry.list().flatMap((t) => (t.retentionDays === undefined ? [] : [{ tenant: t.id, days: t.retentionDays }])),
    });
    // The cutoff's day fails (no partition is dropped without it), and so does each table's look for unfinished mutations (no tenant delete).
    expect(await pass.run()).toEqual({ dropped: { enriched_logs: [], minute_rollups: [] }, deleted: { enriched_logs: [], minute_rollups: [] }, failures: 3 });
  } finally {
    await unreachable.close();
  }
});

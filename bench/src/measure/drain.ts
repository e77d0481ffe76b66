import { type ClickHouseClient, stringLiteral, type Tables } from '@cdnlog/common';
import { BENCH_TENANTS } from '../generate/entries';

export interface DrainResult {
  ok: boolean;
  exact: boolean;
  ambiguous: number;
  seconds: number;
  clickhouseDistinct: number;
  liveTotal: number;
  /** ClickHouse rows of the minutes the live view still covers (all of them unless the run outlasted the window). */
  clickhouseInLiveWindow: number;
  expected: number;
}

/** `tenant|minute-ms` → live requests (minutes with any), for each of `tenants`, from the metrics API. */
export async function liveMinutes(metricsUrl: string, readKey: string, tenants = BENCH_TENANTS): Promise<Map<string, number>> {
  const minutes = new Map<string, number>();
  for (const tenant of tenants) {
    const res = await fetch(`${metricsUrl}/api/v1/metrics/${tenant}`, { headers: { authorization: `Bearer ${readKey}` } });
    if (res.status !== 200) throw new Error(`metrics API answered ${res.status} for ${tenant}`);
    const view = (await res.json()) as { minutes: Array<{ minute: string; requests: number }> };
    for (const m of view.minutes) if (m.requests > 0) minutes.set(`${tenant}|${Date.parse(m.minute)}`, m.requests);
  }
  return minutes;
}

/** Live requests of the bench tenants in minutes at or after `fromMinuteMs`. */
export async function liveTotal(metricsUrl: string, readKey: string, fromMinuteMs: number, tenants = BENCH_TENANTS): Promise<number> {
  let total = 0;
  for (const [key, n] of await liveMinutes(metricsUrl, readKey, tenants)) if (Number(key.split('|')[1]) >= fromMinuteMs) total += n;
  return total;
}

/** `count()` of `table` with `FINAL` (one row per event id) under `where`. */
export async function finalCount(clickhouse: ClickHouseClient, table: string, where: string): Promise<number> {
  return rowCount(clickhouse, `${table} FINAL`, where);
}

/** `count()` of `table` under `where` as stored: duplicates not yet merged away count too. */
export async function rowCount(clickhouse: ClickHouseClient, table: string, where: string): Promise<number> {
  const rs = await clickhouse.query({ query: `SELECT count() AS n FROM ${table} WHERE ${where}`, format: 'JSONEachRow' });
  return Number((await rs.json<{ n: string }>())[0]?.n ?? 0);
}

/**
 * Wait until ClickHouse (distinct rows of this run, FINAL) and the live totals
 * agree and stop moving, then judge. `expected` events got 202; `ambiguous`
 * events got no answer or a 5xx (they may or may not be in Kafka, as the
 * ingest API documents). Exact: both stores hold exactly the acknowledged
 * events. Consistent: both agree and lie within [acknowledged, acknowledged +
 * ambiguous]. Anything else (loss, double counting, stores disagreeing) fails.
 * A run longer than the live window (soak) compares the live totals with the
 * ClickHouse rows of the minutes still inside the window.
 */
export async function waitForDrain(opts: {
  clickhouse: ClickHouseClient; tables: Tables; runId: string; metricsUrl: string; readKey: string; fromMinuteMs: number;
  expected: number; ambiguous: number; timeoutMs: number; liveWindowMinutes?: number;
}): Promise<DrainResult> {
  const started = Date.now();
  // Every event of the run is timed at or after its first minute; saying so lets ClickHouse skip the
  // older rows of earlier runs: FINAL over all of them is slower than the drain it measures and loads
  // the box while the pipeline drains.
  const runRows = `host = ${stringLiteral(opts.runId)} AND timestamp >= toDateTime(${Math.floor(opts.fromMinuteMs / 1000)})`;
  const count = (where: string) => finalCount(opts.clickhouse, opts.tables.enrichedLogs, `${runRows}${where}`);
  let ch = -1;
  let chLive = -1;
  let live = -1;
  let stableSince = 0;
  while (Date.now() - started < opts.timeoutMs) {
    const windowStart = Math.floor(Date.now() / 60_000) * 60_000 - ((opts.liveWindowMinutes ?? 15) - 1) * 60_000;
    const liveFrom = Math.max(opts.fromMinuteMs, windowStart);
    const nextCh = await count('');
    const nextChLive = liveFrom === opts.fromMinuteMs ? nextCh : await count(` AND timestamp >= toDateTime(${liveFrom / 1000})`);
    const nextLive = await liveTotal(opts.metricsUrl, opts.readKey, liveFrom);
    const settled = nextChLive === nextLive && nextCh >= opts.expected;
    if (!settled || nextCh !== ch || nextLive !== live) stableSince = Date.now();
    ch = nextCh;
    chLive = nextChLive;
    live = nextLive;
    if (settled && (ch === opts.expected || Date.now() - stableSince >= 5000)) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const exact = ch === opts.expected && live === chLive;
  const consistent = chLive === live && ch >= opts.expected && ch <= opts.expected + opts.ambiguous;
  return {
    ok: exact || consistent, exact, seconds: (Date.now() - started) / 1000, clickhouseDistinct: ch, liveTotal: live, clickhouseInLiveWindow: chLive,
    expected: opts.expected, ambiguous: opts.ambiguous,
  };
}

import { type ClickHouseClient, stringLiteral, type Tables } from '@cdnlog/common';
import { BENCH_TENANTS } from '../generate/entries';

export interface DrainResult {
  ok: boolean;
  seconds: number;
  clickhouseDistinct: number;
  liveTotal: number;
  expected: number;
}

/** Live requests of the bench tenants in minutes at or after `fromMinuteMs`. */
export async function liveTotal(metricsUrl: string, readKey: string, fromMinuteMs: number, tenants = BENCH_TENANTS): Promise<number> {
  let total = 0;
  for (const tenant of tenants) {
    const res = await fetch(`${metricsUrl}/api/v1/metrics/${tenant}`, { headers: { authorization: `Bearer ${readKey}` } });
    if (res.status !== 200) throw new Error(`metrics API answered ${res.status} for ${tenant}`);
    const view = (await res.json()) as { minutes: Array<{ minute: string; requests: number }> };
    for (const m of view.minutes) if (Date.parse(m.minute) >= fromMinuteMs) total += m.requests;
  }
  return total;
}

/**
 * Wait until every accepted event of this run is in ClickHouse (distinct, FINAL,
 * marked by the run id in `host`) and in the live totals. Fails after `timeoutMs`.
 */
export async function waitForDrain(opts: {
  clickhouse: ClickHouseClient; tables: Tables; runId: string; metricsUrl: string; readKey: string; fromMinuteMs: number; expected: number; timeoutMs: number;
}): Promise<DrainResult> {
  const started = Date.now();
  let ch = 0;
  let live = 0;
  while (Date.now() - started < opts.timeoutMs) {
    const rs = await opts.clickhouse.query({
      query: `SELECT count() AS n FROM ${opts.tables.enrichedLogs} FINAL WHERE host = ${stringLiteral(opts.runId)}`,
      format: 'JSONEachRow',
    });
    ch = Number((await rs.json<{ n: string }>())[0]?.n ?? 0);
    live = await liveTotal(opts.metricsUrl, opts.readKey, opts.fromMinuteMs);
    if (ch === opts.expected && live === opts.expected) break;
    if (ch > opts.expected || live > opts.expected) break; // over-counting: fail at once
    await new Promise((r) => setTimeout(r, 500));
  }
  return { ok: ch === opts.expected && live === opts.expected, seconds: (Date.now() - started) / 1000, clickhouseDistinct: ch, liveTotal: live, expected: opts.expected };
}

/**
 * The three counts a fault test compares for one tenant: events the load saw accepted,
 * distinct events in ClickHouse (FINAL: one row per event id), and the live window's total
 * from the metrics API. Rows stored (before ReplacingMergeTree merges away retried copies)
 * are reported too: they show what the retries wrote twice.
 */
import { type ClickHouseClient, stringLiteral, type Tables } from '@cdnlog/common';
import { finalCount, rowCount } from '../../bench/src/measure/drain';

export interface Counts {
  clickhouse: number;
  live: number;
  /** Rows as stored, retried copies not yet merged included. */
  clickhouseStored: number;
}

export async function countsOf(opts: { clickhouse: ClickHouseClient; tables: Tables; tenant: string; metricsUrl: string; readKey: string }): Promise<Counts> {
  const res = await fetch(`${opts.metricsUrl}/api/v1/metrics/${opts.tenant}`, { headers: { authorization: `Bearer ${opts.readKey}` } });
  if (res.status !== 200) throw new Error(`metrics API answered ${res.status}: ${await res.text()}`);
  const live = ((await res.json()) as { totals: { requests: number } }).totals.requests;
  const ofTenant = `customer_id = ${stringLiteral(opts.tenant)}`;
  return {
    clickhouse: await finalCount(opts.clickhouse, opts.tables.enrichedLogs, ofTenant),
    live,
    clickhouseStored: await rowCount(opts.clickhouse, opts.tables.enrichedLogs, ofTenant),
  };
}

/** Poll until ClickHouse and the live view both reach `accepted` and hold still for `settleMs` (or the timeout passes); the last counts. */
export async function settledCounts(opts: Parameters<typeof countsOf>[0] & { accepted: number; timeoutMs: number; settleMs?: number }): Promise<Counts> {
  const deadline = Date.now() + opts.timeoutMs;
  let last: Counts | undefined;
  let stableSince = Date.now();
  for (;;) {
    const next = await countsOf(opts).catch(() => last);
    if (!next || !last || next.clickhouse !== last.clickhouse || next.live !== last.live) stableSince = Date.now();
    last = next;
    const reached = last !== undefined && last.clickhouse >= opts.accepted && last.live >= opts.accepted;
    if ((reached && Date.now() - stableSince >= (opts.settleMs ?? 3000)) || Date.now() > deadline) {
      if (!last) throw new Error('no counts could be read before the timeout');
      return last;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

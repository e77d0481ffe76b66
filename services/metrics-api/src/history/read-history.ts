import type { ClickHouseClient, ClickHouseSettings, Tables } from '@cdnlog/common';
import type { HistoryView } from '../api-schemas';
import { readErrors } from '../errors';
import { runCancellable } from './cancel-query';
import { type HistoryQuery, MAX_RANGE_DAYS } from './history-query';
import { historyProbeSql, historySql } from './history-sql';

type Row = Record<'ts' | 'grp' | 'requests' | 'bytes' | 'status2xx' | 'status3xx' | 'status4xx' | 'status5xx' | 'uniqueIps', string | number>;

export interface HistoryReader {
  clickhouse: ClickHouseClient;
  /** Sends KILL QUERY for a statement given up on (cancel-query.ts). */
  control: ClickHouseClient;
  tables: Tables;
  /** The guard of every statement (guardSettings: time, memory, rows, read-only). */
  settings: ClickHouseSettings;
  /** The API's own deadline for the whole read, in ms. */
  timeoutMs: number;
}

/**
 * Run a validated history query for one tenant. Counts are exact after deduplication.
 * Every statement runs under the guard settings and a query_id it is killed by when
 * `signal` aborts (its readers went away) or the deadline passes first.
 */
export async function readHistory(reader: HistoryReader, tenant: string, q: HistoryQuery, signal: AbortSignal): Promise<HistoryView> {
  if (q.to <= q.from) throw readErrors.invalidQuery([{ parameter: 'to', message: 'must be after from' }]);
  if (q.to - q.from > MAX_RANGE_DAYS[q.interval] * 86_400_000) throw readErrors.rangeTooLarge(q.interval, MAX_RANGE_DAYS[q.interval]);
  const deadline = AbortSignal.any([signal, AbortSignal.timeout(reader.timeoutMs)]);
  const select = <R>(query: string) =>
    runCancellable(reader.control, deadline, async (request) => {
      const rs = await reader.clickhouse.query({ query, format: 'JSONEachRow', clickhouse_settings: reader.settings, ...request });
      return rs.json<R>();
    });
  await select(historyProbeSql(reader.tables, tenant, q)); // the read bound, where FINAL escapes it (history-sql.ts)
  const rows = await select<Row>(historySql(reader.tables, tenant, q));
  return {
    customerId: tenant,
    source: 'history',
    from: new Date(q.from).toISOString(),
    to: new Date(q.to).toISOString(),
    interval: q.interval,
    groupBy: q.groupBy ?? null,
    buckets: rows.map((r) => ({
      bucket: new Date(Number(r.ts) * 1000).toISOString(),
      group: q.groupBy ? String(r.grp) : null,
      requests: Number(r.requests),
      bytes: Number(r.bytes),
      status2xx: Number(r.status2xx),
      status3xx: Number(r.status3xx),
      status4xx: Number(r.status4xx),
      status5xx: Number(r.status5xx),
      uniqueIps: Number(r.uniqueIps),
    })),
  };
}

import type { ClickHouseClient, Tables } from '@cdnlog/common';
import type { HistoryView } from '../api-schemas';
import { readErrors } from '../errors';
import { type HistoryQuery, MAX_RANGE_DAYS } from './history-query';
import { historySql } from './history-sql';

type Row = Record<'ts' | 'grp' | 'requests' | 'bytes' | 'status2xx' | 'status3xx' | 'status4xx' | 'status5xx' | 'uniqueIps', string | number>;

/** Run a validated history query for one tenant. Counts are exact after deduplication. */
export async function readHistory(clickhouse: ClickHouseClient, tables: Tables, tenant: string, q: HistoryQuery): Promise<HistoryView> {
  if (q.to <= q.from) throw readErrors.invalidQuery([{ parameter: 'to', message: 'must be after from' }]);
  if (q.to - q.from > MAX_RANGE_DAYS[q.interval] * 86_400_000) throw readErrors.rangeTooLarge(q.interval, MAX_RANGE_DAYS[q.interval]);
  const rs = await clickhouse.query({ query: historySql(tables, tenant, q), format: 'JSONEachRow' });
  const rows = await rs.json<Row>();
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

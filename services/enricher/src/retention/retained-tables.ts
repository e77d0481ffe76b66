import type { Tables } from '@cdnlog/common';

/** A table the retention job keeps short. */
export interface RetainedTable {
  /** The bare name: the `table` label of the retention metrics. */
  name: string;
  /** `db.table`, the name queries use (the Distributed table in replicated mode). */
  table: string;
  /** The column it is partitioned by day on: `PARTITION BY toYYYYMMDD(<column>)`. */
  timeColumn: string;
}

/**
 * Both history tables, with the time column their migrations partition by
 * (libs/common/src/clickhouse/migrations/0001-enriched-logs.ts, 0002-minute-rollups.ts).
 * Both have `customer_id` first in their sort key, so a tenant's rows before a time are
 * one range of the primary index.
 */
export function retainedTables(tables: Tables): RetainedTable[] {
  return [
    { name: 'enriched_logs', table: tables.enrichedLogs, timeColumn: 'timestamp' },
    { name: 'minute_rollups', table: tables.minuteRollups, timeColumn: 'minute' },
  ];
}

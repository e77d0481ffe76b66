import { tablesFor } from '@cdnlog/common';
import { type RetainedTable, retainedTables } from './retained-tables';
import {
  activePartitionsSql, dayOfSql, deleteExpiredRowsSql, dropPartitionSql, expiredRowsExistSql, type RetentionTarget, unfinishedMutationsSql,
} from './statements';

const tables = tablesFor('cdnlog');
const [logs, rollups] = retainedTables(tables) as [RetainedTable, RetainedTable];
const single: RetentionTarget = { mode: 'single', cluster: 'c1' };
const replicated: RetentionTarget = { mode: 'replicated', cluster: 'c1' };
const T = Date.UTC(2026, 10, 22, 9, 30) / 1000; // epoch seconds of a cutoff

describe('retention SQL, single mode', () => {
  it('lists the active partitions of the table itself and drops one by its day', () => {
    expect(activePartitionsSql(single, logs)).toBe("SELECT DISTINCT partition FROM system.parts WHERE active AND database = 'cdnlog' AND table = 'enriched_logs'");
    expect(dropPartitionSql(single, rollups, 20260801)).toBe('ALTER TABLE cdnlog.minute_rollups DROP PARTITION 20260801');
  });

  it("asks the server for the cutoff's day", () => {
    expect(dayOfSql(T * 1000 + 999)).toBe(`SELECT toYYYYMMDD(toDateTime(${T})) AS day`);
  });

  it("checks a tenant's expired rows with a one-row read, by each table's time column, from the start of the cutoff's day", () => {
    expect(expiredRowsExistSql(logs, { tenant: 'b', cutoffMs: T * 1000 })).toBe(
      `SELECT 1 AS found FROM cdnlog.enriched_logs WHERE customer_id = 'b' AND timestamp < toStartOfDay(toDateTime(${T})) LIMIT 1`,
    );
    expect(expiredRowsExistSql(rollups, { tenant: 'b', cutoffMs: T * 1000 })).toBe(
      `SELECT 1 AS found FROM cdnlog.minute_rollups WHERE customer_id = 'b' AND minute < toStartOfDay(toDateTime(${T})) LIMIT 1`,
    );
  });

  it('deletes several tenants in one mutation, each up to its own cutoff; unfinished mutations by table', () => {
    expect(deleteExpiredRowsSql(single, rollups, [{ tenant: 'b', cutoffMs: T * 1000 }, { tenant: 'c', cutoffMs: (T - 86_400) * 1000 }])).toBe(
      `ALTER TABLE cdnlog.minute_rollups DELETE WHERE (customer_id = 'b' AND minute < toStartOfDay(toDateTime(${T}))) OR (customer_id = 'c' AND minute < toStartOfDay(toDateTime(${T - 86_400})))`,
    );
    expect(() => deleteExpiredRowsSql(single, rollups, [])).toThrow('no tenants');
    expect(unfinishedMutationsSql(single, logs)).toBe("SELECT count() AS n FROM system.mutations WHERE database = 'cdnlog' AND table = 'enriched_logs' AND is_done = 0");
  });

  it('escapes a tenant id through stringLiteral', () => {
    expect(expiredRowsExistSql(logs, { tenant: "x' OR 1 --", cutoffMs: 0 })).toContain("customer_id = 'x\\' OR 1 --' AND");
  });
});

describe('retention SQL, replicated mode', () => {
  it('drops partitions of <table>_local on the cluster, listed from one replica per shard', () => {
    expect(activePartitionsSql(replicated, logs)).toBe(
      "SELECT DISTINCT partition FROM cluster('c1', system, parts) WHERE active AND database = 'cdnlog' AND table = 'enriched_logs_local'",
    );
    expect(dropPartitionSql(replicated, logs, 20260801)).toBe('ALTER TABLE cdnlog.enriched_logs_local ON CLUSTER c1 DROP PARTITION 20260801');
  });

  it('deletes on <table>_local on the cluster, checks existence through the Distributed table, mutations from every shard', () => {
    expect(deleteExpiredRowsSql(replicated, logs, [{ tenant: 'b', cutoffMs: T * 1000 }])).toBe(
      `ALTER TABLE cdnlog.enriched_logs_local ON CLUSTER c1 DELETE WHERE (customer_id = 'b' AND timestamp < toStartOfDay(toDateTime(${T})))`,
    );
    expect(expiredRowsExistSql(logs, { tenant: 'b', cutoffMs: T * 1000 })).toContain('FROM cdnlog.enriched_logs WHERE');
    expect(unfinishedMutationsSql(replicated, rollups)).toBe(
      "SELECT count() AS n FROM cluster('c1', system, mutations) WHERE database = 'cdnlog' AND table = 'minute_rollups_local' AND is_done = 0",
    );
  });

  it('refuses a cluster name that is not an identifier', () => {
    expect(() => dropPartitionSql({ mode: 'replicated', cluster: 'c1; DROP' }, logs, 20260801)).toThrow('not a safe SQL identifier');
  });
});

import { dateTimeLiteral, identifier, numberLiteral, storageTable, stringLiteral } from '@cdnlog/common';
import type { RetainedTable } from './retained-tables';

/**
 * The SQL of the retention job, for both schema modes. Every value reaches the text through the
 * audited helpers of libs/common (identifier, stringLiteral, numberLiteral, dateTimeLiteral).
 * In replicated mode the rows live in `<table>_local` on every node: partitions are dropped and
 * rows deleted there, `ON CLUSTER`, and the parts and mutations are read from one replica of each
 * shard (`cluster(…)`); existence checks read the Distributed table like every other query.
 */
export interface RetentionTarget {
  mode: 'single' | 'replicated';
  cluster: string;
}

/** A tenant's rows older than the start of the day its cutoff instant falls in. */
export interface TenantCutoff {
  tenant: string;
  cutoffMs: number;
}

function onCluster(target: RetentionTarget): string {
  return target.mode === 'replicated' ? ` ON CLUSTER ${identifier(target.cluster)}` : '';
}

/** `system.<name>` of this server, or of one replica per shard of the cluster. */
function systemTable(target: RetentionTarget, name: 'parts' | 'mutations'): string {
  return target.mode === 'replicated' ? `cluster(${stringLiteral(target.cluster)}, system, ${name})` : `system.${name}`;
}

/** `database = … AND table = …` of the storage table, for `system.parts` and `system.mutations`. */
function storedAs(target: RetentionTarget, t: RetainedTable): string {
  const [database, table] = storageTable(target.mode, t.table).split('.') as [string, string];
  return `database = ${stringLiteral(database)} AND table = ${stringLiteral(table)}`;
}

/**
 * The day (YYYYMMDD) of an instant in the server's time zone, the one `toYYYYMMDD` partitions by:
 * asked of the server so that partitions and cutoff agree whatever its zone.
 */
export function dayOfSql(instantMs: number): string {
  return `SELECT toYYYYMMDD(${dateTimeLiteral(instantMs)}) AS day`;
}

export function activePartitionsSql(target: RetentionTarget, t: RetainedTable): string {
  return `SELECT DISTINCT partition FROM ${systemTable(target, 'parts')} WHERE active AND ${storedAs(target, t)}`;
}

/** Dropping a partition that is already gone is a no-op, not an error (18.16 and current releases). */
export function dropPartitionSql(target: RetentionTarget, t: RetainedTable, day: number): string {
  return `ALTER TABLE ${storageTable(target.mode, t.table)}${onCluster(target)} DROP PARTITION ${numberLiteral(day)}`;
}

function expired(t: RetainedTable, { tenant, cutoffMs }: TenantCutoff): string {
  return `customer_id = ${stringLiteral(tenant)} AND ${identifier(t.timeColumn)} < toStartOfDay(${dateTimeLiteral(cutoffMs)})`;
}

/** One row if the tenant has rows past its cutoff: an index range read that stops at the first row. */
export function expiredRowsExistSql(t: RetainedTable, cutoff: TenantCutoff): string {
  return `SELECT 1 AS found FROM ${t.table} WHERE ${expired(t, cutoff)} LIMIT 1`;
}

/** Mutations of the storage table not finished yet (on any shard). */
export function unfinishedMutationsSql(target: RetentionTarget, t: RetainedTable): string {
  return `SELECT count() AS n FROM ${systemTable(target, 'mutations')} WHERE ${storedAs(target, t)} AND is_done = 0`;
}

/** One mutation deleting the expired rows of every tenant in `cutoffs` (whole days, see TenantCutoff). */
export function deleteExpiredRowsSql(target: RetentionTarget, t: RetainedTable, cutoffs: readonly TenantCutoff[]): string {
  if (cutoffs.length === 0) throw new Error('deleteExpiredRowsSql: no tenants');
  const conditions = cutoffs.map((c) => `(${expired(t, c)})`).join(' OR ');
  return `ALTER TABLE ${storageTable(target.mode, t.table)}${onCluster(target)} DELETE WHERE ${conditions}`;
}

import { identifier } from '../sql';
import type { Tables } from '../tables';

export interface MigrationContext {
  tables: Tables;
  mode: 'single' | 'replicated';
  cluster: string;
}

/**
 * One versioned schema change. `statements` returns DDL in the portable
 * subset that runs on ClickHouse 18.16 and on current releases (no TTL,
 * CODEC, LowCardinality, DateTime64 or query parameters). Every statement must
 * be idempotent (`IF NOT EXISTS`), so a half-applied migration can be re-run.
 */
export interface Migration {
  version: number;
  name: string;
  statements(ctx: MigrationContext): string[];
}

/**
 * `CREATE TABLE` for a ReplacingMergeTree table: a plain one in single mode;
 * in replicated mode a ReplicatedReplacingMergeTree `<table>_local` on every
 * node of the cluster plus a Distributed `<table>` over it, sharded by `shardKey`.
 */
export function replacingTable(
  ctx: MigrationContext,
  qualifiedName: string,
  columns: string,
  tail: string,
  shardKey: string,
  versionColumn?: string,
): string[] {
  const version = versionColumn ? identifier(versionColumn) : undefined;
  if (ctx.mode === 'single') {
    return [`CREATE TABLE IF NOT EXISTS ${qualifiedName} (${columns}) ENGINE = ReplacingMergeTree(${version ?? ''}) ${tail}`];
  }
  const cluster = identifier(ctx.cluster);
  const local = storageTable(ctx.mode, qualifiedName);
  const [db, localTable] = local.split('.') as [string, string];
  return [
    `CREATE TABLE IF NOT EXISTS ${local} ON CLUSTER ${cluster} (${columns}) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/${db}/${localTable}', '{replica}'${version ? `, ${version}` : ''}) ${tail}`,
    `CREATE TABLE IF NOT EXISTS ${qualifiedName} ON CLUSTER ${cluster} AS ${local} ENGINE = Distributed(${cluster}, ${db}, ${localTable}, ${shardKey})`,
  ];
}

/**
 * The table that holds the rows of `qualifiedName` (`db.table`) on each node: the table itself in
 * single mode, `db.<table>_local` in replicated mode (what `replacingTable` creates). Statements
 * that act on stored parts (`DROP PARTITION`, mutations) name this table; queries and inserts
 * use `qualifiedName`.
 */
export function storageTable(mode: MigrationContext['mode'], qualifiedName: string): string {
  const [db, table] = qualifiedName.split('.') as [string, string];
  const name = `${identifier(db)}.${identifier(table)}`;
  return mode === 'single' ? name : `${name}_local`;
}

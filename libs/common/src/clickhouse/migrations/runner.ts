import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from '../../logging/logger';
import type { Tables } from '../tables';
import { MIGRATIONS } from './index';
import type { Migration, MigrationContext } from './migration';

export interface MigrationResult {
  applied: number[];
  alreadyApplied: number[];
}

/**
 * Bring the schema up to date: create the database and the bookkeeping table,
 * then apply, in order, every migration whose version is not recorded yet.
 * Safe to run concurrently from several services (statements are idempotent
 * and the bookkeeping table collapses duplicate rows).
 */
export async function migrate(
  client: ClickHouseClient,
  opts: { tables: Tables; mode?: 'single' | 'replicated'; cluster?: string; logger?: Logger; migrations?: Migration[] },
): Promise<MigrationResult> {
  const { tables } = opts;
  const ctx: MigrationContext = { tables, mode: opts.mode ?? 'single', cluster: opts.cluster ?? 'cdnlog_cluster' };
  const onCluster = ctx.mode === 'replicated' ? ` ON CLUSTER ${ctx.cluster}` : '';
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${tables.database}${onCluster}` });
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS ${tables.migrations}${onCluster} (version UInt32, name String, applied_at DateTime) ENGINE = ReplacingMergeTree() ORDER BY version`,
  });

  const rs = await client.query({ query: `SELECT DISTINCT version FROM ${tables.migrations}`, format: 'JSONEachRow' });
  const done = new Set((await rs.json<{ version: number }>()).map((r) => Number(r.version)));

  const result: MigrationResult = { applied: [], alreadyApplied: [] };
  const migrations = [...(opts.migrations ?? MIGRATIONS)].sort((a, b) => a.version - b.version);
  for (const migration of migrations) {
    if (done.has(migration.version)) {
      result.alreadyApplied.push(migration.version);
      continue;
    }
    for (const statement of migration.statements(ctx)) {
      await client.command({ query: statement });
    }
    await client.insert({
      table: tables.migrations,
      values: [{ version: migration.version, name: migration.name, applied_at: Math.floor(Date.now() / 1000) }],
      format: 'JSONEachRow',
    });
    opts.logger?.info('clickhouse migration applied', { version: migration.version, name: migration.name });
    result.applied.push(migration.version);
  }
  return result;
}

import {
  type ClickHouseClient, classifyClickHouseError, guardSettings, type Logger, type Tables,
} from '@cdnlog/common';
import { DAY_MS, partitionsDue, retentionCutoff } from './cutoff';
import { type RetainedTable, retainedTables } from './retained-tables';
import {
  activePartitionsSql, dayOfSql, deleteExpiredRowsSql, dropPartitionSql, expiredRowsExistSql, type RetentionTarget, type TenantCutoff,
  unfinishedMutationsSql,
} from './statements';
import { tenantRetentionPlan } from './tenant-plan';

/**
 * Every statement's guard. The reads are index lookups or system tables and the ALTERs only
 * register work (a dropped partition, a mutation), so a statement past half a minute, the
 * client's own request timeout, or past 1 GiB is a server in trouble: stop it, retry next run.
 */
const READ_GUARD = guardSettings({ maxExecutionSeconds: 30, maxMemoryBytes: 1024 ** 3, readOnly: true });
const WRITE_GUARD = guardSettings({ maxExecutionSeconds: 30, maxMemoryBytes: 1024 ** 3 });

/** Tenants per DELETE mutation: ~150 bytes of condition each keeps a statement far below `max_query_size` (256 KiB). */
export const MAX_TENANTS_PER_MUTATION = 200;

export interface RetentionCounters {
  dropped(table: string, partitions: number): void;
  deleted(table: string, tenants: number): void;
}

export interface RetentionPassOptions {
  clickhouse: ClickHouseClient;
  tables: Tables;
  target: RetentionTarget;
  /** RETENTION_DAYS; 0 keeps everything. */
  globalDays: number;
  /** The tenants with their own `retentionDays` (the registry's, asked at every pass); absent: per-tenant retention is off. */
  tenantRetentions?: () => Array<{ tenant: string; days: number }>;
  logger: Logger;
  counters?: RetentionCounters;
  now?: () => number;
}

/** What one pass did, per table (bare name). */
export interface RetentionSummary {
  /** Partitions (YYYYMMDD) dropped. */
  dropped: Record<string, number[]>;
  /** Tenants whose expired rows a mutation was created for. */
  deleted: Record<string, string[]>;
  /** Statements that failed; the pass went on with the next step, the next pass retries. */
  failures: number;
}

/**
 * One retention pass over both history tables: drop the daily partitions past RETENTION_DAYS,
 * then delete, with a mutation, the rows of tenants whose registry `retentionDays` is shorter.
 * A failed statement is logged with its error class and counted in the summary; the steps after
 * it still run, and the next pass tries again.
 *
 * Every enricher replica runs its own passes, unsynchronised, and that is harmless: dropping a
 * partition another replica already dropped is a no-op, and a tenant's rows are checked for
 * existence (and for an unfinished mutation on the table) before a mutation is created, so once
 * one replica's delete is applied the others find nothing to do. Two replicas checking at the
 * same moment can both create a mutation; the second deletes nothing.
 */
export class RetentionPass {
  /** Tenants warned about a retention longer than the global one, with the days they asked for. */
  private readonly warned = new Set<string>();

  constructor(private readonly opts: RetentionPassOptions) {}

  async run(signal?: AbortSignal): Promise<RetentionSummary> {
    const now = (this.opts.now ?? Date.now)();
    const tables = retainedTables(this.opts.tables);
    const summary: RetentionSummary = { dropped: {}, deleted: {}, failures: 0 };
    for (const t of tables) {
      summary.dropped[t.name] = [];
      summary.deleted[t.name] = [];
    }
    const cutoff = retentionCutoff(now, this.opts.globalDays);
    if (cutoff !== undefined) {
      const day = await this.attempt(summary, signal, { step: 'cutoff_day' }, async () => {
        const [row] = await this.rows<{ day: number | string }>(dayOfSql(cutoff), signal);
        if (!row) throw new Error('the server answered no day for the cutoff');
        return Number(row.day);
      });
      if (day !== undefined) for (const t of tables) await this.dropPartitions(t, day, summary, signal);
    }
    if (this.opts.tenantRetentions) await this.deleteTenantRows(tables, now, summary, signal);
    return summary;
  }

  private async dropPartitions(t: RetainedTable, cutoffDay: number, summary: RetentionSummary, signal?: AbortSignal): Promise<void> {
    const parts = await this.attempt(summary, signal, { step: 'list_partitions', table: t.name }, () => this.rows<{ partition: string }>(activePartitionsSql(this.opts.target, t), signal));
    if (!parts) return;
    for (const day of partitionsDue(parts.map((p) => p.partition), cutoffDay)) {
      const ok = await this.attempt(summary, signal, { step: 'drop_partition', table: t.name, partition: day }, () => this.command(dropPartitionSql(this.opts.target, t, day), signal));
      if (!ok) continue;
      summary.dropped[t.name]!.push(day);
      this.opts.counters?.dropped(t.name, 1);
      this.opts.logger.info('retention: partition dropped', { table: t.name, partition: day, retentionDays: this.opts.globalDays });
    }
  }

  private async deleteTenantRows(tables: RetainedTable[], now: number, summary: RetentionSummary, signal?: AbortSignal): Promise<void> {
    const own = new Map(this.opts.tenantRetentions!().map((t) => [t.tenant, t.days]));
    const plan = tenantRetentionPlan(own.keys(), (tenant) => own.get(tenant), this.opts.globalDays);
    for (const { tenant, days } of plan.longer) {
      if (this.warned.has(`${tenant}:${days}`)) continue;
      this.warned.add(`${tenant}:${days}`);
      this.opts.logger.warn('retention: a tenant asks for longer than RETENTION_DAYS; whole partitions go after RETENTION_DAYS', {
        tenant, retentionDays: days, globalRetentionDays: this.opts.globalDays,
      });
    }
    if (plan.shorter.length === 0) return;
    for (const t of tables) {
      // A mutation still running (ours from an earlier pass, or anyone's) may be deleting these very rows:
      // checking now would find them and queue the same work again.
      const unfinished = await this.attempt(summary, signal, { step: 'unfinished_mutations', table: t.name }, async () =>
        Number((await this.rows<{ n: number | string }>(unfinishedMutationsSql(this.opts.target, t), signal))[0]?.n ?? 0));
      if (unfinished === undefined) continue;
      if (unfinished > 0) {
        this.opts.logger.info('retention: a mutation of the table is still running; tenant deletes wait for the next pass', { table: t.name, unfinished });
        continue;
      }
      const due: TenantCutoff[] = [];
      for (const { tenant, days } of plan.shorter) {
        const cutoff = { tenant, cutoffMs: now - days * DAY_MS };
        const found = await this.attempt(summary, signal, { step: 'find_expired_rows', table: t.name, tenant }, () => this.rows(expiredRowsExistSql(t, cutoff), signal));
        if (found && found.length > 0) due.push(cutoff);
      }
      for (let i = 0; i < due.length; i += MAX_TENANTS_PER_MUTATION) {
        const chunk = due.slice(i, i + MAX_TENANTS_PER_MUTATION);
        const tenants = chunk.map((c) => c.tenant);
        const ok = await this.attempt(summary, signal, { step: 'delete_expired_rows', table: t.name, tenants: tenants.join(',') }, () =>
          this.command(deleteExpiredRowsSql(this.opts.target, t, chunk), signal));
        if (!ok) continue;
        summary.deleted[t.name]!.push(...tenants);
        this.opts.counters?.deleted(t.name, chunk.length);
        this.opts.logger.info('retention: mutation created to delete expired tenant rows', { table: t.name, tenants });
      }
    }
  }

  /**
   * `fn`'s result, or undefined after logging and counting its failure. Every class of error waits
   * for the next pass: a transient one (server busy, unreachable) most likely passes by then, and a
   * deterministic or unknown one keeps failing, which the last-success gauge and its alert show.
   * An error after the abort signal (shutdown) ends the pass instead.
   */
  private async attempt<T>(summary: RetentionSummary, signal: AbortSignal | undefined, context: Record<string, string | number>, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (err) {
      if (signal?.aborted) throw err;
      summary.failures++;
      const e = classifyClickHouseError(err);
      this.opts.logger.error('retention: statement failed; retried on the next pass', { ...context, errorClass: e.class, code: e.code, error: e.message });
      return undefined;
    }
  }

  private async rows<T>(query: string, signal?: AbortSignal): Promise<T[]> {
    const rs = await this.opts.clickhouse.query({ query, format: 'JSONEachRow', clickhouse_settings: READ_GUARD, abort_signal: signal });
    return rs.json<T>();
  }

  private async command(query: string, signal?: AbortSignal): Promise<true> {
    await this.opts.clickhouse.command({ query, clickhouse_settings: WRITE_GUARD, abort_signal: signal });
    return true;
  }
}

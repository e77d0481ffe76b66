import { dateTimeLiteral, errorFields, type ClickHouseClient, type ClickHouseSettings, type Logger, type Tables } from '@cdnlog/common';
import { DirtyMinutes, type RollupTiming } from './dirty-minutes';
import { MAX_RANGES_PER_STATEMENT, minuteOf, recomputeRollupsSql, type TouchedMinutes } from './rollups';

const MINUTE = 60_000;

export interface RollupSchedulerOptions {
  clickhouse: ClickHouseClient;
  tables: Tables;
  logger: Logger;
  timing: RollupTiming;
  intervalMs: number;
  /** At start, minutes this far back are recomputed for every tenant (dirty marks do not survive a crash). */
  startupLookbackMinutes: number;
  /** The guard of every recomputation statement (guardSettings: time and memory), so none can run away. */
  statementSettings?: ClickHouseSettings;
  onRecompute?: (seconds: number, ok: boolean) => void;
}

/**
 * Recomputes minute rollups off the flush path. The writer marks the minutes
 * it inserted rows into as dirty (dirty-minutes.ts); every `intervalMs` the due
 * ones are recomputed from `enriched_logs FINAL` in INSERT … SELECT statements of
 * at most MAX_RANGES_PER_STATEMENT ranges (ReplacingMergeTree(version) keeps the
 * newest). A minute touched again later (late events) becomes dirty again. A
 * failed statement is retried on the next tick; the statements after it still
 * run. Dirty marks live in memory, so at start the last `startupLookbackMinutes`
 * are recomputed for all tenants, in the background.
 */
export class RollupScheduler {
  private readonly dirty = new DirtyMinutes();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly opts: RollupSchedulerOptions) {}

  get pending(): number {
    return this.dirty.size;
  }

  markDirty(touched: TouchedMinutes): void {
    this.dirty.add(touched, Date.now());
  }

  async start(): Promise<void> {
    const from = minuteOf(Date.now() - this.opts.startupLookbackMinutes * MINUTE);
    const rs = await this.opts.clickhouse.query({
      query: `SELECT DISTINCT customer_id AS tenant, toUnixTimestamp(toStartOfMinute(timestamp)) AS minute FROM ${this.opts.tables.enrichedLogs} WHERE timestamp >= ${dateTimeLiteral(from)}`,
      format: 'JSONEachRow',
    });
    const recent: TouchedMinutes = new Map();
    for (const r of await rs.json<{ tenant: string; minute: number | string }>()) {
      const minutes = recent.get(r.tenant) ?? new Set<number>();
      recent.set(r.tenant, minutes.add(Number(r.minute) * 1000));
    }
    if (this.closed) return;
    this.markDirty(recent);
    // In the background: over a busy table this reads minutes of rows, and consuming need not wait for it.
    void this.tick(true);
    this.timer = setInterval(() => void this.tick(false), this.opts.intervalMs);
    this.timer.unref();
  }

  /** Recompute everything still dirty (shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    while (this.running) await this.running;
    await this.tick(true);
  }

  private tick(all: boolean): Promise<void> {
    if (this.running) return this.running;
    this.running = this.recompute(all).finally(() => (this.running = undefined));
    return this.running;
  }

  private async recompute(all: boolean): Promise<void> {
    const ranges = this.dirty.due(Date.now(), this.opts.timing, all);
    for (let i = 0; i < ranges.length; i += MAX_RANGES_PER_STATEMENT) {
      const chunk = ranges.slice(i, i + MAX_RANGES_PER_STATEMENT);
      const mark = this.dirty.mark;
      const t0 = process.hrtime.bigint();
      try {
        await this.opts.clickhouse.command({ query: recomputeRollupsSql(this.opts.tables, chunk, Date.now()), clickhouse_settings: this.opts.statementSettings });
        this.opts.onRecompute?.(Number(process.hrtime.bigint() - t0) / 1e9, true);
        this.dirty.recomputed(chunk, mark, Date.now());
      } catch (err) {
        this.opts.onRecompute?.(Number(process.hrtime.bigint() - t0) / 1e9, false);
        this.opts.logger.error('rollup recompute failed; retrying on the next tick', { ranges: chunk.length, ...errorFields(err) });
      }
    }
  }
}

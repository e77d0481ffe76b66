import { dateTimeLiteral, errorFields, type ClickHouseClient, type Logger, type Tables } from '@cdnlog/common';
import { recomputeRollupsSql, type TouchedMinutes } from './rollups';

const MINUTE = 60_000;

export interface RollupSchedulerOptions {
  clickhouse: ClickHouseClient;
  tables: Tables;
  logger: Logger;
  /** A minute is recomputed once it ended this long ago (negative: open minutes too, for tests). */
  delaySeconds: number;
  intervalMs: number;
  /** At start, minutes this far back are recomputed for every tenant (dirty marks do not survive a crash). */
  startupLookbackMinutes: number;
  onRecompute?: (seconds: number, ok: boolean) => void;
}

/**
 * Recomputes minute rollups off the flush path. The writer marks the minutes
 * it inserted rows into as dirty; every `intervalMs` the closed dirty minutes
 * are recomputed from `enriched_logs FINAL` in one INSERT … SELECT
 * (ReplacingMergeTree(version) keeps the newest). A minute touched again later
 * (late events) becomes dirty again. Failures are retried on the next tick.
 * Dirty marks live in memory, so at start the last `startupLookbackMinutes`
 * are recomputed for all tenants.
 */
export class RollupScheduler {
  private readonly dirty = new Map<string, { tenant: string; minute: number; touchedAt: number }>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly opts: RollupSchedulerOptions) {}

  get pending(): number {
    return this.dirty.size;
  }

  markDirty(touched: TouchedMinutes): void {
    const now = Date.now();
    for (const [tenant, { min, max }] of touched) {
      for (let m = Math.floor(min / MINUTE) * MINUTE; m <= max; m += MINUTE) this.dirty.set(`${tenant}\u0000${m}`, { tenant, minute: m, touchedAt: now });
    }
  }

  async start(): Promise<void> {
    const from = Math.floor((Date.now() - this.opts.startupLookbackMinutes * MINUTE) / MINUTE) * MINUTE;
    const tenantsRs = await this.opts.clickhouse.query({
      query: `SELECT customer_id AS tenant, min(timestamp) AS lo, max(timestamp) AS hi FROM ${this.opts.tables.enrichedLogs} WHERE timestamp >= ${dateTimeLiteral(from)} GROUP BY customer_id`,
      format: 'JSONEachRow',
    });
    const recent: TouchedMinutes = new Map();
    for (const r of await tenantsRs.json<{ tenant: string; lo: string; hi: string }>()) {
      recent.set(r.tenant, { min: Date.parse(`${r.lo.replace(' ', 'T')}Z`), max: Date.parse(`${r.hi.replace(' ', 'T')}Z`) });
    }
    this.markDirty(recent);
    await this.tick(true);
    this.timer = setInterval(() => void this.tick(false), this.opts.intervalMs);
    this.timer.unref();
  }

  /** Recompute everything still dirty (shutdown). */
  async close(): Promise<void> {
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
    const started = Date.now();
    const due = [...this.dirty.values()].filter((d) => all || d.minute + MINUTE + this.opts.delaySeconds * 1000 <= started);
    if (due.length === 0) return;
    const ranges: TouchedMinutes = new Map();
    for (const d of due) {
      const r = ranges.get(d.tenant);
      if (!r) ranges.set(d.tenant, { min: d.minute, max: d.minute });
      else {
        r.min = Math.min(r.min, d.minute);
        r.max = Math.max(r.max, d.minute);
      }
    }
    const t0 = process.hrtime.bigint();
    try {
      await this.opts.clickhouse.command({ query: recomputeRollupsSql(this.opts.tables, ranges, Date.now()) });
      for (const d of due) {
        const key = `${d.tenant}\u0000${d.minute}`;
        if ((this.dirty.get(key)?.touchedAt ?? Infinity) <= started) this.dirty.delete(key);
      }
      this.opts.onRecompute?.(Number(process.hrtime.bigint() - t0) / 1e9, true);
    } catch (err) {
      this.opts.onRecompute?.(Number(process.hrtime.bigint() - t0) / 1e9, false);
      this.opts.logger.error('rollup recompute failed; retrying on the next tick', { minutes: due.length, ...errorFields(err) });
    }
  }
}

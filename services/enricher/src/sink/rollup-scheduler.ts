import { dateTimeLiteral, errorFields, type ClickHouseClient, type Logger, type Tables } from '@cdnlog/common';
import { MAX_RANGES_PER_STATEMENT, type MinuteRange, minuteOf, minuteRanges, recomputeRollupsSql, type TouchedMinutes } from './rollups';

const MINUTE = 60_000;

/** When a dirty minute is recomputed. */
export interface RollupTiming {
  /** Once it ended this long ago (negative: open minutes too, for tests) … */
  delayMs: number;
  /** … and no rows arrived for it for this long … */
  settleMs: number;
  /** … or, rows arriving or not, it has waited this long since it became dirty. */
  maxDeferMs: number;
}

/** A tenant's minute whose rows changed since its rollup was last computed. */
export interface DirtyMinute {
  tenant: string;
  /** Epoch ms of the minute's start. */
  minute: number;
  /** When it became dirty, or when it was last recomputed while rows kept arriving. */
  dirtySince: number;
  /** When rows were last written into it. */
  touchedAt: number;
}

/**
 * Whether `d` is recomputed at `now`. Waiting for a minute to settle matters when the
 * enricher works off a backlog: rows for the same minute then arrive for as long as the
 * backlog holds them, and recomputing it on every tick would read the whole minute again
 * each time. `maxDeferMs` bounds how stale a rollup gets while rows never stop.
 */
export function isDue(d: DirtyMinute, now: number, t: RollupTiming): boolean {
  if (d.minute + MINUTE + t.delayMs > now) return false;
  return now - d.touchedAt >= t.settleMs || now - d.dirtySince >= t.maxDeferMs;
}

export interface RollupSchedulerOptions {
  clickhouse: ClickHouseClient;
  tables: Tables;
  logger: Logger;
  timing: RollupTiming;
  intervalMs: number;
  /** At start, minutes this far back are recomputed for every tenant (dirty marks do not survive a crash). */
  startupLookbackMinutes: number;
  onRecompute?: (seconds: number, ok: boolean) => void;
}

/**
 * Recomputes minute rollups off the flush path. The writer marks the minutes
 * it inserted rows into as dirty; every `intervalMs` the dirty minutes that are
 * due (`isDue`) are recomputed from `enriched_logs FINAL` in INSERT … SELECT
 * statements of at most MAX_RANGES_PER_STATEMENT ranges (ReplacingMergeTree(version)
 * keeps the newest). A minute touched again later (late events) becomes dirty
 * again. A failed statement is retried on the next tick. Dirty marks live in
 * memory, so at start the last `startupLookbackMinutes` are recomputed for all tenants.
 */
export class RollupScheduler {
  private readonly dirty = new Map<string, DirtyMinute>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly opts: RollupSchedulerOptions) {}

  get pending(): number {
    return this.dirty.size;
  }

  markDirty(touched: TouchedMinutes): void {
    const now = Date.now();
    for (const [tenant, minutes] of touched) {
      for (const minute of minutes) {
        const key = `${tenant}\u0000${minute}`;
        const d = this.dirty.get(key);
        if (d) d.touchedAt = now;
        else this.dirty.set(key, { tenant, minute, dirtySince: now, touchedAt: now });
      }
    }
  }

  async start(): Promise<void> {
    const from = minuteOf(Date.now() - this.opts.startupLookbackMinutes * MINUTE);
    const tenantsRs = await this.opts.clickhouse.query({
      query: `SELECT DISTINCT customer_id AS tenant, toUnixTimestamp(toStartOfMinute(timestamp)) AS minute FROM ${this.opts.tables.enrichedLogs} WHERE timestamp >= ${dateTimeLiteral(from)}`,
      format: 'JSONEachRow',
    });
    const recent: TouchedMinutes = new Map();
    for (const r of await tenantsRs.json<{ tenant: string; minute: number | string }>()) {
      const minutes = recent.get(r.tenant) ?? new Set<number>();
      recent.set(r.tenant, minutes.add(Number(r.minute) * 1000));
    }
    this.markDirty(recent);
    // In the background: over a busy table this reads minutes of rows, and consuming need not wait for it.
    void this.tick(true);
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
    const ranges = minuteRanges([...this.dirty.values()].filter((d) => all || isDue(d, started, this.opts.timing)));
    for (let i = 0; i < ranges.length; i += MAX_RANGES_PER_STATEMENT) {
      const chunk = ranges.slice(i, i + MAX_RANGES_PER_STATEMENT);
      const t0 = process.hrtime.bigint();
      try {
        await this.opts.clickhouse.command({ query: recomputeRollupsSql(this.opts.tables, chunk, Date.now()) });
        this.opts.onRecompute?.(Number(process.hrtime.bigint() - t0) / 1e9, true);
        this.recomputed(chunk, started);
      } catch (err) {
        this.opts.onRecompute?.(Number(process.hrtime.bigint() - t0) / 1e9, false);
        this.opts.logger.error('rollup recompute failed; retrying on the next tick', { ranges: ranges.length - i, ...errorFields(err) });
        return;
      }
    }
  }

  /** Rows written after the recomputation started are not in it: their minutes stay dirty, deferred from now on. */
  private recomputed(ranges: readonly MinuteRange[], started: number): void {
    for (const { tenant, from, to } of ranges) {
      for (let m = from; m < to; m += MINUTE) {
        const key = `${tenant}\u0000${m}`;
        const d = this.dirty.get(key);
        if (!d) continue;
        if (d.touchedAt <= started) this.dirty.delete(key);
        else d.dirtySince = started;
      }
    }
  }
}

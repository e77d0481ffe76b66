import { type MinuteRange, minuteRanges, type TouchedMinutes } from './rollups';

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

interface Entry extends DirtyMinute {
  /** `marks` when rows were last written into it: a recomputation sent after that mark saw them. */
  touchedMark: number;
}

/**
 * The rollup scheduler's book of dirty (tenant, minute) pairs: what is due, and
 * what a finished recomputation settled. Rows are written (and marked) before a
 * recomputation that should see them is sent; `marks` counts the marks, so a
 * minute marked after a statement was sent stays dirty whatever the clock says.
 */
export class DirtyMinutes {
  private readonly entries = new Map<string, Entry>();
  private marks = 0;

  get size(): number {
    return this.entries.size;
  }

  /** How many times rows were marked so far; read it just before sending a recomputation. */
  get mark(): number {
    return this.marks;
  }

  add(touched: TouchedMinutes, now: number): void {
    const mark = ++this.marks;
    for (const [tenant, minutes] of touched) {
      for (const minute of minutes) {
        const key = `${tenant}\u0000${minute}`;
        const e = this.entries.get(key);
        if (e) {
          e.touchedAt = now;
          e.touchedMark = mark;
        } else this.entries.set(key, { tenant, minute, dirtySince: now, touchedAt: now, touchedMark: mark });
      }
    }
  }

  /** The due minutes (every one with `all`) as per-tenant ranges of consecutive minutes. */
  due(now: number, timing: RollupTiming, all = false): MinuteRange[] {
    return minuteRanges([...this.entries.values()].filter((d) => all || isDue(d, now, timing)));
  }

  /**
   * `ranges` were recomputed by a statement sent when `mark` was current: their minutes
   * are clean, except those marked since, which wait again from `now`.
   */
  recomputed(ranges: readonly MinuteRange[], mark: number, now: number): void {
    for (const { tenant, from, to } of ranges) {
      for (let m = from; m < to; m += MINUTE) {
        const key = `${tenant}\u0000${m}`;
        const e = this.entries.get(key);
        if (!e) continue;
        if (e.touchedMark <= mark) this.entries.delete(key);
        else e.dirtySince = now;
      }
    }
  }
}

import { type DirtyMinute, isDue, type RollupTiming } from './rollup-scheduler';

const M = 60_000;
const timing: RollupTiming = { delayMs: 20_000, settleMs: 5_000, maxDeferMs: 60_000 };
/** Minute 10 (ends at 11 M), dirty since 11 M, last rows at `touchedAt`. */
const dirty = (touchedAt: number, dirtySince = 11 * M): DirtyMinute => ({ tenant: 'a', minute: 10 * M, dirtySince, touchedAt });

describe('when a dirty minute is recomputed', () => {
  it('not before it ended ROLLUP_DELAY_SECONDS ago', () => {
    expect(isDue(dirty(11 * M), 11 * M + 19_999, timing)).toBe(false);
    expect(isDue(dirty(11 * M), 11 * M + 20_000, timing)).toBe(true);
  });

  it('a negative delay makes the open minute due', () => {
    expect(isDue(dirty(10 * M), 10 * M + 5_000, { ...timing, delayMs: -60_000 })).toBe(true);
  });

  it('waits until no rows arrived for ROLLUP_SETTLE_MS', () => {
    expect(isDue(dirty(11 * M + 16_000), 11 * M + 20_000, timing)).toBe(false);
    expect(isDue(dirty(11 * M + 16_000), 11 * M + 20_999, timing)).toBe(false);
    expect(isDue(dirty(11 * M + 16_000), 11 * M + 21_000, timing)).toBe(true);
  });

  it('rows that never stop defer it ROLLUP_MAX_DEFER_SECONDS at most', () => {
    expect(isDue(dirty(12 * M - 1), 12 * M - 1, timing)).toBe(false);
    expect(isDue(dirty(12 * M, 11 * M), 12 * M, timing)).toBe(true);
  });

  it('a settle time of 0 recomputes as soon as the delay passed', () => {
    expect(isDue(dirty(11 * M + 20_000), 11 * M + 20_000, { ...timing, settleMs: 0 })).toBe(true);
  });
});

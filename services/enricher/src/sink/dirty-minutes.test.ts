import { type DirtyMinute, DirtyMinutes, isDue, type RollupTiming } from './dirty-minutes';

const M = 60_000;
const timing: RollupTiming = { delayMs: 20_000, settleMs: 5_000, maxDeferMs: 60_000 };
/** Minute 10 (ends at 11 M), dirty since 11 M, last rows at `touchedAt`. */
const dirty = (touchedAt: number, dirtySince = 11 * M): DirtyMinute => ({ tenant: 'a', minute: 10 * M, dirtySince, touchedAt });
const touched = (tenant: string, ...minutes: number[]) => new Map([[tenant, new Set(minutes.map((m) => m * M))]]);

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

describe('DirtyMinutes', () => {
  it('hands out the due minutes as ranges; a recomputation marks them clean', () => {
    const book = new DirtyMinutes();
    book.add(touched('a', 10, 11, 13), 14 * M);
    book.add(touched('b', 10), 14 * M);
    expect(book.due(14 * M + 4_999, timing)).toEqual([]); // rows came 4.999 s ago
    const settled = book.due(14 * M + 5_000, timing); // minute 13 ended only 5 s ago
    expect(settled).toEqual([
      { tenant: 'a', from: 10 * M, to: 12 * M },
      { tenant: 'b', from: 10 * M, to: 11 * M },
    ]);
    book.recomputed(settled, book.mark, 14 * M + 6_000);
    expect(book.size).toBe(1);
    const last = book.due(14 * M + 20_000, timing);
    expect(last).toEqual([{ tenant: 'a', from: 13 * M, to: 14 * M }]);
    book.recomputed(last, book.mark, 14 * M + 21_000);
    expect(book.size).toBe(0);
  });

  it('a minute marked after its statement was sent stays dirty, deferred from the recomputation on', () => {
    const book = new DirtyMinutes();
    book.add(touched('a', 10, 11), 12 * M);
    const due = book.due(13 * M, timing);
    const mark = book.mark; // the statement is sent now
    book.add(touched('a', 11), 13 * M); // same millisecond as far as the clock can tell
    book.recomputed(due, mark, 13 * M);
    expect(book.size).toBe(1);
    expect(book.due(13 * M + 5_000, timing)).toEqual([{ tenant: 'a', from: 11 * M, to: 12 * M }]);
    // Rows keep coming: due again once it waited ROLLUP_MAX_DEFER_SECONDS since that recomputation, not before.
    book.add(touched('a', 11), 14 * M - 1);
    expect(book.due(14 * M - 1, timing)).toEqual([]);
    expect(book.due(14 * M, timing)).toEqual([{ tenant: 'a', from: 11 * M, to: 12 * M }]);
  });

  it('nothing leaves the book without a recomputation (a failed statement retries next tick); `all` hands out every minute', () => {
    const book = new DirtyMinutes();
    book.add(touched('a', 10), 11 * M);
    book.add(touched('a', 99), 11 * M);
    expect(book.due(11 * M + 30_000, timing)).toEqual([{ tenant: 'a', from: 10 * M, to: 11 * M }]);
    expect(book.due(11 * M + 30_000, timing, true)).toEqual([
      { tenant: 'a', from: 10 * M, to: 11 * M },
      { tenant: 'a', from: 99 * M, to: 100 * M },
    ]);
    expect(book.size).toBe(2);
  });
});

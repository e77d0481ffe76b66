import { type ClassifiedError, UnknownErrorBudget } from '@cdnlog/common';
import { insertIsolating, type InsertIsolatingOptions } from './insert-isolating';

const deterministic: ClassifiedError = { class: 'deterministic', code: 'clickhouse_25', message: 'bad row' };
const transient: ClassifiedError = { class: 'transient', code: 'network_econnrefused', message: 'down' };
const unknown: ClassifiedError = { class: 'unknown', code: 'clickhouse_999999', message: '?' };

/** A store that refuses any insert containing a row in `bad`, fails `downFor` times first, and records what landed. */
function store(bad: Set<number>, failures: ClassifiedError[] = []) {
  const landed: number[] = [];
  let calls = 0;
  return {
    landed,
    calls: () => calls,
    insert: async (rows: number[]) => {
      calls++;
      const failure = failures.shift();
      if (failure) throw Object.assign(new Error(failure.message), { classified: failure });
      if (rows.some((r) => bad.has(r))) throw Object.assign(new Error('bad row'), { classified: deterministic });
      landed.push(...rows);
    },
    classify: (err: unknown) => (err as { classified: ClassifiedError }).classified,
  };
}

const noSleep = async () => undefined;

/** insertIsolating over an array: the store sees the rows of each range. */
const isolate = (rows: number[], opts: Omit<InsertIsolatingOptions, 'insert'> & { insert: (rows: number[]) => Promise<void> }) =>
  insertIsolating(rows.length, { ...opts, insert: (lo, hi) => opts.insert(rows.slice(lo, hi)) });

describe('insertIsolating', () => {
  it('isolates one refused row in the middle of 5,000: the other 4,999 land exactly once', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => i);
    const s = store(new Set([2500]));
    const refused = await isolate(rows, { insert: s.insert, classify: s.classify, budget: new UnknownErrorBudget(1000), sleep: noSleep });
    expect(refused).toEqual([{ index: 2500, error: deterministic }]);
    expect(s.landed.length).toBe(4999);
    expect(new Set(s.landed).size).toBe(4999);
    expect(s.landed).not.toContain(2500);
    expect(s.calls()).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(5000)) + 1);
  });

  it('isolates several refused rows, first and last included, in row order', async () => {
    const rows = Array.from({ length: 100 }, (_, i) => i);
    const s = store(new Set([0, 41, 99]));
    const refused = await isolate(rows, { insert: s.insert, classify: s.classify, budget: new UnknownErrorBudget(1000), sleep: noSleep });
    expect(refused.map((r) => r.index)).toEqual([0, 41, 99]);
    expect(s.landed.sort((a, b) => a - b)).toEqual(rows.filter((r) => ![0, 41, 99].includes(r)));
  });

  it('retries transient errors with backoff and never splits or refuses because of them', async () => {
    const s = store(new Set(), [transient, transient, transient]);
    const waits: number[] = [];
    const refused = await isolate([1, 2, 3], {
      insert: s.insert, classify: s.classify, budget: new UnknownErrorBudget(1000), retryInitialMs: 100, retryMaxMs: 250,
      sleep: async (ms) => void waits.push(ms),
    });
    expect(refused).toEqual([]);
    expect(s.landed).toEqual([1, 2, 3]);
    expect(waits).toEqual([100, 200, 250]);
  });

  it('treats an unknown error as transient within the grace time; alone (nothing else landed) it stays transient after it', async () => {
    let now = 0;
    const budget = new UnknownErrorBudget(60_000, () => now);
    const failures = Array.from({ length: 10 }, () => unknown);
    const landed: number[] = [];
    const refused = await isolate([7], {
      insert: async (rows) => {
        const f = failures.shift();
        if (f) throw Object.assign(new Error('?'), { classified: f });
        landed.push(...rows);
      },
      classify: (err) => (err as { classified: ClassifiedError }).classified,
      budget,
      sleep: async (ms) => void (now += ms * 20), // time flies: 500 ms backoff = 10 s
    });
    expect(now).toBeGreaterThan(60_000); // past the grace time
    expect(refused).toEqual([]);
    expect(landed).toEqual([7]);
    expect(failures).toEqual([]);
  });
});

describe('insertIsolating with unknown errors after the grace time', () => {
  const failing = (bad: (row: number) => boolean, until: () => boolean) => {
    const landed: number[] = [];
    return {
      landed,
      insert: async (rows: number[]) => {
        if (!until() && rows.some(bad)) throw Object.assign(new Error('?'), { classified: unknown });
        landed.push(...rows);
      },
      classify: (err: unknown) => (err as { classified: ClassifiedError }).classified,
    };
  };

  it('isolates a row the store refuses with an unknown code, once other rows landed, without restarting the grace at each split', async () => {
    let now = 0;
    const budget = new UnknownErrorBudget(60_000, () => now);
    const s = failing((r) => r === 4999, () => false);
    const waits: number[] = [];
    const refused = await isolate(Array.from({ length: 5000 }, (_, i) => i), {
      insert: s.insert, classify: s.classify, budget, retryInitialMs: 1000, retryMaxMs: 10_000,
      sleep: async (ms) => void (waits.push(ms), (now += ms)),
    });
    expect(refused.map((r) => r.index)).toEqual([4999]);
    expect(refused[0]!.error.class).toBe('deterministic');
    expect(s.landed.length).toBe(4999);
    // Only the first grace period was waited for: no new grace at each of the ~13 levels.
    expect(waits.reduce((a, b) => a + b, 0)).toBeLessThan(2 * 60_000);
  });

  it('refuses nothing when every row meets the unknown error (an outage): it retries until the store answers', async () => {
    let now = 0;
    let storeBack = false;
    const budget = new UnknownErrorBudget(60_000, () => now);
    const s = failing(() => true, () => storeBack);
    const refused = await isolate([1, 2, 3, 4], {
      insert: s.insert, classify: s.classify, budget, retryInitialMs: 1000, retryMaxMs: 10_000,
      sleep: async (ms) => {
        now += ms;
        if (now > 600_000) storeBack = true; // ten minutes later
      },
    });
    expect(refused).toEqual([]);
    expect(s.landed.sort()).toEqual([1, 2, 3, 4]);
  });
});

import { type ClassifiedError, UnknownErrorBudget } from '@cdnlog/common';
import { insertIsolating } from './insert-isolating';

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

describe('insertIsolating', () => {
  it('isolates one refused row in the middle of 5,000: the other 4,999 land exactly once', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => i);
    const s = store(new Set([2500]));
    const refused = await insertIsolating(rows, { insert: s.insert, classify: s.classify, budget: new UnknownErrorBudget(1000), sleep: noSleep });
    expect(refused).toEqual([{ index: 2500, error: deterministic }]);
    expect(s.landed.length).toBe(4999);
    expect(new Set(s.landed).size).toBe(4999);
    expect(s.landed).not.toContain(2500);
    expect(s.calls()).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(5000)) + 1);
  });

  it('isolates several refused rows, first and last included, in row order', async () => {
    const rows = Array.from({ length: 100 }, (_, i) => i);
    const s = store(new Set([0, 41, 99]));
    const refused = await insertIsolating(rows, { insert: s.insert, classify: s.classify, budget: new UnknownErrorBudget(1000), sleep: noSleep });
    expect(refused.map((r) => r.index)).toEqual([0, 41, 99]);
    expect(s.landed.sort((a, b) => a - b)).toEqual(rows.filter((r) => ![0, 41, 99].includes(r)));
  });

  it('retries transient errors with backoff and never splits or refuses because of them', async () => {
    const s = store(new Set(), [transient, transient, transient]);
    const waits: number[] = [];
    const refused = await insertIsolating([1, 2, 3], {
      insert: s.insert, classify: s.classify, budget: new UnknownErrorBudget(1000), retryInitialMs: 100, retryMaxMs: 250,
      sleep: async (ms) => void waits.push(ms),
    });
    expect(refused).toEqual([]);
    expect(s.landed).toEqual([1, 2, 3]);
    expect(waits).toEqual([100, 200, 250]);
  });

  it('treats an unknown error as transient within the grace time, then as deterministic', async () => {
    let now = 0;
    const budget = new UnknownErrorBudget(60_000, () => now);
    const failures = Array.from({ length: 10 }, () => unknown);
    const landed: number[] = [];
    const refused = await insertIsolating([7], {
      insert: async (rows) => {
        const f = failures.shift();
        if (f) throw Object.assign(new Error('?'), { classified: f });
        landed.push(...rows);
      },
      classify: (err) => (err as { classified: ClassifiedError }).classified,
      budget,
      sleep: async (ms) => void (now += ms * 20), // time flies: 500 ms backoff = 10 s
    });
    expect(refused).toEqual([{ index: 0, error: { ...unknown, class: 'deterministic' } }]);
    expect(landed).toEqual([]);
    expect(failures.length).toBeGreaterThan(0); // it stopped retrying before the store would have accepted
  });
});

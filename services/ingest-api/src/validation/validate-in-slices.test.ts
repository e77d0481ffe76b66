import { validateBatch } from './validate-batch';
import { validateInSlices } from './validate-in-slices';

const now = Date.parse('2026-11-22T12:00:00Z');
const window = { maxAgeMs: 7 * 86_400_000, maxFutureSkewMs: 300_000 };
const good = { timestamp: now, clientIp: '81.2.69.142', method: 'GET', path: '/a', status: 200, bytesSent: 1 };

describe('validateInSlices', () => {
  it('gives the same answer as validateBatch, counts the entries zod had to check, and lets other work run between slices', async () => {
    const raw = Array.from({ length: 1200 }, (_, i) => (i % 400 === 7 ? { ...good, status: 'teapot' } : i === 5 ? { ...good, path: '/\ud800' } : { ...good }));
    let ranBetween = 0;
    const ticker = setImmediate(() => ranBetween++);
    const sliced = await validateInSlices(raw, window, now, 500);
    clearImmediate(ticker);
    expect(sliced.validation).toEqual(validateBatch(raw.map((r) => ({ ...r })), window, now));
    expect(sliced.validation).toMatchObject({ ok: false, totalProblems: 3 });
    expect(sliced.slowPathEntries).toBe(4); // three invalid statuses, one lone surrogate
    expect(ranBetween).toBe(1);
  });

  it('stops where validateBatch stops, so zod checks no more than the entries up to the 100th problem', async () => {
    const raw = Array.from({ length: 10_000 }, () => ({ ...good, status: 'teapot' }));
    const sliced = await validateInSlices(raw, window, now, 500);
    expect(sliced.validation).toMatchObject({ ok: false, totalProblems: 100, stoppedAfterEntry: 99 });
    expect(sliced.slowPathEntries).toBe(100);
  });
});

import { noisyVerdict } from './write-noisy-report';

const run = (statuses: Record<string, number>, p99Ms: number) => ({ statuses, acceptedEvents: 0, p50Ms: 1, p95Ms: 1, p99Ms, p99BySecond: [p99Ms] });

describe('noisyVerdict', () => {
  it('is met only with nothing but 202 for A and a p99 within twice the quiet one', () => {
    expect(noisyVerdict(run({ 202: 10 }, 20), run({ 202: 10 }, 40))).toEqual({ noRefusals: true, p99WithinTwice: true, met: true });
    expect(noisyVerdict(run({ 202: 10 }, 20), run({ 202: 10 }, 41))).toEqual({ noRefusals: true, p99WithinTwice: false, met: false });
    expect(noisyVerdict(run({ 202: 10 }, 20), run({ 202: 9, 429: 1 }, 20))).toEqual({ noRefusals: false, p99WithinTwice: true, met: false });
    expect(noisyVerdict(run({ 202: 10 }, 20), run({ 202: 9, 'error ECONNRESET': 1 }, 20)).met).toBe(false);
  });
});

import { testLogger } from '@cdnlog/common/testing';
import { RetentionJob } from './retention-job';

const logger = testLogger('retention-job');

describe('RetentionJob', () => {
  it('a run with failures or one that throws counts as failed, and the next tick runs again', async () => {
    const outcomes: boolean[] = [];
    const results: Array<() => Promise<{ failures: number }>> = [
      async () => ({ failures: 2 }),
      async () => {
        throw new Error('boom');
      },
      async () => ({ failures: 0 }),
    ];
    let calls = 0;
    const job = new RetentionJob({ intervalMs: 3_600_000, logger, onRun: (ok) => outcomes.push(ok), run: () => results[calls++]!() });
    await job.tick();
    await job.tick();
    await job.tick();
    expect(calls).toBe(3);
    expect(outcomes).toEqual([false, false, true]);
    await job.close();
  });

  it('never overlaps runs: a tick during a run joins it', async () => {
    let calls = 0;
    let release!: () => void;
    const job = new RetentionJob({
      intervalMs: 3_600_000, logger,
      run: () => {
        calls++;
        return new Promise((resolve) => (release = () => resolve({ failures: 0 })));
      },
    });
    const first = job.tick();
    const second = job.tick();
    release();
    await Promise.all([first, second]);
    expect(calls).toBe(1);
    await job.close();
  });

  it('start runs at once without waiting; close aborts the run in progress, which then counts as neither outcome', async () => {
    const outcomes: boolean[] = [];
    let signal: AbortSignal | undefined;
    const job = new RetentionJob({
      intervalMs: 3_600_000, logger, onRun: (ok) => outcomes.push(ok),
      run: (s) => {
        signal = s;
        return new Promise((_, reject) => s.addEventListener('abort', () => reject(new Error('aborted'))));
      },
    });
    job.start();
    expect(signal?.aborted).toBe(false);
    await job.close();
    expect(signal?.aborted).toBe(true);
    expect(outcomes).toEqual([]);
    await job.tick();
    expect(outcomes).toEqual([]);
  });
});

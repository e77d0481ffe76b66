/**
 * Aggregator processes killed at random points and a second instance joining
 * and leaving mid-stream: the live totals stay exact.
 */
import { aggregatorTestbed } from './harness';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('aggregator crashes and rebalances', () => {
  it('SIGKILL at several points of a stream, restarts, and two instances during rebalances: totals exact', async () => {
    const bed = await aggregatorTestbed('aggcrash');
    try {
      const events = bed.events(6000, 0, 5000);
      let a = bed.spawnAggregator(19_321);
      let b: ReturnType<typeof bed.spawnAggregator> | undefined;
      for (let chunk = 0; chunk < 30; chunk++) {
        await bed.produce(events.slice(chunk * 200, chunk * 200 + 200));
        if (chunk === 6) b = bed.spawnAggregator(19_322); // rebalance: two members
        if (chunk === 12) {
          a.kill('SIGKILL'); // dies mid-stream, possibly between a script and its offset commit
          await new Promise((r) => a.once('exit', r));
        }
        if (chunk === 16) a = bed.spawnAggregator(19_323); // rebalance again
        if (chunk === 22 && b) {
          b.kill('SIGKILL');
          await new Promise((r) => b!.once('exit', r));
        }
        await sleep(100);
      }
      await bed.waitExact(events, 120_000);
      expect(a.exitCode).toBeNull();
    } finally {
      await bed.cleanup();
    }
  }, 240_000);
});

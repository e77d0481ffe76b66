/**
 * A batch re-sent after a 503 whose first attempt was written after all: both
 * copies carry the same batchKey (from the idempotency key) and different
 * batchIds. The live window counts the first copy only.
 */
import type { EnrichedEvent } from '@cdnlog/common';
import { testLogger } from '@cdnlog/common/testing';
import { createAggregator } from '../src/create-aggregator';
import { aggregatorTestbed } from './harness';

let bed: Awaited<ReturnType<typeof aggregatorTestbed>>;
let aggregator: ReturnType<typeof createAggregator>;

beforeAll(async () => {
  bed = await aggregatorTestbed('resend');
  aggregator = createAggregator(bed.config, testLogger('aggregator'));
  await aggregator.start();
});
afterAll(async () => {
  await aggregator.stop();
  await bed.cleanup();
});

const skipped = async () => {
  const line = (await aggregator.metrics.registry.metrics()).split('\n').find((l) => l.startsWith('cdnlog_aggregator_resent_events_skipped_total'));
  return Number(line?.split(' ').pop());
};

describe('re-sent batches', () => {
  it('a second copy (same batchKey, another batchId) is skipped; other keyed and unkeyed batches count; live totals exact', async () => {
    // 300 events over the three tenants: each tenant's share is one batch sent with an idempotency key.
    const copy = (batchId: string): EnrichedEvent[] => bed.events(300).map((e) => ({ ...e, batchId, batchKey: `k-${bed.prefix}-${e.customerId}` }));
    const first = copy('attempt-1');
    const resent = copy('attempt-2');
    const otherKeyed = bed.events(90, 300).map((e) => ({ ...e, batchId: 'other', batchKey: `k-${bed.prefix}-other-${e.customerId}` }));
    const unkeyed = bed.events(60, 390);
    // One tenant per partition key: each tenant's events arrive in this order, so when the
    // last ones are counted, the re-sent copy has been read.
    await bed.produce([...first, ...resent, ...otherKeyed, ...unkeyed]);
    await bed.waitExact([...first, ...otherKeyed, ...unkeyed]);
    expect(await skipped()).toBe(300);
  });
});

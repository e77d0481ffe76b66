import type { RawBatchEvent } from '@cdnlog/common';
import { batchKeyOf } from './batch-key';

const withIds = (...ids: string[]) => ids.map((eventId) => ({ eventId }) as RawBatchEvent);

describe('batchKeyOf', () => {
  it('is the first event id when the ids come from an idempotency key', () => {
    expect(batchKeyOf(withIds('k0a1', 'k0a2'))).toBe('k0a1');
  });

  it("is '' for ids from request ids, random ids, and an empty message", () => {
    expect([batchKeyOf(withIds('r0a1', 'k0a2')), batchKeyOf(withIds('x0a1')), batchKeyOf([])]).toEqual(['', '', '']);
  });
});

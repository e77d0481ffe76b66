import { TENANT_ID_PATTERN } from '../schemas/tenant-id';
import { INTERNAL_TAG, redisKeys } from './keys';

describe('redis keys', () => {
  it('keeps internal keys under a hash tag no tenant id can have', () => {
    expect(TENANT_ID_PATTERN.test(INTERNAL_TAG)).toBe(false);
    expect(redisKeys.live.partitionMarker('t', 3)).toBe('live:{_meta}:p:t:3');
    // A tenant named like the tag's word stays in its own namespace.
    expect(redisKeys.live.watermark('meta', 't', 3).startsWith('live:{_meta}:')).toBe(false);
  });
});

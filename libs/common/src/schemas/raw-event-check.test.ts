import fc from 'fast-check';
import { rawBatchEventSchema } from './raw-event';
import { isRawBatchEvent } from './raw-event-check';

const valid = {
  eventId: 'x0123456789abcdef0123456789abcde',
  timestamp: 1_795_580_473_061,
  clientIp: '81.2.69.142',
  method: 'GET',
  path: '/static/app.js?v=3',
  status: 200,
  bytesSent: 5120,
  userAgent: 'Mozilla/5.0',
  host: 'cdn.example.com',
  requestId: 'req-1',
  referer: 'https://example.com/',
  cacheStatus: 'HIT',
  responseTimeMs: 12.5,
  pop: 'fra1',
};
type Field = keyof typeof valid;

/** Values at and around each field's bounds, and of other types. */
const odd: unknown[] = [undefined, null, true, 0, -1, 1.5, -0, Number.NaN, Infinity, 2 ** 53, 2 ** 53 - 1, '', 'a', 'ab', '😀', {}, [], 'x'.repeat(16), 'x'.repeat(17),
  'x'.repeat(32), 'x'.repeat(33), 'x'.repeat(45), 'x'.repeat(46), 'x'.repeat(128), 'x'.repeat(129), 'x'.repeat(255), 'x'.repeat(256), 'x'.repeat(1024),
  'x'.repeat(1025), 'x'.repeat(2048), 'x'.repeat(2049), '\ud800', 99, 100, 599, 600, 1e12, 1e21];

describe('isRawBatchEvent', () => {
  it('takes a complete event and one with only the required fields', () => {
    expect(isRawBatchEvent(valid)).toBe(true);
    const { userAgent: _u, host: _h, requestId: _r, referer: _f, cacheStatus: _c, responseTimeMs: _t, pop: _p, ...required } = valid;
    expect(isRawBatchEvent(required)).toBe(true);
    expect(isRawBatchEvent(null)).toBe(false);
    expect(isRawBatchEvent([valid])).toBe(false);
  });

  it('accepts nothing the schema refuses, field by field, for every odd value', () => {
    let agreedValid = 0;
    for (const field of Object.keys(valid) as Field[]) {
      for (const value of odd) {
        const event = { ...valid, [field]: value };
        const fast = isRawBatchEvent(event);
        const schema = rawBatchEventSchema.safeParse(event).success;
        if (fast) expect({ field, value, schema }).toEqual({ field, value, schema: true });
        if (fast && schema) agreedValid++;
      }
    }
    // It is not merely refusing everything: the in-bounds values pass it too.
    expect(agreedValid).toBeGreaterThan(60);
  });

  it('accepts nothing the schema refuses, for arbitrary records (property)', () => {
    const anyValue = fc.oneof(fc.constantFrom(...odd), fc.string({ maxLength: 40 }), fc.integer(), fc.double());
    const record = fc.record(Object.fromEntries(Object.keys(valid).map((k) => [k, fc.oneof(fc.constant(valid[k as Field]), anyValue)])), { requiredKeys: [] });
    fc.assert(fc.property(record, (event) => !isRawBatchEvent(event) || rawBatchEventSchema.safeParse(event).success), { numRuns: 5000 });
  });
});

import { validateBatch } from './validate-batch';

const now = Date.UTC(2026, 10, 22, 12, 0, 0);
const window = { maxAgeMs: 7 * 24 * 3_600_000, maxFutureSkewMs: 300_000 };
const good = { timestamp: '2026-11-22T11:59:00Z', clientIp: '192.0.2.1', method: 'get', path: '/a', status: 200, bytesSent: 5 };

describe('validateBatch', () => {
  it('normalises valid entries: upper-case method, epoch ms, nulls dropped, unknown fields stripped', () => {
    const result = validateBatch([{ ...good, userAgent: null, extra: { deep: true } }, { ...good, timestamp: now - 1000, method: 'POST' }], window, now);
    expect(result).toEqual({
      ok: true,
      entries: [
        { timestamp: '2026-11-22T11:59:00Z', timestampMs: now - 60_000, clientIp: '192.0.2.1', method: 'GET', path: '/a', status: 200, bytesSent: 5, userAgent: undefined },
        { timestamp: now - 1000, timestampMs: now - 1000, clientIp: '192.0.2.1', method: 'POST', path: '/a', status: 200, bytesSent: 5 },
      ],
    });
  });

  it('accepts the edges of the time window and rejects one millisecond beyond', () => {
    expect(validateBatch([{ ...good, timestamp: now + 300_000 }], window, now).ok).toBe(true);
    expect(validateBatch([{ ...good, timestamp: now - window.maxAgeMs }], window, now).ok).toBe(true);
    expect(validateBatch([{ ...good, timestamp: now + 300_001 }], window, now)).toEqual({
      ok: false,
      totalProblems: 1,
      problems: [{ index: 0, field: 'timestamp', message: 'is more than 300 seconds in the future' }],
    });
    expect(validateBatch([{ ...good, timestamp: now - window.maxAgeMs - 1 }], window, now)).toEqual({
      ok: false,
      totalProblems: 1,
      problems: [{ index: 0, field: 'timestamp', message: 'is more than 168 hours in the past' }],
    });
  });

  it('accepts ISO-8601 with offsets and fractions, and IPv6', () => {
    const result = validateBatch([{ ...good, timestamp: '2026-11-22T12:59:00.123+01:00', clientIp: '2001:db8::8a2e:370:7334' }], window, now);
    expect(result.ok && result.entries[0]!.timestampMs).toBe(now - 60_000 + 123);
  });

  it('is all or nothing: one bad entry fails the batch', () => {
    const result = validateBatch([good, good, { ...good, bytesSent: 1.5 }], window, now);
    expect(result.ok).toBe(false);
  });
});

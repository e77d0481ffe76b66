import { isWellFormed } from '@cdnlog/common';
import { TEXT_FIELDS } from './repair-strings';
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
      repaired: {},
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

  it('stops at 100 problems: the first 20 reported, the entry where it stopped named, the rest not checked', () => {
    const raw = Array.from({ length: 10_000 }, (_, i) => (i % 2 === 0 ? { ...good } : { ...good, status: 'teapot' }));
    const result = validateBatch(raw, window, now);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect([result.totalProblems, result.stoppedAfterEntry, result.problems.length]).toEqual([100, 199, 20]);
    expect(result.problems[19]).toEqual({ index: 39, field: 'status', message: 'Invalid input: expected number, received string' });
    // One entry can hold several problems: the stop counts problems, and names the entry that reached 100.
    const broken = Array.from({ length: 100 }, () => ({ timestamp: 'x', clientIp: 'y', method: 1, path: 2, status: 'z', bytesSent: -1 }));
    const many = validateBatch(broken, window, now);
    expect(many.ok === false && [many.totalProblems >= 100, many.stoppedAfterEntry! < 20]).toEqual([true, true]);
    // 99 problems: no stop, every entry checked.
    const under = validateBatch(raw.slice(0, 198), window, now);
    expect(under).toMatchObject({ ok: false, totalProblems: 99 });
    expect(under.ok === false && under.stoppedAfterEntry).toBeUndefined();
  });

  it('accepts ISO-8601 with offsets and fractions, and IPv6', () => {
    const result = validateBatch([{ ...good, timestamp: '2026-11-22T12:59:00.123+01:00', clientIp: '2001:db8::8a2e:370:7334' }], window, now);
    expect(result.ok && result.entries[0]!.timestampMs).toBe(now - 60_000 + 123);
  });

  it('is all or nothing: one bad entry fails the batch', () => {
    const result = validateBatch([good, good, { ...good, bytesSent: 1.5 }], window, now);
    expect(result.ok).toBe(false);
  });

  it('replaces unpaired surrogates in every text field with U+FFFD and counts each repaired field', () => {
    const lone = { path: '/\ud800x', userAgent: 'ua\udc00', host: '\udbffh', requestId: 'r\udfff', referer: '\udc00\ud800', cacheStatus: 'HIT\ud800', pop: '\ud800' };
    const result = validateBatch([{ ...good, ...lone }, { ...good, path: '/\udc00' }, good], window, now);
    expect(result).toMatchObject({
      ok: true,
      entries: [
        { path: '/\ufffdx', userAgent: 'ua\ufffd', host: '\ufffdh', requestId: 'r\ufffd', referer: '\ufffd\ufffd', cacheStatus: 'HIT\ufffd', pop: '\ufffd' },
        { path: '/\ufffd' },
        { path: '/a' },
      ],
    });
    expect(result.ok && result.repaired).toEqual({ path: 2, userAgent: 1, host: 1, requestId: 1, referer: 1, cacheStatus: 1, pop: 1 });
    for (const entry of result.ok ? result.entries : []) for (const field of TEXT_FIELDS) expect(isWellFormed(entry[field] ?? '')).toBe(true);
  });

  it('keeps surrogate pairs as they are and counts nothing', () => {
    const paired = { path: '/😀', userAgent: '𝒰𝒜', host: 'a😀', requestId: '😀', referer: 'https://x/😀', cacheStatus: '😀', pop: '😀' };
    const result = validateBatch([{ ...good, ...paired }], window, now);
    expect(result).toMatchObject({ ok: true, entries: [paired] });
    expect(result.ok && result.repaired).toEqual({});
  });

  it('lengths count code points: a lone surrogate counts one, as its U+FFFD does', () => {
    expect(validateBatch([{ ...good, pop: '\ud800'.repeat(32) }], window, now)).toMatchObject({ ok: true, entries: [{ pop: '\ufffd'.repeat(32) }] });
    expect(validateBatch([{ ...good, pop: '\ud800'.repeat(33) }], window, now)).toMatchObject({
      ok: false,
      problems: [{ index: 0, field: 'pop', message: 'must be at most 32 characters' }],
    });
  });

  it('accepts bytesSent up to 10^12 and refuses one more', () => {
    expect(validateBatch([{ ...good, bytesSent: 1_000_000_000_000 }], window, now)).toMatchObject({ ok: true, entries: [{ bytesSent: 1_000_000_000_000 }] });
    for (const bytesSent of [1_000_000_000_001, Number.MAX_SAFE_INTEGER]) {
      expect(validateBatch([{ ...good, bytesSent }], window, now)).toEqual({
        ok: false,
        totalProblems: 1,
        problems: [{ index: 0, field: 'bytesSent', message: 'must be at most 1000000000000' }],
      });
    }
  });
});

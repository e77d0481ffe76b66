import { counterText, counterTexts, scriptArguments } from './apply-live';

describe('counter increments as the live script takes them', () => {
  it('decimal integer strings, exact beyond 2^53 (bigint), never an exponent', () => {
    expect(counterText(0)).toBe('0');
    expect(counterText(Number.MAX_SAFE_INTEGER)).toBe('9007199254740991');
    expect(counterText(12n * BigInt(Number.MAX_SAFE_INTEGER))).toBe('108086391056891892');
    expect(counterText(10n ** 20n)).toBe('100000000000000000000'); // 21 digits: the script refuses it, with nothing written
  });

  it('a number that is not a safe integer is a bug, not a counter', () => {
    expect(() => counterText(1.5)).toThrow(RangeError);
    expect(() => counterText(2 ** 60)).toThrow(RangeError);
  });

  it('every field of a minute, and the payload carries strings', () => {
    const counters = { requests: 12, bytes: 12n * 9007199254740991n, status2xx: 12, status3xx: 0, status4xx: 0, status5xx: 0, cacheHits: 1, cacheMisses: 0 };
    expect(counterTexts(counters)).toEqual({
      requests: '12', bytes: '108086391056891892', status2xx: '12', status3xx: '0', status4xx: '0', status5xx: '0', cacheHits: '1', cacheMisses: '0',
    });
    const minute = 1_700_000_040;
    const { keys, payload } = scriptArguments(
      { tenant: 't', firstOffset: 3, lastOffset: 5, minutes: new Map([[minute, { counters, ips: new Set(['1.1.1.1']), countries: new Map(), routes: new Map([['GET /', 12]]), uaFamilies: new Map() }]]) },
      'topic', 0, { windowMinutes: 15, graceSeconds: 120, topN: 10 },
    );
    expect(keys).toHaveLength(6);
    expect(payload).toContain('"bytes":"108086391056891892"');
    expect(JSON.parse(payload)).toMatchObject({ first: 3, last: 5, minutes: [{ c: { requests: '12' }, rt: { 'GET /': 12 }, ips: ['1.1.1.1'] }] });
  });
});

import { isDeepStrictEqual } from 'node:util';
import { isWellFormed, seededRandom as rng } from '@cdnlog/common';
import { entrySchema } from './entry-schema';
import { fastEntry } from './fast-entry';
import { TEXT_FIELDS } from './repair-strings';

const base = {
  timestamp: '2026-11-22T11:59:00Z',
  clientIp: '81.2.69.142',
  method: 'GET',
  path: '/static/app.js?v=3',
  status: 200,
  bytesSent: 5120,
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
  host: 'cdn.example.com',
  requestId: 'req-1',
  referer: 'https://example.com/',
  cacheStatus: 'HIT',
  responseTimeMs: 12.5,
  pop: 'fra1',
};

const text = (n: number, c = 'a') => c.repeat(n);
const anything = [undefined, null, true, false, 0, -1, 1.5, '', ' ', '0', [], {}, [1], { a: 1 }, Number.MAX_SAFE_INTEGER, 2 ** 53, -0];
const strings = (max: number) => [
  text(max), text(max + 1), `${text(max - 1)}😀`, `${text(max - 2)}😀`, 'a\u0000b', 'tab\there', 'x\u007f', 'line\nbreak', 'é ü 中文', '\u2028',
  // Unpaired surrogates (valid, repaired after validation) at the start, middle and end, and at the length bound.
  '\ud800x', 'x\udc00y', 'x\udbff', `${text(max - 1)}\ud800`, `${text(max)}\udc00`, '\udc00\ud800', '😀\udc00',
];
const pools: Record<string, unknown[]> = {
  timestamp: [
    0, 1, 1795580473061, -1, 1.5, 2 ** 53, 2 ** 53 - 1, 1e21, '2026-11-22T10:00:00Z', '2026-11-22 10:00', '2026-11-22T10:00:00.123456789+01:00',
    '2026-11-22T10:00:00+0100', '2026-13-45T99:99:99Z', '2026-11-22', 'yesterday', `2026-11-22T10:00:00.${text(30, '1')}Z`, '2026-02-30T10:00:00Z',
    ' 2026-11-22T10:00:00Z', '2026-11-22T10:00:00z', '１２',
  ],
  clientIp: [
    '1.2.3.4', '255.255.255.255', '256.1.1.1', '01.2.3.4', '::1', '2001:db8::8a2e:370:7334', '::ffff:1.2.3.4', 'fe80::1%eth0', ' 1.2.3.4', '1.2.3.4 ',
    '1.2.3', 'localhost', `${text(40, '1')}`, '2001:0db8:0000:0000:0000:ff00:0042:8329', '2001:db8:0:0:0:0:0:0:1', ':::', '1:2:3:4:5:6:7:8',
    'fe80::1%' + text(40), '1.2.3.4/32',
  ],
  method: ['GET', 'get', 'PoSt', 'PURGE', text(16, 'A'), text(17, 'A'), 'GE T', 'GÉT', 'M1', '', 'OPTIONS'],
  path: ['/', '/a?b=c#d', 'a/b', '', '//x', text(2047, '/'), text(2048, '/'), text(2049, '/'), ...strings(2048).map((s) => `/${s}`), '/\u0000', '/ü'],
  status: [100, 599, 99, 600, 200.5, '200', 404, -200, 2 ** 53],
  bytesSent: [0, -1, 0.5, 1_000_000_000_000, 1_000_000_000_001, Number.MAX_SAFE_INTEGER, 2 ** 53, '10', 1e21],
  userAgent: [...strings(1024), 'curl/8.5.0'],
  host: [...strings(255), 'cdn.example.com'],
  requestId: [...strings(128), 'r', 'req-2'],
  referer: [...strings(2048), 'https://a.example/'],
  cacheStatus: [...strings(32), 'MISS', 'hit'],
  responseTimeMs: [0, 0.001, 3_600_000, 3_600_000.5, -0.1, '12', 1e300],
  pop: [...strings(32), 'lhr1'],
};
const fields = Object.keys(pools);

function mutate(random: () => number): Record<string, unknown> {
  const item: Record<string, unknown> = { ...base };
  const changes = 1 + Math.floor(random() * 3);
  for (let c = 0; c < changes; c++) {
    const field = fields[Math.floor(random() * fields.length)]!;
    const pool = random() < 0.75 ? pools[field]! : anything;
    const value = pool[Math.floor(random() * pool.length)];
    if (value === undefined && random() < 0.5) delete item[field];
    else item[field] = value;
  }
  if (random() < 0.05) item.extra = { nested: [1, 2, 3] };
  if (random() < 0.02) Object.defineProperty(item, '__proto__', { value: { status: 200 }, enumerable: true });
  return item;
}

/** The normalised entry without keys whose value is undefined (zod leaves out absent optional keys). */
const defined = (o: object) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

describe('fastEntry agrees with the zod entry schema', () => {
  it('on 30,000 mutated entries: same verdict (but leaves unpaired surrogates to zod), same normalised entry', () => {
    const random = rng(20261125);
    const mismatches: unknown[] = [];
    let accepted = 0;
    for (let i = 0; i < 30_000; i++) {
      const item = mutate(random);
      const fast = fastEntry(item);
      const zod = entrySchema.safeParse(item);
      // The fast path takes exactly what zod accepts with well-formed text; the rest goes to zod (and its text to the repair).
      const canonical = zod.success && TEXT_FIELDS.every((field) => isWellFormed(zod.data[field] ?? ''));
      if ((fast !== undefined) !== canonical || (fast && zod.success && !isDeepStrictEqual(defined(fast), defined(zod.data)))) {
        mismatches.push({ case: i, item, fast, zod: zod.success ? zod.data : zod.error.issues.map((x) => x.message) });
      }
      if (zod.success) accepted++;
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    // Both verdicts occur often enough for the comparison to mean something.
    expect(accepted).toBeGreaterThan(5_000);
    expect(accepted).toBeLessThan(25_000);
  });

  it('takes the fast path for typical entries: epoch or ISO time, IPv4/IPv6, optional fields absent or null', () => {
    const typical = [
      base,
      { timestamp: 1795580473061, clientIp: '2001:db8::1', method: 'head', path: '/', status: 304, bytesSent: 0 },
      { ...base, userAgent: null, host: null, requestId: null, referer: null, cacheStatus: null, responseTimeMs: null, pop: null },
    ];
    for (const item of typical) expect(fastEntry(item)).toEqual(entrySchema.parse(item));
    expect(fastEntry({ ...base, method: 'post' })?.method).toBe('POST');
  });

  it('leaves text with an unpaired surrogate to the slow path, in every text field; takes surrogate pairs', () => {
    for (const field of TEXT_FIELDS) {
      for (const value of ['/\ud800', '/\udc00', '/a\udbffb', '/\udfff😀']) {
        expect([field, value, fastEntry({ ...base, [field]: value })]).toEqual([field, value, undefined]);
        expect(entrySchema.safeParse({ ...base, [field]: value }).success).toBe(true);
      }
      expect(fastEntry({ ...base, [field]: '/😀' })?.[field]).toBe('/😀');
    }
  });

  it('takes bytesSent up to 10^12 and leaves one more to zod, which refuses it', () => {
    expect(fastEntry({ ...base, bytesSent: 1_000_000_000_000 })?.bytesSent).toBe(1_000_000_000_000);
    for (const bytesSent of [1_000_000_000_001, Number.MAX_SAFE_INTEGER]) {
      expect(fastEntry({ ...base, bytesSent })).toBeUndefined();
      expect(entrySchema.safeParse({ ...base, bytesSent }).error?.issues).toMatchObject([{ path: ['bytesSent'], message: 'must be at most 1000000000000' }]);
    }
  });
});

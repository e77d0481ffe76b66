import { isDeepStrictEqual } from 'node:util';
import { seededRandom as rng } from '@cdnlog/common';
import { entrySchema } from './entry-schema';
import { fastEntry } from './fast-entry';

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
const strings = (max: number) => [text(max), text(max + 1), `${text(max - 1)}😀`, `${text(max - 2)}😀`, 'a\u0000b', 'tab\there', 'x\u007f', 'line\nbreak', 'é ü 中文', '\u2028'];
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
  bytesSent: [0, -1, 0.5, Number.MAX_SAFE_INTEGER, 2 ** 53, '10', 1e21],
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
  it('on 30,000 mutated entries: same verdict, same normalised entry', () => {
    const random = rng(20261125);
    const mismatches: unknown[] = [];
    let accepted = 0;
    for (let i = 0; i < 30_000; i++) {
      const item = mutate(random);
      const fast = fastEntry(item);
      const zod = entrySchema.safeParse(item);
      if ((fast !== undefined) !== zod.success || (fast && zod.success && !isDeepStrictEqual(defined(fast), defined(zod.data)))) {
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
});

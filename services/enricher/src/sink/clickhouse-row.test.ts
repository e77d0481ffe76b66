import { ENRICHED_LOG_COLUMNS, text, toClickHouseRow } from './clickhouse-row';

const request = { customerId: 'acme', receivedAt: 1_795_580_473_999, enrichedAt: 0, batchId: 'b', batchKey: '' };
const event = {
  eventId: 'e1', timestamp: 1_795_580_473_061, clientIp: '81.2.69.142', country: 'GB', city: 'London', region: 'England', method: 'GET',
  url: '/a?b=1', path: '/a', route: 'GET /a', status: 200, statusClass: '2xx' as const, bytesSent: 1_000_000_000_000, userAgent: 'curl/8',
  uaFamily: 'curl' as const, deviceClass: 'other' as const, isBot: true, host: 'h', referer: '', cacheStatus: 'HIT', pop: 'fra1',
  responseTimeMs: 12.5, requestId: '',
};

describe('toClickHouseRow', () => {
  it('writes one TabSeparated line, a field per column, times as 10-digit epoch seconds', () => {
    const line = toClickHouseRow(request, event);
    expect(line).toBe('acme\t1795580473\t61\te1\t81.2.69.142\tGB\tLondon\tEngland\tGET\t/a?b=1\t/a\tGET /a\t200\t1000000000000\tcurl/8\tcurl\tother\t1\th\t\tHIT\tfra1\t13\t\t1795580473\n');
    expect(line.slice(0, -1).split('\t')).toHaveLength(ENRICHED_LOG_COLUMNS.length);
  });

  it('pads early times to 10 digits (ClickHouse reads a shorter number as a date) and writes a missing response time as 0', () => {
    const line = toClickHouseRow({ ...request, receivedAt: 5_000 }, { ...event, timestamp: 999, responseTimeMs: null });
    const fields = line.slice(0, -1).split('\t');
    expect([fields[1], fields[2], fields[22], fields[24]]).toEqual(['0000000000', '999', '0', '0000000005']);
  });

  it('escapes backslash, tab, newline and carriage return, and nothing else', () => {
    expect(text('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
    expect(text('plain "quoted" \'text\' 😀 \u0000')).toBe('plain "quoted" \'text\' 😀 \u0000');
    const line = toClickHouseRow(request, { ...event, url: '/x\ty\nz', userAgent: 'ua\\' });
    expect(line.slice(0, -1).split('\t')).toHaveLength(ENRICHED_LOG_COLUMNS.length);
    expect(line).toContain('\t/x\\ty\\nz\t');
    expect(line).toContain('\tua\\\\\t');
  });
});

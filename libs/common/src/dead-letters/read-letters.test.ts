import type { ConsumedMessage } from '../kafka/batch-consumer';
import { deadLetter, readDeadLetter } from './dead-letter';
import { formatLetterList, letterListJson, summarizeLetters } from './format-letters';
import { filterLetters, uniqueById, type StoredLetter } from './read-letters';
import { selectLetters } from './replay-letters';

let offset = 0;
function letter(tenant: string, code: string, stage: 'decode' | 'clickhouse' | 'redis', at: number, sourceOffset = offset): StoredLetter {
  const out = deadLetter({
    source: { topic: 'cdn-logs.raw', partition: 0, offset: String(sourceOffset), key: tenant, value: Buffer.from('{}') },
    tenant,
    service: 'enricher',
    stage,
    code,
    reason: `reason of ${code}\nsecond line`,
    events: 1,
    at,
  });
  const message: ConsumedMessage = { topic: 'dlq', partition: 0, offset: String(offset++), key: out.key, value: Buffer.from(out.value), headers: out.headers!, timestamp: at };
  return { ...readDeadLetter(message), headers: message.headers };
}

const letters = [
  letter('a', 'invalid_message', 'decode', 1000),
  letter('a', 'clickhouse_25', 'clickhouse', 2000),
  letter('b', 'invalid_message', 'decode', 3000),
  letter('', 'invalid_message', 'decode', 4000),
];
const ids = (ls: StoredLetter[]) => ls.map((l) => l.id);

describe('filtering dead letters', () => {
  it('each filter narrows, filters combine, no filter keeps all', () => {
    expect(ids(filterLetters(letters, {}))).toEqual(ids(letters));
    expect(ids(filterLetters(letters, { tenant: 'a' }))).toEqual(['cdn-logs.raw/0/0', 'cdn-logs.raw/0/1']);
    expect(ids(filterLetters(letters, { code: 'invalid_message' }))).toEqual(['cdn-logs.raw/0/0', 'cdn-logs.raw/0/2', 'cdn-logs.raw/0/3']);
    expect(ids(filterLetters(letters, { stage: 'clickhouse' }))).toEqual(['cdn-logs.raw/0/1']);
    expect(ids(filterLetters(letters, { since: 2000 }))).toEqual(['cdn-logs.raw/0/1', 'cdn-logs.raw/0/2', 'cdn-logs.raw/0/3']);
    expect(ids(filterLetters(letters, { tenant: 'a', code: 'invalid_message', since: 500 }))).toEqual(['cdn-logs.raw/0/0']);
    expect(filterLetters(letters, { tenant: 'a', stage: 'redis' })).toEqual([]);
  });

  it('a letter dead-lettered again under the same id counts once (its latest copy)', () => {
    const again = letter('a', 'clickhouse_25', 'clickhouse', 9000, 1);
    expect(uniqueById([...letters, again]).map((l) => [l.id, l.at])).toEqual([
      ['cdn-logs.raw/0/0', 1000],
      ['cdn-logs.raw/0/1', 9000],
      ['cdn-logs.raw/0/2', 3000],
      ['cdn-logs.raw/0/3', 4000],
    ]);
  });

  it('replay selection: named ids (unknown ones reported) or a tenant filter', () => {
    expect(selectLetters(letters, { ids: ['cdn-logs.raw/0/2', 'nope', 'cdn-logs.raw/0/2'] })).toEqual({ chosen: [letters[2]], missing: ['nope'] });
    expect(ids(selectLetters(letters, { filter: { tenant: 'a', code: 'clickhouse_25' } }).chosen)).toEqual(['cdn-logs.raw/0/1']);
  });

  it('summary counts per tenant and per code; list lines are one per letter with the reason on one line', () => {
    expect(summarizeLetters(letters)).toEqual({ total: 4, byTenant: { a: 2, b: 1, '(none)': 1 }, byCode: { invalid_message: 3, clickhouse_25: 1 } });
    const lines = formatLetterList(letters);
    expect(lines).toHaveLength(5);
    expect(lines[1]).toBe('cdn-logs.raw/0/1  tenant=a  stage=clickhouse  code=clickhouse_25  events=1  at=1970-01-01T00:00:02.000Z  reason=reason of clickhouse_25 second line');
    expect(lines[4]).toBe('4 letter(s); per tenant: (none) 1, a 2, b 1; per code: clickhouse_25 1, invalid_message 3');
    expect(letterListJson(letters.slice(0, 1)).letters[0]).toMatchObject({ id: 'cdn-logs.raw/0/0', at: '1970-01-01T00:00:01.000Z', valueBytes: 2 });
  });
});

import { dateTimeLiteral, identifier, numberLiteral, stringList, stringLiteral, UnsafeSqlValueError } from './sql';

describe('identifier', () => {
  it.each(['cdnlog', 'enriched_logs', '_x1'])('accepts %j', (name) => expect(identifier(name)).toBe(name));
  it.each(['', '1abc', 'a-b', 'a.b', 'a b', 'x;DROP', '`x`', "a'", 'a'.repeat(64)])('rejects %j', (name) => {
    expect(() => identifier(name)).toThrow(UnsafeSqlValueError);
  });
});

describe('stringLiteral', () => {
  it('quotes plain text', () => expect(stringLiteral('acme')).toBe("'acme'"));
  it('escapes quotes and backslashes so the literal cannot be closed early', () => {
    expect(stringLiteral("a'b")).toBe("'a\\'b'");
    expect(stringLiteral('a\\')).toBe("'a\\\\'");
    expect(stringLiteral("\\' OR 1=1 --")).toBe("'\\\\\\' OR 1=1 --'");
  });
  it('escapes control characters', () => {
    expect(stringLiteral('a\nb\r\t\0')).toBe("'a\\nb\\r\\t\\0'");
  });
  it('leaves unicode alone', () => expect(stringLiteral('Zürich 東京')).toBe("'Zürich 東京'"));
});

describe('numbers, dates and lists', () => {
  it('numberLiteral accepts finite numbers only', () => {
    expect(numberLiteral(42)).toBe('42');
    expect(numberLiteral(-1.5)).toBe('-1.5');
    expect(() => numberLiteral(NaN)).toThrow(UnsafeSqlValueError);
    expect(() => numberLiteral(Infinity)).toThrow(UnsafeSqlValueError);
    expect(() => numberLiteral('1; DROP' as unknown as number)).toThrow(UnsafeSqlValueError);
  });
  it('dateTimeLiteral converts epoch ms to seconds', () => {
    expect(dateTimeLiteral(1_700_000_000_999)).toBe('toDateTime(1700000000)');
  });
  it('stringList builds an IN list and rejects an empty one', () => {
    expect(stringList(['a', "b'"])).toBe("('a', 'b\\'')");
    expect(() => stringList([])).toThrow(UnsafeSqlValueError);
  });
});

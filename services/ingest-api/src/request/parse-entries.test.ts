import { AppError } from '@cdnlog/common';
import { bodyFormat, parseEntries } from './parse-entries';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? `${err.status} ${err.code}` : String(err);
  }
  return 'no error';
};

describe('bodyFormat', () => {
  it.each([
    ['application/json', 'json'],
    ['application/json; charset=utf-8', 'json'],
    ['Application/JSON', 'json'],
    ['application/x-ndjson', 'ndjson'],
    ['application/ndjson', 'ndjson'],
  ])('%s → %s', (type, format) => expect(bodyFormat(type)).toBe(format));

  it.each([undefined, '', 'text/plain', 'application/jsonx', 'multipart/form-data'])('%j → 415', (type) => {
    expect(codeOf(() => bodyFormat(type))).toBe('415 unsupported_media_type');
  });
});

describe('parseEntries', () => {
  const buf = (s: string) => Buffer.from(s, 'utf8');
  it('reads an array, a single object and NDJSON with blank lines', () => {
    expect(parseEntries(buf('[{"a":1},{"a":2}]'), 'json')).toEqual([{ a: 1 }, { a: 2 }]);
    expect(parseEntries(buf('{"a":1}'), 'json')).toEqual([{ a: 1 }]);
    expect(parseEntries(buf('{"a":1}\n\n  \n{"a":2}\r\n'), 'ndjson')).toEqual([{ a: 1 }, { a: 2 }]);
    expect(parseEntries(buf(''), 'ndjson')).toEqual([]);
  });

  it('names the NDJSON line that is broken', () => {
    try {
      parseEntries(buf('{"a":1}\n{"a":\n'), 'ndjson');
      throw new Error('expected failure');
    } catch (err) {
      expect((err as AppError).code).toBe('invalid_json');
      expect((err as AppError).message).toMatch(/^The body is not valid JSON: line 2: /);
    }
  });

  it('rejects scalars and null as a body', () => {
    expect(codeOf(() => parseEntries(buf('true'), 'json'))).toBe('400 invalid_body');
    expect(codeOf(() => parseEntries(buf('null'), 'json'))).toBe('400 invalid_body');
    expect(codeOf(() => parseEntries(buf('   '), 'json'))).toBe('400 invalid_json');
  });
});

/**
 * The audited SQL helpers. ClickHouse 18.16 has no server-side query
 * parameters, so every value that reaches SQL text goes through one of these:
 * identifiers are validated against a strict pattern (never escaped), string
 * values are escaped as literals, numbers must be finite. Nothing else may
 * interpolate input into SQL.
 */

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export class UnsafeSqlValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeSqlValueError';
  }
}

/** A database, table or column name. Throws unless it is a plain identifier. */
export function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new UnsafeSqlValueError(`not a safe SQL identifier: ${JSON.stringify(name)}`);
  return name;
}

const ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\0': '\\0',
  '\b': '\\b',
  '\f': '\\f',
};

/** A quoted ClickHouse string literal: `'it\'s'`. Works for any string, including control characters. */
export function stringLiteral(value: string): string {
  if (typeof value !== 'string') throw new UnsafeSqlValueError('stringLiteral expects a string');
  return `'${value.replace(/[\\'\n\r\t\0\b\f]/g, (c) => ESCAPES[c]!)}'`;
}

/** A numeric literal; rejects NaN, Infinity and non-numbers. */
export function numberLiteral(value: number): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new UnsafeSqlValueError(`not a finite number: ${String(value)}`);
  return String(value);
}

/** `toDateTime(<epoch seconds>)` from epoch milliseconds (portable across ClickHouse versions). */
export function dateTimeLiteral(epochMs: number): string {
  return `toDateTime(${numberLiteral(Math.floor(epochMs / 1000))})`;
}

/** `('a', 'b')` for an IN clause; an empty list is rejected (it is not valid SQL). */
export function stringList(values: string[]): string {
  if (values.length === 0) throw new UnsafeSqlValueError('empty list');
  return `(${values.map(stringLiteral).join(', ')})`;
}

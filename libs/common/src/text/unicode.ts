/**
 * Unicode canonical forms every accepted string is kept in. JavaScript strings
 * are UTF-16 and may hold unpaired surrogates, which JSON can carry (`"\ud800"`)
 * but UTF-8 cannot: ClickHouse refuses them (Code 25) and Redis' cjson refuses
 * a lone low surrogate. So the pipeline replaces each unpaired surrogate with
 * U+FFFD, the Unicode replacement character, as a UTF-8 decoder would, and
 * cuts strings only between code points.
 */

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ANY_SURROGATE = /[\uD800-\uDFFF]/;

/** True when `s` holds no unpaired surrogate (String.prototype.isWellFormed, for every runtime we target). */
export function isWellFormed(s: string): boolean {
  if (!ANY_SURROGATE.test(s)) return true;
  UNPAIRED_SURROGATE.lastIndex = 0;
  return !UNPAIRED_SURROGATE.test(s);
}

/** `s` with every unpaired surrogate replaced by U+FFFD (the same string when there is none). */
export function toWellFormed(s: string): string {
  if (!ANY_SURROGATE.test(s)) return s;
  return s.replace(UNPAIRED_SURROGATE, '\uFFFD');
}

/**
 * Make the listed string fields of `record` well-formed, in place (absent ones
 * are skipped); `onRepaired` is told each field that changed.
 */
export function repairTextFields<T extends object, K extends keyof T>(record: T, fields: readonly K[], onRepaired?: (field: K) => void): T {
  for (const field of fields) {
    const value = record[field];
    if (typeof value !== 'string') continue;
    const repaired = toWellFormed(value);
    if (repaired !== value) {
      record[field] = repaired as T[K];
      onRepaired?.(field);
    }
  }
  return record;
}

/** At most `max` code points of `s`, never ending in half a surrogate pair. */
export function cutCodePoints(s: string, max: number): string {
  if (s.length <= max) return s;
  let units = 0;
  let points = 0;
  while (units < s.length && points < max) {
    const c = s.charCodeAt(units);
    units += c >= 0xd800 && c <= 0xdbff && units + 1 < s.length && (s.charCodeAt(units + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
    points++;
  }
  return s.slice(0, units);
}

import { isIP } from 'node:net';
import { isWellFormed } from '@cdnlog/common';
import { type Entry, ISO_8601, LIMITS, METHOD, NO_CONTROL_CHARS } from './entry-schema';

/**
 * The hot path of entry validation: a plain-code check of the common case,
 * an order of magnitude cheaper than the zod schema per entry
 * (docs/benchmarks.md). It can only say "valid, here is the normalised
 * entry" or "not sure" (undefined); it never rejects. `entrySchema` stays the
 * definition: every entry this refuses is validated again by zod, which
 * accepts it or produces the error messages. Each condition here is at least
 * as strict as its zod counterpart, so nothing zod would refuse gets through
 * (checked entry by entry against zod in fast-entry.test.ts). It is stricter in
 * one way: text with an unpaired surrogate is left to zod, so what this
 * returns is already canonical and only the slow path needs the U+FFFD repair
 * (`repair-strings.ts`).
 */
export function fastEntry(item: Record<string, unknown>): Entry | undefined {
  const { timestamp, clientIp, method, path, status, bytesSent } = item;
  if (typeof timestamp === 'number') {
    if (!Number.isSafeInteger(timestamp) || timestamp < 0) return undefined;
  } else if (typeof timestamp !== 'string' || timestamp.length > 40 || !ISO_8601.test(timestamp) || Number.isNaN(Date.parse(timestamp))) {
    return undefined;
  }
  if (typeof clientIp !== 'string' || !fitsIn(clientIp, 45) || isIP(clientIp) === 0) return undefined;
  if (typeof method !== 'string' || !METHOD.test(method)) return undefined;
  if (!isText(path, LIMITS.path) || path.charCodeAt(0) !== 47 /* "/" */) return undefined;
  if (!isSafeIntegerIn(status, 100, 599) || !isSafeIntegerIn(bytesSent, 0, LIMITS.bytesSent)) return undefined;

  const userAgent = optionalText(item.userAgent, LIMITS.userAgent);
  const host = optionalText(item.host, LIMITS.host);
  const requestId = optionalText(item.requestId, LIMITS.requestId);
  const referer = optionalText(item.referer, LIMITS.referer);
  const cacheStatus = optionalText(item.cacheStatus, LIMITS.cacheStatus);
  const pop = optionalText(item.pop, LIMITS.pop);
  if (userAgent === INVALID || host === INVALID || requestId === INVALID || requestId === '' || referer === INVALID || cacheStatus === INVALID || pop === INVALID) {
    return undefined;
  }
  let { responseTimeMs } = item;
  if (responseTimeMs === null) responseTimeMs = undefined;
  else if (responseTimeMs !== undefined && (typeof responseTimeMs !== 'number' || !(responseTimeMs >= 0 && responseTimeMs <= LIMITS.responseTimeMs))) return undefined;

  // Every key, in one order: one object shape for V8, like the schema's output type.
  const entry: Entry = {
    timestamp, clientIp, method: method.toUpperCase(), path, status, bytesSent,
    userAgent, host, requestId, referer, cacheStatus, responseTimeMs: responseTimeMs as number | undefined, pop,
  };
  return entry;
}

const INVALID = Symbol('invalid');

/** An optional text field: absent or null → undefined; a valid string; or INVALID. */
function optionalText(value: unknown, max: number): string | undefined | typeof INVALID {
  if (value === undefined || value === null) return undefined;
  return isText(value, max) ? value : INVALID;
}

/** Bounded, free of control characters, and well-formed (no unpaired surrogate: those go the slow path, to be repaired). */
function isText(value: unknown, max: number): value is string {
  return typeof value === 'string' && fitsIn(value, max) && NO_CONTROL_CHARS.test(value) && isWellFormed(value);
}

/** At most `max` code points, as zod 4 counts them (a surrogate pair is one; UTF-16 units decide when they already fit). */
function fitsIn(value: string, max: number): boolean {
  if (value.length <= max) return true;
  return value.length <= 2 * max && [...value].length <= max;
}

function isSafeIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;
}

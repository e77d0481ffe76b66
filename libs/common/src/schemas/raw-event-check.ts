import type { RawBatchEvent } from './raw-event';

/**
 * The consumers' hot path for `rawBatchEventSchema`: the same conditions in
 * plain code, without the schema's copy of every event (zod's parse builds a
 * new object per event, which the enricher then threw away). It only answers
 * "valid as is" or "not sure"; the schema stays the definition and is run on
 * every event this refuses, to accept it or say why not. Each condition is at
 * least as strict as the schema's (checked against the schema in
 * raw-event-check.test.ts), so nothing the schema refuses gets through. An
 * event that passes keeps any extra keys it has (the schema would strip them);
 * readers pick the fields they use.
 */
export function isRawBatchEvent(value: unknown): value is RawBatchEvent {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<string, unknown>;
  return (
    text(e.eventId, 1, 128)
    && Number.isSafeInteger(e.timestamp)
    && text(e.clientIp, 2, 45)
    && text(e.method, 1, 16)
    && text(e.path, 1, 2048)
    && Number.isSafeInteger(e.status) && (e.status as number) >= 100 && (e.status as number) <= 599
    && Number.isSafeInteger(e.bytesSent) && (e.bytesSent as number) >= 0
    && optionalText(e.userAgent, 1024)
    && optionalText(e.host, 255)
    && optionalText(e.requestId, 128)
    && optionalText(e.referer, 2048)
    && optionalText(e.cacheStatus, 32)
    && (e.responseTimeMs === undefined || (typeof e.responseTimeMs === 'number' && Number.isFinite(e.responseTimeMs) && e.responseTimeMs >= 0))
    && optionalText(e.pop, 32)
  );
}

/**
 * The schema measures text in code points. At most `max` UTF-16 units is at
 * most `max` code points; at least `min` units is at least `min` code points
 * only when `min` is 1 or the units are twice as many (a pair is one point).
 */
function text(v: unknown, min: number, max: number): boolean {
  if (typeof v !== 'string' || v.length < min || v.length > max) return false;
  return min <= 1 || v.length >= 2 * min || [...v].length >= min;
}

function optionalText(v: unknown, max: number): boolean {
  return v === undefined || (typeof v === 'string' && v.length <= max);
}

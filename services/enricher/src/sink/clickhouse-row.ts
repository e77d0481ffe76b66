import type { EnrichedBatchEvent, EnrichedRequestFields } from '@cdnlog/common';

/**
 * The columns of `enriched_logs` a row carries, in the order `toClickHouseRow`
 * writes them (the insert names them, so the table's own order does not matter).
 */
export const ENRICHED_LOG_COLUMNS = [
  'customer_id', 'timestamp', 'timestamp_ms', 'event_id', 'client_ip', 'country', 'city', 'region', 'method', 'url', 'path', 'route',
  'status', 'bytes_sent', 'user_agent', 'ua_family', 'device_class', 'is_bot', 'host', 'referer', 'cache_status', 'pop',
  'response_time_ms', 'request_id', 'ingested_at',
] as const;

/**
 * An enriched event and its request fields → one line of `enriched_logs` in
 * ClickHouse's TabSeparated format. Text is built directly instead of a row
 * object serialized as JSONEachRow: no object and no JSON per row, and
 * ClickHouse parses TabSeparated with less work than JSON. Callers pass events
 * the enricher's decode accepted: integers in range, times up to
 * MAX_STORED_TIMESTAMP_MS (whose seconds fit the 10 digits written here).
 * Text is escaped here; lone surrogates never reach ClickHouse as such, the
 * UTF-8 encoding of the body writes U+FFFD for them.
 */
export function toClickHouseRow(request: EnrichedRequestFields, e: EnrichedBatchEvent): string {
  return `${text(request.customerId)}\t${dateTime(e.timestamp)}\t${e.timestamp % 1000}\t${text(e.eventId)}\t${text(e.clientIp)}\t${text(e.country)}\t${text(e.city)}\t${text(e.region)}\t${text(e.method)}\t${text(e.url)}\t${text(e.path)}\t${text(e.route)}\t${e.status}\t${e.bytesSent}\t${text(e.userAgent)}\t${e.uaFamily}\t${e.deviceClass}\t${e.isBot ? 1 : 0}\t${text(e.host)}\t${text(e.referer)}\t${text(e.cacheStatus)}\t${text(e.pop)}\t${e.responseTimeMs === null ? 0 : Math.round(e.responseTimeMs)}\t${text(e.requestId)}\t${dateTime(request.receivedAt)}\n`;
}

const NEEDS_ESCAPE = /[\t\n\r\\]/;
const ESCAPED = /[\t\n\r\\]/g;
const ESCAPES: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r', '\\': '\\\\' };

/** A string as a TabSeparated field: backslash, tab, newline and carriage return escaped. */
export function text(s: string): string {
  return NEEDS_ESCAPE.test(s) ? s.replace(ESCAPED, (c) => ESCAPES[c]!) : s;
}

/**
 * Epoch ms → a `DateTime` field: epoch seconds as exactly 10 digits. ClickHouse
 * reads a field as a Unix timestamp only when its fifth character is a digit
 * (otherwise as `YYYY-MM-DD hh:mm:ss`): `5` would not parse, `0000000005` does.
 */
function dateTime(ms: number): string {
  const s = String(Math.floor(ms / 1000));
  return s.length >= 10 ? s : '0000000000'.slice(s.length) + s;
}

import { isIP } from 'node:net';
import { MAX_BYTES_SENT, MAX_RESPONSE_TIME_MS } from '@cdnlog/common';
import { z } from 'zod';

/**
 * One access-log entry as a CDN edge sends it (camelCase). Unknown fields are
 * dropped, optional fields may be absent or null, every string is bounded.
 * The event-time window (too old / too far in the future) is checked by
 * `validateBatch`, because it depends on the clock; so is the one repair of
 * accepted text (unpaired surrogates → U+FFFD, `repair-strings.ts`).
 */
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
export const NO_CONTROL_CHARS = /^[^\u0000-\u001f\u007f]*$/;
export const ISO_8601 = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;
export const METHOD = /^[A-Za-z]{1,16}$/;

/** Length bounds of the text fields, in Unicode code points (zod 4 counts a surrogate pair once, a lone surrogate once), and the numeric bounds. */
export const LIMITS = {
  path: 2048,
  userAgent: 1024,
  host: 255,
  requestId: 128,
  referer: 2048,
  cacheStatus: 32,
  pop: 32,
  responseTimeMs: MAX_RESPONSE_TIME_MS,
  bytesSent: MAX_BYTES_SENT,
} as const;

const text = (max: number) => z.string().max(max, `must be at most ${max} characters`).regex(NO_CONTROL_CHARS, 'must not contain control characters');
const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? undefined);

const ISO_MESSAGE = 'must be an ISO-8601 date-time such as 2026-11-22T10:00:00Z';

/** ISO-8601 string or epoch milliseconds; each wrong value gets exactly one message. */
export const timestampSchema = z.union(
  [
    z.number().int().min(0, 'must not be negative'),
    z.string().refine((v) => v.length <= 40 && ISO_8601.test(v) && !Number.isNaN(Date.parse(v)), ISO_MESSAGE),
  ],
  { error: (issue) => (issue.input === undefined ? 'is required' : 'must be an ISO-8601 string or epoch milliseconds') },
);

export const entrySchema = z.object({
  timestamp: timestampSchema,
  clientIp: z.string().max(45, 'must be an IPv4 or IPv6 address').refine((v) => isIP(v) !== 0, 'must be an IPv4 or IPv6 address'),
  method: z
    .string()
    .regex(METHOD, 'must be an HTTP method (1-16 letters)')
    .transform((v) => v.toUpperCase()),
  path: text(LIMITS.path).startsWith('/', 'must start with "/"'),
  status: z.number().int('must be an integer').min(100, 'must be between 100 and 599').max(599, 'must be between 100 and 599'),
  bytesSent: z.number().int('must be an integer').min(0, 'must not be negative').max(LIMITS.bytesSent, `must be at most ${LIMITS.bytesSent}`),
  userAgent: optional(text(LIMITS.userAgent)),
  host: optional(text(LIMITS.host)),
  requestId: optional(text(LIMITS.requestId).min(1, 'must not be empty')),
  referer: optional(text(LIMITS.referer)),
  cacheStatus: optional(text(LIMITS.cacheStatus)),
  responseTimeMs: optional(z.number().min(0, 'must not be negative').max(LIMITS.responseTimeMs, `must be at most ${LIMITS.responseTimeMs} (one hour)`)),
  pop: optional(text(LIMITS.pop)),
});

export type Entry = z.infer<typeof entrySchema>;

export function epochMs(timestamp: Entry['timestamp']): number {
  return typeof timestamp === 'number' ? timestamp : Date.parse(timestamp);
}

import { z } from 'zod';

const EPOCH_MS = /^\d{1,15}$/;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

const timeParam = z
  .string()
  .max(40, 'must be at most 40 characters')
  .refine((v) => (EPOCH_MS.test(v) ? true : ISO_8601.test(v) && !Number.isNaN(Date.parse(v))), 'must be an ISO-8601 date-time or epoch milliseconds')
  .transform((v) => (EPOCH_MS.test(v) ? Number(v) : Date.parse(v)));

export const GROUP_BY = ['country', 'status', 'statusClass', 'path', 'uaFamily', 'cacheStatus', 'pop', 'city'] as const;
export const INTERVALS = ['minute', 'hour', 'day'] as const;

/** Longest range per interval, in days. */
export const MAX_RANGE_DAYS: Record<(typeof INTERVALS)[number], number> = { minute: 7, hour: 92, day: 732 };

/**
 * Query parameters of GET /api/v1/metrics/:customerId/history. Strict: an
 * unknown parameter is an error, every value is validated and mapped to a
 * whitelisted SQL fragment, never interpolated.
 */
export const historyQuerySchema = z
  .object({
    from: timeParam,
    to: timeParam,
    interval: z.enum(INTERVALS, { message: 'must be minute, hour or day' }).default('hour'),
    groupBy: z.enum(GROUP_BY, { message: `must be one of ${GROUP_BY.join(', ')}` }).optional(),
    /** Maximum rows returned. */
    limit: z.coerce.number({ message: 'must be a number' }).int('must be an integer').min(1, 'must be 1-10000').max(10_000, 'must be 1-10000').default(1000),
    /** With groupBy: the top N groups (by requests) per bucket. */
    top: z.coerce.number({ message: 'must be a number' }).int('must be an integer').min(1, 'must be 1-1000').max(1000, 'must be 1-1000').default(10),
    format: z.enum(['json', 'csv'], { message: 'must be json or csv' }).default('json'),
  })
  .strict();

export type HistoryQuery = z.infer<typeof historyQuerySchema>;

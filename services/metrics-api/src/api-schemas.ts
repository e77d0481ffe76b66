import { z } from 'zod';
import { GROUP_BY, INTERVALS } from './history/history-query';

/** Response shapes of the metrics API; the types and the OpenAPI document both come from here. */
const counters = {
  requests: z.number().int(),
  bytes: z.number().int(),
  status2xx: z.number().int(),
  status3xx: z.number().int(),
  status4xx: z.number().int(),
  status5xx: z.number().int(),
  uniqueIps: z.number().int(),
};

export const liveMinuteSchema = z.object({
  minute: z.string().describe('Minute start, ISO-8601 UTC'),
  ...counters,
  topCountries: z.array(z.object({ country: z.string(), requests: z.number().int() })),
  topPaths: z.array(z.object({ path: z.string().describe('Route: "METHOD path"'), requests: z.number().int() })),
  topUaFamilies: z.array(z.object({ uaFamily: z.string(), requests: z.number().int() })),
});

export const liveViewSchema = z.object({
  customerId: z.string(),
  source: z.literal('live'),
  windowMinutes: z.number().int(),
  totals: z.object({ ...counters, cacheHitRatio: z.number().nullable().describe('hits / (hits + misses); null without cacheable traffic') }),
  minutes: z.array(liveMinuteSchema).describe('Every minute of the window, oldest first; zeros without traffic'),
});

export const historyBucketSchema = z.object({
  bucket: z.string().describe('Bucket start, ISO-8601 UTC'),
  group: z.string().nullable(),
  ...counters,
});

export const historyViewSchema = z.object({
  customerId: z.string(),
  source: z.literal('history'),
  from: z.string(),
  to: z.string(),
  interval: z.enum(INTERVALS),
  groupBy: z.enum(GROUP_BY).nullable(),
  buckets: z.array(historyBucketSchema),
});

export const errorSchema = z.object({ error: z.string(), message: z.string(), details: z.unknown().optional() });

export type LiveMinute = z.infer<typeof liveMinuteSchema>;
export type LiveView = z.infer<typeof liveViewSchema>;
export type HistoryBucket = z.infer<typeof historyBucketSchema>;
export type HistoryView = z.infer<typeof historyViewSchema>;

import { z } from 'zod';
import { tenantIdSchema } from './tenant-id';

/**
 * Message on the raw topic: one accepted CDN access-log event, as validated and
 * normalised by the ingest API. Key = customerId, value = this JSON.
 * `v` is the contract version; consumers reject versions they do not know.
 */
export const RAW_EVENT_VERSION = 1 as const;

export const rawEventSchema = z.object({
  v: z.literal(RAW_EVENT_VERSION),
  /** Stable id: the same event re-sent by an edge gets the same id (downstream dedup key). */
  eventId: z.string().min(1).max(128),
  customerId: tenantIdSchema,
  /** Event time, epoch milliseconds (UTC). */
  timestamp: z.number().int(),
  /** When the ingest API accepted the batch, epoch milliseconds. */
  receivedAt: z.number().int(),
  batchId: z.string().min(1).max(64),
  clientIp: z.string().min(2).max(45),
  method: z.string().min(1).max(16),
  path: z.string().min(1).max(2048),
  status: z.number().int().min(100).max(599),
  bytesSent: z.number().int().min(0),
  userAgent: z.string().max(1024).optional(),
  host: z.string().max(255).optional(),
  requestId: z.string().max(128).optional(),
  referer: z.string().max(2048).optional(),
  cacheStatus: z.string().max(32).optional(),
  responseTimeMs: z.number().min(0).optional(),
  pop: z.string().max(32).optional(),
});

export type RawEvent = z.infer<typeof rawEventSchema>;

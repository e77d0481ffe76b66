import { z } from 'zod';
import { tenantIdSchema } from './tenant-id';

/**
 * Message on the enriched topic (contract v1), for the aggregator and internal
 * consumers. Key = customerId. Strings are '' when unknown (never absent);
 * `responseTimeMs` is null when the edge did not send it. Consumers must ignore
 * fields they do not know and reject a `v` they do not know.
 * JSON Schema: docs/contracts/enriched-event.v1.schema.json (generated, see `npm run contracts`).
 */
export const ENRICHED_EVENT_VERSION = 1 as const;

export const UA_FAMILIES = ['Chrome', 'Firefox', 'Safari', 'Edge', 'Opera', 'Googlebot', 'Bingbot', 'curl', 'Other'] as const;
export const DEVICE_CLASSES = ['desktop', 'mobile', 'tablet', 'bot', 'other'] as const;

export const enrichedEventSchema = z.object({
  v: z.literal(ENRICHED_EVENT_VERSION),
  eventId: z.string().min(1).max(128).describe('Stable event id; the deduplication key'),
  customerId: tenantIdSchema,
  timestamp: z.number().int().describe('Event time, epoch milliseconds UTC'),
  receivedAt: z.number().int().describe('When ingest accepted it, epoch ms'),
  enrichedAt: z.number().int().describe('When the enricher processed it, epoch ms'),
  batchId: z.string(),
  batchKey: z
    .string()
    .optional()
    .describe(
      'The same for every copy of a raw message an edge re-sent with the same idempotency key (from the raw message); '
      + '"" when the request had none. The live window counts one copy per batchKey. Absent in messages written before it existed.',
    ),
  clientIp: z.string(),
  country: z.string().max(2).describe('ISO 3166-1 alpha-2, or "" when unknown/private'),
  city: z.string(),
  region: z.string(),
  method: z.string(),
  url: z.string().describe('Path with query string, as sent'),
  path: z.string().describe('Path without query string or fragment'),
  route: z.string().describe('"METHOD path"'),
  status: z.number().int().min(100).max(599),
  statusClass: z.enum(['1xx', '2xx', '3xx', '4xx', '5xx']),
  bytesSent: z.number().int().min(0),
  userAgent: z.string(),
  uaFamily: z.enum(UA_FAMILIES),
  deviceClass: z.enum(DEVICE_CLASSES),
  isBot: z.boolean(),
  host: z.string(),
  referer: z.string(),
  cacheStatus: z.string().describe('Upper-cased, e.g. HIT, MISS; "" when unknown'),
  pop: z.string(),
  responseTimeMs: z.number().min(0).nullable(),
  requestId: z.string(),
});

export type EnrichedEvent = z.infer<typeof enrichedEventSchema>;
export type UaFamily = (typeof UA_FAMILIES)[number];
export type DeviceClass = (typeof DEVICE_CLASSES)[number];

import { RAW_EVENT_VERSION, type OutgoingMessage, type RawEvent } from '@cdnlog/common';
import type { Entry } from '../validation/entry-schema';
import { eventIdFor } from './event-id';

/**
 * Validated entries → messages for the raw topic: one message per event,
 * key = tenant id (a tenant's events stay on one partition, in order),
 * value = the RawEvent JSON contract (libs/common/src/schemas/raw-event.ts).
 */
export function toRawMessages(
  entries: Array<Entry & { timestampMs: number }>,
  ctx: { tenant: string; batchId: string; receivedAt: number; idempotencyKey?: string },
): OutgoingMessage[] {
  return entries.map((entry, index) => {
    const event: RawEvent = {
      v: RAW_EVENT_VERSION,
      eventId: eventIdFor(ctx.tenant, index, entry.requestId, ctx.idempotencyKey),
      customerId: ctx.tenant,
      timestamp: entry.timestampMs,
      receivedAt: ctx.receivedAt,
      batchId: ctx.batchId,
      clientIp: entry.clientIp,
      method: entry.method,
      path: entry.path,
      status: entry.status,
      bytesSent: entry.bytesSent,
      userAgent: entry.userAgent,
      host: entry.host,
      requestId: entry.requestId,
      referer: entry.referer,
      cacheStatus: entry.cacheStatus,
      responseTimeMs: entry.responseTimeMs,
      pop: entry.pop,
    };
    return { key: ctx.tenant, value: JSON.stringify(event) };
  });
}

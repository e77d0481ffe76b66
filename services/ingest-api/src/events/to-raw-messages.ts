import { RAW_BATCH_MAX_EVENTS, RAW_BATCH_VERSION, type OutgoingMessage, type RawBatch, type RawBatchEvent } from '@cdnlog/common';
import type { ValidEntry } from '../validation/validate-batch';
import { batchKeyFor, eventIdFor, newRequestNonce } from './event-id';

/**
 * Validated entries → messages for the raw topic in the v2 layout
 * (libs/common/src/schemas/raw-event.ts): one message per request, split into
 * chunks of at most `maxEventsPerMessage` events; key = tenant id, so a
 * tenant's messages stay on one partition, in order. Event ids follow the
 * position in the whole request, whatever the chunking; with an idempotency
 * key, each message also gets a `batchKey` from its first position.
 */
export function toRawMessages(
  entries: ValidEntry[],
  ctx: { tenant: string; batchId: string; receivedAt: number; idempotencyKey?: string },
  maxEventsPerMessage = RAW_BATCH_MAX_EVENTS,
): OutgoingMessage[] {
  const messages: OutgoingMessage[] = [];
  const nonce = newRequestNonce();
  for (let start = 0; start < entries.length; start += maxEventsPerMessage) {
    const end = Math.min(entries.length, start + maxEventsPerMessage);
    const events: RawBatchEvent[] = new Array(end - start);
    for (let i = start; i < end; i++) events[i - start] = toRawEvent(entries[i]!, eventIdFor(ctx.tenant, i, entries[i]!.requestId, ctx.idempotencyKey, nonce));
    const batch: RawBatch = { v: RAW_BATCH_VERSION, customerId: ctx.tenant, batchId: ctx.batchId, receivedAt: ctx.receivedAt, events };
    if (ctx.idempotencyKey !== undefined) batch.batchKey = batchKeyFor(ctx.tenant, ctx.idempotencyKey, start);
    messages.push({ key: ctx.tenant, value: JSON.stringify(batch) });
  }
  return messages;
}

/** Only the fields the entry has: absent optional fields are left out of the JSON, not written as null. */
function toRawEvent(entry: ValidEntry, eventId: string): RawBatchEvent {
  return {
    eventId,
    timestamp: entry.timestampMs,
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
}

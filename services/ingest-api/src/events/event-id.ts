import { createHash, randomUUID } from 'node:crypto';
import { EVENT_ID_RULE } from '@cdnlog/common';

/**
 * The stable id of an event, the key ClickHouse deduplicates on:
 * - from the edge's `requestId` when it sends one (the same request logged twice is one event);
 * - else from tenant + idempotency key + position in the batch (a retried batch gets the same ids);
 * - else random (a blind retry without either cannot be told apart from new traffic).
 * 32 characters; the first tells which rule made it (EVENT_ID_RULE: r / k / x), the rest are hex.
 */
export function eventIdFor(tenant: string, index: number, requestId: string | undefined, idempotencyKey: string | undefined): string {
  if (requestId !== undefined) return `${EVENT_ID_RULE.requestId}${hash(`${tenant}\u0000${requestId}`)}`;
  if (idempotencyKey !== undefined) return `${EVENT_ID_RULE.idempotencyKey}${hash(`${tenant}\u0000${idempotencyKey}\u0000${index}`)}`;
  // randomUUID draws from a cached entropy pool (one system call per 128 ids); ~118 random bits remain.
  return `${EVENT_ID_RULE.random}${randomUUID().replace(/-/g, '').slice(0, 31)}`;
}

function hash(input: string): string {
  return createHash('sha256').update(input, 'utf8').digest('hex').slice(0, 31);
}

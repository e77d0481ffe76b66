import { createHash, randomUUID } from 'node:crypto';

/**
 * The stable id of an event, the key ClickHouse deduplicates on:
 * - from the edge's `requestId` when it sends one (the same request logged twice is one event);
 * - else from tenant + idempotency key + position in the batch (a retried batch gets the same ids);
 * - else random (a blind retry without either cannot be told apart from new traffic).
 * 32 hex characters; the first tells which rule made it (r / k / x).
 */
export function eventIdFor(tenant: string, index: number, requestId: string | undefined, idempotencyKey: string | undefined): string {
  if (requestId !== undefined) return `r${hash(`${tenant}\u0000${requestId}`)}`;
  if (idempotencyKey !== undefined) return `k${hash(`${tenant}\u0000${idempotencyKey}\u0000${index}`)}`;
  // randomUUID draws from a cached entropy pool (one system call per 128 ids); ~118 random bits remain.
  return `x${randomUUID().replace(/-/g, '').slice(0, 31)}`;
}

/**
 * The raw message's `batchKey` when the request has an idempotency key: every
 * copy of the message an edge re-sends with that key gets the same one (the
 * live window counts one copy), whatever ids its events have.
 */
export function batchKeyFor(tenant: string, idempotencyKey: string, firstIndex: number): string {
  return `b${hash(`${tenant}\u0000${idempotencyKey}\u0000${firstIndex}`)}`;
}

function hash(input: string): string {
  return createHash('sha256').update(input, 'utf8').digest('hex').slice(0, 31);
}

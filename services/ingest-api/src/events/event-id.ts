import { hash as digest, randomFillSync } from 'node:crypto';

/** Hex digits of an `x` id's position: up to 268,435,455 entries in one request, far past any body limit. */
const INDEX_DIGITS = 7;

/**
 * The random part a request's `x` ids share (96 bits, 24 hex characters):
 * drawn once per request, not per event, because drawing per event was a
 * visible share of the ingest API's CPU.
 */
export function newRequestNonce(): string {
  // From a pool drawn in bulk, as crypto.randomUUID does: one draw costs about as much as hundreds of nonces.
  if (poolAt === NONCE_POOL.length) {
    randomFillSync(NONCE_POOL);
    poolAt = 0;
  }
  poolAt += NONCE_BYTES;
  return NONCE_POOL.toString('hex', poolAt - NONCE_BYTES, poolAt);
}

const NONCE_BYTES = 12;
const NONCE_POOL = Buffer.alloc(NONCE_BYTES * 512);
let poolAt = NONCE_POOL.length;

/**
 * The stable id of an event, the key ClickHouse deduplicates on:
 * - from the edge's `requestId` when it sends one (the same request logged twice is one event);
 * - else from tenant + idempotency key + position in the batch (a retried batch gets the same ids);
 * - else the request's random nonce + position (a blind retry without either cannot be told
 *   apart from new traffic; no two requests share a nonce, no two positions an id).
 * 32 hex characters; the first tells which rule made it (r / k / x).
 */
export function eventIdFor(tenant: string, index: number, requestId: string | undefined, idempotencyKey: string | undefined, nonce: string): string {
  if (requestId !== undefined) return `r${hash(`${tenant}\u0000${requestId}`)}`;
  if (idempotencyKey !== undefined) return `k${hash(`${tenant}\u0000${idempotencyKey}\u0000${index}`)}`;
  return `x${nonce}${index.toString(16).padStart(INDEX_DIGITS, '0')}`;
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
  return digest('sha256', input, 'hex').slice(0, 31);
}

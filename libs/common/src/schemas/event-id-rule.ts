/**
 * The first character of an `eventId` says which rule of the ingest API made it
 * (services/ingest-api/src/events/event-id.ts); part of the raw and enriched
 * contracts. Only ids of the `idempotencyKey` rule name a whole batch: every
 * copy of a batch an edge re-sent with the same idempotency key has the same
 * ids, position by position.
 */
export const EVENT_ID_RULE = { requestId: 'r', idempotencyKey: 'k', random: 'x' } as const;

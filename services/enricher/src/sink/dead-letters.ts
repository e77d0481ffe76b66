import { deadLetter, type EnrichedRequestFields, type OutgoingMessage, RAW_BATCH_VERSION, tenantIdSchema } from '@cdnlog/common';
import type { ReadPosition } from './offset-ledger';

/**
 * The enricher's dead letters (layout: libs/common/src/dead-letters/dead-letter.ts).
 * A refused event becomes a raw v2 message of its own (the request fields and
 * that one event), so `npm run dlq -- replay` can put it back on the raw topic;
 * a message that could not be decoded at all is dead-lettered as it was read.
 */

/** One event the enricher refused: at decode (`decode`) or because ClickHouse refused its row (`clickhouse`). */
export interface RefusedEvent {
  /** Position of the event in its source message's `events`. */
  index: number;
  /** The event as read from the raw topic. */
  event: unknown;
  stage: 'decode' | 'clickhouse';
  code: string;
  reason: string;
}

export function refusedEventLetter(position: ReadPosition, request: EnrichedRequestFields, refused: RefusedEvent): OutgoingMessage {
  const value = JSON.stringify({
    v: RAW_BATCH_VERSION,
    customerId: request.customerId,
    receivedAt: request.receivedAt,
    batchId: request.batchId,
    ...(request.batchKey ? { batchKey: request.batchKey } : {}),
    events: [refused.event],
  });
  return deadLetter({
    source: { ...position, key: request.customerId, value: null },
    value,
    eventIndex: refused.index,
    tenant: request.customerId,
    service: 'enricher',
    stage: refused.stage,
    code: refused.code,
    reason: refused.reason,
    events: 1,
  });
}

export function undecodableLetter(message: { topic: string; partition: number; offset: string; key: string | null; value: Buffer | null }, reason: string): OutgoingMessage {
  const tenant = message.key !== null && tenantIdSchema.safeParse(message.key).success ? message.key : '';
  return deadLetter({ source: message, tenant, service: 'enricher', stage: 'decode', code: 'invalid_message', reason, events: 0 });
}

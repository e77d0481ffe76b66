import { deadLetter, type EnrichedRequestFields, type OutgoingMessage, RAW_BATCH_VERSION, tenantOfKey } from '@cdnlog/common';
import type { RefusedEvent as DecodeRefusal } from '../enrich/decode-raw-message';
import type { ReadPosition } from './offset-ledger';

/**
 * The enricher's dead letters (layout: libs/common/src/dead-letters/dead-letter.ts).
 * A refused event becomes a raw v2 message of its own (the request fields and
 * that one event), so `npm run dlq -- replay` can put it back on the raw topic;
 * a message that could not be decoded at all is dead-lettered as it was read.
 */

/** One event the enricher refused, as decoding reports it, and where: at decode or because ClickHouse refused its row. */
export interface RefusedEvent extends DecodeRefusal {
  stage: 'decode' | 'clickhouse';
  code: string;
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
  return deadLetter({ source: message, tenant: tenantOfKey(message.key), service: 'enricher', stage: 'decode', code: 'invalid_message', reason, events: 0 });
}

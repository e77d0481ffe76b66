import type { OutgoingMessage } from './producer';

/**
 * Messages and value bytes per produce call inside a transaction, at most (a
 * single larger message goes alone). A flush can hold any number of messages,
 * and one call becomes one record batch per partition: chunking keeps every
 * batch below the broker's message size limit (1 MB by default, compressed),
 * which a large flush to one busy tenant's partition would otherwise exceed.
 */
export const TRANSACTION_CHUNK_MESSAGES = 500;
export const TRANSACTION_CHUNK_BYTES = 512 * 1024;

/** Bytes a message key or value takes on the wire, before compression. */
export function byteSize(value: string | Buffer): number {
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}

/** Consecutive chunks of at most `maxMessages` messages and `maxBytes` of values (a larger message forms its own chunk). */
export function chunkMessages(messages: OutgoingMessage[], maxMessages = TRANSACTION_CHUNK_MESSAGES, maxBytes = TRANSACTION_CHUNK_BYTES): OutgoingMessage[][] {
  const chunks: OutgoingMessage[][] = [];
  let chunk: OutgoingMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = byteSize(message.value);
    if (chunk.length > 0 && (chunk.length >= maxMessages || bytes + size > maxBytes)) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(message);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

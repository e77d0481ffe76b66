import { AppError } from '@cdnlog/common';
import type { Admission } from './publish/publisher';

/**
 * Every error the ingest API answers with: the stable `error` code a client
 * can branch on, the HTTP status, and a message a person can act on.
 */
export const ingestErrors = {
  missingCustomerId: () => new AppError(401, 'missing_customer_id', 'The x-customer-id header is required.'),
  invalidCustomerId: () =>
    new AppError(400, 'invalid_customer_id', 'The x-customer-id header must be 1-64 characters of a-z, 0-9, "-" or "_".'),
  invalidApiKey: () =>
    new AppError(403, 'invalid_api_key', 'The x-customer-id and the ingest key ("authorization: Bearer <key>") do not match a registered tenant.'),
  invalidIdempotencyKey: () =>
    new AppError(400, 'invalid_idempotency_key', 'The idempotency-key header must be 1-200 printable ASCII characters.'),
  duplicateIdempotencyKey: (batchId: string, accepted: number) =>
    new AppError(409, 'duplicate_idempotency_key', 'A batch with this idempotency-key was already accepted; it was not published again.', {
      batchId,
      accepted,
    }),
  idempotencyKeyInProgress: () =>
    new AppError(409, 'idempotency_key_in_progress', 'A request with this idempotency-key is being processed; retry after it finished.', undefined, {
      'retry-after': '1',
    }),
  unsupportedMediaType: (got: string) =>
    new AppError(415, 'unsupported_media_type', `Content-Type must be application/json or application/x-ndjson (got ${JSON.stringify(got.slice(0, 100))}).`),
  unsupportedEncoding: (got: string) =>
    new AppError(415, 'unsupported_content_encoding', `Content-Encoding must be gzip or identity (got ${JSON.stringify(got.slice(0, 100))}).`),
  payloadTooLarge: (maxBytes: number) =>
    new AppError(413, 'payload_too_large', `The body exceeds ${maxBytes} bytes (after decompression).`, undefined, { connection: 'close' }),
  tooLargeForKafka: () =>
    new AppError(413, 'too_large_for_kafka', 'Kafka refused this batch as larger than a topic message may be; nothing was accepted. Send it in smaller batches.'),
  tooManyEntries: (max: number, got: number) =>
    new AppError(413, 'too_many_entries', `A batch may hold at most ${max} entries (got ${got}).`),
  /** Nobody reads this answer: it is what the request is counted as (nginx's 499), not a server error. */
  clientClosedRequest: () => new AppError(499, 'client_closed_request', 'The client closed the connection before sending the whole request.'),
  invalidGzip: () => new AppError(400, 'invalid_gzip', 'The body is not valid gzip data.'),
  invalidJson: (detail: string) => new AppError(400, 'invalid_json', `The body is not valid JSON: ${detail}`),
  invalidBody: () => new AppError(400, 'invalid_body', 'The body must be a JSON array of entries or one entry object.'),
  emptyBatch: () => new AppError(400, 'empty_batch', 'The batch holds no entries.'),
  invalidEntries: (problems: unknown[], total: number, stoppedAfterEntry?: number) =>
    stoppedAfterEntry === undefined
      ? new AppError(400, 'invalid_entries', `${total} problem(s) in the batch; nothing was accepted. Fix them and resend the whole batch.`, {
          problems,
          totalProblems: total,
        })
      : new AppError(
          400,
          'invalid_entries',
          `${total} problems in entries 0–${stoppedAfterEntry}, where validation stopped (the rest were not checked); nothing was accepted. Fix them and resend the whole batch.`,
          { problems, totalProblems: total, stoppedAfterEntry },
        ),
  overloaded: (retryAfterSeconds: number) =>
    new AppError(429, 'overloaded', 'The ingest buffer is nearly full; retry later.', undefined, { 'retry-after': String(retryAfterSeconds) }),
  backlogged: () =>
    new AppError(429, 'overloaded', 'Kafka acknowledges more slowly than events arrive; retry later.', undefined, { 'retry-after': '1' }),
  cpuSaturated: () =>
    new AppError(429, 'overloaded', 'This instance is CPU-saturated; retry later.', undefined, { 'retry-after': '1' }),
  tooManyInflight: () =>
    new AppError(429, 'overloaded', 'This instance has too many requests in flight; retry later.', undefined, { 'retry-after': '1' }),
  tenantRateLimited: (retryAfterSeconds: number) =>
    new AppError(429, 'tenant_rate_limited', 'This tenant exceeds its ingest rate; retry later.', undefined, {
      'retry-after': String(retryAfterSeconds),
    }),
  tenantByteRateLimited: (retryAfterSeconds: number) =>
    new AppError(429, 'tenant_rate_limited', 'This tenant exceeds its ingest byte rate (request bodies after decompression); retry later.', undefined, {
      'retry-after': String(retryAfterSeconds),
    }),
  tenantConcurrencyLimited: (max: number) =>
    new AppError(429, 'tenant_concurrency_limited', `This tenant already has ${max} requests in flight on this instance; retry when one has finished.`, undefined, {
      'retry-after': '1',
    }),
  idempotencyKeysExhausted: (max: number, retryAfterSeconds: number) =>
    new AppError(
      429,
      'idempotency_keys_exhausted',
      `This tenant holds ${max} idempotency keys, its quota; a new key is accepted once the oldest expires. Requests without idempotency-key are not affected.`,
      undefined,
      { 'retry-after': String(retryAfterSeconds) },
    ),
  kafkaUnavailable: () =>
    new AppError(503, 'kafka_unavailable', 'Events could not be made durable in Kafka; nothing was acknowledged. Resend the batch.', undefined, {
      'retry-after': '2',
    }),
  publishTimeout: (ms: number) =>
    new AppError(503, 'publish_timeout', `Kafka did not acknowledge the batch within ${ms} ms; resend it (event ids make the resend safe).`, undefined, {
      'retry-after': '2',
    }),
  idempotencyStoreUnavailable: () =>
    new AppError(503, 'idempotency_store_unavailable', 'The idempotency store (Redis) is unreachable; retry, or resend without idempotency-key.', undefined, {
      'retry-after': '2',
    }),
  shuttingDown: () => new AppError(503, 'shutting_down', 'This instance is shutting down; retry on another.', undefined, { 'retry-after': '1' }),
};

/** The answer for a publisher that does not admit a request (before or after its body is read); undefined when it does. */
export function admissionError(admission: Admission): AppError | undefined {
  switch (admission) {
    case 'ok':
      return undefined;
    case 'overloaded':
      return ingestErrors.overloaded(1);
    case 'backlogged':
      return ingestErrors.backlogged();
    case 'stalled':
    case 'broker_down':
      return ingestErrors.kafkaUnavailable();
  }
}

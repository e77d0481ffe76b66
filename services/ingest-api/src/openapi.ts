import { MAX_BYTES_SENT } from '@cdnlog/common';
import { z } from 'zod';
import { entrySchema } from './validation/entry-schema';

const errorBody = {
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string', description: 'Stable machine-readable code' },
    message: { type: 'string', description: 'Human explanation' },
    details: { description: 'Code-specific details (e.g. problems for invalid_entries)' },
  },
};

const errorResponse = (description: string, codes: string[]) => ({
  description: `${description}. Codes: ${codes.join(', ')}`,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

/** What the generated entry schema cannot say: how accepted text is made canonical. */
const ENTRY_DESCRIPTION =
  'One access-log entry. Lengths count Unicode code points. Text that holds an unpaired UTF-16 surrogate (JSON such as "\\ud800", ' +
  'valid JSON but not encodable as UTF-8) is accepted with each unpaired surrogate replaced by U+FFFD (the replacement character), ' +
  `as a UTF-8 decoder would; surrogate pairs are kept. bytesSent is at most ${MAX_BYTES_SENT} (1 TB) per request.`;

/**
 * The ingest API's OpenAPI 3.1 document. The entry schema is generated from
 * the same zod schema that validates requests, so the two cannot drift
 * (bounds such as bytesSent's maximum come from there).
 */
export function openApiDocument(limits: { maxBodyBytes: number; maxEntries: number }) {
  const entry = z.toJSONSchema(entrySchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
  return {
    openapi: '3.1.0',
    info: { title: 'CDN log ingest API', version: '1.0.0', description: 'Batch intake of CDN access-log entries. See services/ingest-api/README.md.' },
    paths: {
      '/v1/logs': {
        post: {
          summary: 'Submit a batch of access-log entries (all or nothing)',
          parameters: [
            { name: 'x-customer-id', in: 'header', required: true, schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' } },
            { name: 'authorization', in: 'header', required: false, description: 'Bearer <ingest key>; required when the tenant has ingest keys', schema: { type: 'string' } },
            { name: 'idempotency-key', in: 'header', required: false, description: 'Up to 200 printable ASCII characters; kept 24 h', schema: { type: 'string', maxLength: 200 } },
            { name: 'content-encoding', in: 'header', required: false, schema: { type: 'string', enum: ['gzip', 'identity'] } },
          ],
          requestBody: {
            required: true,
            description: `At most ${limits.maxBodyBytes} bytes after decompression and ${limits.maxEntries} entries.`,
            content: {
              'application/json': { schema: { oneOf: [{ type: 'array', items: { $ref: '#/components/schemas/Entry' } }, { $ref: '#/components/schemas/Entry' }] } },
              'application/x-ndjson': { schema: { $ref: '#/components/schemas/Entry' }, description: 'One entry per line' },
            },
          },
          responses: {
            '202': {
              description: 'Every event is durable in Kafka (acks=all)',
              content: { 'application/json': { schema: { type: 'object', required: ['accepted', 'batchId'], properties: { accepted: { type: 'integer' }, batchId: { type: 'string' } } } } },
            },
            '400': errorResponse('Bad input; nothing was published', ['invalid_customer_id', 'invalid_idempotency_key', 'invalid_gzip', 'invalid_json', 'invalid_body', 'empty_batch', 'invalid_entries', 'malformed_request']),
            '401': errorResponse('Missing x-customer-id', ['missing_customer_id']),
            '403': errorResponse('Unknown tenant, missing or wrong key (one answer for all three)', ['invalid_api_key']),
            '408': errorResponse('The request (headers and body) did not arrive completely within REQUEST_TIMEOUT_MS; nothing was published', ['request_timeout']),
            '409': errorResponse('Idempotency key already used or in use', ['duplicate_idempotency_key', 'idempotency_key_in_progress']),
            '413': errorResponse('Too large', ['payload_too_large', 'too_many_entries']),
            '415': errorResponse('Unsupported body', ['unsupported_media_type', 'unsupported_content_encoding']),
            '429': errorResponse('Back off for Retry-After seconds', ['overloaded', 'tenant_rate_limited']),
            '503': errorResponse('Not durable; resend', ['kafka_unavailable', 'publish_timeout', 'idempotency_store_unavailable', 'shutting_down']),
          },
        },
      },
      '/healthz': { get: { summary: 'Process alive', responses: { '200': { description: 'ok' } } } },
    },
    components: { schemas: { Entry: { ...entry, description: ENTRY_DESCRIPTION }, Error: errorBody } },
  };
}

import { z } from 'zod';
import { errorSchema, historyViewSchema, liveViewSchema } from './api-schemas';
import { historyQuerySchema, MAX_RANGE_DAYS } from './history/history-query';

const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any', target: 'draft-2020-12' });
const errors = (codes: Record<string, string>) =>
  Object.fromEntries(Object.entries(codes).map(([status, text]) => [status, { description: text, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }]));

/** OpenAPI 3.1 document of the metrics API, generated from the zod schemas it validates and answers with. */
export function openApiDocument() {
  const query = z.toJSONSchema(historyQuerySchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as {
    properties: Record<string, object>;
    required?: string[];
  };
  const auth = [
    { name: 'customerId', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' } },
    { name: 'authorization', in: 'header', required: true, description: 'Bearer <read key> of this tenant', schema: { type: 'string' } },
  ];
  const common = errors({
    '400': 'invalid_customer_id, invalid_query, range_too_large',
    '401': 'missing_api_key, malformed_api_key',
    '403': 'forbidden (the key belongs to another tenant or is wrong)',
    '404': 'unknown_tenant',
    '503': 'redis_unavailable, clickhouse_unavailable',
  });
  return {
    openapi: '3.1.0',
    info: { title: 'CDN metrics API', version: '1.0.0', description: `Live (Redis) and historical (ClickHouse) metrics per tenant. Max range per interval (days): ${JSON.stringify(MAX_RANGE_DAYS)}.` },
    paths: {
      '/api/v1/metrics/{customerId}': {
        get: {
          summary: 'The live window (last 15 minutes by default)',
          parameters: auth,
          responses: { '200': { description: 'live view', content: { 'application/json': { schema: { $ref: '#/components/schemas/LiveView' } } } }, ...common },
        },
      },
      '/api/v1/metrics/{customerId}/history': {
        get: {
          summary: 'History buckets from ClickHouse (exact after deduplication)',
          parameters: [
            ...auth,
            ...Object.entries(query.properties).map(([name, schema]) => ({ name, in: 'query', required: (query.required ?? []).includes(name), schema })),
          ],
          responses: {
            '200': {
              description: 'history view (JSON) or CSV with format=csv',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/HistoryView' } }, 'text/csv': { schema: { type: 'string' } } },
            },
            ...common,
            ...errors({
              '422': 'query_too_expensive (past the rows or memory one query may use: narrow the range, drop groupBy or use a coarser interval)',
              '429': 'tenant_history_limited (this tenant runs its limit of history queries at once, or its queries used their time per minute; Retry-After)',
              '503': 'clickhouse_unavailable, query_timeout (Retry-After)',
            }),
          },
        },
      },
      '/healthz': { get: { summary: 'Process alive', responses: { '200': { description: 'ok' } } } },
    },
    components: { schemas: { LiveView: json(liveViewSchema), HistoryView: json(historyViewSchema), Error: json(errorSchema) } },
  };
}

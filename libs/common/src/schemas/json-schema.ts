import { z } from 'zod';
import { enrichedBatchSchema, enrichedEventSchema } from './enriched-event';
import { rawBatchSchema, rawEventSchema } from './raw-event';

/** The published message contracts, as JSON Schema documents generated from the zod schemas. */
export function contractDocuments(): Record<string, object> {
  const doc = (id: string, title: string, schema: z.ZodType) => ({
    $id: id,
    title,
    ...z.toJSONSchema(schema, { target: 'draft-2020-12' }),
  });
  return {
    'raw-event.v1.schema.json': doc('raw-event.v1', 'Raw CDN log event (topic cdn-logs.raw), v1: one event per message', rawEventSchema),
    'raw-batch.v2.schema.json': doc('raw-batch.v2', 'Raw CDN log batch (topic cdn-logs.raw), v2: the events of one accepted request per message', rawBatchSchema),
    'enriched-event.v1.schema.json': doc('enriched-event.v1', 'Enriched CDN log event (topic cdn-logs.enriched), v1: one event per message', enrichedEventSchema),
    'enriched-batch.v2.schema.json': doc(
      'enriched-batch.v2', 'Enriched CDN log batch (topic cdn-logs.enriched), v2: the enriched events of one raw message per message', enrichedBatchSchema,
    ),
  };
}

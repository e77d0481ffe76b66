import { z } from 'zod';
import { clickhouseEnv, fields, kafkaEnv, loggingEnv } from '@cdnlog/common';

/** Every environment variable the enricher reads (documented in its README). */
export const configSchema = z.object({
  ...loggingEnv,
  ...kafkaEnv,
  ...clickhouseEnv,
  OPS_PORT: fields.port(9101),
  ENRICHER_GROUP_ID: fields.kafkaName('cdnlog-enricher'),
});

export type EnricherConfig = z.infer<typeof configSchema>;

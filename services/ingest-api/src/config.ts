import { z } from 'zod';
import { fields, kafkaEnv, loggingEnv } from '@cdnlog/common';

/** Every environment variable the ingest API reads (documented in its README). */
export const configSchema = z.object({
  ...loggingEnv,
  ...kafkaEnv,
  PORT: fields.port(8080),
});

export type IngestConfig = z.infer<typeof configSchema>;

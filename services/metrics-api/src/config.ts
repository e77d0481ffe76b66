import { z } from 'zod';
import { clickhouseEnv, fields, loggingEnv, redisEnv } from '@cdnlog/common';

/** Every environment variable the metrics API reads (documented in its README). */
export const configSchema = z.object({
  ...loggingEnv,
  ...clickhouseEnv,
  ...redisEnv,
  PORT: fields.port(8081),
  TENANT_REGISTRY_PATH: z.string().default('config/tenants.sample.json'),
  LIVE_WINDOW_MINUTES: fields.positiveInt(15),
  /** Entries of each top list per minute in the live view. */
  LIVE_TOP_N: fields.positiveInt(10),
  /** Identical history queries within this time are answered from memory (0 disables). */
  HISTORY_CACHE_TTL_MS: z.coerce.number().int().min(0).default(5000),
  HISTORY_CACHE_ENTRIES: fields.positiveInt(500),
});

export type MetricsApiConfig = z.infer<typeof configSchema>;

import { z } from 'zod';
import { clickhouseEnv, fields, loggingEnv, redisEnv } from '@cdnlog/common';

/** Every environment variable the metrics API reads (documented in its README). */
export const configSchema = z.object({
  ...loggingEnv,
  ...clickhouseEnv,
  ...redisEnv,
  PORT: fields.port(8081),
  LIVE_WINDOW_MINUTES: fields.positiveInt(15),
});

export type MetricsApiConfig = z.infer<typeof configSchema>;

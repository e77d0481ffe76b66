import { z } from 'zod';
import { fields, kafkaEnv, loggingEnv, redisEnv } from '@cdnlog/common';

/** Every environment variable the aggregator reads (documented in its README). */
export const configSchema = z.object({
  ...loggingEnv,
  ...kafkaEnv,
  ...redisEnv,
  OPS_PORT: fields.port(9102),
  AGGREGATOR_GROUP_ID: fields.kafkaName('cdnlog-aggregator'),
  LIVE_WINDOW_MINUTES: fields.positiveInt(15),
});

export type AggregatorConfig = z.infer<typeof configSchema>;

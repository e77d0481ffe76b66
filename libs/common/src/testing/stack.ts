import { z } from 'zod';
import { parseEnv } from '../config/env';
import { clickhouseEnv, kafkaEnv, redisEnv } from '../config/shared';

/**
 * Connection settings of the real stack the test run started (scripts/test
 * exports them). Tests use exactly what the services would read.
 */
export function stackConfig() {
  return parseEnv(z.object({ ...kafkaEnv, ...clickhouseEnv, ...redisEnv }));
}

import { createLogger } from '../logging/logger';

/** Silent in test runs; `TEST_LOG_LEVEL=debug npm test` shows the services' logs. */
export function testLogger(name = 'test') {
  return createLogger(name, process.env.TEST_LOG_LEVEL ?? 'silent');
}

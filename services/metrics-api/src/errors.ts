import { AppError } from '@cdnlog/common';

/** Every error the metrics API answers with: stable code, HTTP status, human message. */
export const readErrors = {
  invalidCustomerId: () =>
    new AppError(400, 'invalid_customer_id', 'customerId must be 1-64 characters of a-z, 0-9, "-" or "_", starting with a letter or digit.'),
  missingApiKey: () => new AppError(401, 'missing_api_key', 'Send "authorization: Bearer <read key>".'),
  malformedApiKey: () => new AppError(401, 'malformed_api_key', 'The authorization header must be "Bearer <read key>".'),
  unknownTenant: () => new AppError(404, 'unknown_tenant', 'No tenant with this customerId is registered.'),
  forbidden: () => new AppError(403, 'forbidden', 'This key may not read this tenant.'),
  invalidQuery: (problems: Array<{ parameter: string; message: string }>) =>
    new AppError(400, 'invalid_query', `Invalid query parameter(s): ${problems.map((p) => `${p.parameter} ${p.message}`).join('; ')}.`, { problems }),
  rangeTooLarge: (interval: string, maxDays: number) =>
    new AppError(400, 'range_too_large', `With interval=${interval} the range may span at most ${maxDays} days; use a coarser interval or a shorter range.`),
  storeUnavailable: (store: 'redis' | 'clickhouse') =>
    new AppError(503, `${store}_unavailable`, `The ${store === 'redis' ? 'live store (Redis)' : 'history store (ClickHouse)'} is unreachable; retry shortly.`, undefined, {
      'retry-after': '2',
    }),
};

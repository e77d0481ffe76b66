import { AppError } from '@cdnlog/common';

/** Every error the metrics API answers with: stable code, HTTP status, human message. */
export const readErrors = {
  invalidCustomerId: () =>
    new AppError(400, 'invalid_customer_id', 'customerId must be 1-64 characters of a-z, 0-9, "-" or "_", starting with a letter or digit.'),
  missingApiKey: () => new AppError(401, 'missing_api_key', 'Send "authorization: Bearer <read key>".'),
  malformedApiKey: () => new AppError(401, 'malformed_api_key', 'The authorization header must be "Bearer <read key>".'),
  forbidden: () => new AppError(403, 'forbidden', 'This key may not read this tenant (or no such tenant is registered).'),
  invalidQuery: (problems: Array<{ parameter: string; message: string }>) =>
    new AppError(400, 'invalid_query', `Invalid query parameter(s): ${problems.map((p) => `${p.parameter} ${p.message}`).join('; ')}.`, { problems }),
  rangeTooLarge: (interval: string, maxDays: number) =>
    new AppError(400, 'range_too_large', `With interval=${interval} the range may span at most ${maxDays} days; use a coarser interval or a shorter range.`),
  queryTooExpensive: () =>
    new AppError(
      422,
      'query_too_expensive',
      'This history query would read more rows or hold more memory than one query may; narrow the range (from/to), drop groupBy or use a coarser interval.',
    ),
  queryTimeout: (seconds: number) =>
    new AppError(
      503,
      'query_timeout',
      `This history query ran longer than ${seconds} s and was stopped; retry shortly, or narrow the range (from/to), drop groupBy or use a coarser interval.`,
      undefined,
      { 'retry-after': '5' },
    ),
  tenantHistoryLimited: (limit: number) =>
    new AppError(
      429,
      'tenant_history_limited',
      `This tenant is running as many history queries as it may at once (${limit}); retry when one has answered.`,
      undefined,
      { 'retry-after': '1' },
    ),
  tenantHistoryTimeSpent: (secondsPerMinute: number, retryAfterSeconds: number) =>
    new AppError(
      429,
      'tenant_history_limited',
      `This tenant's history queries have used their ${secondsPerMinute} s of query time per minute; retry in ${retryAfterSeconds} s.`,
      undefined,
      { 'retry-after': String(retryAfterSeconds) },
    ),
  /** The reader hung up before the answer (nginx's 499): the answer goes nowhere, it ends the request without a 500 or an error log. */
  clientClosedRequest: () => new AppError(499, 'client_closed_request', 'The client closed the connection before the answer.'),
  storeUnavailable: (store: 'redis' | 'clickhouse') =>
    new AppError(503, `${store}_unavailable`, `The ${store === 'redis' ? 'live store (Redis)' : 'history store (ClickHouse)'} is unreachable; retry shortly.`, undefined, {
      'retry-after': '2',
    }),
};

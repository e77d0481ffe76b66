import { testLogger } from '@cdnlog/common/testing';
import { readErrors } from '../errors';
import { QueryAbandonedError } from './cancel-query';
import { historyFailure } from './history-failure';

const logger = testLogger('history-failure');
const ctx = { tenant: 'acme', logger, maxExecutionSeconds: 10, deadlineMs: 12_500 };
const chError = (code: number, message: string) => Object.assign(new Error(message), { code: String(code) });
const answer = (err: unknown) => {
  const e = historyFailure(err, ctx);
  return { status: e.status, body: e.toBody(), headers: e.headers };
};

const TOO_EXPENSIVE = {
  status: 422,
  body: {
    error: 'query_too_expensive',
    message: 'This history query would read more rows or hold more memory than one query may; narrow the range (from/to), drop groupBy or use a coarser interval.',
  },
  headers: {},
};
const TIMEOUT = {
  status: 503,
  body: {
    error: 'query_timeout',
    message: 'This history query ran longer than 10 s and was stopped; retry shortly, or narrow the range (from/to), drop groupBy or use a coarser interval.',
  },
  headers: { 'retry-after': '5' },
};

describe('historyFailure', () => {
  afterEach(() => jest.restoreAllMocks());

  it.each([
    ['TOO_MANY_ROWS', chError(158, 'Limit for rows to read exceeded: 3006464 rows read (or to read), maximum: 100')],
    ['TOO_MANY_BYTES', chError(307, 'Limit for (uncompressed) bytes to read exceeded: 8000 bytes read, maximum: 100')],
    ['MEMORY_LIMIT_EXCEEDED for the query', chError(241, 'Memory limit (for query) exceeded: would use 8.01 MiB, maximum: 7.63 MiB')],
  ])('%s → 422 query_too_expensive', (_name, err) => expect(answer(err)).toEqual(TOO_EXPENSIVE));

  it('TIMEOUT_EXCEEDED → 503 query_timeout with retry-after, logged as a warning with the tenant', () => {
    const warn = jest.spyOn(logger, 'warn');
    expect(answer(chError(159, 'Timeout exceeded: elapsed 1.00000003 seconds, maximum: 1'))).toEqual(TIMEOUT);
    expect(warn).toHaveBeenCalledWith('history query stopped by its guard', { tenant: 'acme', breach: 'time', clickhouseCode: 159 });
  });

  it('the API deadline → 503 query_timeout naming the deadline; a reader who hung up → 499', () => {
    expect(answer(new QueryAbandonedError('timeout', 'q1'))).toEqual({
      ...TIMEOUT,
      body: { ...TIMEOUT.body, message: TIMEOUT.body.message.replace('10 s', '12.5 s') },
    });
    expect(answer(new QueryAbandonedError('caller', 'q2'))).toEqual({
      status: 499,
      body: { error: 'client_closed_request', message: 'The client closed the connection before the answer.' },
      headers: {},
    });
  });

  it('a failed KILL QUERY is logged', () => {
    const warn = jest.spyOn(logger, 'warn');
    historyFailure(new QueryAbandonedError('caller', 'q3', new Error('connect ECONNREFUSED')), ctx);
    expect(warn).toHaveBeenCalledWith('KILL QUERY failed', expect.objectContaining({ tenant: 'acme', queryId: 'q3', error: 'connect ECONNREFUSED' }));
  });

  it.each([
    ['the server out of memory', chError(241, 'Memory limit (total) exceeded: would use 9.32 GiB')],
    ['a missing table', chError(60, 'Table cdnlog.enriched_logs does not exist.')],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:18123'), { code: 'ECONNREFUSED' })],
  ])('%s → 503 clickhouse_unavailable, logged as an error', (_name, err) => {
    const error = jest.spyOn(logger, 'error');
    expect(answer(err)).toEqual({
      status: 503,
      body: { error: 'clickhouse_unavailable', message: 'The history store (ClickHouse) is unreachable; retry shortly.' },
      headers: { 'retry-after': '2' },
    });
    expect(error).toHaveBeenCalledWith('history query failed', expect.objectContaining({ tenant: 'acme' }));
  });

  it('passes the API’s own refusals through unchanged', () => {
    const limited = readErrors.tenantHistoryLimited(4);
    expect(historyFailure(limited, ctx)).toBe(limited);
    expect(answer(limited)).toEqual({
      status: 429,
      body: { error: 'tenant_history_limited', message: 'This tenant is running as many history queries as it may at once (4); retry when one has answered.' },
      headers: { 'retry-after': '1' },
    });
  });
});

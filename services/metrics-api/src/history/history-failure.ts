import { AppError, clickhouseErrorCode, errorFields, guardBreach, type Logger } from '@cdnlog/common';
import { readErrors } from '../errors';
import { QueryAbandonedError } from './cancel-query';

/**
 * What a failed history read answers: its own refusals as they are; a query
 * stopped by its time limit (ClickHouse's or the API's deadline) 503
 * query_timeout; by its rows or memory bound 422 query_too_expensive; a reader
 * who hung up 499 (nobody sees it); anything else is an outage, 503
 * clickhouse_unavailable. Guard breaches are logged as warnings with the tenant,
 * so an operator sees who runs into them.
 */
export function historyFailure(err: unknown, ctx: { tenant: string; logger: Logger; maxExecutionSeconds: number; deadlineMs: number }): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof QueryAbandonedError) {
    if (err.killError !== undefined) ctx.logger.warn('KILL QUERY failed', { tenant: ctx.tenant, queryId: err.queryId, ...errorFields(err.killError) });
    if (err.reason === 'caller') return readErrors.clientClosedRequest();
    ctx.logger.warn('history query past the API deadline, killed', { tenant: ctx.tenant, queryId: err.queryId });
    return readErrors.queryTimeout(ctx.deadlineMs / 1000);
  }
  const breach = guardBreach(err);
  if (breach !== undefined) {
    ctx.logger.warn('history query stopped by its guard', { tenant: ctx.tenant, breach, clickhouseCode: clickhouseErrorCode(err) });
    return breach === 'time' ? readErrors.queryTimeout(ctx.maxExecutionSeconds) : readErrors.queryTooExpensive();
  }
  ctx.logger.error('history query failed', { tenant: ctx.tenant, ...errorFields(err) });
  return readErrors.storeUnavailable('clickhouse');
}

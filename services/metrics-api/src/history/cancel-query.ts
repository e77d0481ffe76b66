import { randomUUID } from 'node:crypto';
import { type ClickHouseClient, stringLiteral } from '@cdnlog/common';

/**
 * ClickHouse does not stop an HTTP query when its client goes away (18.16 has
 * no setting for it), so a query nobody waits for any more would run on to its
 * time limit. KILL QUERY … ASYNC marks it killed and answers at once; the query
 * stops at the next block it reads.
 */
export function killQuerySql(queryId: string): string {
  return `KILL QUERY WHERE query_id = ${stringLiteral(queryId)} ASYNC`;
}

/** A query given up before its answer: its reader went away (`caller`) or it ran past the API's own deadline (`timeout`). */
export class QueryAbandonedError extends Error {
  constructor(
    readonly reason: 'caller' | 'timeout',
    readonly queryId: string,
    /** Why the KILL QUERY failed, if it did (the query may then run on to its time limit). */
    readonly killError?: unknown,
  ) {
    super(`query ${queryId} abandoned (${reason})`);
    this.name = 'QueryAbandonedError';
  }
}

/**
 * Run one statement under a fresh query_id. If `signal` aborts before the
 * answer has been read, the request is aborted, KILL QUERY is sent through
 * `control` and the promise rejects with QueryAbandonedError; the reason is
 * `timeout` when the signal's reason is a TimeoutError (AbortSignal.timeout).
 * `control` should be a client of its own: on the queries' client, the kill
 * would wait for a connection behind the very queries it is meant to stop.
 */
export async function runCancellable<T>(
  control: ClickHouseClient,
  signal: AbortSignal,
  run: (request: { query_id: string; abort_signal: AbortSignal }) => Promise<T>,
): Promise<T> {
  const queryId = randomUUID();
  try {
    return await run({ query_id: queryId, abort_signal: signal });
  } catch (err) {
    if (!signal.aborted) throw err;
    const reason = (signal.reason as { name?: unknown } | undefined)?.name === 'TimeoutError' ? 'timeout' : 'caller';
    let killError: unknown;
    try {
      await control.command({ query: killQuerySql(queryId) });
    } catch (failure) {
      killError = failure;
    }
    throw new QueryAbandonedError(reason, queryId, killError);
  }
}

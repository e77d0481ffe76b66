import type { ClickHouseClient } from '@cdnlog/common';
import { killQuerySql, QueryAbandonedError, runCancellable } from './cancel-query';

/** Records the statements sent on the control connection; `fail` makes them fail. */
function control(fail?: Error) {
  const statements: string[] = [];
  const client = {
    command: async ({ query }: { query: string }) => {
      statements.push(query);
      if (fail) throw fail;
      return {};
    },
  } as unknown as ClickHouseClient;
  return { client, statements };
}

/** A request that only ends when it is aborted, as @clickhouse/client's does. */
const hangs = (seen: string[]) => (request: { query_id: string; abort_signal: AbortSignal }) => {
  seen.push(request.query_id);
  return new Promise<never>((_, reject) => request.abort_signal.addEventListener('abort', () => reject(new Error('The user aborted a request.'))));
};

describe('killQuerySql', () => {
  it('names the query through the audited literal helper', () => {
    expect(killQuerySql('5b0c4c9e-1f43-4c3e-9a51-0d6b2a7f2d11')).toBe("KILL QUERY WHERE query_id = '5b0c4c9e-1f43-4c3e-9a51-0d6b2a7f2d11' ASYNC");
    expect(killQuerySql("x' OR 1=1 --")).toBe("KILL QUERY WHERE query_id = 'x\\' OR 1=1 --' ASYNC");
  });
});

describe('runCancellable', () => {
  it('gives each statement a fresh UUID and kills nothing when it answers', async () => {
    const { client, statements } = control();
    const ids: string[] = [];
    const run = async (r: { query_id: string }) => (ids.push(r.query_id), 'rows');
    await expect(runCancellable(client, new AbortController().signal, run)).resolves.toBe('rows');
    await runCancellable(client, new AbortController().signal, run);
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ids[1]).not.toBe(ids[0]);
    expect(statements).toEqual([]);
  });

  it('passes a failure through untouched when nothing aborted', async () => {
    const { client, statements } = control();
    const failure = new Error('Code: 159. Timeout exceeded');
    await expect(runCancellable(client, new AbortController().signal, async () => Promise.reject(failure))).rejects.toBe(failure);
    expect(statements).toEqual([]);
  });

  it('a reader hanging up kills that very query (reason caller)', async () => {
    const { client, statements } = control();
    const ids: string[] = [];
    const caller = new AbortController();
    const running = runCancellable(client, caller.signal, hangs(ids));
    caller.abort();
    const err = (await running.catch((e: unknown) => e)) as QueryAbandonedError;
    expect(err).toBeInstanceOf(QueryAbandonedError);
    expect([err.reason, err.queryId, err.killError]).toEqual(['caller', ids[0], undefined]);
    expect(statements).toEqual([killQuerySql(ids[0]!)]);
  });

  it('the deadline passing kills it too (reason timeout)', async () => {
    const { client, statements } = control();
    const ids: string[] = [];
    const err = (await runCancellable(client, AbortSignal.timeout(20), hangs(ids)).catch((e: unknown) => e)) as QueryAbandonedError;
    expect([err.reason, err.queryId]).toEqual(['timeout', ids[0]]);
    expect(statements).toEqual([killQuerySql(ids[0]!)]);
  });

  it('a failed KILL QUERY is reported on the error, not thrown instead of it', async () => {
    const refused = new Error('connect ECONNREFUSED');
    const { client } = control(refused);
    const caller = new AbortController();
    const running = runCancellable(client, caller.signal, hangs([]));
    caller.abort();
    const err = (await running.catch((e: unknown) => e)) as QueryAbandonedError;
    expect([err.reason, err.killError]).toEqual(['caller', refused]);
  });
});

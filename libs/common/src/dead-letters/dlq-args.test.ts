import { parseDlqArgs, UsageError } from './dlq-args';

describe('parseDlqArgs', () => {
  it('list: every filter, --json, default timeout', () => {
    expect(parseDlqArgs(['list', '--tenant', 'acme', '--code', 'clickhouse_25', '--stage', 'clickhouse', '--since', '2026-12-01T10:00:00Z', '--json'])).toEqual({
      command: 'list',
      filter: { tenant: 'acme', code: 'clickhouse_25', stage: 'clickhouse', since: Date.parse('2026-12-01T10:00:00Z') },
      json: true,
      timeoutMs: 60_000,
    });
    expect(parseDlqArgs(['list', '--timeout', '5'])).toEqual({ command: 'list', filter: {}, json: false, timeoutMs: 5000 });
  });

  it('show: exactly one id', () => {
    expect(parseDlqArgs(['show', 'cdn-logs.raw/3/17#2'])).toEqual({ command: 'show', id: 'cdn-logs.raw/3/17#2', timeoutMs: 60_000 });
    expect(() => parseDlqArgs(['show'])).toThrow(UsageError);
    expect(() => parseDlqArgs(['show', 'a', 'b'])).toThrow(/exactly one/);
  });

  it('replay: ids, or --tenant with an optional --code, and --dry-run', () => {
    expect(parseDlqArgs(['replay', 'a/0/1', 'a/0/2', '--dry-run'])).toEqual({ command: 'replay', selection: { ids: ['a/0/1', 'a/0/2'] }, dryRun: true, timeoutMs: 60_000 });
    expect(parseDlqArgs(['replay', '--tenant', 'acme', '--code', 'redis_number_refused'])).toEqual({
      command: 'replay',
      selection: { filter: { tenant: 'acme', code: 'redis_number_refused' } },
      dryRun: false,
      timeoutMs: 60_000,
    });
  });

  it.each([
    [[], /no command/],
    [['purge'], /unknown command "purge"/],
    [['list', '--since', 'yesterday'], /--since must be an ISO time/],
    [['list', '--tenant'], /list:.*--tenant/],
    [['list', 'extra'], /list takes no arguments/],
    [['show', 'x', '--tenant', 'a'], /show:.*tenant/],
    [['replay'], /needs letter ids or --tenant/],
    [['replay', '--code', 'c'], /needs letter ids or --tenant/],
    [['replay', 'a/0/1', '--tenant', 'acme'], /not both/],
    [['replay', '--tenant', 'a', '--stage', 'redis'], /replay:.*stage/],
    [['list', '--timeout', '0'], /--timeout must be a positive/],
  ])('%j is refused', (argv, message) => {
    expect(() => parseDlqArgs(argv as string[])).toThrow(message as RegExp);
  });
});

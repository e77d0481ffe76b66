import { guardBreach, guardSettings } from './guard-settings';

/** Shaped like @clickhouse/client's ClickHouseError: the server's message, its code as a string. */
const chError = (code: number, message: string) => Object.assign(new Error(message), { code: String(code) });

describe('guardSettings', () => {
  it('bounds time and memory, and throws rather than truncating', () => {
    expect(guardSettings({ maxExecutionSeconds: 10, maxMemoryBytes: 536_870_912 })).toEqual({
      max_execution_time: 10,
      timeout_overflow_mode: 'throw',
      max_memory_usage: '536870912',
    });
  });

  it('adds the read bound, read-only mode and a thread bound when asked', () => {
    expect(guardSettings({ maxExecutionSeconds: 1, maxMemoryBytes: 1, maxRowsToRead: 200_000_000, readOnly: true, maxThreads: 2 })).toEqual({
      max_execution_time: 1,
      timeout_overflow_mode: 'throw',
      max_memory_usage: '1',
      max_rows_to_read: '200000000',
      read_overflow_mode: 'throw',
      readonly: '2',
      max_threads: 2,
    });
  });
});

describe('guardBreach', () => {
  it.each([
    [chError(159, 'Timeout exceeded: elapsed 1.00000003 seconds, maximum: 1'), 'time'],
    [chError(160, 'Estimated query execution time (31 seconds) is too long. Maximum: 10.'), 'time'],
    [chError(158, 'Limit for rows to read exceeded: 3006464 rows read (or to read), maximum: 100'), 'size'],
    [chError(307, 'Limit for (uncompressed) bytes to read exceeded: 8000 bytes read, maximum: 100'), 'size'],
    [chError(241, 'Memory limit (for query) exceeded: would use 11.00 MiB (attempt to allocate chunk of 6291456 bytes), maximum: 9.54 MiB'), 'size'],
    // The message alone, as ClickHouse 18.16 writes it in the body, also names the code.
    [new Error('Code: 158, e.displayText() = DB::Exception: Limit for rows to read exceeded'), 'size'],
    [new Error('Code: 159. DB::Exception: Timeout exceeded: elapsed 10.2 seconds, maximum: 10. (TIMEOUT_EXCEEDED)'), 'time'],
  ])('%#: %p → %s', (err, breach) => expect(guardBreach(err)).toBe(breach));

  it.each([
    chError(241, 'Memory limit (total) exceeded: would use 9.32 GiB'),
    chError(241, 'Memory limit (for user) exceeded: would use 4.00 GiB'),
    chError(60, 'Table cdnlog.enriched_logs does not exist.'),
    chError(394, 'Query was cancelled'),
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:18123'), { code: 'ECONNREFUSED' }),
    new Error('The user aborted a request.'),
  ])('%#: %p is not a guard breach', (err) => expect(guardBreach(err)).toBeUndefined());
});

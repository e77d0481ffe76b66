import { classifyClickHouseError } from '../clickhouse/error-class';
import { classifyRedisError } from '../redis/error-class';
import { UnknownErrorBudget } from './error-class';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('classifyClickHouseError', () => {
  it.each([
    ['Code: 25, e.displayText() = DB::Exception: Cannot parse escape sequence: missing second part of surrogate pair', 'deterministic', 'clickhouse_25'],
    ['Code: 27. DB::Exception: Cannot parse input: expected , before: x. (CANNOT_PARSE_INPUT_ASSERTION_FAILED) (version 24.8.1)', 'deterministic', 'clickhouse_27'],
    ['Code: 252, e.displayText() = DB::Exception: Too many parts (300)', 'transient', 'clickhouse_252'],
    ['Code: 241. DB::Exception: Memory limit (total) exceeded. (MEMORY_LIMIT_EXCEEDED)', 'transient', 'clickhouse_241'],
    ['Code: 60, e.displayText() = DB::Exception: Table t.enriched_logs doesn\'t exist', 'transient', 'clickhouse_60'],
    ['Code: 243, e.displayText() = DB::Exception: Cannot reserve 1.00 MiB, not enough space', 'transient', 'clickhouse_243'],
    ['Code: 516. DB::Exception: default: Authentication failed. (AUTHENTICATION_FAILED)', 'transient', 'clickhouse_516'],
    ['Code: 252, e.displayText() = DB::Exception: Too many partitions for single INSERT block (more than 100).', 'deterministic', 'clickhouse_252'],
    ['Code: 123456, e.displayText() = DB::Exception: something new', 'unknown', 'clickhouse_123456'],
  ])('%s → %s', (message, cls, code) => {
    expect(classifyClickHouseError(new Error(message))).toEqual({ class: cls, code, message });
  });

  it('network failures are transient, by code or by message', () => {
    expect(classifyClickHouseError(withCode('connect ECONNREFUSED 127.0.0.1:18123', 'ECONNREFUSED'))).toMatchObject({ class: 'transient', code: 'network_econnrefused' });
    expect(classifyClickHouseError(new Error('Timeout error.'))).toMatchObject({ class: 'transient', code: 'network_error' });
    expect(classifyClickHouseError(new Error('socket hang up'))).toMatchObject({ class: 'transient' });
  });

  it('anything else is unknown, and messages are cut to 1,000 characters', () => {
    const c = classifyClickHouseError(new Error('x'.repeat(5000)));
    expect(c.class).toBe('unknown');
    expect(c.code).toBe('clickhouse_unknown');
    expect(c.message).toHaveLength(1001);
  });
});

describe('classifyRedisError', () => {
  it.each([
    ['LOADING Redis is loading the dataset in memory', 'transient', 'redis_loading'],
    ["OOM command not allowed when used memory > 'maxmemory'.", 'transient', 'redis_oom'],
    ['BUSY Redis is busy running a script.', 'transient', 'redis_busy'],
    ['READONLY You can\'t write against a read only replica.', 'transient', 'redis_readonly'],
    ['CLUSTERDOWN The cluster is down', 'transient', 'redis_clusterdown'],
    ['ERR live: minute 1 is malformed', 'deterministic', 'redis_script_refused'],
    ['WRONGTYPE Operation against a key holding the wrong kind of value', 'deterministic', 'redis_wrongtype'],
    ['ERR value is not an integer or out of range', 'deterministic', 'redis_number_refused'],
    ['ERR increment or decrement would overflow', 'deterministic', 'redis_number_refused'],
    ['ERR user_script:12: Script attempted to access nonexistent global variable', 'unknown', 'redis_script_error'],
    ['ERR Error compiling script (new function): user_script:1: unexpected symbol', 'transient', 'redis_script_compile'],
    ['ERR Script killed by user with SCRIPT KILL... user_script:1', 'transient', 'redis_script_killed'],
    ['NOAUTH Authentication required.', 'transient', 'redis_noauth'],
    ['ERR max number of clients reached', 'transient', 'redis_max_clients'],
    ['Connection is closed.', 'transient', 'network_error'],
    ['ERR something new', 'unknown', 'redis_unknown'],
  ])('%s → %s', (message, cls, code) => {
    expect(classifyRedisError(new Error(message))).toEqual({ class: cls, code, message });
  });
});

describe('UnknownErrorBudget', () => {
  const unknown = { class: 'unknown' as const, code: 'x', message: 'm' };

  it('is transient within the grace time from the first unknown failure, deterministic after, and resets on success', () => {
    let now = 0;
    const budget = new UnknownErrorBudget(1000, () => now);
    expect(budget.resolve(unknown).class).toBe('transient');
    now = 999;
    expect(budget.resolve(unknown).class).toBe('transient');
    now = 1000;
    expect(budget.resolve(unknown).class).toBe('deterministic');
    budget.succeeded();
    expect(budget.resolve(unknown).class).toBe('transient');
  });

  it('leaves known classes alone', () => {
    const budget = new UnknownErrorBudget(0);
    expect(budget.resolve({ ...unknown, class: 'transient' }).class).toBe('transient');
    expect(budget.resolve({ ...unknown, class: 'deterministic' }).class).toBe('deterministic');
  });
});

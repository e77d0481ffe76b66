import type { ClickHouseSettings } from '@clickhouse/client';
import { messageOf } from '../errors/error-class';
import { clickhouseErrorCode } from './error-class';

export type { ClickHouseSettings };

/** What one statement may cost the ClickHouse server all tenants share. */
export interface QueryGuard {
  /** Seconds of execution (ClickHouse checks it between blocks it reads). */
  maxExecutionSeconds: number;
  /** Bytes of memory the statement may hold on the server. */
  maxMemoryBytes: number;
  /** Rows it may read; unset: no bound. */
  maxRowsToRead?: number;
  /** Read-only statement (SELECT): refused if it would write. */
  readOnly?: boolean;
  /** Threads the statement may use on the server (`max_threads`); unset: the server's default (its cores). */
  maxThreads?: number;
}

/**
 * Per-statement `clickhouse_settings` that make ClickHouse stop a statement past its guard
 * with an error (never `break`, which would answer a silently truncated result). All are
 * accepted by ClickHouse 18.16 and current versions. `readonly` is 2, not 1: both refuse
 * writes, but 1 also forbids changing settings, which these are.
 */
export function guardSettings(guard: QueryGuard): ClickHouseSettings {
  const settings: ClickHouseSettings = {
    max_execution_time: guard.maxExecutionSeconds,
    timeout_overflow_mode: 'throw',
    max_memory_usage: String(guard.maxMemoryBytes),
  };
  if (guard.maxRowsToRead !== undefined) {
    settings.max_rows_to_read = String(guard.maxRowsToRead);
    settings.read_overflow_mode = 'throw';
  }
  if (guard.readOnly) settings.readonly = '2';
  if (guard.maxThreads !== undefined) settings.max_threads = guard.maxThreads;
  return settings;
}

/** Which guard stopped a statement: its time, or its size (rows, bytes, memory). */
export type GuardBreach = 'time' | 'size';

const TIME_CODES = new Set([
  159, // TIMEOUT_EXCEEDED (max_execution_time)
  160, // TOO_SLOW (current versions may refuse up front when the estimated time exceeds the limit)
]);
const SIZE_CODES = new Set([
  158, // TOO_MANY_ROWS (max_rows_to_read)
  307, // TOO_MANY_BYTES (max_bytes_to_read)
]);
const MEMORY_LIMIT_EXCEEDED = 241;

/**
 * The guard a ClickHouse error reports, or undefined for any other failure. Only the
 * statement's own memory limit ("Memory limit (for query) exceeded") is the statement's
 * doing; the server's or the user's total running out is load, not this statement's size.
 */
export function guardBreach(err: unknown): GuardBreach | undefined {
  const code = clickhouseErrorCode(err);
  if (code === undefined) return undefined;
  if (TIME_CODES.has(code)) return 'time';
  if (SIZE_CODES.has(code)) return 'size';
  if (code === MEMORY_LIMIT_EXCEEDED && /memory limit \(for query\)/i.test(messageOf(err))) return 'size';
  return undefined;
}

/**
 * Every error a consumer meets while writing to a store has a class, and the
 * class decides what happens to the data (docs/architecture.md, "Error classes"):
 *
 * - `transient`: the store is down, slow or overloaded. Retry with backoff,
 *   heartbeating; the data waits in Kafka.
 * - `deterministic`: the store refused the data itself. Retrying gives the same
 *   answer: isolate the offending message or event, dead-letter it with its
 *   reason and go on with the rest.
 * - `unknown`: neither is known. Treated as transient for a bounded time
 *   (`UnknownErrorBudget`), then as deterministic, so nothing retries forever.
 */
export type ErrorClass = 'transient' | 'deterministic' | 'unknown';

export interface ClassifiedError {
  class: ErrorClass;
  /** Stable, machine-readable, e.g. `clickhouse_25`, `redis_wrongtype`, `network_econnrefused`. */
  code: string;
  /** The store's own message, cut to 1,000 characters. */
  message: string;
}

/** Socket-level failures: the store could not be reached or answer in time. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED', 'ESOCKETTIMEDOUT', 'UND_ERR_SOCKET']);
const NETWORK_MESSAGES = /socket hang up|timeout|timed out|connection (is )?closed|connection reset|stream isn't writeable|max retries per request|ECONNREFUSED|ECONNRESET/i;

export function messageOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.length > 1000 ? `${message.slice(0, 1000)}…` : message;
}

/** A socket-level failure as a transient ClassifiedError, or undefined when `err` is something else. */
export function networkError(err: unknown): ClassifiedError | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return { class: 'transient', code: `network_${code.toLowerCase()}`, message: messageOf(err) };
  if (NETWORK_MESSAGES.test(messageOf(err))) return { class: 'transient', code: 'network_error', message: messageOf(err) };
  return undefined;
}

/**
 * Bounds how long an `unknown` error is retried as if it were transient. The
 * clock starts at the first unknown failure of a unit of work (a flush, a
 * tenant's apply) and is reset by `succeeded()`. Once `graceMs` passed, the
 * error counts as deterministic and the data is isolated.
 */
export class UnknownErrorBudget {
  private since: number | undefined;

  constructor(private readonly graceMs: number, private readonly now: () => number = Date.now) {}

  /** The class to act on: `unknown` becomes `transient` within the grace time, `deterministic` after it. */
  resolve(error: ClassifiedError): ClassifiedError {
    if (error.class !== 'unknown') return error;
    const now = this.now();
    this.since ??= now;
    return { ...error, class: now - this.since >= this.graceMs ? 'deterministic' : 'transient' };
  }

  succeeded(): void {
    this.since = undefined;
  }
}

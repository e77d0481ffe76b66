/** Set while an AppError's super() runs with stack capture turned off: the limit to put back. */
let restoreStackTraceLimit: { limit: number } | undefined;

/** A 4xx is the caller's mistake or a refusal (429): no stack is captured, it would only cost CPU when an overloaded instance answers thousands of 429s a second. */
function stacklessFor4xx(status: number, message: string): string {
  if (status < 500) {
    restoreStackTraceLimit = { limit: Error.stackTraceLimit };
    Error.stackTraceLimit = 0;
  }
  return message;
}

/**
 * An error that is safe to show to a caller: a stable machine-readable `code`,
 * a human `message`, the HTTP `status` it maps to and optional `details`.
 * Everything the services answer with (4xx/5xx bodies) is built from this.
 * Only 5xx errors carry a stack trace.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(stacklessFor4xx(status, message));
    if (restoreStackTraceLimit) {
      Error.stackTraceLimit = restoreStackTraceLimit.limit;
      restoreStackTraceLimit = undefined;
    }
    this.name = 'AppError';
  }

  toBody(): { error: string; message: string; details?: unknown } {
    return this.details === undefined
      ? { error: this.code, message: this.message }
      : { error: this.code, message: this.message, details: this.details };
  }
}

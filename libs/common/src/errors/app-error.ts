/**
 * An error that is safe to show to a caller: a stable machine-readable `code`,
 * a human `message`, the HTTP `status` it maps to and optional `details`.
 * Everything the services answer with (4xx/5xx bodies) is built from this.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }

  toBody(): { error: string; message: string; details?: unknown } {
    return this.details === undefined
      ? { error: this.code, message: this.message }
      : { error: this.code, message: this.message, details: this.details };
  }
}

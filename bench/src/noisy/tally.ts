/** Answers counted by `<status> <error code>` (`202`, `429 tenant_rate_limited`; `error`: a failed connection; `held`: still open when the run ended). */
export class Tally {
  readonly counts: Record<string, number> = {};

  add(status: number | 'error' | 'held', body?: string): void {
    let code = '';
    if (typeof status === 'number' && status >= 400 && body) {
      try {
        code = ` ${(JSON.parse(body) as { error?: string }).error ?? ''}`;
      } catch {
        code = '';
      }
    }
    const key = `${status}${code}`;
    this.counts[key] = (this.counts[key] ?? 0) + 1;
  }
}

/** Run `fn` every `ms` until `signal` aborts. */
export async function every(ms: number, signal: AbortSignal, fn: () => void): Promise<void> {
  while (!signal.aborted) {
    fn();
    await new Promise((r) => setTimeout(r, ms));
  }
}

import { errorFields, type Logger } from '@cdnlog/common';

export interface RetentionJobOptions {
  intervalMs: number;
  /** One pass; `failures` > 0 makes the run count as failed. The signal aborts it at shutdown. */
  run: (signal: AbortSignal) => Promise<{ failures: number }>;
  logger: Logger;
  /** After every run that was not cut short by `close()`. */
  onRun?: (ok: boolean) => void;
}

/**
 * Runs the retention pass at start, in the background (consumption does not wait for it), and
 * then every `intervalMs`. Runs never overlap: a tick while one is still going is skipped. A
 * failed run is logged and counted and simply retried at the next tick; nothing a run meets
 * stops the enricher. `close()` aborts a run in progress, whose statements only register work
 * on the server and are safe to repeat.
 */
export class RetentionJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private closed = false;

  constructor(private readonly opts: RetentionJobOptions) {}

  start(): void {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.opts.intervalMs);
    this.timer.unref();
  }

  /** Start a run unless one is going (then: that one); resolves when it ended. */
  tick(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.running ??= this.runOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    this.abort.abort();
    await this.running;
  }

  private async runOnce(): Promise<void> {
    const t0 = Date.now();
    let ok: boolean;
    try {
      const { failures } = await this.opts.run(this.abort.signal);
      ok = failures === 0;
      this.opts.logger.info('retention run finished', { failures, ms: Date.now() - t0 });
    } catch (err) {
      if (this.closed) return;
      ok = false;
      this.opts.logger.error('retention run failed; retried at the next interval', errorFields(err));
    }
    if (!this.closed) this.opts.onRun?.(ok);
  }
}

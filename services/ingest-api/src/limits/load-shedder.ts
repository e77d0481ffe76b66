import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Sheds requests while this process is CPU-saturated. Under overload every
 * request parses and validates its body before it could be refused, the heap
 * fills with bodies waiting for the CPU, GC takes the rest, and the instance
 * answers nothing in time (the ramp profile's accepted rate fell to zero
 * before shedding existed; docs/benchmarks.md). The event loop's delay is the earliest honest signal:
 * its 99th percentile over the last `windowMs` above `maxDelayMs` means a new
 * request would wait at least that long before it is even read, so it gets a
 * 429 at once instead.
 */
export class LoadShedder {
  private readonly histogram: IntervalHistogram;
  private readonly timer: NodeJS.Timeout;
  private p99Ms = 0;

  constructor(private readonly opts: { maxDelayMs: number; windowMs?: number }) {
    this.histogram = monitorEventLoopDelay({ resolution: 10 });
    this.histogram.enable();
    this.timer = setInterval(() => this.roll(), opts.windowMs ?? 1000);
    this.timer.unref();
  }

  /** 99th percentile of the event-loop delay over the last full window, in ms. */
  get delayMs(): number {
    return this.p99Ms;
  }

  overloaded(): boolean {
    return this.p99Ms > this.opts.maxDelayMs;
  }

  /**
   * `overloaded` above maxDelayMs: shed the tenant sending most of the load if
   * there is one, else everyone; `critical` above twice that: shed everyone.
   */
  saturation(): 'ok' | 'overloaded' | 'critical' {
    if (this.p99Ms > 2 * this.opts.maxDelayMs) return 'critical';
    return this.p99Ms > this.opts.maxDelayMs ? 'overloaded' : 'ok';
  }

  stop(): void {
    clearInterval(this.timer);
    this.histogram.disable();
  }

  private roll(): void {
    // The histogram only counts delays beyond its resolution; an idle loop reads as 0.
    this.p99Ms = this.histogram.count > 0 ? this.histogram.percentile(99) / 1e6 : 0;
    this.histogram.reset();
  }
}

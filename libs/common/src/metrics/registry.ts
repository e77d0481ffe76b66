import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * One Prometheus registry per service, with Node's default process metrics
 * (RSS, heap, event-loop lag, GC) and a `service` label on everything.
 * Metric names are prefixed `cdnlog_`.
 */
export interface Metrics {
  registry: Registry;
  counter<L extends string>(name: string, help: string, labelNames?: readonly L[]): Counter<L>;
  /** `collect` runs at each scrape (for values sampled from elsewhere); the scrape awaits it when it returns a promise. */
  gauge<L extends string>(name: string, help: string, labelNames?: readonly L[], collect?: (this: Gauge<L>) => void | Promise<void>): Gauge<L>;
  histogram<L extends string>(name: string, help: string, buckets: number[], labelNames?: readonly L[]): Histogram<L>;
}

export function createMetrics(service: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, prefix: 'cdnlog_' });
  return {
    registry,
    counter: (name, help, labelNames = []) => new Counter({ name: `cdnlog_${name}`, help, labelNames, registers: [registry] }),
    gauge: (name, help, labelNames = [], collect) => new Gauge({ name: `cdnlog_${name}`, help, labelNames, registers: [registry], collect }),
    histogram: (name, help, buckets, labelNames = []) =>
      new Histogram({ name: `cdnlog_${name}`, help, buckets, labelNames, registers: [registry] }),
  };
}

/** Latency buckets in seconds, from 1 ms to 10 s. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

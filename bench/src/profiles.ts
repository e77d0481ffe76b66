/**
 * Benchmark profiles (issue #7). Rates are offered requests per second; events/s =
 * requests/s × batch size. Targets are checked in the report, never in tests.
 */
export interface Profile {
  name: string;
  description: string;
  batchSize: number;
  phases: Array<{ label: string; seconds: number; requestsPerSecond: number }>;
  workers: number;
  maxInFlight: number;
  ceilingRecords: number;
  /** Find the highest step that still keeps up (ramp mode). */
  ramp?: boolean;
}

export const PROFILES: Record<string, Profile> = {
  a: {
    name: 'a', description: 'seed target: 8,000 events/s for 5 minutes in batches of 100', batchSize: 100,
    phases: [{ label: 'steady', seconds: 300, requestsPerSecond: 80 }], workers: 1, maxInFlight: 256, ceilingRecords: 500_000,
  },
  b: {
    name: 'b', description: 'single events: 2,000 req/s for 60 s, a 20,000 req/s spike for 10 s, 2,000 req/s for 20 s', batchSize: 1,
    phases: [
      { label: 'steady', seconds: 60, requestsPerSecond: 2000 },
      { label: 'spike', seconds: 10, requestsPerSecond: 20_000 },
      { label: 'after', seconds: 20, requestsPerSecond: 2000 },
    ],
    workers: 2, maxInFlight: 2048, ceilingRecords: 300_000,
  },
  c: {
    name: 'c', description: 'ramp in batches of 500: +5,000 events/s every 15 s from 10,000 to 80,000 events/s', batchSize: 500,
    phases: Array.from({ length: 15 }, (_, i) => ({ label: `${(10 + 5 * i) * 1000} ev/s`, seconds: 15, requestsPerSecond: 20 + 10 * i })),
    workers: 2, maxInFlight: 512, ceilingRecords: 500_000, ramp: true,
  },
  soak: {
    name: 'soak', description: 'live-window soak: 2,000 events/s for 25 minutes in batches of 100 (Redis memory and keys sampled every 30 s)', batchSize: 100,
    phases: [{ label: 'steady', seconds: 1500, requestsPerSecond: 20 }], workers: 1, maxInFlight: 128, ceilingRecords: 100_000,
  },
  low: {
    name: 'low', description: 'low traffic: 100 events/s for 2 minutes in batches of 10 (live freshness when the enricher flushes on age, not on size)', batchSize: 10,
    phases: [{ label: 'steady', seconds: 120, requestsPerSecond: 10 }], workers: 1, maxInFlight: 64, ceilingRecords: 20_000,
  },
  smoke: {
    name: 'smoke', description: 'CI smoke: 7,500 events in 15 s; checks exactness only', batchSize: 50,
    phases: [{ label: 'steady', seconds: 15, requestsPerSecond: 10 }], workers: 1, maxInFlight: 64, ceilingRecords: 20_000,
  },
};

/** Not a load profile: the project and the Go reference peer measured side by side (src/compare). */
export const COMPARE_PROFILE = 'compare';

/** Not a load profile: one tenant's traffic alone and while another floods (src/noisy). */
export const NOISY_PROFILE = 'noisy';

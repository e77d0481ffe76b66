/**
 * Token bucket per tenant, in events: `ratePerSecond` refill, `burst` capacity.
 * A full bucket always admits one request, even one larger than the burst (the
 * bucket goes into debt), so an allowed batch size can never be locked out.
 * Per ingest instance: with N replicas a tenant's effective limit is N × rate.
 */
export interface Bucket {
  ratePerSecond: number;
  burst: number;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

export class RateLimiter {
  private readonly state = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  take(tenant: string, events: number, bucket: Bucket): RateDecision {
    const now = this.now();
    const current = this.state.get(tenant) ?? { tokens: bucket.burst, at: now };
    const tokens = Math.min(bucket.burst, current.tokens + ((now - current.at) / 1000) * bucket.ratePerSecond);
    if (tokens >= events || tokens >= bucket.burst) {
      this.state.set(tenant, { tokens: tokens - events, at: now });
      return { ok: true };
    }
    this.state.set(tenant, { tokens, at: now });
    const needed = Math.min(events, bucket.burst) - tokens;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(needed / bucket.ratePerSecond)) };
  }
}

/**
 * Token bucket per tenant, in one unit (events, body bytes, seconds of
 * ClickHouse time): `ratePerSecond` refill, `burst` capacity. A full bucket
 * always admits one request, even one larger than the burst (the bucket goes
 * into debt), so an allowed batch size can never be locked out. Per process:
 * with N replicas a tenant's effective limit is N × rate.
 */
export interface Bucket {
  ratePerSecond: number;
  burst: number;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

export class RateLimiter {
  private readonly state = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** Take `amount` if the bucket holds it (or is full); else take nothing and say when to retry. */
  take(tenant: string, amount: number, bucket: Bucket): RateDecision {
    const { tokens, now } = this.refill(tenant, bucket);
    if (tokens >= amount || tokens >= bucket.burst) {
      this.state.set(tenant, { tokens: tokens - amount, at: now });
      return { ok: true };
    }
    this.state.set(tenant, { tokens, at: now });
    return { ok: false, retryAfterSeconds: secondsUntil(Math.min(amount, bucket.burst) - tokens, bucket) };
  }

  /**
   * For an amount known only afterwards (the bytes of a body, a query's time): `admits` before
   * the work while the bucket is not in debt, `charge` the real amount after it,
   * into debt if need be; the debt delays the tenant's next request.
   */
  admits(tenant: string, bucket: Bucket): RateDecision {
    const { tokens } = this.refill(tenant, bucket);
    return tokens > 0 ? { ok: true } : { ok: false, retryAfterSeconds: secondsUntil(1 - tokens, bucket) };
  }

  charge(tenant: string, amount: number, bucket: Bucket): void {
    const { tokens, now } = this.refill(tenant, bucket);
    this.state.set(tenant, { tokens: tokens - amount, at: now });
  }

  private refill(tenant: string, bucket: Bucket): { tokens: number; now: number } {
    const now = this.now();
    const current = this.state.get(tenant);
    if (!current) return { tokens: bucket.burst, now };
    return { tokens: Math.min(bucket.burst, current.tokens + ((now - current.at) / 1000) * bucket.ratePerSecond), now };
  }
}

function secondsUntil(needed: number, bucket: Bucket): number {
  return Math.max(1, Math.ceil(needed / bucket.ratePerSecond));
}

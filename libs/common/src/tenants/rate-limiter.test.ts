import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  let now = 1_000_000;
  const limiter = new RateLimiter(() => now);
  const bucket = { ratePerSecond: 100, burst: 200 };

  it('admits up to the burst, then refuses with the seconds until enough tokens are back', () => {
    expect(limiter.take('a', 150, bucket)).toEqual({ ok: true });
    expect(limiter.take('a', 50, bucket)).toEqual({ ok: true });
    expect(limiter.take('a', 100, bucket)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(limiter.take('a', 150, bucket)).toEqual({ ok: false, retryAfterSeconds: 2 });
  });

  it('refills at the configured rate', () => {
    now += 1000;
    expect(limiter.take('a', 100, bucket)).toEqual({ ok: true });
    expect(limiter.take('a', 1, bucket)).toEqual({ ok: false, retryAfterSeconds: 1 });
  });

  it('keeps tenants apart', () => {
    expect(limiter.take('b', 200, bucket)).toEqual({ ok: true });
  });

  it('lets a full bucket admit one batch larger than the burst, then makes the tenant wait', () => {
    expect(limiter.take('c', 500, bucket)).toEqual({ ok: true });
    expect(limiter.take('c', 1, bucket)).toEqual({ ok: false, retryAfterSeconds: 4 });
    now += 5000;
    expect(limiter.take('c', 1, bucket)).toEqual({ ok: true });
  });
});

describe('RateLimiter for amounts known afterwards', () => {
  let now = 0;
  const limiter = new RateLimiter(() => now);
  const bytes = { ratePerSecond: 1000, burst: 2000 };

  it('admits while the bucket is not in debt, charges the real amount, and makes a debt wait', () => {
    expect(limiter.admits('b', bytes)).toEqual({ ok: true });
    limiter.charge('b', 5000, bytes);
    expect(limiter.admits('b', bytes)).toEqual({ ok: false, retryAfterSeconds: 4 });
    expect(limiter.admits('a', bytes)).toEqual({ ok: true });
    now += 3000;
    expect(limiter.admits('b', bytes)).toEqual({ ok: false, retryAfterSeconds: 1 });
    now += 1001;
    expect(limiter.admits('b', bytes)).toEqual({ ok: true });
  });
});

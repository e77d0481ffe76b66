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

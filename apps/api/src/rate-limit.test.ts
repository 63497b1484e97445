import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { MemoryRateLimiter, RedisRateLimiter } from './rate-limit.ts';

describe('leaky bucket', () => {
  it('spends points, refuses what does not fit with the wait, and refills at the restore rate', async () => {
    let now = 0;
    const limiter = new MemoryRateLimiter(1000, 50, () => now);
    expect(await limiter.take('k', 600)).toEqual({ allowed: true, available: 400, retryAfterSeconds: 0 });
    expect(await limiter.take('k', 500)).toEqual({ allowed: false, available: 400, retryAfterSeconds: 2 });
    now += 2_000;
    expect(await limiter.take('k', 500)).toEqual({ allowed: true, available: 0, retryAfterSeconds: 0 });
    now += 60_000;
    expect((await limiter.take('k', 0)).available).toBe(1000);
    expect((await limiter.take('other', 1)).available).toBe(999);
  });
});

describe.skipIf(!process.env.REDIS_URL)('leaky bucket in Redis (skipped without REDIS_URL)', () => {
  it('is one bucket for every instance that shares the Redis server', async () => {
    const key = `test-${Date.now()}-${Math.random()}`;
    const a = new RedisRateLimiter(new Redis(process.env.REDIS_URL!), 100, 1, 'sw:test:bucket:');
    const b = new RedisRateLimiter(new Redis(process.env.REDIS_URL!), 100, 1, 'sw:test:bucket:');
    try {
      expect((await a.take(key, 60)).allowed).toBe(true);
      const refused = await b.take(key, 60);
      expect(refused.allowed).toBe(false);
      expect(refused.available).toBeLessThanOrEqual(41);
      expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(19);
      expect((await b.take(key, 30)).allowed).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

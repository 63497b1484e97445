import type { Redis } from 'ioredis';
import type { SharedRedis } from './shared-redis.ts';

export interface BucketState {
  allowed: boolean;
  /** Points left after this request (or now, when refused). */
  available: number;
  /** Seconds until the request would fit, when refused. */
  retryAfterSeconds: number;
}

/** A leaky bucket of `capacity` points refilling at `restoreRate` points per second, per key. */
export interface RateLimiter {
  readonly capacity: number;
  readonly restoreRate: number;
  take(key: string, cost: number): Promise<BucketState>;
  close(): Promise<void>;
}

function refill(level: number, updatedAtMs: number, nowMs: number, capacity: number, restoreRate: number): number {
  return Math.min(capacity, level + ((nowMs - updatedAtMs) / 1000) * restoreRate);
}

/** One process's buckets (used when REDIS_URL is not set: each instance limits on its own). */
export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, { level: number; at: number }>();
  constructor(
    readonly capacity: number,
    readonly restoreRate: number,
    private readonly clock: () => number = Date.now,
  ) {}

  async take(key: string, cost: number): Promise<BucketState> {
    const now = this.clock();
    const bucket = this.buckets.get(key);
    const level = bucket ? refill(bucket.level, bucket.at, now, this.capacity, this.restoreRate) : this.capacity;
    if (cost > level) {
      this.buckets.set(key, { level, at: now });
      return {
        allowed: false,
        available: Math.floor(level),
        retryAfterSeconds: Math.max(1, Math.ceil((cost - level) / this.restoreRate)),
      };
    }
    this.buckets.set(key, { level: level - cost, at: now });
    return { allowed: true, available: Math.floor(level - cost), retryAfterSeconds: 0 };
  }

  async close(): Promise<void> {}
}

// Atomic refill-and-take in Redis, so every instance sharing it draws from the same bucket.
const takeScript = `
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'level', 'at')
local level = tonumber(state[1])
local at = tonumber(state[2])
if level == nil then level = capacity; at = now end
level = math.min(capacity, level + ((now - at) / 1000) * rate)
local allowed = 0
if cost <= level then level = level - cost; allowed = 1 end
redis.call('HSET', KEYS[1], 'level', tostring(level), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate * 1000) + 1000)
return {allowed, tostring(level)}
`;

/** Buckets shared through Redis by every API instance. */
export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    readonly capacity: number,
    readonly restoreRate: number,
    private readonly prefix: string,
  ) {}

  async take(key: string, cost: number): Promise<BucketState> {
    const [allowed, levelText] = (await this.redis.eval(
      takeScript,
      1,
      this.prefix + key,
      this.capacity,
      this.restoreRate,
      cost,
    )) as [number, string];
    const level = Number(levelText);
    return allowed === 1
      ? { allowed: true, available: Math.floor(level), retryAfterSeconds: 0 }
      : {
          allowed: false,
          available: Math.floor(level),
          retryAfterSeconds: Math.max(1, Math.ceil((cost - level) / this.restoreRate)),
        };
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}

/** Buckets in Redis, and this process's own while Redis is away (limits still apply, per instance). */
export class SharedRateLimiter implements RateLimiter {
  private readonly remote: RedisRateLimiter;
  private readonly local: MemoryRateLimiter;

  constructor(
    private readonly shared: SharedRedis,
    readonly capacity: number,
    readonly restoreRate: number,
  ) {
    this.remote = new RedisRateLimiter(shared.redis, capacity, restoreRate, shared.key('bucket:'));
    this.local = new MemoryRateLimiter(capacity, restoreRate);
  }

  take(key: string, cost: number): Promise<BucketState> {
    return this.shared.run(
      () => this.remote.take(key, cost),
      () => this.local.take(key, cost),
    );
  }

  async close(): Promise<void> {}
}

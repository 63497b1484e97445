import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { SharedRedis } from './shared-redis.ts';

/** A request slot, held while one operation executes. `release` may be called any number of times. */
export interface Slot {
  release(): void;
}

/** At most `limit` slots per key at once (the per-key concurrency cap). */
export interface ConcurrencyLimiter {
  readonly limit: number;
  /** A slot for `key`, or null when `limit` slots are already held. */
  acquire(key: string): Promise<Slot | null>;
  close(): Promise<void>;
}

/** Slots counted in this process: the check and the increment happen in one turn, with no `await` between. */
export class MemoryConcurrencyLimiter implements ConcurrencyLimiter {
  private readonly held = new Map<string, number>();
  constructor(readonly limit: number) {}

  async acquire(key: string): Promise<Slot | null> {
    return this.tryAcquire(key);
  }

  tryAcquire(key: string): Slot | null {
    const count = this.held.get(key) ?? 0;
    if (count >= this.limit) return null;
    this.held.set(key, count + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        const left = (this.held.get(key) ?? 1) - 1;
        if (left > 0) this.held.set(key, left);
        else this.held.delete(key);
      },
    };
  }

  /** Slots held for `key` now. */
  inUse(key: string): number {
    return this.held.get(key) ?? 0;
  }

  async close(): Promise<void> {}
}

// One sorted set per key: members are slots, scores the time (Redis's clock) their lease ends.
const acquireScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + lease, ARGV[3])
redis.call('PEXPIRE', KEYS[1], lease)
return 1
`;

// Extends the leases of the slots still held (KEYS[i] holds ARGV[i + 1]); a slot already expired stays gone.
const renewScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  if redis.call('ZADD', key, 'XX', 'CH', now + lease, ARGV[i + 1]) == 1 then redis.call('PEXPIRE', key, lease) end
end
return 0
`;

export interface RedisConcurrencyOptions {
  /** Key prefix (the deployment's namespace). */
  prefix: string;
  /** How long a slot lives without renewal: the most a crashed instance's slots stay taken. */
  leaseMs: number;
}

/**
 * Slots shared by every instance through Redis: an atomic count per key, each slot a lease that this
 * instance renews while its request runs, so the slots of an instance that died free themselves.
 * The connection is the caller's to close.
 */
export class RedisConcurrencyLimiter implements ConcurrencyLimiter {
  private readonly instance = randomUUID();
  private next = 0;
  /** Slots held by this instance: member to Redis key. */
  private readonly held = new Map<string, string>();
  private readonly renewer: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    readonly limit: number,
    private readonly options: RedisConcurrencyOptions,
  ) {
    this.renewer = setInterval(() => void this.renew(), Math.max(50, Math.floor(options.leaseMs / 3)));
    this.renewer.unref();
  }

  async acquire(key: string): Promise<Slot | null> {
    const redisKey = `${this.options.prefix}${key}`;
    const member = `${this.instance}:${this.next++}`;
    const granted = await this.redis.eval(acquireScript, 1, redisKey, this.limit, this.options.leaseMs, member);
    if (granted !== 1) return null;
    this.held.set(member, redisKey);
    return {
      release: () => {
        if (!this.held.delete(member)) return;
        // If Redis cannot hear it now, the lease runs out by itself.
        this.redis.zrem(redisKey, member).catch(() => undefined);
      },
    };
  }

  private async renew(): Promise<void> {
    if (!this.held.size) return;
    const held = [...this.held];
    const members = held.map(([member]) => member);
    const keys = held.map(([, key]) => key);
    await this.redis.eval(renewScript, keys.length, ...keys, this.options.leaseMs, ...members).catch(() => undefined);
  }

  async close(): Promise<void> {
    clearInterval(this.renewer);
  }
}

/** Slots in Redis, and this process's own while Redis is away (the cap still holds, per instance). */
export class SharedConcurrencyLimiter implements ConcurrencyLimiter {
  private readonly remote: RedisConcurrencyLimiter;
  private readonly local: MemoryConcurrencyLimiter;

  constructor(
    private readonly shared: SharedRedis,
    readonly limit: number,
    leaseMs: number,
  ) {
    this.remote = new RedisConcurrencyLimiter(shared.redis, limit, { prefix: shared.key('slots:'), leaseMs });
    this.local = new MemoryConcurrencyLimiter(limit);
  }

  acquire(key: string): Promise<Slot | null> {
    return this.shared.run(
      () => this.remote.acquire(key),
      () => this.local.tryAcquire(key),
    );
  }

  async close(): Promise<void> {
    await this.remote.close();
  }
}

import type { DatabaseTarget } from '@shopwarden/db';
import type { Logger } from 'pino';
import type { ApiConfig } from './config.ts';
import { SharedConcurrencyLimiter } from './concurrency.ts';
import { SharedRateLimiter } from './rate-limit.ts';
import { SharedCacheStore } from './response-cache.ts';
import { redisPrefixFor, SharedRedis } from './shared-redis.ts';

/** What instances share through Redis, each falling back to this process while Redis is away. */
export interface RedisStores {
  shared: SharedRedis;
  rateLimiter: SharedRateLimiter;
  slots: SharedConcurrencyLimiter;
  cacheStore: SharedCacheStore;
  close(): Promise<void>;
}

/** Connects to `REDIS_URL` under the deployment's namespace (`REDIS_PREFIX`, else one derived from the database). */
export function connectRedisStores(
  config: ApiConfig,
  redisUrl: string,
  target: DatabaseTarget,
  logger?: Logger,
): RedisStores {
  const prefix = config.redis.prefix ?? redisPrefixFor(target);
  const shared = new SharedRedis(redisUrl, {
    prefix,
    commandTimeoutMs: config.redis.commandTimeoutMs,
    retryMs: config.redis.retryMs,
    onSharingChange: (sharing) =>
      sharing
        ? logger?.info({ prefix }, 'redis: sharing limits and cache again')
        : logger?.warn({ prefix }, 'redis: unavailable; limiting and caching per instance'),
  });
  const slots = new SharedConcurrencyLimiter(
    shared,
    config.rateLimit.maxConcurrentPerKey,
    config.rateLimit.concurrencyLeaseMs,
  );
  return {
    shared,
    rateLimiter: new SharedRateLimiter(shared, config.rateLimit.capacity, config.rateLimit.restoreRate),
    slots,
    cacheStore: new SharedCacheStore(shared),
    async close() {
      await slots.close();
      await shared.close();
    },
  };
}

export { createApp, type AppOptions } from './yoga.ts';
export { startServer, StartupError, type RunningServer } from './server.ts';
export { loadConfig, type ApiConfig } from './config.ts';
export {
  MemoryConcurrencyLimiter,
  RedisConcurrencyLimiter,
  SharedConcurrencyLimiter,
  type ConcurrencyLimiter,
  type Slot,
} from './concurrency.ts';
export { MemoryRateLimiter, RedisRateLimiter, SharedRateLimiter, type RateLimiter } from './rate-limit.ts';
export {
  MemoryCacheStore,
  RedisCacheStore,
  SharedCacheStore,
  ResponseCache,
  type CacheStore,
} from './response-cache.ts';
export { SharedRedis, redisPrefixFor, type SharedRedisOptions } from './shared-redis.ts';
export { connectRedisStores, type RedisStores } from './redis-stores.ts';
export { BulkWorker, type BulkWorkerOptions } from './bulk-worker.ts';
export { redisOptions } from './redis-options.ts';
export { startWorkers, type Workers, type WorkersOptions } from './workers.ts';
export { createMetrics, type Metrics } from './metrics.ts';

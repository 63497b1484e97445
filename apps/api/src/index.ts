export { createApp, type AppOptions } from './yoga.ts';
export { startServer, type RunningServer } from './server.ts';
export { loadConfig, type ApiConfig } from './config.ts';
export {
  MemoryConcurrencyLimiter,
  RedisConcurrencyLimiter,
  type ConcurrencyLimiter,
  type Slot,
} from './concurrency.ts';
export { MemoryRateLimiter, RedisRateLimiter, type RateLimiter } from './rate-limit.ts';
export { MemoryCacheStore, RedisCacheStore, ResponseCache, type CacheStore } from './response-cache.ts';
export { BulkWorker, type BulkWorkerOptions } from './bulk-worker.ts';
export { redisOptions } from './redis-options.ts';

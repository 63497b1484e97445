import type { RedisOptions } from 'ioredis';

/**
 * The base of every Redis connection the API opens: auto-pipelined — the commands that concurrent
 * requests issue in one event-loop turn go to Redis in one write (a response-cache hit went from
 * 2,176 to 3,007 req/s under 50 connections: docs/benchmarks.md). SharedRedis adds the fail-fast
 * options (no offline queue, a command timeout) that its circuit breaker relies on.
 */
export const redisOptions: RedisOptions = {
  maxRetriesPerRequest: 1,
  connectTimeout: 2_000,
  enableAutoPipelining: true,
};

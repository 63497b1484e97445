import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import type { DatabaseTarget } from '@shopwarden/db';
import { Redis } from 'ioredis';
import CircuitBreaker from 'opossum';
import { redisOptions } from './redis-options.ts';

export interface SharedRedisOptions {
  /** The deployment's namespace: every key and channel starts with it. */
  prefix: string;
  /** A command not answered within this fails, and its caller falls back. */
  commandTimeoutMs: number;
  /** How often Redis is tried again while it is away (reconnection, and one call through the open breaker). */
  retryMs: number;
  /** Told when sharing stops (Redis away: each instance on its own) and when it resumes. */
  onSharingChange?: (sharing: boolean) => void;
}

type Call = [shared: () => Promise<unknown>, local: () => unknown];

/**
 * The Redis that instances share (rate-limit buckets, request slots, response cache) behind a
 * circuit breaker: while Redis is away or slow, every caller gets its per-instance fallback at once
 * instead of waiting, and sharing resumes by itself when Redis answers again.
 *
 * - Commands never queue while disconnected and time out after `commandTimeoutMs`.
 * - The breaker opens when the connection drops (no failed call needed) or when most calls of the
 *   last second failed or timed out; it closes when the connection is ready again, or when one
 *   call let through after `retryMs` succeeds.
 */
export class SharedRedis {
  readonly redis: Redis;
  private readonly breaker: CircuitBreaker<Call, unknown>;
  private readonly listeners = new Set<(sharing: boolean) => void>();
  private readonly fallbackListeners = new Set<() => void>();

  constructor(
    url: string,
    readonly options: SharedRedisOptions,
  ) {
    this.redis = new Redis(url, {
      ...redisOptions,
      commandTimeout: options.commandTimeoutMs,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: Math.max(options.commandTimeoutMs, 1_000),
      retryStrategy: (attempt) => Math.min(100 * attempt, options.retryMs),
    });
    this.breaker = new CircuitBreaker<Call, unknown>((shared) => shared(), {
      timeout: options.commandTimeoutMs,
      resetTimeout: options.retryMs,
      errorThresholdPercentage: 50,
      rollingCountTimeout: 1_000,
      rollingCountBuckets: 10,
      volumeThreshold: 3,
    });
    this.breaker.fallback((_shared: Call[0], local: Call[1]) => local());
    this.breaker.on('fallback', () => {
      for (const listener of this.fallbackListeners) listener();
    });
    this.breaker.on('open', () => this.tell(false));
    this.breaker.on('close', () => this.tell(true));
    // Errors are seen through the breaker; without a listener ioredis would print each reconnection failure.
    this.redis.on('error', () => undefined);
    this.redis.on('close', () => {
      if (!this.breaker.opened) this.breaker.open();
    });
    this.redis.on('ready', () => {
      if (!this.breaker.closed) this.breaker.close();
    });
    // Until the first connection is ready, every caller uses its fallback.
    this.breaker.open();
  }

  /** True while calls go to Redis (the breaker is closed). */
  get sharing(): boolean {
    return this.breaker.closed;
  }

  /** `<prefix><name>`: the key (or channel) `name` in this deployment's namespace. */
  key(name: string): string {
    return `${this.options.prefix}${name}`;
  }

  /** Runs `shared` against Redis, or `local` when Redis is away, fails or is too slow. */
  run<T>(shared: () => Promise<T>, local: () => T | Promise<T>): Promise<T> {
    return this.breaker.fire(shared, local) as Promise<T>;
  }

  onSharingChange(listener: (sharing: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Hears every call answered by its fallback. */
  onFallback(listener: () => void): () => void {
    this.fallbackListeners.add(listener);
    return () => this.fallbackListeners.delete(listener);
  }

  private tell(sharing: boolean) {
    this.options.onSharingChange?.(sharing);
    for (const listener of this.listeners) listener(sharing);
  }

  async close(): Promise<void> {
    this.breaker.shutdown();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * The default Redis namespace of a deployment: `sw:` and a hash of its database's identity (the
 * PostgreSQL server's host, port and database name; the embedded database's absolute folder), so
 * deployments on different databases never share keys. A throwaway in-memory database is its own.
 */
export function redisPrefixFor(target: DatabaseTarget): string {
  let identity: string;
  if (target.kind === 'postgres') {
    const url = new URL(target.url);
    const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || decodeURIComponent(url.username);
    const host = url.hostname || url.searchParams.get('host') || 'localhost';
    identity = `postgres|${host.toLowerCase()}|${url.port || '5432'}|${database}`;
  } else if (target.dataDir.startsWith('memory://')) {
    identity = `pglite|memory|${randomUUID()}`;
  } else {
    identity = `pglite|${path.resolve(target.dataDir)}`;
  }
  return `sw:${createHash('sha256').update(identity).digest('hex').slice(0, 12)}:`;
}

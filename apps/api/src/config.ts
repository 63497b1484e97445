/** Server configuration from the environment. Every option and its default is listed in docs/configuration.md. */
export interface ApiConfig {
  /** @default 4000 */
  port: number;
  /** @default "0.0.0.0" */
  host: string;
  /** `production` disables the sandbox clock and GraphiQL's example keys. @default "development" */
  environment: 'development' | 'production' | 'test';
  /** pino level. @default "info" ("silent" in tests) */
  logLevel: string;
  /** Serve GraphiQL at /graphql. @default true outside production */
  graphiql: boolean;
  /**
   * Compile operations with graphql-jit. Off by default: graphql-jit builds a new `info.path`
   * object for every resolver call, and the Pothos Prisma plugin finds the rows a parent query
   * preloaded by path identity, so under graphql-jit every field with a `select` (e.g.
   * `Listing.price`) below a connection refetches its rows (3 statements instead of 2 for the
   * partner read, about half the throughput; docs/benchmarks.md). @default false
   */
  jit: boolean;
  /**
   * Answer query operations the compiler understands with one SQL statement that builds the JSON in
   * PostgreSQL (docs/performance.md); the rest run through the resolvers. @default true
   */
  compiledReads: boolean;
  /**
   * Cache what compiled reads answer, per caller, invalidated by the database's change
   * notifications (docs/performance.md#response-cache); shared through Redis when `redisUrl` is set.
   */
  responseCache: { enabled: boolean; ttlMs: number; maxEntryBytes: number };
  /** How long an authenticated API key is reused in this process without a database lookup, in ms (0: every request looks it up). Mutations in this process clear it at once; other instances see a revoke within this time. @default 5000 (0 when NODE_ENV=test) */
  apiKeyCacheTtlMs: number;
  /** Seed the embedded database with demo data on first start. @default true for the embedded database */
  seedOnStart: boolean;
  /** Bearer token /metrics asks for; unset: /metrics is open outside production and refused in production. */
  metricsToken: string | null;
  /** An operation executing longer is answered 504 TIMEOUT and its database work cancelled, in ms. @default 10000 */
  executionTimeoutMs: number;
  /** Largest request body, in bytes. @default 1048576 */
  maxBodyBytes: number;
  /** Operation limits (PLATFORM.md). */
  limits: {
    maxDepth: number;
    maxAliases: number;
    maxTokens: number;
    maxDirectives: number;
    maxCost: number;
    /** Field selections per operation once every fragment spread is expanded where it appears. @default 2000 */
    maxFields: number;
  };
  /** Leaky bucket per API key (PLATFORM.md "Limits"). */
  rateLimit: {
    capacity: number;
    restoreRate: number;
    /** Requests per key executing at once; across every instance with Redis. @default 20 */
    maxConcurrentPerKey: number;
    /** With Redis: how long a request slot lives unless its instance renews it (the most a crashed instance's slots stay taken), in ms. @default 10000 */
    concurrencyLeaseMs: number;
    maxSubscriptionsPerKey: number;
  };
  /** Redis for rate-limit buckets shared by every instance; unset: each instance limits on its own. */
  redisUrl: string | null;
  /** How the API uses Redis (docs/operations.md#redis). */
  redis: {
    /** Start of every key and channel: the deployment's namespace. @default "sw:" and a hash of the database's identity */
    prefix: string | null;
    /** A command not answered within this fails and the instance falls back to its own limits, in ms. @default 250 */
    commandTimeoutMs: number;
    /** While Redis is away, how often it is tried again, in ms. @default 1000 */
    retryMs: number;
  };
  /** How long /ready waits for the database's answer before saying 503, in ms. @default 500 */
  readyTimeoutMs: number;
  /** After SIGTERM, the most the process takes to exit, in ms: in-flight requests get what is left of it after SHUTDOWN_DELAY_MS, less 1.5 s to close the stores. @default 24000 */
  shutdownGraceMs: number;
  /**
   * Background work in this process: the job runner (packages/jobs: webhook deliveries, the outbox
   * relay, scheduled jobs) and the bulk-operation worker. `WORKER=off` makes an API-only process;
   * `npm run worker` starts a worker-only one.
   */
  worker: {
    /** Run the job runner and the bulk worker here. @default true */
    enabled: boolean;
    /** Jobs run at once by this process's runner. @default 16 */
    concurrency: number;
    /** How often an idle runner looks for due jobs, in ms (a job due at once, or a moved sandbox clock, wakes it sooner). @default 1000 */
    pollIntervalMs: number;
    /** How long a claim on a job lasts without a heartbeat, in ms: after a crash another instance takes the job over this long after the last heartbeat. @default 30000 */
    leaseMs: number;
  };
  /** Webhook deliveries (docs/webhooks.md). */
  webhooks: {
    /** Deliver to loopback, private and link-local addresses too: for development and tests only. @default true outside production */
    allowPrivateNetworks: boolean;
    /** A delivery that has not fully answered within this fails and is retried, in ms. @default 10000 */
    timeoutMs: number;
  };
  /** HTTP server timeouts (docs/configuration.md). */
  http: {
    /** All request headers must arrive within this, in ms, else 408 and the connection closes. @default 10000 */
    headersTimeoutMs: number;
    /** The whole request (headers and body) must arrive within this, in ms, else 408. @default 30000 */
    requestTimeoutMs: number;
    /** An idle keep-alive connection is closed after this, in ms (and responses say so in `Keep-Alive: timeout=`). @default 5000 */
    keepAliveTimeoutMs: number;
  };
  /** The bulk-operation worker every API process runs (docs/bulk-operations.md). */
  bulk: {
    /** Run a bulk worker in this process (with `worker.enabled`). @default true */
    enabled: boolean;
    /**
     * Lines per chunk: one transaction each, and the steps in which `processedCount` moves. On
     * PostgreSQL two chunks run side by side (`chunksAhead`): 5,000 lines each reviewed 10,000
     * listings about 15 % faster than one chunk of 10,000 (docs/benchmarks.md); on the embedded
     * database smaller, because a chunk's transaction holds PGlite's only connection while it runs.
     * @default 5000 with DATABASE_URL, else 2000
     */
    chunkSize: number;
    /**
     * Lines per batch inside a chunk: while the database writes one batch, the worker reads the
     * next one's lines and writes the result lines of the one before. @default 2500
     */
    batchSize: number;
    /**
     * On PostgreSQL, how many of an operation's next chunks run ahead of their turn (reviews only), each in its own
     * transaction beside the chunk before, committing in turn (0: one chunk at a time). PGlite runs
     * one at a time. @default 1
     */
    chunksAhead: number;
    /** How often an idle worker looks for work stored by other instances, in ms (work stored by this process wakes it at once). @default 1000 */
    pollIntervalMs: number;
    /** How long a worker's claim on an operation lasts without a heartbeat (every third of it), in ms: after a crash, another worker resumes the operation this long after the last heartbeat. @default 30000 */
    leaseMs: number;
  };
  /** After SIGTERM, keep serving (with /ready at 503 and `Connection: close`) this long before closing the listener, so load balancers and keep-alive clients move away without losing a request. @default 1000 */
  shutdownDelayMs: number;
}

function flag(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
}

function httpTimeouts(env: NodeJS.ProcessEnv): ApiConfig['http'] {
  const requestTimeoutMs = Math.max(100, Number(env.HTTP_REQUEST_TIMEOUT_MS ?? 30_000));
  return {
    // Node refuses a headers timeout longer than the request timeout.
    headersTimeoutMs: Math.min(requestTimeoutMs, Math.max(100, Number(env.HTTP_HEADERS_TIMEOUT_MS ?? 10_000))),
    requestTimeoutMs,
    keepAliveTimeoutMs: Math.max(100, Number(env.HTTP_KEEP_ALIVE_TIMEOUT_MS ?? 5_000)),
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const environment = env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development';
  return {
    port: Number(env.PORT ?? 4000),
    host: env.HOST ?? '0.0.0.0',
    environment,
    logLevel: env.LOG_LEVEL ?? (environment === 'test' ? 'silent' : 'info'),
    graphiql: flag(env.GRAPHIQL, environment !== 'production'),
    jit: flag(env.GRAPHQL_JIT, false),
    compiledReads: flag(env.COMPILED_READS, true),
    responseCache: {
      enabled: flag(env.RESPONSE_CACHE, true),
      ttlMs: Number(env.RESPONSE_CACHE_TTL_MS ?? 60_000),
      maxEntryBytes: Number(env.RESPONSE_CACHE_MAX_ENTRY_BYTES ?? 1_048_576),
    },
    apiKeyCacheTtlMs: Number(env.API_KEY_CACHE_TTL_MS ?? (environment === 'test' ? 0 : 5_000)),
    seedOnStart: flag(env.SEED_ON_START, !env.DATABASE_URL),
    metricsToken: env.METRICS_TOKEN || null,
    executionTimeoutMs: Math.max(10, Number(env.EXECUTION_TIMEOUT_MS ?? 10_000)),
    maxBodyBytes: Number(env.MAX_BODY_BYTES ?? 1_048_576),
    limits: {
      maxDepth: Number(env.MAX_DEPTH ?? 10),
      maxAliases: Number(env.MAX_ALIASES ?? 15),
      maxTokens: Number(env.MAX_TOKENS ?? 1000),
      maxDirectives: Number(env.MAX_DIRECTIVES ?? 50),
      maxCost: Number(env.MAX_COST ?? 1000),
      maxFields: Number(env.MAX_FIELDS ?? 2000),
    },
    rateLimit: {
      capacity: Number(env.RATE_LIMIT_CAPACITY ?? 1000),
      restoreRate: Number(env.RATE_LIMIT_RESTORE_RATE ?? 50),
      maxConcurrentPerKey: Number(env.MAX_CONCURRENT_PER_KEY ?? 20),
      concurrencyLeaseMs: Math.max(100, Number(env.CONCURRENCY_LEASE_MS ?? 10_000)),
      maxSubscriptionsPerKey: Number(env.MAX_SUBSCRIPTIONS_PER_KEY ?? 50),
    },
    redisUrl: env.REDIS_URL || null,
    redis: {
      prefix: env.REDIS_PREFIX || null,
      commandTimeoutMs: Math.max(10, Number(env.REDIS_COMMAND_TIMEOUT_MS ?? 250)),
      retryMs: Math.max(50, Number(env.REDIS_RETRY_MS ?? 1_000)),
    },
    readyTimeoutMs: Math.max(10, Number(env.READY_TIMEOUT_MS ?? 500)),
    shutdownGraceMs: Math.max(2_000, Number(env.SHUTDOWN_GRACE_MS ?? 24_000)),
    http: httpTimeouts(env),
    shutdownDelayMs: Number(env.SHUTDOWN_DELAY_MS ?? 1_000),
    worker: {
      enabled: flag(env.WORKER, true),
      concurrency: Math.max(1, Number(env.JOB_CONCURRENCY ?? 16)),
      pollIntervalMs: Math.max(10, Number(env.JOB_POLL_INTERVAL_MS ?? 1_000)),
      leaseMs: Math.max(100, Number(env.JOB_LEASE_MS ?? 30_000)),
    },
    webhooks: {
      allowPrivateNetworks: flag(env.WEBHOOK_ALLOW_PRIVATE_NETWORKS, environment !== 'production'),
      timeoutMs: Math.max(100, Number(env.WEBHOOK_TIMEOUT_MS ?? 10_000)),
    },
    bulk: {
      enabled: flag(env.BULK_WORKER, true),
      chunkSize: Math.max(1, Number(env.BULK_CHUNK_SIZE ?? (env.DATABASE_URL ? 5_000 : 2_000))),
      batchSize: Math.max(1, Number(env.BULK_BATCH_SIZE ?? 2_500)),
      chunksAhead: Math.max(0, Number(env.BULK_CHUNKS_AHEAD ?? 1)),
      pollIntervalMs: Math.max(10, Number(env.BULK_POLL_INTERVAL_MS ?? 1_000)),
      leaseMs: Math.max(100, Number(env.BULK_LEASE_MS ?? 30_000)),
    },
  };
}

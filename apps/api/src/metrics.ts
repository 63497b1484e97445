import { createHash, timingSafeEqual } from 'node:crypto';
import type { PrismaClient } from '@shopwarden/db';
import type { WebhookAttemptReport } from '@shopwarden/schema';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  requests: Counter<'status'>;
  latency: Histogram;
  /** Query executions by path: `compiled` (one SQL statement) or `resolvers`. */
  reads: Counter<'path'>;
  /** Compiled-plan lookups: `reused` (bound to this request's values) or `compiled` (probes included once). */
  plans: Counter<'result'>;
  /** Response-cache lookups by result: `hit` or `miss`. */
  cache: Counter<'result'>;
  /** Requests refused with THROTTLED, by reason: `rate` (the bucket) or `concurrency` (the per-key cap). */
  throttled: Counter<'reason'>;
  /** Errors answered 503 SERVICE_UNAVAILABLE because the database could not serve, by reason. */
  databaseUnavailable: Counter<'reason'>;
  /** Operations answered 504 TIMEOUT: their execution passed EXECUTION_TIMEOUT_MS and was cancelled. */
  timeouts: Counter;
  /** 1 while limits and the response cache are shared through Redis, 0 while this instance uses its own. */
  redisSharing: Gauge;
  /** Redis calls answered by this instance's fallback (Redis away, failing or too slow). */
  redisFallbacks: Counter;
  /** Job runs by job name and how they ended (packages/jobs `JobRunResult`), with their duration. */
  jobRuns: Histogram<'job' | 'result'>;
  /** Reports the jobs stored (waiting, running, failed) on each scrape, read from the database. */
  watchJobQueue(prisma: PrismaClient): void;
  /** Counts and times one logged webhook attempt (docs/webhooks.md). */
  webhookAttempt(report: WebhookAttemptReport): void;
  /** Reports the webhook queue (events not yet relayed, deliveries due and waiting for a retry) on each scrape. */
  watchWebhookQueue(prisma: PrismaClient): void;
}

/** Why /metrics refuses a caller, or null when it may read them. */
export type MetricsRefusal = { status: 401 | 403; message: string } | null;

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * /metrics is for the operator's scraper: with `METRICS_TOKEN` set it asks for that bearer token;
 * without one it is open outside production and refused in production.
 */
export function metricsRefusal(
  config: { metricsToken: string | null; environment: string },
  authorization: string | null,
): MetricsRefusal {
  if (!config.metricsToken) {
    return config.environment === 'production'
      ? { status: 403, message: 'Metrics are served only with METRICS_TOKEN set.' }
      : null;
  }
  const given = /^Bearer (.+)$/i.exec(authorization?.trim() ?? '')?.[1] ?? '';
  // Compared as digests of equal length, in constant time.
  return timingSafeEqual(digest(given), digest(config.metricsToken))
    ? null
    : { status: 401, message: 'Send the metrics token as "Authorization: Bearer <METRICS_TOKEN>".' };
}

/** Prometheus metrics at /metrics: requests by status, latency, and the process defaults. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const jobRuns = new Histogram({
    name: 'shopwarden_job_run_seconds',
    help: 'Job runs by job name and result (succeeded, rescheduled, retried, failed, lease_lost).',
    labelNames: ['job', 'result'],
    buckets: [0.005, 0.025, 0.1, 0.5, 2.5, 10, 60],
    registers: [registry],
  });
  const webhookAttempts = new Counter({
    name: 'shopwarden_webhook_attempts_total',
    help: 'Webhook delivery attempts by outcome: succeeded (2xx), retry (failed, tried again), failed (for good), disabled (the endpoint was).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const webhookAttemptSeconds = new Histogram({
    name: 'shopwarden_webhook_attempt_seconds',
    help: 'Webhook attempt latency: connection to the last byte read of the answer (or the timeout).',
    buckets: [0.005, 0.025, 0.1, 0.25, 1, 2.5, 10],
    registers: [registry],
  });
  const webhookLagSeconds = new Histogram({
    name: 'shopwarden_webhook_lag_seconds',
    help: "Real time from an event's commit to its delivery's first attempt (stage first_attempt) and to its successful attempt (stage delivered).",
    labelNames: ['stage'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300, 3600, 14400],
    registers: [registry],
  });
  return {
    registry,
    jobRuns,
    webhookAttempt(report) {
      webhookAttempts.inc({ outcome: report.outcome });
      webhookAttemptSeconds.observe(report.latencyMs / 1000);
      if (report.firstAttemptLagMs !== null)
        webhookLagSeconds.observe({ stage: 'first_attempt' }, report.firstAttemptLagMs / 1000);
      if (report.deliveredLagMs !== null)
        webhookLagSeconds.observe({ stage: 'delivered' }, report.deliveredLagMs / 1000);
    },
    watchWebhookQueue(prisma) {
      new Gauge({
        name: 'shopwarden_webhook_queue',
        help: 'The webhook queue: events committed but not yet relayed (unrelayed), deliveries due now (due) and waiting for a retry (retrying).',
        labelNames: ['state'],
        registers: [registry],
        async collect() {
          const rows = await prisma.$queryRaw<{ state: string; n: number }[]>`
            SELECT 'unrelayed' AS state, count(*)::int AS n FROM "OutboxEvent" WHERE "relayedAt" IS NULL
            UNION ALL
            SELECT CASE WHEN "nextAttemptAt" > CURRENT_TIMESTAMP THEN 'retrying' ELSE 'due' END, count(*)::int
              FROM "WebhookDelivery" WHERE "status" = 'PENDING' GROUP BY 1`.catch(() => []);
          this.reset();
          for (const state of ['unrelayed', 'due', 'retrying']) this.set({ state }, 0);
          for (const row of rows) this.set({ state: row.state }, row.n);
        },
      });
    },
    watchJobQueue(prisma) {
      new Gauge({
        name: 'shopwarden_jobs',
        help: 'Jobs stored, by state: waiting (due now or later), running, failed (kept after their last attempt).',
        labelNames: ['state'],
        registers: [registry],
        async collect() {
          const rows = await prisma.$queryRaw<{ state: string; n: number }[]>`
            SELECT CASE WHEN "failedAt" IS NOT NULL THEN 'failed' WHEN "lockedBy" IS NOT NULL THEN 'running' ELSE 'waiting' END AS state,
                   count(*)::int AS n
              FROM "Job" GROUP BY 1`.catch(() => []);
          this.reset();
          for (const state of ['waiting', 'running', 'failed']) this.set({ state }, 0);
          for (const row of rows) this.set({ state: row.state }, row.n);
        },
      });
    },
    requests: new Counter({
      name: 'shopwarden_graphql_requests_total',
      help: 'GraphQL requests by HTTP status.',
      labelNames: ['status'],
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'shopwarden_graphql_request_seconds',
      help: 'GraphQL request latency.',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [registry],
    }),
    cache: new Counter({
      name: 'shopwarden_response_cache_lookups_total',
      help: 'Response-cache lookups by result (hit or miss).',
      labelNames: ['result'],
      registers: [registry],
    }),
    throttled: new Counter({
      name: 'shopwarden_throttled_total',
      help: 'Requests refused with THROTTLED, by reason: rate (the leaky bucket) or concurrency (the per-key cap).',
      labelNames: ['reason'],
      registers: [registry],
    }),
    databaseUnavailable: new Counter({
      name: 'shopwarden_database_unavailable_total',
      help: 'Errors answered 503 SERVICE_UNAVAILABLE because the database could not serve, by reason: unreachable, connection_lost, starting_or_stopping, terminated, too_many_connections, pool_timeout, statement_timeout.',
      labelNames: ['reason'],
      registers: [registry],
    }),
    timeouts: new Counter({
      name: 'shopwarden_execution_timeouts_total',
      help: 'Operations answered 504 TIMEOUT: their execution passed EXECUTION_TIMEOUT_MS and its database work was cancelled.',
      registers: [registry],
    }),
    redisSharing: new Gauge({
      name: 'shopwarden_redis_sharing',
      help: '1 while rate limits, request slots and the response cache are shared through Redis; 0 while this instance falls back to its own (Redis away or slow).',
      registers: [registry],
    }),
    redisFallbacks: new Counter({
      name: 'shopwarden_redis_fallbacks_total',
      help: "Redis calls answered by this instance's fallback (Redis away, failing or slower than REDIS_COMMAND_TIMEOUT_MS).",
      registers: [registry],
    }),
    reads: new Counter({
      name: 'shopwarden_graphql_executions_total',
      help: 'Operation executions by path: compiled (one SQL statement), partial (one statement, then resolvers for the fields without SQL) or resolvers.',
      labelNames: ['path'],
      registers: [registry],
    }),
    plans: new Counter({
      name: 'shopwarden_compiled_plans_total',
      help: 'Compiled-plan lookups of queries: reused (this request bound to a plan) or compiled.',
      labelNames: ['result'],
      registers: [registry],
    }),
  };
}

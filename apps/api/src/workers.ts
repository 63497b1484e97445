import type { Database } from '@shopwarden/db';
import { JobRunner, type AnyJobDefinition, type JobRunnerOptions } from '@shopwarden/jobs';
import { configureWebhookDelivery, jobs as registeredJobs, readPlatformNow } from '@shopwarden/schema';
import type { Logger } from 'pino';
import { BulkWorker } from './bulk-worker.ts';
import type { ApiConfig } from './config.ts';
import type { Metrics } from './metrics.ts';

export interface WorkersOptions {
  db: Database;
  config: ApiConfig;
  logger: Logger;
  metrics?: Metrics;
  /** For tests: other jobs than the registry's. @default the registry (packages/schema/src/jobs.ts) */
  jobs?: readonly AnyJobDefinition[];
  /** For tests: overrides of the runner's options. */
  runner?: Partial<JobRunnerOptions>;
}

export interface Workers {
  /** The job runner (null with `WORKER=off`). */
  runner: JobRunner | null;
  /** The bulk-operation worker (null with `WORKER=off` or `BULK_WORKER=off`). */
  bulk: BulkWorker | null;
  /** Lets the runs in flight end and gives their leases back, so another instance resumes at once. */
  stop(): Promise<void>;
}

/**
 * The background work of a process, in one place: the job runner that every background task runs
 * on (packages/jobs, with the jobs of the registry), and the bulk-operation worker
 * (docs/architecture.md says why bulk operations keep their own). Started by `npm start` beside the
 * API (unless `WORKER=off`) and alone by `npm run worker`.
 */
export async function startWorkers(options: WorkersOptions): Promise<Workers> {
  const { db, config, logger, metrics } = options;
  if (!config.worker.enabled) return { runner: null, bulk: null, stop: async () => undefined };
  const production = config.environment === 'production';
  configureWebhookDelivery({
    ...config.webhooks,
    production,
    onAttempt: metrics ? (report) => metrics.webhookAttempt(report) : undefined,
  });
  const runner = new JobRunner({
    prisma: db.prisma,
    jobs: options.jobs ?? registeredJobs,
    now: () => readPlatformNow(db.prisma, production),
    listen: db.listen,
    concurrency: config.worker.concurrency,
    pollIntervalMs: config.worker.pollIntervalMs,
    leaseMs: config.worker.leaseMs,
    logger: logger.child({ component: 'jobs' }),
    onRun: metrics ? ({ name, result, ms }) => metrics.jobRuns.labels(name, result).observe(ms / 1000) : undefined,
    ...options.runner,
  });
  metrics?.watchJobQueue(db.prisma);
  metrics?.watchWebhookQueue(db.prisma);
  const bulk = config.bulk.enabled
    ? new BulkWorker({
        prisma: db.prisma,
        logger,
        config: config.bulk,
        production,
        concurrentTransactions: db.target.kind === 'postgres',
      })
    : null;
  await runner.start();
  bulk?.start();
  return {
    runner,
    bulk,
    async stop() {
      await Promise.all([runner.stop(), bulk?.stop()]);
    },
  };
}

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Prisma, leaseUntil, utcNow, type PrismaClient } from '@shopwarden/db';
import { expediteJob } from './enqueue.ts';
import { WakeableSleep } from './wakeable-sleep.ts';
import {
  nextCronRun,
  nextOccurrence,
  type AnyJobDefinition,
  type JobContext,
  type JobLogger,
  type JobOutcome,
  type RecurringJobDefinition,
} from './job.ts';

/** The channel the database notifies when a job falls due at once ("") or the sandbox clock moves ("clock"). */
export const JOBS_CHANNEL = 'shopwarden_jobs';

/** `Database['listen']`: LISTEN on a channel; returns the unsubscribe function. */
export type ListenFn = (
  channel: string,
  onMessage: (payload: string) => void,
  onStatus?: (listening: boolean) => void,
) => Promise<() => Promise<void>>;

/** How a run ended, for metrics and logs. */
export type JobRunResult = 'succeeded' | 'rescheduled' | 'retried' | 'failed' | 'lease_lost';

export interface JobRunnerOptions {
  prisma: PrismaClient;
  /** Every job this runner may run (the registry); jobs of other names stay for runners that know them. */
  jobs: readonly AnyJobDefinition[];
  /** The platform clock that `runAt` and cron patterns follow. @default the real time */
  now?: () => Promise<Date>;
  /** LISTEN, to wake when a job falls due at once, when the clock moves, and for `wakeOn` jobs; without it the runner only polls. */
  listen?: ListenFn;
  /** Jobs run at once by this runner. @default 8 */
  concurrency?: number;
  /** How often an idle runner looks for due jobs, in ms. @default 1000 */
  pollIntervalMs?: number;
  /** How long a claim lasts without a heartbeat (sent every third of it); after a crash another runner takes the job over this long after the last one. @default 30000 */
  leaseMs?: number;
  /** Stored in `lockedBy`. @default "<host>:<pid>:<random>" */
  id?: string;
  logger?: JobLogger;
  /** Told about every run that ended: the job's name, how it ended, and how long it took in ms. */
  onRun?: (run: { name: string; result: JobRunResult; ms: number }) => void;
}

interface ClaimedJob {
  id: bigint;
  name: string;
  payload: unknown;
  runAt: Date | null;
  revision: number;
  attempts: number;
  maxAttempts: number;
}

const silent: JobLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Thrown inside a transactional job's transaction when its lease was lost, so its writes roll back. */
class LeaseLostError extends Error {}

const defaultRetryDelay = (attempt: number) =>
  Math.min(3_600_000, 1000 * 2 ** Math.min(attempt - 1, 12)) * (0.75 + Math.random() * 0.5);

/**
 * The one job runner. Claims due jobs with `FOR UPDATE SKIP LOCKED` under a lease (so any number
 * of instances run one each and every job runs on one of them at a time), keeps the lease alive with
 * a heartbeat, and records how each run ended in the job's row. A job is due when its `runAt` has
 * come on the platform clock and its `notBefore` on the database's real clock. It wakes on the
 * database's notifications (a job due at once, the sandbox clock moved) and otherwise polls.
 */
export class JobRunner {
  readonly id: string;
  private readonly options: Required<Pick<JobRunnerOptions, 'concurrency' | 'pollIntervalMs' | 'leaseMs'>> &
    JobRunnerOptions;
  private readonly byName = new Map<string, AnyJobDefinition>();
  private readonly running = new Map<bigint, { controller: AbortController; done: Promise<void> }>();
  private loop: Promise<void> | null = null;
  private stopping = false;
  private dead = false;
  private readonly alarm = new WakeableSleep();
  private unlisten: (() => Promise<void>)[] = [];
  private readonly logger: JobLogger;

  constructor(options: JobRunnerOptions) {
    this.options = { concurrency: 8, pollIntervalMs: 1_000, leaseMs: 30_000, ...options };
    this.id = options.id ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.logger = options.logger ?? silent;
    for (const job of options.jobs) {
      if (this.byName.has(job.name)) throw new Error(`Two jobs are named ${job.name}.`);
      this.byName.set(job.name, job);
    }
  }

  /** Creates the recurring jobs' rows, listens for wake-ups and starts claiming. */
  async start(): Promise<void> {
    if (this.loop || this.dead) return;
    this.stopping = false;
    await this.scheduleRecurring();
    await this.listenForWakeUps();
    this.loop = this.run();
  }

  /** Aborts the runs in flight (their `signal`), waits for them to end, gives their leases back and stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const run of this.running.values()) run.controller.abort();
    this.wake();
    await this.loop;
    await Promise.all([...this.running.values()].map((r) => r.done));
    this.loop = null;
    await Promise.all(this.unlisten.splice(0).map((u) => u().catch(() => undefined)));
  }

  /** For tests: stops as a crashed process would, sending nothing more; its jobs keep their leases until they expire. */
  kill(): void {
    this.dead = true;
    this.stopping = true;
    for (const run of this.running.values()) run.controller.abort();
    this.wake();
    for (const u of this.unlisten.splice(0)) void u().catch(() => undefined);
  }

  /**
   * Runs every job that is due now, one after another in due order, until none is; resolves with
   * how many runs it made. For tests and scripts (the sandbox clock's catch-up, without waiting for a
   * poll); do not combine with `start`. Creates the recurring jobs' rows first.
   */
  async drain(options: { limit?: number } = {}): Promise<number> {
    await this.scheduleRecurring();
    let count = 0;
    while (!this.stopping && count < (options.limit ?? 10_000)) {
      const [job] = await this.claim(1);
      if (!job) break;
      await this.execute(job);
      count++;
    }
    return count;
  }

  /** Looks for due jobs now (a process that just enqueued one need not wait for the notification). */
  wake(): void {
    this.alarm.wake();
  }

  /** Jobs running in this runner now. */
  get active(): number {
    return this.running.size;
  }

  private async listenForWakeUps() {
    const { listen } = this.options;
    if (!listen) return;
    const subscribe = async (channel: string, onMessage: (payload: string) => void) => {
      try {
        this.unlisten.push(await listen(channel, onMessage));
      } catch (err) {
        this.logger.warn({ err, channel }, 'job runner: notifications unavailable; polling');
      }
    };
    await subscribe(JOBS_CHANNEL, (payload) => {
      // A claim running beside the reschedule skips the rows it locks: look again once it is done.
      if (payload === 'clock')
        void this.scheduleRecurring()
          .catch(() => undefined)
          .finally(() => this.wake());
      this.wake();
    });
    for (const job of this.byName.values()) {
      const recurrence = job.recurrence;
      if (!recurrence || !('wakeOn' in recurrence) || !recurrence.wakeOn) continue;
      // Debounced: one expedite in flight at a time, one more if notified meanwhile.
      let inFlight: Promise<void> | null = null;
      let again = false;
      const expedite = (): void => {
        if (inFlight) {
          again = true;
          return;
        }
        inFlight = expediteJob(this.options.prisma, job.name)
          .then(() => this.wake())
          .catch((err: unknown) => this.logger.warn({ err, job: job.name }, 'job runner: could not wake a job'))
          .finally(() => {
            inFlight = null;
            if (again) {
              again = false;
              expedite();
            }
          });
      };
      await subscribe(recurrence.wakeOn, expedite);
    }
  }

  /**
   * Creates each recurring job's row if missing (key = its name). A cron job falls due at its next
   * occurrence after now, or earlier: a pattern that changed, or a clock moved back, brings it forward.
   */
  private async scheduleRecurring(): Promise<void> {
    const recurring = [...this.byName.values()].filter((j): j is RecurringJobDefinition => !!j.recurrence);
    if (!recurring.length) return;
    const now = await this.now();
    for (const job of recurring) {
      const recurrence = job.recurrence;
      const cron = 'cron' in recurrence ? recurrence.cron : null;
      const runAt = cron ? nextOccurrence(cron, now) : null;
      const payload = JSON.stringify(cron ? { cron } : {});
      await this.options.prisma.$executeRaw`
        INSERT INTO "Job" ("name", "payload", "runAt", "key", "maxAttempts")
        VALUES (${job.name}, ${payload}::jsonb, ${runAt}, ${job.name}, ${job.maxAttempts ?? 10})
        ON CONFLICT ("key") DO UPDATE SET "payload" = EXCLUDED."payload", "runAt" = EXCLUDED."runAt"
         WHERE EXCLUDED."runAt" IS NOT NULL AND "Job"."lockedBy" IS NULL
           AND ("Job"."payload" IS DISTINCT FROM EXCLUDED."payload" OR "Job"."runAt" IS NULL OR "Job"."runAt" > EXCLUDED."runAt")`;
    }
  }

  private now(): Promise<Date> {
    return this.options.now ? this.options.now() : Promise.resolve(new Date());
  }

  private async run(): Promise<void> {
    const { concurrency, pollIntervalMs } = this.options;
    while (!this.stopping) {
      const free = concurrency - this.running.size;
      let claimed: ClaimedJob[] = [];
      if (free > 0) {
        try {
          claimed = await this.claim(Math.min(free, 20));
        } catch (err) {
          // The database is down (or refused): try again at the next poll, never crash the process.
          this.logger.warn({ err, runner: this.id }, 'job runner could not claim jobs');
        }
      }
      for (const job of claimed) {
        const controller = new AbortController();
        const done = this.execute(job, controller).finally(() => {
          this.running.delete(job.id);
          this.wake();
        });
        this.running.set(job.id, { controller, done });
      }
      // Claimed all it could: look again at once (or when a slot frees up); else wait for a wake-up or the poll.
      if (free > 0 && claimed.length === Math.min(free, 20)) continue;
      if (!this.stopping) await this.alarm.sleep(pollIntervalMs);
    }
  }

  private async claim(limit: number): Promise<ClaimedJob[]> {
    const now = await this.now();
    const rows = await this.options.prisma.$queryRaw<ClaimedJob[]>`
      WITH due AS (
        SELECT "id" FROM "Job"
         WHERE "name" = ANY(${[...this.byName.keys()]}::text[]) AND "failedAt" IS NULL
           AND ("runAt" IS NULL OR "runAt" <= ${now})
           AND ("notBefore" IS NULL OR "notBefore" <= ${utcNow})
           AND ("lockedUntil" IS NULL OR "lockedUntil" < ${utcNow})
         ORDER BY "runAt" ASC NULLS FIRST, "id"
         LIMIT ${limit}
         FOR UPDATE SKIP LOCKED)
      UPDATE "Job" AS j
         SET "lockedBy" = ${this.id}, "lockedUntil" = ${leaseUntil(this.options.leaseMs)}, "attempts" = j."attempts" + 1
        FROM due WHERE j."id" = due."id"
      RETURNING j."id", j."name", j."payload", j."runAt", j."revision", j."attempts", j."maxAttempts"`;
    // Started in due order (RETURNING keeps none).
    return rows.sort((a, b) => {
      const at = (a.runAt?.getTime() ?? -Infinity) - (b.runAt?.getTime() ?? -Infinity);
      return at !== 0 && !Number.isNaN(at) ? at : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    });
  }

  private async execute(job: ClaimedJob, controller = new AbortController()): Promise<void> {
    const definition = this.byName.get(job.name);
    // Unreachable: claim takes only the names this runner defines.
    if (!definition)
      throw new Error(`job runner ${this.id} claimed job ${job.id} named ${job.name}, which it does not define`);
    const { prisma, leaseMs } = this.options;
    const started = performance.now();
    const log = this.logger;
    let leaseLost = false;
    const heartbeat = setInterval(
      () => {
        if (this.dead) return;
        prisma.$executeRaw`
          UPDATE "Job" SET "lockedUntil" = ${leaseUntil(leaseMs)} WHERE "id" = ${job.id} AND "lockedBy" = ${this.id}`.then(
          (count) => {
            if (count === 0) {
              leaseLost = true;
              controller.abort();
            }
          },
          (err: unknown) => log.warn({ err, job: job.name }, 'job lease heartbeat failed'),
        );
      },
      Math.max(50, Math.floor(leaseMs / 3)),
    );
    heartbeat.unref();
    const report = (result: JobRunResult) =>
      this.options.onRun?.({ name: job.name, result, ms: performance.now() - started });
    const base: JobContext = {
      prisma,
      jobId: job.id,
      attempt: job.attempts,
      scheduledFor: job.runAt,
      now: await this.now(),
      signal: controller.signal,
      logger: log,
    };
    const payload = job.payload as never;
    try {
      let result: JobRunResult;
      if (definition.transactional) {
        result = await prisma.$transaction(
          async (tx) => {
            const outcome = await definition.run(payload, { ...base, tx });
            if (this.dead) throw new LeaseLostError('killed');
            const finished = await this.finish(tx, job, definition, outcome, base.now);
            if (!finished) throw new LeaseLostError(`job ${job.id} lost its lease`);
            return finished;
          },
          { timeout: definition.timeoutMs ?? 60_000, maxWait: 10_000 },
        );
      } else {
        const outcome = await definition.run(payload, base);
        if (this.dead) return;
        result = (await this.finish(prisma, job, definition, outcome, base.now)) ?? 'lease_lost';
      }
      report(leaseLost ? 'lease_lost' : result);
    } catch (error) {
      if (this.dead) return;
      if (error instanceof LeaseLostError) {
        report('lease_lost');
        return;
      }
      const result = await this.fail(job, definition, error, base.now).catch((err: unknown) => {
        log.error({ err, job: job.name }, 'job runner could not record a failed run');
        return 'retried' as const;
      });
      (result === 'failed' ? log.error : log.warn).call(
        log,
        { err: error, job: job.name, jobId: String(job.id), attempt: job.attempts },
        result === 'failed' ? 'job failed for good' : 'job failed; it will be retried',
      );
      report(result);
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** Records a run that ended well; null when this runner no longer held the job. */
  private async finish(
    db: Prisma.TransactionClient,
    job: ClaimedJob,
    definition: AnyJobDefinition,
    outcome: JobOutcome,
    now: Date,
  ): Promise<JobRunResult | null> {
    const mine = heldBy(job.id, this.id);
    const recurrence = definition.recurrence;
    let again: { at: Date | null; afterMs: number | null } | null = outcome
      ? { at: outcome.runAgain.at ?? null, afterMs: outcome.runAgain.afterMs ?? null }
      : null;
    if (!again && recurrence) {
      again =
        'cron' in recurrence
          ? { at: nextCronRun(recurrence, job.runAt, now), afterMs: null }
          : { at: null, afterMs: recurrence.everyMs };
    }
    if (again) {
      // Enqueued again by key meanwhile (a new revision): due by the earlier of the two times.
      const count = await db.$executeRaw`
        UPDATE "Job" SET
          "runAt" = CASE WHEN "revision" = ${job.revision} THEN ${again.at}::timestamp(3)
                         WHEN "runAt" IS NULL OR ${again.at}::timestamp(3) IS NULL THEN NULL
                         ELSE LEAST("runAt", ${again.at}::timestamp(3)) END,
          "notBefore" = CASE WHEN "revision" = ${job.revision} AND ${again.afterMs}::int IS NOT NULL
                               THEN ${utcNow} + ${again.afterMs}::int * interval '1 millisecond'
                             WHEN "revision" = ${job.revision} THEN NULL
                             ELSE "notBefore" END,
          "attempts" = 0, "lastError" = NULL, "lockedBy" = NULL, "lockedUntil" = NULL,
          "lastRunAt" = ${now}, "lastScheduledFor" = ${job.runAt}, "lastResult" = ${outcome ? 'rescheduled' : 'succeeded'}
        WHERE ${mine}`;
      return count ? 'rescheduled' : null;
    }
    const deleted = await db.$executeRaw`DELETE FROM "Job" WHERE ${mine} AND "revision" = ${job.revision}`;
    if (deleted) return 'succeeded';
    // Enqueued again by key while it ran: it stays, due as that enqueue asked.
    const kept = await db.$executeRaw`
      UPDATE "Job" SET "attempts" = 0, "lastError" = NULL, "lockedBy" = NULL, "lockedUntil" = NULL WHERE ${mine}`;
    return kept ? 'succeeded' : null;
  }

  /** Records a failed run: retried after a backoff, or kept as failed after its last attempt (a cron job moves on to its next occurrence). */
  private async fail(job: ClaimedJob, definition: AnyJobDefinition, error: unknown, now: Date): Promise<JobRunResult> {
    const { prisma } = this.options;
    const mine = heldBy(job.id, this.id);
    const message = (error instanceof Error ? (error.stack ?? error.message) : String(error)).slice(0, 2000);
    const recurrence = definition.recurrence;
    if (job.attempts < job.maxAttempts) {
      const delay = Math.round((definition.retryDelayMs ?? defaultRetryDelay)(job.attempts));
      await prisma.$executeRaw`
        UPDATE "Job" SET "notBefore" = ${utcNow} + ${delay}::int * interval '1 millisecond',
               "lastError" = ${message}, "lockedBy" = NULL, "lockedUntil" = NULL,
               "lastRunAt" = ${now}, "lastScheduledFor" = ${job.runAt}, "lastResult" = 'retried'
         WHERE ${mine}`;
      return 'retried';
    }
    if (recurrence) {
      // A recurring job is never given up: it moves on to its next turn.
      const at = 'cron' in recurrence ? nextCronRun(recurrence, job.runAt, now) : null;
      const afterMs = 'cron' in recurrence ? null : recurrence.everyMs;
      await prisma.$executeRaw`
        UPDATE "Job" SET "runAt" = ${at}::timestamp(3),
               "notBefore" = CASE WHEN ${afterMs}::int IS NULL THEN NULL ELSE ${utcNow} + ${afterMs}::int * interval '1 millisecond' END,
               "attempts" = 0, "lastError" = ${message}, "lockedBy" = NULL, "lockedUntil" = NULL,
               "lastRunAt" = ${now}, "lastScheduledFor" = ${job.runAt}, "lastResult" = 'failed'
         WHERE ${mine}`;
      return 'failed';
    }
    // The key is freed so the work can be enqueued again.
    await prisma.$executeRaw`
      UPDATE "Job" SET "failedAt" = ${utcNow}, "key" = NULL, "lastError" = ${message}, "lockedBy" = NULL, "lockedUntil" = NULL,
             "lastRunAt" = ${now}, "lastScheduledFor" = ${job.runAt}, "lastResult" = 'failed'
       WHERE ${mine}`;
    return 'failed';
  }
}

/** The job's row, while this runner holds it. */
function heldBy(id: bigint, runner: string) {
  return Prisma.sql`"id" = ${id} AND "lockedBy" = ${runner}`;
}

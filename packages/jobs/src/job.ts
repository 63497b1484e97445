import type { Prisma, PrismaClient } from '@shopwarden/db';
import { Cron } from 'croner';

/** A value that survives a round trip through the job's JSON payload. */
export type JobPayload = Prisma.InputJsonValue;

/** The logger a job is given (pino's, in the API). */
export interface JobLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** What a run of a job sees. */
export interface JobContext {
  prisma: PrismaClient;
  jobId: bigint;
  /** 1 for the first run; a run after a failure or after its worker died counts up. */
  attempt: number;
  /**
   * The platform instant the job was due at: its `runAt`, or the cron occurrence it runs for. Null
   * for a job enqueued to run at once. Work "as of" a date (a weekly report) uses this, not `now`,
   * so an occurrence caught up late computes what it would have on time.
   */
  scheduledFor: Date | null;
  /** The platform clock (the sandbox clock outside production) when this run started. */
  now: Date;
  /** Aborted when the runner stops or this run lost its lease (another worker may take the job over): stop soon. */
  signal: AbortSignal;
  logger: JobLogger;
}

/** What a transactional job's run sees: its writes commit together with the job's completion, or not at all. */
export interface TransactionalJobContext extends JobContext {
  tx: Prisma.TransactionClient;
}

/**
 * What a run asks for next. Nothing: the job is done (a recurring job waits for its next turn).
 * `runAgain`: keep the job and run it again at a platform instant (`at`, which the sandbox clock
 * moves), after a real delay (`afterMs`, which it does not), or at once (neither).
 */
export type JobOutcome = void | { runAgain: { at?: Date; afterMs?: number } };

interface JobDefinitionBase {
  /** Unique, stored in each job row: `<module>.<what>`, e.g. "webhooks.deliver". */
  readonly name: string;
  /** What it does, in one sentence: administrators read it in `platformJobs`. */
  readonly description?: string;
  /** Runs before the job is given up as failed (kept, with `failedAt` and the last error). @default 10 */
  readonly maxAttempts?: number;
  /** The real delay before the run after failed attempt `attempt`. @default 1 s, doubling, at most 1 h, with jitter */
  readonly retryDelayMs?: (attempt: number) => number;
}

/** Run outside a transaction: for work with effects outside the database (an HTTP call) or its own transactions. At least once. */
export interface PlainJobDefinition<P> extends JobDefinitionBase {
  readonly transactional?: false;
  run(payload: P, ctx: JobContext): Promise<JobOutcome>;
}

/** Run inside one transaction with the job's completion: database work done exactly once. Keep it short (PGlite has one connection). */
export interface TransactionalJobDefinition<P> extends JobDefinitionBase {
  readonly transactional: true;
  /** The transaction's timeout. @default 60000 */
  readonly timeoutMs?: number;
  run(payload: P, ctx: TransactionalJobContext): Promise<JobOutcome>;
}

/**
 * What a cron job does with the occurrences it missed (the sandbox clock jumped, or no runner ran):
 * `every` runs once for each, oldest first (work "as of" each occurrence, such as a weekly report);
 * `latest` runs once for all of them (a sweep that works as of `now`) and then waits for the next
 * occurrence after the clock.
 */
export type CatchUp = 'every' | 'latest';

/** When a recurring job runs: at each occurrence of a cron pattern on the platform clock, or when woken (else every `everyMs`). */
export type Recurrence =
  | {
      readonly cron: string;
      /** @default 'every' */
      readonly catchUp?: CatchUp;
    }
  | {
      /** A NOTIFY channel: a notification makes the job due at once (debounced per instance). */
      readonly wakeOn?: string;
      /** Real time between runs when nothing wakes it. */
      readonly everyMs: number;
    };

/** A job that is enqueued with a payload, any number of times. */
export type JobDefinition<P = JobPayload> = (PlainJobDefinition<P> | TransactionalJobDefinition<P>) & {
  readonly recurrence?: undefined;
};

/** A job of which exactly one exists, created by the runner, run again and again: no payload. */
export type RecurringJobDefinition = (
  PlainJobDefinition<Record<string, never>> | TransactionalJobDefinition<Record<string, never>>
) & {
  readonly recurrence: Recurrence;
};

export type AnyJobDefinition = JobDefinition<never> | RecurringJobDefinition;

const NAME = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)+$/;

function checkName(name: string) {
  if (!NAME.test(name)) throw new Error(`Job name "${name}" must look like "<module>.<what>" (lower case).`);
}

/**
 * Declares a job that code enqueues with a payload (`enqueueJob`). List it in the job registry
 * (packages/schema/src/jobs.ts) so every runner knows it.
 */
export function defineJob<P extends JobPayload>(definition: JobDefinition<P>): JobDefinition<P> {
  checkName(definition.name);
  return Object.freeze({ ...definition });
}

/**
 * Declares a recurring job: the runner creates its one row when it starts, and runs it at each cron
 * occurrence on the platform clock (catching up every missed occurrence, in order, one after the
 * other), or whenever its channel is notified. List it in the job registry.
 */
export function defineRecurringJob(definition: RecurringJobDefinition): RecurringJobDefinition {
  checkName(definition.name);
  if ('cron' in definition.recurrence) cronOf(definition.recurrence.cron);
  else if (!(definition.recurrence.everyMs > 0)) throw new Error(`Job ${definition.name}: everyMs must be positive.`);
  return Object.freeze({ ...definition });
}

const patterns = new Map<string, Cron>();

/** A parsed cron pattern (five fields, UTC); throws on a bad one. */
export function cronOf(pattern: string): Cron {
  let cron = patterns.get(pattern);
  if (!cron) {
    cron = new Cron(pattern, { timezone: 'Etc/UTC', paused: true });
    patterns.set(pattern, cron);
  }
  return cron;
}

/**
 * When a cron job that ran for the occurrence `ranFor` falls due next: the next occurrence after it
 * (`every`), or after the later of it and the clock (`latest`, so missed occurrences collapse into one run).
 */
export function nextCronRun(recurrence: { cron: string; catchUp?: CatchUp }, ranFor: Date | null, now: Date): Date {
  const after = !ranFor || (recurrence.catchUp === 'latest' && now > ranFor) ? now : ranFor;
  return nextOccurrence(recurrence.cron, after);
}

/** The first occurrence of `pattern` strictly after `after`. */
export function nextOccurrence(pattern: string, after: Date): Date {
  const next = cronOf(pattern).nextRun(after);
  if (!next) throw new Error(`Cron pattern "${pattern}" has no occurrence after ${after.toISOString()}.`);
  return next;
}

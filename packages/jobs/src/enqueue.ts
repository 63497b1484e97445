import { Prisma } from '@shopwarden/db';
import type { JobPayload } from './job.ts';

/** Anything that runs SQL: the client, or a transaction (enqueue inside the transaction of the change that causes the job). */
type Db = Pick<Prisma.TransactionClient, '$executeRaw'>;

export interface EnqueueOptions {
  /** The platform instant from which it may run (the sandbox clock moves it); omitted: at once. */
  runAt?: Date | null;
  /** A real delay before it may run, in ms (not moved by the sandbox clock). */
  afterMs?: number;
  /**
   * At most one job holds a key. Enqueueing with a key that is held keeps that job (and its payload)
   * and makes it due by the earlier of the two times; if it is running, it runs again afterwards.
   */
  key?: string;
  /** @default the definition's, else 10 */
  maxAttempts?: number;
}

/** What enqueueing needs of a job (a definition is one): a service can enqueue a job whose handler imports it. */
export interface JobRef {
  readonly name: string;
  readonly maxAttempts?: number;
}

export interface EnqueueItem<P> extends EnqueueOptions {
  payload: P;
}

/** Stores a job; with a transaction, it exists exactly when that transaction commits. */
export async function enqueueJob<P extends JobPayload>(
  db: Db,
  job: JobRef,
  payload: P,
  options: EnqueueOptions = {},
): Promise<void> {
  await enqueueJobs(db, job, [{ ...options, payload }]);
}

/** Stores many jobs of one definition in one statement (items with the same key merge into one job). */
export async function enqueueJobs<P extends JobPayload>(
  db: Db,
  job: JobRef,
  items: readonly EnqueueItem<P>[],
): Promise<void> {
  if (!items.length) return;
  const byKey = new Map<string, EnqueueItem<P>>();
  const rows: EnqueueItem<P>[] = [];
  for (const item of items) {
    if (item.key === undefined) rows.push(item);
    else {
      const held = byKey.get(item.key);
      byKey.set(
        item.key,
        held ? { ...held, runAt: earlier(held.runAt, item.runAt), afterMs: shorter(held, item) } : item,
      );
    }
  }
  rows.push(...byKey.values());
  const maxAttempts = (item: EnqueueItem<P>) => item.maxAttempts ?? job.maxAttempts ?? 10;
  await db.$executeRaw`
    INSERT INTO "Job" ("name", "payload", "runAt", "notBefore", "key", "maxAttempts")
    SELECT ${job.name}, j.payload, j.run_at, CASE WHEN j.after_ms IS NULL THEN NULL
             ELSE (clock_timestamp() AT TIME ZONE 'UTC') + j.after_ms * interval '1 millisecond' END,
           j.key, j.max_attempts
      FROM unnest(${rows.map((r) => JSON.stringify(r.payload))}::jsonb[],
                  ${rows.map((r) => r.runAt ?? null)}::timestamp(3)[],
                  ${rows.map((r) => r.afterMs ?? null)}::int[],
                  ${rows.map((r) => r.key ?? null)}::text[],
                  ${rows.map(maxAttempts)}::int[]) AS j(payload, run_at, after_ms, key, max_attempts)
    ON CONFLICT ("key") DO UPDATE SET
      "revision" = "Job"."revision" + 1,
      "runAt" = CASE WHEN "Job"."runAt" IS NULL OR EXCLUDED."runAt" IS NULL THEN NULL
                     ELSE LEAST("Job"."runAt", EXCLUDED."runAt") END,
      "notBefore" = CASE WHEN "Job"."notBefore" IS NULL OR EXCLUDED."notBefore" IS NULL THEN NULL
                         ELSE LEAST("Job"."notBefore", EXCLUDED."notBefore") END`;
}

/**
 * Makes the job holding `key` due at once (if it is running, it runs again when this run ends).
 * False when no job holds the key.
 */
export async function expediteJob(db: Db, key: string): Promise<boolean> {
  const count = await db.$executeRaw`
    UPDATE "Job" SET "runAt" = NULL, "notBefore" = NULL, "revision" = "revision" + 1
     WHERE "key" = ${key} AND "failedAt" IS NULL`;
  return count > 0;
}

const earlier = (a: Date | null | undefined, b: Date | null | undefined) => (!a || !b ? null : a < b ? a : b);
const shorter = (a: EnqueueOptions, b: EnqueueOptions) =>
  a.afterMs === undefined || b.afterMs === undefined ? undefined : Math.min(a.afterMs, b.afterMs);

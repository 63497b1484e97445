import type { PrismaClient } from '@shopwarden/db';
import type { AnyJobDefinition, CatchUp } from '@shopwarden/jobs';
import { ValidationError } from '#lib/errors.ts';
import { jobs } from '#jobs';

export type PlatformJobResult = 'succeeded' | 'rescheduled' | 'retried' | 'failed';

/** A job of the registry with its schedule and what its rows say. */
export interface PlatformJobView {
  name: string;
  description: string | null;
  cron: string | null;
  catchUp: CatchUp | null;
  lastRunAt: Date | null;
  lastScheduledFor: Date | null;
  lastResult: PlatformJobResult | null;
  nextRunAt: Date | null;
  pendingCount: number;
  failedCount: number;
}

interface JobStats {
  name: string;
  pending: number;
  failed: number;
  dueNow: boolean;
  next: Date | null;
  lastRunAt: Date | null;
  lastScheduledFor: Date | null;
  lastResult: string | null;
}

const cronOf = (job: AnyJobDefinition) =>
  job.recurrence && 'cron' in job.recurrence
    ? { cron: job.recurrence.cron, catchUp: job.recurrence.catchUp ?? 'every' }
    : null;

/** Every job of the registry, in its order, with its last run and next run (platform instants), in one statement. */
export async function listPlatformJobs(prisma: PrismaClient, now: Date): Promise<PlatformJobView[]> {
  const names = jobs.map((j) => j.name);
  const rows = await prisma.$queryRaw<JobStats[]>`
    SELECT "name",
           count(*) FILTER (WHERE "failedAt" IS NULL)::int AS pending,
           count(*) FILTER (WHERE "failedAt" IS NOT NULL)::int AS failed,
           COALESCE(bool_or("failedAt" IS NULL AND "runAt" IS NULL), false) AS "dueNow",
           min("runAt") FILTER (WHERE "failedAt" IS NULL) AS next,
           max("lastRunAt") AS "lastRunAt",
           (array_agg("lastScheduledFor" ORDER BY "lastRunAt" DESC NULLS LAST))[1] AS "lastScheduledFor",
           (array_agg("lastResult" ORDER BY "lastRunAt" DESC NULLS LAST))[1] AS "lastResult"
      FROM "Job" WHERE "name" = ANY(${names}::text[])
     GROUP BY "name"`;
  const byName = new Map(rows.map((r) => [r.name, r]));
  return jobs.map((job) => {
    const stats = byName.get(job.name);
    const schedule = cronOf(job);
    return {
      name: job.name,
      description: job.description ?? null,
      cron: schedule?.cron ?? null,
      catchUp: schedule?.catchUp ?? null,
      lastRunAt: stats?.lastRunAt ?? null,
      lastScheduledFor: stats?.lastScheduledFor ?? null,
      lastResult: (stats?.lastResult as PlatformJobResult | null) ?? null,
      nextRunAt: stats?.dueNow ? now : (stats?.next ?? null),
      pendingCount: stats?.pending ?? 0,
      failedCount: stats?.failed ?? 0,
    };
  });
}

/**
 * Makes a scheduled job due now on the platform clock (runners are woken by the clock's poll or the
 * database): it runs as of now, and its next occurrence follows it. An occurrence already due is
 * left to run as it is, so none is skipped.
 */
export async function runPlatformJobNow(prisma: PrismaClient, name: string, now: Date): Promise<void> {
  const job = jobs.find((j) => j.name === name);
  if (!job) throw ValidationError.field(['input', 'name'], `No job is named "${name}"; see platformJobs.`);
  if (!job.recurrence)
    throw ValidationError.field(
      ['input', 'name'],
      `"${name}" runs for each event that schedules it; only scheduled jobs run on demand.`,
    );
  const payload = JSON.stringify('cron' in job.recurrence ? { cron: job.recurrence.cron } : {});
  await prisma.$executeRaw`
    INSERT INTO "Job" ("name", "payload", "runAt", "key", "maxAttempts")
    VALUES (${name}, ${payload}::jsonb, ${now}, ${name}, ${job.maxAttempts ?? 10})
    ON CONFLICT ("key") DO UPDATE SET "runAt" = EXCLUDED."runAt", "notBefore" = NULL, "revision" = "Job"."revision" + 1
     WHERE "Job"."runAt" IS NOT NULL AND "Job"."runAt" > ${now}`;
}

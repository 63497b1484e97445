import { Prisma, type PlatformSettings } from '@shopwarden/db';
import { enqueueJobs, type JobRef } from '@shopwarden/jobs';
import { recomputeShopHealth, sqlInstant } from './ledger.service.ts';

type Thresholds = Pick<PlatformSettings, 'atRiskThreshold' | 'restrictedThreshold' | 'suspendedThreshold'>;

/** The job that applies an expiry at its instant (its handler, points-expiry.job.ts, calls this file). */
export const followPointsExpiryJob: JobRef = { name: 'health.points-expire' };

/** One job per (shop, instant): points that expire together change the shop once. */
export function pointsExpiryKey(shopId: number, expiresAt: Date): string {
  return `${followPointsExpiryJob.name}:${shopId}:${expiresAt.toISOString()}`;
}

/** Schedules the re-evaluation of each shop at the instant its points expire (inside the transaction that wrote them). */
export async function schedulePointsExpiries(
  tx: Prisma.TransactionClient,
  expiries: readonly { shopId: number; expiresAt: Date }[],
): Promise<void> {
  await enqueueJobs(
    tx,
    followPointsExpiryJob,
    expiries.map((e) => ({
      payload: { shopId: e.shopId },
      runAt: e.expiresAt,
      key: pointsExpiryKey(e.shopId, e.expiresAt),
    })),
  );
}

/**
 * Re-evaluates a shop's health and status at the instant points expired or a deadline passed (`at`), so the status change is
 * recorded when it happened, however late the job runs. A ledger write or status change after `at`
 * already evaluated the shop later on: then it is evaluated at the latest of those, never before.
 */
export async function applyPointsExpiry(
  tx: Prisma.TransactionClient,
  shopId: number,
  at: Date,
  now: Date,
  settings: Thresholds,
  cause = 'Points expired',
) {
  const locked = await tx.$queryRaw<{ id: number }[]>`SELECT "id" FROM "Shop" WHERE "id" = ${shopId}::int FOR UPDATE`;
  if (!locked.length) return null;
  const [marks] = await tx.$queryRaw<{ lastWrite: Date | null }[]>`
    SELECT GREATEST(
      (SELECT max(e."createdAt") FROM "PointsLedgerEntry" e WHERE e."shopId" = ${shopId}::int),
      (SELECT max(c."occurredAt") FROM "ShopStatusChange" c WHERE c."shopId" = ${shopId}::int)) AS "lastWrite"`;
  const written = marks?.lastWrite ?? null;
  const lastWrite = written && written > now ? now : written;
  const asOf = lastWrite && lastWrite > at ? lastWrite : at;
  return recomputeShopHealth(tx, shopId, asOf, settings, cause);
}

/**
 * Schedules the expiries that have no job yet (points written before the runner, by the seed or by
 * hand), from `from` on. A job for an expiry already applied changes nothing, so the window may overlap.
 */
export async function scheduleMissingPointsExpiries(tx: Prisma.TransactionClient, from: Date): Promise<number> {
  const rows = await tx.$queryRaw<{ shopId: number; expiresAt: Date }[]>`
    SELECT DISTINCT e."shopId" AS "shopId", e."expiresAt" AS "expiresAt"
      FROM "PointsLedgerEntry" e
     WHERE e."kind" = 'VIOLATION_ADDED' AND e."expiresAt" > ${sqlInstant(from)}
       AND NOT EXISTS (
         SELECT 1 FROM "Job" j
          WHERE j."key" = ${followPointsExpiryJob.name} || ':' || e."shopId" || ':'
                || to_char(e."expiresAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`;
  const expiries = rows.map((r) => ({ shopId: Number(r.shopId), expiresAt: new Date(r.expiresAt) }));
  await schedulePointsExpiries(tx, expiries);
  return expiries.length;
}

/**
 * Applies, in due order, the expiries and missed migration deadlines of these shops that fell due
 * but that the runner has not applied yet (it catches up after the sandbox clock moved), so a check
 * that reads a shop's stored status next reads the one in force at `now`. The jobs still run later
 * and change nothing.
 */
export async function catchUpShopHealth(
  tx: Prisma.TransactionClient,
  shopIds: readonly number[],
  now: Date,
  settings: Thresholds,
): Promise<void> {
  if (!shopIds.length) return;
  const due = await tx.$queryRaw<{ shopId: number; runAt: Date }[]>`
    SELECT ("payload"->>'shopId')::int AS "shopId", "runAt" FROM "Job"
     WHERE "name" = ${followPointsExpiryJob.name} AND "failedAt" IS NULL AND "runAt" <= ${sqlInstant(now)}
       AND ("payload"->>'shopId')::int IN (${Prisma.join(shopIds.map((id) => Prisma.sql`${id}::int`))})
     ORDER BY "runAt", "id"`;
  const deadlines = await tx.shop.findMany({
    where: {
      id: { in: [...shopIds] },
      businessModel: 'SEMI_CLOSED_LOOP',
      status: 'ACTIVE',
      migrationDeadline: { lte: now },
    },
    select: { id: true, migrationDeadline: true },
  });
  const work = [
    ...due.map((j) => ({ shopId: Number(j.shopId), at: new Date(j.runAt), cause: 'Points expired' })),
    ...deadlines.flatMap((s) =>
      s.migrationDeadline
        ? [{ shopId: s.id, at: s.migrationDeadline, cause: 'Business-model migration deadline passed' }]
        : [],
    ),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());
  for (const w of work) await applyPointsExpiry(tx, w.shopId, w.at, now, settings, w.cause);
}

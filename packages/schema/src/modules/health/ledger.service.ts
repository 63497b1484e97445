import { Prisma, type HealthStatus, type PlatformSettings, type PrismaClient, type ShopStatus } from '@shopwarden/db';
import type { Context } from '#context';
import { AppError, NotFoundError } from '#lib/errors.ts';
import { recordEvent } from '#modules/platform/outbox.service.ts';
import { isMigrationOverdue, withMigration } from '#modules/shops/business-model-rules.ts';

/** Anything that can run a raw statement: the client or an interactive transaction. */
export type Db = PrismaClient | Prisma.TransactionClient;

export const DAY_MS = 86_400_000;

type Thresholds = Pick<PlatformSettings, 'atRiskThreshold' | 'restrictedThreshold' | 'suspendedThreshold'>;

/** Health from a balance and the thresholds in force (SPEC §3: 12 / 24 / 48 by default). */
export function healthForBalance(balance: number, s: Thresholds): HealthStatus {
  if (balance >= s.suspendedThreshold) return 'SUSPENDED';
  if (balance >= s.restrictedThreshold) return 'RESTRICTED';
  if (balance >= s.atRiskThreshold) return 'AT_RISK';
  return 'HEALTHY';
}

/** The shop status a health implies: AT_RISK still trades. */
export function statusForHealth(health: HealthStatus): ShopStatus {
  if (health === 'SUSPENDED') return 'SUSPENDED';
  if (health === 'RESTRICTED') return 'RESTRICTED';
  return 'ACTIVE';
}

/** Timestamps are stored as UTC `timestamp(3)`; an ISO string cast to it keeps the UTC wall time whatever the session zone. */
export function sqlInstant(at: Date): Prisma.Sql {
  return Prisma.sql`${at.toISOString()}::timestamp(3)`;
}

/**
 * The balance of each (shop, instant) pair, in ONE statement, from the ledger alone.
 *
 * balance(shop, T) = Σ over violations v of max(0, Σ entries e of v with e.effectiveAt ≤ T < e.expiresAt)
 *
 * A VIOLATION_ADDED entry is effective from the violation's occurredAt until its expiry; removal
 * entries (QUIZ_REMOVAL, APPEAL_REMOVAL: negative) are effective from the removal instant and carry
 * the same expiresAt as the violation they reduce, so they stop exactly when it expires. Grouping
 * by violation and clamping at zero means no removal can ever push a violation below nothing.
 * Entries without a violation (none are written today) count on their own.
 */
export async function ledgerBalances(db: Db, pairs: readonly { shopId: number; at: Date }[]): Promise<number[]> {
  if (pairs.length === 0) return [];
  const values = Prisma.join(pairs.map((p, i) => Prisma.sql`(${i}::int, ${p.shopId}::int, ${sqlInstant(p.at)})`));
  const rows = await db.$queryRaw<{ i: number; balance: number }[]>`
    SELECT q.i, COALESCE(SUM(GREATEST(c.total, 0)), 0)::int AS balance
    FROM (VALUES ${values}) AS q(i, shop_id, at)
    LEFT JOIN LATERAL (
      SELECT SUM(e."points") AS total
      FROM "PointsLedgerEntry" e
      WHERE e."shopId" = q.shop_id AND e."effectiveAt" <= q.at AND (e."expiresAt" IS NULL OR e."expiresAt" > q.at)
      GROUP BY COALESCE(e."violationId", -e."id")
    ) c ON true
    GROUP BY q.i
    ORDER BY q.i`;
  const byIndex = new Map(rows.map((r) => [Number(r.i), Number(r.balance)]));
  return pairs.map((_, i) => byIndex.get(i) ?? 0);
}

export async function ledgerBalance(db: Db, shopId: number, at: Date): Promise<number> {
  return (await ledgerBalances(db, [{ shopId, at }]))[0] ?? 0;
}

/** Points each violation still contributes at `at` (0 once expired or fully removed), in one statement. */
export async function remainingPoints(db: Db, violationIds: readonly number[], at: Date): Promise<Map<number, number>> {
  const result = new Map<number, number>(violationIds.map((id) => [id, 0]));
  if (violationIds.length === 0) return result;
  const rows = await db.$queryRaw<{ id: number; remaining: number }[]>`
    SELECT e."violationId" AS id, GREATEST(SUM(e."points"), 0)::int AS remaining
    FROM "PointsLedgerEntry" e
    WHERE e."violationId" IN (${Prisma.join(violationIds.map((id) => Prisma.sql`${id}::int`))})
      AND e."effectiveAt" <= ${sqlInstant(at)} AND (e."expiresAt" IS NULL OR e."expiresAt" > ${sqlInstant(at)})
    GROUP BY e."violationId"`;
  for (const r of rows) result.set(Number(r.id), Number(r.remaining));
  return result;
}

function isRetryable(error: unknown): boolean {
  if (error instanceof AppError) return false;
  if (error instanceof Prisma.PrismaClientKnownRequestError) return error.code === 'P2034' || error.code === 'P2028';
  const message = error instanceof Error ? error.message : '';
  return /could not serialize|deadlock detected|Unable to start a transaction|Transaction already closed/i.test(
    message,
  );
}

/**
 * Runs `fn` in one transaction holding the shop row lock (SELECT … FOR UPDATE): every change of a
 * shop's ledger goes through here, so per-shop rules (monthly quiz limit, cooldowns, health
 * transitions) are evaluated one writer at a time. Transient failures are retried up to 5 times.
 */
export async function inShopTransaction<T>(
  ctx: Pick<Context, 'prisma'>,
  shopId: number,
  fn: (tx: Prisma.TransactionClient) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.prisma.$transaction(
        async (tx) => {
          const locked = await tx.$queryRaw<
            { id: number }[]
          >`SELECT "id" FROM "Shop" WHERE "id" = ${shopId}::int FOR UPDATE`;
          if (locked.length === 0) throw new NotFoundError('Shop');
          return fn(tx);
        },
        { maxWait: 5_000, timeout: 15_000 },
      );
    } catch (error) {
      if (attempt >= 5 || !isRetryable(error)) throw error;
      await new Promise((r) => setTimeout(r, 20 * attempt + Math.random() * 50));
    }
  }
}

export interface HealthOutcome {
  balance: number;
  health: HealthStatus;
  status: ShopStatus;
  changed: boolean;
}

/**
 * Recomputes a shop's health and status from its ledger at `now` (inside the caller's locked
 * transaction); a SEMI_CLOSED_LOOP shop past its migration deadline is held at least RESTRICTED. A change is written to Shop, recorded as a ShopStatusChange with the balance that
 * caused it, and announced as 'shop.health_changed' in the outbox.
 */
export async function recomputeShopHealth(
  tx: Prisma.TransactionClient,
  shopId: number,
  now: Date,
  settings: Thresholds,
  cause: string,
): Promise<HealthOutcome> {
  const balance = await ledgerBalance(tx, shopId, now);
  const shop = await tx.shop.findUniqueOrThrow({
    where: { id: shopId },
    select: { status: true, healthStatus: true, businessModel: true, migrationDeadline: true },
  });
  const health = healthForBalance(balance, settings);
  const overdue = isMigrationOverdue(shop, now);
  const status = withMigration(statusForHealth(health), overdue);
  if (health === shop.healthStatus && status === shop.status) return { balance, health, status, changed: false };
  const migration =
    overdue && shop.migrationDeadline
      ? `; SEMI_CLOSED_LOOP migration overdue since ${shop.migrationDeadline.toISOString()}`
      : '';
  const reason = `${cause}: balance ${balance} points (thresholds ${settings.atRiskThreshold}/${settings.restrictedThreshold}/${settings.suspendedThreshold})${migration}`;
  await tx.shop.update({ where: { id: shopId }, data: { healthStatus: health, status, version: { increment: 1 } } });
  const change = await tx.shopStatusChange.create({
    data: {
      shopId,
      fromStatus: shop.status,
      toStatus: status,
      fromHealth: shop.healthStatus,
      toHealth: health,
      balance,
      reason,
      occurredAt: now,
    },
  });
  await recordEvent(tx, {
    type: 'shop.health_changed',
    shopId,
    subjectType: 'Shop',
    subjectId: String(shopId),
    payload: {
      statusChangeId: change.id,
      fromHealth: shop.healthStatus,
      toHealth: health,
      fromStatus: shop.status,
      toStatus: status,
      balance,
      reason,
    },
    occurredAt: now,
  });
  return { balance, health, status, changed: true };
}

/** shopHealthRefresh: re-evaluates a shop at the platform clock, e.g. after points expired. */
export async function refreshShopHealth(ctx: Context, shopId: number): Promise<HealthOutcome> {
  const [settings, now] = [await ctx.settings(), await ctx.now()];
  return inShopTransaction(ctx, shopId, (tx) => recomputeShopHealth(tx, shopId, now, settings, 'Health refresh'));
}

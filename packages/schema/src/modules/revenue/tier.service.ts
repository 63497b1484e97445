import { Prisma, type PrismaClient } from '@shopwarden/db';
import type { Context } from '#context';
import { ValidationError } from '#lib/errors.ts';
import { assertAdmin } from '#modules/auth/viewer.ts';
import { metricWindows, sqlTimestamp, TIER_CURRENCY } from './metrics.service.ts';

/** How many changed shops a recalculation result lists (the run's assignments hold all of them). */
export const TIER_CHANGE_PREVIEW_LIMIT = 250;

export interface TierChange {
  shopId: number;
  previousTierId: number | null;
  tierId: number;
  trailingRevenue: bigint;
  lastMonthSales: bigint;
  fulfilmentModeAfter: 'PLATFORM' | 'SELF_SHIPPING';
}

export interface TierRecalculation {
  dryRun: boolean;
  asOf: Date;
  runId: number | null;
  shopsEvaluated: number;
  changedCount: number;
  /** The first TIER_CHANGE_PREVIEW_LIMIT changes by shop id. */
  changes: TierChange[];
}

/**
 * The set of shops whose tier would change as of `asOf`, as SQL: one aggregate over the USD orders
 * in the trailing window grouped by shop, every shop joined to it, and the highest-rank tier whose
 * both thresholds are met. Shops that qualify for no tier keep theirs.
 */
function changedShopsCte(asOf: Date): Prisma.Sql {
  const w = metricWindows(asOf);
  return Prisma.sql`
    sales AS MATERIALIZED (
      SELECT o."shopId",
             SUM(o.amount)::bigint AS trailing_revenue,
             COALESCE(SUM(o.amount) FILTER (WHERE o."placedAt" >= ${sqlTimestamp(w.lastMonthStart)} AND o."placedAt" < ${sqlTimestamp(w.lastMonthEnd)}), 0)::bigint AS last_month
        FROM "Order" o
       WHERE o.currency = ${TIER_CURRENCY}
         AND o."placedAt" > ${sqlTimestamp(w.trailingStart)} AND o."placedAt" <= ${sqlTimestamp(asOf)}
       GROUP BY o."shopId"
    ),
    target AS (
      SELECT s.id AS "shopId", s."tierId" AS "previousTierId", s."fulfilmentMode" AS "fulfilmentMode",
             COALESCE(x.trailing_revenue, 0)::bigint AS trailing_revenue, COALESCE(x.last_month, 0)::bigint AS last_month,
             q.id AS "tierId", q."selfShippingAllowed" AS "selfShippingAllowed"
        FROM "Shop" s
        LEFT JOIN sales x ON x."shopId" = s.id
        CROSS JOIN LATERAL (
          SELECT t.id, t."selfShippingAllowed" FROM "Tier" t
           WHERE t."minTrailingRevenue" <= COALESCE(x.trailing_revenue, 0) AND t."minLastMonthSales" <= COALESCE(x.last_month, 0)
           ORDER BY t.rank DESC LIMIT 1
        ) q
    ),
    changed AS (
      SELECT "shopId", "previousTierId", "tierId", trailing_revenue, last_month,
             CASE WHEN "selfShippingAllowed" THEN "fulfilmentMode" ELSE 'PLATFORM'::"FulfilmentMode" END AS "fulfilmentModeAfter"
        FROM target
       WHERE "tierId" IS DISTINCT FROM "previousTierId"
    )`;
}

interface ChangeRow {
  shopId: number;
  previousTierId: number | null;
  tierId: number;
  trailing: bigint;
  lastMonth: bigint;
  fulfilmentModeAfter: 'PLATFORM' | 'SELF_SHIPPING';
  total: bigint;
}

const toChange = (r: ChangeRow): TierChange => ({
  shopId: r.shopId,
  previousTierId: r.previousTierId,
  tierId: r.tierId,
  trailingRevenue: BigInt(r.trailing),
  lastMonthSales: BigInt(r.lastMonth),
  fulfilmentModeAfter: r.fulfilmentModeAfter,
});

/**
 * Recomputes every shop's tier as of `asOf` (default: the platform clock's now). A dry run lists the
 * changes and writes nothing. A real run is recorded as a TierRecalculationRun and, set-based in
 * one statement, moves changed shops (UPDATE … FROM), keeps each change with its metrics
 * (INSERT … SELECT into TierAssignment) and writes a `shop.tier_changed` outbox event per shop.
 * A shop whose new tier disallows self-shipping is switched to PLATFORM fulfilment; one that gains
 * it keeps its current mode. Runs are serialised, so a second run right after changes nothing.
 */
export async function recalculateTiers(
  ctx: Context,
  input: { dryRun: boolean; asOf?: Date | null },
): Promise<TierRecalculation> {
  assertAdmin(ctx.viewer);
  const now = await ctx.now();
  const asOf = input.asOf ?? now;
  if (asOf > now) throw ValidationError.field(['input', 'asOf'], "asOf cannot be after the platform clock's now.");
  return runTierRecalculation(ctx.prisma, { dryRun: input.dryRun, asOf, now, actorApiKeyId: ctx.viewer.apiKeyId });
}

/** The recalculation itself, without the caller checks (the benchmark calls it directly). */
export async function runTierRecalculation(
  prisma: PrismaClient,
  opts: { dryRun: boolean; asOf: Date; now: Date; actorApiKeyId: number | null },
): Promise<TierRecalculation> {
  const { dryRun, asOf, now } = opts;
  return prisma.$transaction(
    async (tx) => {
      // Serialises runs: a concurrent run waits, then sees this one's result and changes nothing.
      await tx.$queryRaw`SELECT id FROM "Tier" ORDER BY id FOR UPDATE`;
      const [{ count: shopsEvaluated }] = await tx.$queryRaw<
        [{ count: number }]
      >`SELECT count(*)::int AS count FROM "Shop"`;
      if (dryRun) {
        const rows = await tx.$queryRaw<ChangeRow[]>`
          WITH ${changedShopsCte(asOf)}
          SELECT "shopId", "previousTierId", "tierId", trailing_revenue AS trailing, last_month AS "lastMonth", "fulfilmentModeAfter"::text AS "fulfilmentModeAfter", count(*) OVER () AS total
            FROM changed ORDER BY "shopId" LIMIT ${TIER_CHANGE_PREVIEW_LIMIT}`;
        return {
          dryRun,
          asOf,
          runId: null,
          shopsEvaluated,
          changedCount: Number(rows[0]?.total ?? 0),
          changes: rows.map(toChange),
        };
      }
      const run = await tx.tierRecalculationRun.create({
        data: { asOf, actorApiKeyId: opts.actorApiKeyId, createdAt: now },
        select: { id: true },
      });
      const rows = await tx.$queryRaw<ChangeRow[]>`
        WITH ${changedShopsCte(asOf)},
        moved AS (
          UPDATE "Shop" s
             SET "tierId" = c."tierId", "fulfilmentMode" = c."fulfilmentModeAfter", "version" = s."version" + 1, "updatedAt" = ${sqlTimestamp(now)}
            FROM changed c
           WHERE s.id = c."shopId"
          RETURNING s.id
        ),
        kept AS (
          INSERT INTO "TierAssignment" ("shopId", "tierId", "previousTierId", "runId", "trailingRevenue", "lastMonthSales", "asOf",
                                        "tierMinTrailingRevenue", "tierMinLastMonthSales", "tierSupportLevel", "tierSelfShippingAllowed", "createdAt")
          SELECT c."shopId", c."tierId", c."previousTierId", ${run.id}::int, c.trailing_revenue, c.last_month, ${sqlTimestamp(asOf)},
                 t."minTrailingRevenue", t."minLastMonthSales", t."supportLevel", t."selfShippingAllowed", ${sqlTimestamp(now)}
            FROM changed c JOIN "Tier" t ON t.id = c."tierId"
          RETURNING id
        ),
        announced AS (
          INSERT INTO "OutboxEvent" ("type", "shopId", "subjectType", "subjectId", "payload", "occurredAt")
          SELECT 'shop.tier_changed', c."shopId", 'Shop', c."shopId"::text,
                 jsonb_build_object('runId', ${run.id}::int, 'fromTier', pt.code, 'toTier', nt.code,
                                    'trailingRevenue', c.trailing_revenue::text, 'lastMonthSales', c.last_month::text,
                                    'currency', ${TIER_CURRENCY}::text, 'asOf', ${asOf.toISOString()}::text, 'fulfilmentMode', c."fulfilmentModeAfter"::text),
                 ${sqlTimestamp(now)}
            FROM changed c JOIN "Tier" nt ON nt.id = c."tierId" LEFT JOIN "Tier" pt ON pt.id = c."previousTierId"
          RETURNING id
        )
        -- Data-modifying CTEs run to completion whether or not this SELECT reads them.
        SELECT c."shopId", c."previousTierId", c."tierId", c.trailing_revenue AS trailing, c.last_month AS "lastMonth", c."fulfilmentModeAfter"::text AS "fulfilmentModeAfter",
               (SELECT count(*) FROM moved) AS total
          FROM changed c ORDER BY c."shopId" LIMIT ${TIER_CHANGE_PREVIEW_LIMIT}`;
      const changedCount = Number(rows[0]?.total ?? 0);
      await tx.tierRecalculationRun.update({ where: { id: run.id }, data: { shopsEvaluated, changedCount } });
      return { dryRun, asOf, runId: run.id, shopsEvaluated, changedCount, changes: rows.map(toChange) };
    },
    { timeout: 120_000, maxWait: 10_000 },
  );
}

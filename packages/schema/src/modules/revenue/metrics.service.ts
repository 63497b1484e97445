import { Prisma, type PrismaClient, type Tier } from '@shopwarden/db';

/** The currency tier metrics are counted in; orders in other currencies do not count towards tiers. */
export const TIER_CURRENCY = 'USD';

export interface MetricWindows {
  asOf: Date;
  /** Trailing window (trailingStart, asOf]: the 12 months before asOf. */
  trailingStart: Date;
  /** The last full calendar month (UTC) before asOf: [lastMonthStart, lastMonthEnd). */
  lastMonthStart: Date;
  lastMonthEnd: Date;
}

export interface ShopMetrics extends MetricWindows {
  shopId: number;
  /** USD minor units over the trailing 12 months. */
  trailingRevenue: bigint;
  /** USD minor units in the last full calendar month. */
  lastMonthSales: bigint;
}

/** Calendar months in UTC, with the day clamped to the target month (31 March − 1 month = 28/29 February), like PostgreSQL intervals. */
export function addUtcMonths(date: Date, months: number): Date {
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(
    Date.UTC(
      y,
      m,
      Math.min(date.getUTCDate(), lastDay),
      date.getUTCHours(),
      date.getUTCMinutes(),
      date.getUTCSeconds(),
      date.getUTCMilliseconds(),
    ),
  );
}

export function metricWindows(asOf: Date): MetricWindows {
  const lastMonthEnd = new Date(Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth(), 1));
  const lastMonthStart = new Date(Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth() - 1, 1));
  return { asOf, trailingStart: addUtcMonths(asOf, -12), lastMonthStart, lastMonthEnd };
}

/** A UTC instant as a SQL `timestamp` literal parameter (the columns are timestamp without time zone, in UTC). */
export function sqlTimestamp(date: Date): Prisma.Sql {
  return Prisma.sql`${date.toISOString().slice(0, 23)}::timestamp`;
}

/**
 * Tier metrics for many shops in one aggregate query over their USD orders in the trailing window.
 * Shops without orders get zeros.
 */
export async function loadShopMetrics(
  prisma: Pick<PrismaClient, '$queryRaw'>,
  shopIds: readonly number[],
  asOf: Date,
): Promise<Map<number, ShopMetrics>> {
  const w = metricWindows(asOf);
  const result = new Map<number, ShopMetrics>(
    shopIds.map((shopId) => [shopId, { ...w, shopId, trailingRevenue: 0n, lastMonthSales: 0n }]),
  );
  if (shopIds.length === 0) return result;
  const rows = await prisma.$queryRaw<{ shopId: number; trailing: bigint; lastMonth: bigint }[]>`
    SELECT o."shopId" AS "shopId",
           SUM(o.amount)::bigint AS trailing,
           COALESCE(SUM(o.amount) FILTER (WHERE o."placedAt" >= ${sqlTimestamp(w.lastMonthStart)} AND o."placedAt" < ${sqlTimestamp(w.lastMonthEnd)}), 0)::bigint AS "lastMonth"
      FROM "Order" o
     WHERE o."shopId" IN (${Prisma.join([...shopIds])})
       AND o.currency = ${TIER_CURRENCY}
       AND o."placedAt" > ${sqlTimestamp(w.trailingStart)} AND o."placedAt" <= ${sqlTimestamp(asOf)}
     GROUP BY o."shopId"`;
  for (const r of rows)
    result.set(r.shopId, {
      ...w,
      shopId: r.shopId,
      trailingRevenue: BigInt(r.trailing),
      lastMonthSales: BigInt(r.lastMonth),
    });
  return result;
}

type TierThresholds = Pick<Tier, 'rank' | 'minTrailingRevenue' | 'minLastMonthSales'>;

/** The highest-rank tier whose both thresholds the metrics meet (null when not even the lowest tier's). */
export function qualifyingTier<T extends TierThresholds>(
  tiers: readonly T[],
  m: { trailingRevenue: bigint; lastMonthSales: bigint },
): T | null {
  let best: T | null = null;
  for (const t of tiers) {
    if (
      m.trailingRevenue >= t.minTrailingRevenue &&
      m.lastMonthSales >= t.minLastMonthSales &&
      (!best || t.rank > best.rank)
    )
      best = t;
  }
  return best;
}

/** The tier ranked just above `rank`, or null at the top. */
export function nextTierAbove<T extends TierThresholds>(tiers: readonly T[], rank: number): T | null {
  return [...tiers].sort((a, b) => a.rank - b.rank).find((t) => t.rank > rank) ?? null;
}

export interface TierDistance<T> {
  tier: T;
  trailingRevenueNeeded: bigint;
  lastMonthSalesNeeded: bigint;
}

/** How much more trailing revenue and last-month sales the next tier above the qualifying one needs; null at the top. */
export function distanceToNextTier<T extends TierThresholds>(
  tiers: readonly T[],
  m: { trailingRevenue: bigint; lastMonthSales: bigint },
): TierDistance<T> | null {
  const current = qualifyingTier(tiers, m);
  const next = nextTierAbove(tiers, current ? current.rank : Number.NEGATIVE_INFINITY);
  if (!next) return null;
  const gap = (min: bigint, have: bigint) => (min > have ? min - have : 0n);
  return {
    tier: next,
    trailingRevenueNeeded: gap(next.minTrailingRevenue, m.trailingRevenue),
    lastMonthSalesNeeded: gap(next.minLastMonthSales, m.lastMonthSales),
  };
}

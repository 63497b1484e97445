import type { Prisma, SupportLevel } from '../generated/prisma/client';
import { addMonths, lastFullMonth } from './time';

export type TierCode = 'ENTRY' | 'ESTABLISHED' | 'STRATEGIC';

interface TierSpec {
  code: TierCode;
  name: string;
  rank: number;
  /** USD cents over the trailing 12 months. */
  minTrailingRevenue: bigint;
  /** USD cents in the last full calendar month. */
  minLastMonthSales: bigint;
  supportLevel: SupportLevel;
  selfShippingAllowed: boolean;
}

export const TIERS: TierSpec[] = [
  {
    code: 'ENTRY',
    name: 'Entry',
    rank: 0,
    minTrailingRevenue: 0n,
    minLastMonthSales: 0n,
    supportLevel: 'REDUCED',
    selfShippingAllowed: false,
  },
  {
    code: 'ESTABLISHED',
    name: 'Established',
    rank: 1,
    minTrailingRevenue: 100_000_000n,
    minLastMonthSales: 6_500_000n,
    supportLevel: 'STANDARD',
    selfShippingAllowed: true,
  },
  {
    code: 'STRATEGIC',
    name: 'Strategic',
    rank: 2,
    minTrailingRevenue: 1_000_000_000n,
    minLastMonthSales: 80_000_000n,
    supportLevel: 'DEDICATED',
    selfShippingAllowed: true,
  },
];

export interface TierMetrics {
  trailingRevenue: bigint;
  lastMonthSales: bigint;
}

export type TierIds = Map<TierCode, number>;

export async function seedTiers(tx: Prisma.TransactionClient): Promise<TierIds> {
  const rows = await tx.tier.createManyAndReturn({
    data: TIERS.map((t) => ({
      code: t.code,
      name: t.name,
      rank: t.rank,
      minTrailingRevenue: t.minTrailingRevenue,
      minLastMonthSales: t.minLastMonthSales,
      supportLevel: t.supportLevel,
      selfShippingAllowed: t.selfShippingAllowed,
    })),
    select: { id: true, code: true },
  });
  return new Map(rows.map((r) => [r.code as TierCode, r.id]));
}

export function tierId(ids: TierIds, code: TierCode): number {
  const id = ids.get(code);
  if (id === undefined) throw new Error(`Unknown tier ${code}`);
  return id;
}

/** Sales over [now - 12 months, now) and in the last full calendar month, from orders held in memory. */
export function tierMetrics(orders: readonly { amount: number; placedAt: Date }[], now: Date): TierMetrics {
  const trailingStart = addMonths(now, -12).getTime();
  const { start, end } = lastFullMonth(now);
  let trailing = 0;
  let lastMonth = 0;
  for (const o of orders) {
    const t = o.placedAt.getTime();
    if (t >= trailingStart && t < now.getTime()) trailing += o.amount;
    if (t >= start.getTime() && t < end.getTime()) lastMonth += o.amount;
  }
  return { trailingRevenue: BigInt(trailing), lastMonthSales: BigInt(lastMonth) };
}

/** The highest-ranked tier whose both thresholds the metrics meet. */
export function tierFor(metrics: TierMetrics): TierSpec {
  let best = TIERS[0];
  if (!best) throw new Error('No tiers defined');
  for (const t of TIERS) {
    if (
      metrics.trailingRevenue >= t.minTrailingRevenue &&
      metrics.lastMonthSales >= t.minLastMonthSales &&
      t.rank > best.rank
    )
      best = t;
  }
  return best;
}

/** Records the initial tier placement of every shop as one recalculation run. */
export async function seedTierRun(
  tx: Prisma.TransactionClient,
  tiers: TierIds,
  placements: { shopId: number; tier: TierCode; metrics: TierMetrics }[],
  asOf: Date,
): Promise<void> {
  const run = await tx.tierRecalculationRun.create({
    data: { asOf, shopsEvaluated: placements.length, changedCount: placements.length, createdAt: asOf },
    select: { id: true },
  });
  const specOf = (code: TierCode) => {
    const spec = TIERS.find((t) => t.code === code);
    if (!spec) throw new Error(`No tier ${code}`);
    return spec;
  };
  await tx.tierAssignment.createMany({
    data: placements.map((p) => ({
      shopId: p.shopId,
      tierMinTrailingRevenue: specOf(p.tier).minTrailingRevenue,
      tierMinLastMonthSales: specOf(p.tier).minLastMonthSales,
      tierSupportLevel: specOf(p.tier).supportLevel,
      tierSelfShippingAllowed: specOf(p.tier).selfShippingAllowed,
      tierId: tierId(tiers, p.tier),
      previousTierId: null,
      runId: run.id,
      trailingRevenue: p.metrics.trailingRevenue,
      lastMonthSales: p.metrics.lastMonthSales,
      asOf,
      createdAt: asOf,
    })),
  });
}

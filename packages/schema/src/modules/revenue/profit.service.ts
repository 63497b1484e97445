import type { PrismaClient } from '@shopwarden/db';
import type { Context } from '#context';
import { NotFoundError, ValidationError, type FieldError } from '#lib/errors.ts';
import { sqlTimestamp } from './metrics.service.ts';

export interface FeeAmount {
  code: string;
  name: string;
  amount: bigint;
  rateBps?: number;
}

export interface ProfitAnalysis {
  shopId: number;
  from: Date;
  to: Date;
  currency: string;
  grossSales: bigint;
  orderCount: number;
  feesByCategory: FeeAmount[];
  feesTotal: bigint;
  netRevenue: bigint;
  /** Net revenue as a percentage of gross sales, two decimals ("82.35"); null without sales. */
  margin: string | null;
}

/**
 * Profit figures for one shop's orders in [from, to) in one currency, in one SQL statement:
 * gross sales and order count, fees grouped by fee category and in total, net and margin.
 */
export async function analyseProfit(
  prisma: Pick<PrismaClient, '$queryRaw'>,
  input: { shopId: number; from: Date; to: Date; currency: string },
): Promise<ProfitAnalysis> {
  const errors: FieldError[] = [];
  if (input.from >= input.to) errors.push({ path: ['to'], message: '`to` must be after `from`.' });
  if (errors.length) throw new ValidationError(errors);
  const [row] = await prisma.$queryRaw<
    {
      gross: bigint;
      orderCount: number;
      feesTotal: bigint;
      net: bigint;
      margin: string | null;
      byCategory: { code: string; name: string; amount: string }[];
    }[]
  >`
    WITH o AS (
      SELECT id, amount FROM "Order"
       WHERE "shopId" = ${input.shopId} AND currency = ${input.currency}
         AND "placedAt" >= ${sqlTimestamp(input.from)} AND "placedAt" < ${sqlTimestamp(input.to)}
    ),
    fees AS (
      SELECT fl."feeCategoryId", SUM(fl.amount)::bigint AS amount FROM "OrderFeeLine" fl JOIN o ON o.id = fl."orderId" GROUP BY fl."feeCategoryId"
    ),
    totals AS (SELECT COALESCE(SUM(amount), 0)::bigint AS gross, count(*)::int AS n FROM o),
    fee_total AS (SELECT COALESCE(SUM(amount), 0)::bigint AS total FROM fees)
    SELECT t.gross, t.n AS "orderCount", f.total AS "feesTotal", (t.gross - f.total)::bigint AS net,
           CASE WHEN t.gross = 0 THEN NULL ELSE round((t.gross - f.total)::numeric * 100 / t.gross, 2)::text END AS margin,
           COALESCE((SELECT json_agg(json_build_object('code', fc.code, 'name', fc.name, 'amount', fees.amount::text) ORDER BY fees.amount DESC, fc.code)
                       FROM fees JOIN "FeeCategory" fc ON fc.id = fees."feeCategoryId"), '[]'::json) AS "byCategory"
      FROM totals t, fee_total f`;
  if (!row) throw new Error('The profit query returned no row');
  return {
    ...input,
    grossSales: BigInt(row.gross),
    orderCount: row.orderCount,
    feesByCategory: row.byCategory.map((f) => ({ code: f.code, name: f.name, amount: BigInt(f.amount) })),
    feesTotal: BigInt(row.feesTotal),
    netRevenue: BigInt(row.net),
    margin: row.margin,
  };
}

/**
 * The fee categories charged on every order, which a profit estimate applies at their
 * `defaultRateBps`: the referral commission, the per-order transaction fee and payment processing.
 * Occasional fees (shipping labels, affiliate commission, advertising, …) depend on the order and
 * are left out.
 */
export const EVERY_ORDER_FEE_CODES = ['COMMISSION', 'TRANSACTION', 'PAYMENT_PROCESSING'] as const;

export interface ProfitEstimate {
  price: bigint;
  currency: string;
  categoryId: number;
  tierId: number | null;
  fees: FeeAmount[];
  feesTotal: bigint;
  net: bigint;
  margin: string | null;
}

/** Percentage with two decimals, rounded half up, from integers (no floating point). */
export function marginPercent(net: bigint, gross: bigint): string | null {
  if (gross === 0n) return null;
  const negative = net < 0n;
  const abs = negative ? -net : net;
  const hundredths = (abs * 10_000n * 2n + gross) / (2n * gross);
  const text = `${hundredths / 100n}.${(hundredths % 100n).toString().padStart(2, '0')}`;
  return negative && hundredths !== 0n ? `-${text}` : text;
}

/** A fee at a rate in basis points, rounded half up to the minor unit. */
export function feeAt(amount: bigint, rateBps: number): bigint {
  return (amount * BigInt(rateBps) + 5_000n) / 10_000n;
}

/** Estimated fees, net and margin for one sale at `price`, from the fee catalogue's default rates. */
export async function estimateProfit(
  ctx: Context,
  input: { priceMinor: number; currency: string; categoryId: number; tierId: number | null },
): Promise<ProfitEstimate> {
  if (!Number.isSafeInteger(input.priceMinor) || input.priceMinor <= 0)
    throw ValidationError.field(
      ['input', 'price', 'minorUnits'],
      'The price must be a positive amount in minor units.',
    );
  const [category, tier, feeCategories] = await Promise.all([
    ctx.prisma.category.findUnique({ where: { id: input.categoryId }, select: { id: true } }),
    input.tierId === null ? null : ctx.prisma.tier.findUnique({ where: { id: input.tierId }, select: { id: true } }),
    ctx.prisma.feeCategory.findMany({
      where: { code: { in: [...EVERY_ORDER_FEE_CODES] } },
      select: { code: true, name: true, defaultRateBps: true },
    }),
  ]);
  if (!category) throw new NotFoundError('Category');
  if (input.tierId !== null && !tier) throw new NotFoundError('Tier');
  const price = BigInt(input.priceMinor);
  const fees = EVERY_ORDER_FEE_CODES.flatMap((code) => {
    const fc = feeCategories.find((f) => f.code === code);
    return fc ? [{ code, name: fc.name, rateBps: fc.defaultRateBps, amount: feeAt(price, fc.defaultRateBps) }] : [];
  });
  const feesTotal = fees.reduce((sum, f) => sum + f.amount, 0n);
  const net = price - feesTotal;
  return {
    price,
    currency: input.currency,
    categoryId: input.categoryId,
    tierId: input.tierId,
    fees,
    feesTotal,
    net,
    margin: marginPercent(net, price),
  };
}

import { builder } from '#builder';
import { toDbId } from '#lib/ids.ts';
import { CategoryNode } from '#modules/shops/category.node.ts';
import { ShopNode } from '#modules/shops/shop.node.ts';
import { distanceToNextTier } from './metrics.service.ts';
import { MoneyInput, MoneyRef } from '#modules/core/money.ts';
import {
  analyseProfit,
  estimateProfit,
  EVERY_ORDER_FEE_CODES,
  type FeeAmount,
  type ProfitAnalysis,
  type ProfitEstimate,
} from './profit.service.ts';
import { allTiers, shopMetrics, TierDistanceRef, TierNode } from './tier.node.ts';

const FeeAmountRef = builder.objectRef<FeeAmount & { currency: string }>('FeeAmount').implement({
  description: 'Fees of one fee category.',
  fields: (t) => ({
    code: t.exposeString('code', { description: 'The fee category code.' }),
    name: t.exposeString('name', { description: 'The fee category name.' }),
    amount: t.field({
      type: MoneyRef,
      description: 'The amount.',
      resolve: (f) => ({ minor: f.amount, currency: f.currency }),
    }),
    rateBps: t.int({
      nullable: true,
      description: 'The rate applied, in basis points (estimates only).',
      resolve: (f) => f.rateBps ?? null,
    }),
  }),
});

const ProfitAnalysisRef = builder.objectRef<ProfitAnalysis>('ProfitAnalysis').implement({
  readScope: 'revenue:read',
  description: "A shop's profit over a period, in one currency, computed in SQL from its orders and fee lines.",
  fields: (t) => ({
    from: t.field({ type: 'DateTime', description: 'Period start (inclusive).', resolve: (p) => p.from }),
    to: t.field({ type: 'DateTime', description: 'Period end (exclusive).', resolve: (p) => p.to }),
    grossSales: t.field({
      type: MoneyRef,
      description: 'Sum of order amounts.',
      resolve: (p) => ({ minor: p.grossSales, currency: p.currency }),
    }),
    orderCount: t.exposeInt('orderCount', { description: 'Orders in the period.' }),
    feesByCategory: t.field({
      type: [FeeAmountRef],
      description: 'Fees grouped by fee category, largest first.',
      resolve: (p) => p.feesByCategory.map((f) => ({ ...f, currency: p.currency })),
    }),
    feesTotal: t.field({
      type: MoneyRef,
      description: 'All fees.',
      resolve: (p) => ({ minor: p.feesTotal, currency: p.currency }),
    }),
    netRevenue: t.field({
      type: MoneyRef,
      description: 'Gross sales minus fees.',
      resolve: (p) => ({ minor: p.netRevenue, currency: p.currency }),
    }),
    margin: t.string({
      nullable: true,
      description: 'Net revenue as a percentage of gross sales, two decimals (e.g. "84.10"); null without sales.',
      resolve: (p) => p.margin,
    }),
    distanceToNextTier: t.field({
      type: TierDistanceRef,
      nullable: true,
      description:
        "How far the shop is from the next tier, from its USD metrics as of the platform clock's now; null at the top.",
      resolve: async (p, _args, ctx) =>
        distanceToNextTier(await allTiers(ctx), await shopMetrics(ctx, p.shopId, await ctx.now())),
    }),
  }),
});

builder.prismaObjectFields(ShopNode, (t) => ({
  profitAnalysis: t.field({
    type: ProfitAnalysisRef,
    description:
      'Gross sales, fees by category and in total, net revenue, margin and the distance to the next tier, for orders placed in [from, to). Needs `revenue:read`.',
    authScopes: { scope: 'revenue:read' },
    args: {
      from: t.arg({ type: 'DateTime', required: true, description: 'Period start (inclusive).' }),
      to: t.arg({ type: 'DateTime', required: true, description: 'Period end (exclusive).' }),
      currency: t.arg({
        type: 'CurrencyCode',
        required: false,
        defaultValue: 'USD',
        description: 'Only orders in this currency.',
      }),
    },
    select: { id: true },
    resolve: (shop, args, ctx) =>
      analyseProfit(ctx.prisma, { shopId: shop.id, from: args.from, to: args.to, currency: args.currency ?? 'USD' }),
  }),
}));

const ProfitEstimateInput = builder.inputType('ProfitEstimateInput', {
  description: 'A sale to estimate.',
  fields: (t) => ({
    price: t.field({ type: MoneyInput, required: true, description: 'The sale price.' }),
    categoryId: t.globalID({ for: CategoryNode, required: true, description: 'The category of the goods.' }),
    tierId: t.globalID({
      for: TierNode,
      required: false,
      description: "The seller's tier (echoed; the catalogue has no tier-specific rates yet).",
    }),
  }),
});

const ProfitEstimateRef = builder.objectRef<ProfitEstimate>('ProfitEstimate').implement({
  description: `Estimated fees, net and margin for one sale, at the default rates of the fees charged on every order (${EVERY_ORDER_FEE_CODES.join(', ')}).`,
  fields: (t) => ({
    price: t.field({
      type: MoneyRef,
      description: 'The sale price.',
      resolve: (e) => ({ minor: e.price, currency: e.currency }),
    }),
    category: t.prismaField({
      type: 'Category',
      description: 'The category.',
      resolve: (q, e, _a, ctx) => ctx.prisma.category.findUniqueOrThrow({ ...q, where: { id: e.categoryId } }),
    }),
    tier: t.field({
      type: TierNode,
      nullable: true,
      description: 'The tier asked about.',
      resolve: async (e, _a, ctx) => (await allTiers(ctx)).find((x) => x.id === e.tierId) ?? null,
    }),
    fees: t.field({
      type: [FeeAmountRef],
      description: 'Each estimated fee with its rate.',
      resolve: (e) => e.fees.map((f) => ({ ...f, currency: e.currency })),
    }),
    feesTotal: t.field({
      type: MoneyRef,
      description: 'All estimated fees.',
      resolve: (e) => ({ minor: e.feesTotal, currency: e.currency }),
    }),
    net: t.field({
      type: MoneyRef,
      description: 'Price minus estimated fees.',
      resolve: (e) => ({ minor: e.net, currency: e.currency }),
    }),
    margin: t.string({
      nullable: true,
      description: 'Net as a percentage of the price, two decimals.',
      resolve: (e) => e.margin,
    }),
  }),
});

builder.queryFields((t) => ({
  profitEstimate: t.field({
    type: ProfitEstimateRef,
    description: "Estimates the fees, net and margin of one sale from the fee catalogue's default rates.",
    authScopes: { authenticated: true },
    args: { input: t.arg({ type: ProfitEstimateInput, required: true, description: 'The sale.' }) },
    resolve: (_root, { input }, ctx) =>
      estimateProfit(ctx, {
        priceMinor: input.price.minorUnits,
        currency: input.price.currencyCode,
        categoryId: toDbId(input.categoryId, ['input', 'categoryId']),
        tierId: input.tierId ? toDbId(input.tierId, ['input', 'tierId']) : null,
      }),
  }),
}));

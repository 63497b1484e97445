import type { SupportLevel, Tier } from '@shopwarden/db';
import { builder } from '#builder';
import {
  changesAt,
  nextInstant,
  compiledJson,
  compiledObject,
  compiledObjectRow,
  compiledRow,
  jsonDateTime,
  jsonLiteral,
  jsonPlain,
  sqlColumn,
  sqlTable,
  type SqlField,
  type SqlParent,
} from '#compiled';
import type { Context } from '#context';
import { loaderFor, memoFor } from '#lib/loaders.ts';
import { must } from '#lib/must.ts';
import { registerNodeReach } from '#lib/node-reach.ts';
import { ShopNode } from '#modules/shops/shop.node.ts';
import { shopOwnedWhere } from '#modules/shops/shop.policy.ts';
import {
  distanceToNextTier,
  loadShopMetrics,
  qualifyingTier,
  TIER_CURRENCY,
  type ShopMetrics,
  type TierDistance,
} from './metrics.service.ts';
import { MoneyRef } from '#modules/core/money.ts';
import { usd } from './money.ts';
import { canReadRevenue } from './revenue.policy.ts';
import { tierRunsQuery, tierRunsRoot, tiersQuery, tiersRoot } from './tier-roots.ts';

export const SupportLevelEnum = builder.enumType('SupportLevel', {
  description: 'Operational support a tier receives.',
  values: {
    REDUCED: { description: 'Self-service help centre and ticket support (the entry tier).' },
    STANDARD: { description: 'Ticket support with a response-time commitment.' },
    DEDICATED: { description: 'A named account manager.' },
  } as const,
});

/** Every tier, by rank, read once per request (a handful of rows). */
export function allTiers(ctx: Context): Promise<Tier[]> {
  return memoFor(ctx, 'tiers', () => ctx.prisma.tier.findMany({ orderBy: { rank: 'asc' } }));
}

/** Tier metrics per (shop, asOf), batched into one aggregate query per asOf instant. */
export function shopMetrics(ctx: Context, shopId: number, asOf: Date): Promise<ShopMetrics> {
  return loaderFor<number, ShopMetrics>(ctx, `shopMetrics:${asOf.toISOString()}`, async (ids) => {
    const metrics = await loadShopMetrics(ctx.prisma, ids, asOf);
    return ids.map((id) => must(metrics.get(id), `tier metrics of shop ${id}`));
  }).load(shopId);
}

export const TierNode = builder.prismaNode('Tier', {
  id: { field: 'id' },
  description:
    'A revenue tier, with its thresholds and benefits (data, changeable by administrators). A shop qualifies for the highest-rank tier whose both thresholds it meets.',
  findUnique: (id) => ({ id: Number.parseInt(id, 10) || 0 }),
  fields: (t) => ({
    code: t.exposeString('code', { description: 'Stable code: ENTRY, ESTABLISHED, STRATEGIC.' }),
    name: t.exposeString('name', { description: 'Display name.' }),
    rank: t.exposeInt('rank', { description: 'Higher is better; the lowest rank is the entry tier.' }),
    minTrailingRevenue: t.field({
      type: MoneyRef,
      description: 'USD revenue needed over the trailing 12 months.',
      select: { minTrailingRevenue: true },
      extensions: compiledObject((r) => usdSql(r.col('minTrailingRevenue'))),
      resolve: (r) => usd(r.minTrailingRevenue),
    }),
    minLastMonthSales: t.field({
      type: MoneyRef,
      description: 'USD sales needed in the last full calendar month.',
      select: { minLastMonthSales: true },
      extensions: compiledObject((r) => usdSql(r.col('minLastMonthSales'))),
      resolve: (r) => usd(r.minLastMonthSales),
    }),
    supportLevel: t.expose('supportLevel', {
      type: SupportLevelEnum,
      description: 'Operational support for shops in this tier.',
    }),
    selfShippingAllowed: t.exposeBoolean('selfShippingAllowed', {
      description: 'Whether shops in this tier may ship their own orders; otherwise platform fulfilment only.',
    }),
  }),
});

interface TierTermsShape {
  minTrailingRevenue: bigint;
  minLastMonthSales: bigint;
  supportLevel: SupportLevel;
  selfShippingAllowed: boolean;
}

const TierTermsRef = builder.objectRef<TierTermsShape>('TierTerms').implement({
  description: "A tier's thresholds and benefits as they were when a shop was assigned to it.",
  fields: (t) => ({
    minTrailingRevenue: t.field({
      type: MoneyRef,
      description: 'USD revenue over the trailing 12 months the tier needed.',
      resolve: (r) => usd(r.minTrailingRevenue),
    }),
    minLastMonthSales: t.field({
      type: MoneyRef,
      description: 'USD sales in the last full calendar month the tier needed.',
      resolve: (r) => usd(r.minLastMonthSales),
    }),
    supportLevel: t.field({
      type: SupportLevelEnum,
      description: 'Operational support.',
      resolve: (r) => r.supportLevel,
    }),
    selfShippingAllowed: t.boolean({
      description: 'Whether self-shipping was allowed.',
      resolve: (r) => r.selfShippingAllowed,
    }),
  }),
});

export const TierAssignmentNode = builder.prismaNode('TierAssignment', {
  readScope: 'revenue:read',
  id: { field: 'id' },
  description: "One change of a shop's tier, with the metrics behind it.",
  findUnique: (id) => ({ id: Number.parseInt(id, 10) || 0 }),
  fields: (t) => ({
    shop: t.relation('shop', { description: 'The shop.' }),
    tier: t.relation('tier', { description: 'The tier the shop moved to.' }),
    previousTier: t.relation('previousTier', {
      nullable: true,
      description: 'The tier it left; null for its first placement.',
    }),
    trailingRevenue: t.field({
      type: MoneyRef,
      description: 'USD revenue over the 12 months before `asOf`.',
      select: { trailingRevenue: true },
      resolve: (r) => usd(r.trailingRevenue),
    }),
    lastMonthSales: t.field({
      type: MoneyRef,
      description: 'USD sales in the last full calendar month before `asOf`.',
      select: { lastMonthSales: true },
      resolve: (r) => usd(r.lastMonthSales),
    }),
    asOf: t.expose('asOf', { type: 'DateTime', description: 'The instant the metrics were computed for.' }),
    terms: t.field({
      type: TierTermsRef,
      nullable: true,
      description:
        "The tier's thresholds and benefits when this assignment was made: a later `tierUpdate` does not change them. Null only for rows written outside a recalculation.",
      select: {
        tierMinTrailingRevenue: true,
        tierMinLastMonthSales: true,
        tierSupportLevel: true,
        tierSelfShippingAllowed: true,
      },
      resolve: (r) =>
        r.tierMinTrailingRevenue === null ||
        r.tierMinLastMonthSales === null ||
        r.tierSupportLevel === null ||
        r.tierSelfShippingAllowed === null
          ? null
          : {
              minTrailingRevenue: r.tierMinTrailingRevenue,
              minLastMonthSales: r.tierMinLastMonthSales,
              supportLevel: r.tierSupportLevel,
              selfShippingAllowed: r.tierSelfShippingAllowed,
            },
    }),
    run: t.relation('run', { nullable: true, description: 'The recalculation run that made the change.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the change was made (platform clock).' }),
  }),
});

export const TierRecalculationRunNode = builder.prismaNode('TierRecalculationRun', {
  id: { field: 'id' },
  description: 'A recorded tier recalculation over every shop (administrators only).',
  findUnique: (id) => ({ id: Number.parseInt(id, 10) || 0 }),
  fields: (t) => ({
    asOf: t.expose('asOf', { type: 'DateTime', description: 'The instant the metrics were computed for.' }),
    shopsEvaluated: t.exposeInt('shopsEvaluated', { description: 'Shops evaluated.' }),
    changedCount: t.exposeInt('changedCount', { description: 'Shops whose tier changed.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the run happened (platform clock).' }),
    assignments: t.relatedConnection('assignments', {
      cursor: 'id',
      description: 'The tier changes this run made, by id.',
      query: { orderBy: { id: 'asc' } },
    }),
  }),
});

/** A USD Money's SQL values (see `usd`). */
const usdSql = (minor: string) => ({ minor, currency: `'${TIER_CURRENCY}'` });

const orderColumn = (field: string) => sqlColumn('sw_o', 'Order', field);
const tierColumn = (alias: string, field: string) => sqlColumn(alias, 'Tier', field);

/** An optional `asOf` argument as a parameter, else the platform clock at execution. */
const asOfSql = (f: SqlField) => (f.args.asOf instanceof Date ? f.param(f.args.asOf, 'timestamp(3)') : f.now());

/**
 * `metricWindows` and `loadShopMetrics` in SQL for one shop, then the tier its metrics qualify for
 * (`qualifyingTier`), as the alias of one row shared by the parent shop's fields (`SqlField.shared`):
 * `metrics` and `distanceToNextTier` as of the same instant sum the shop's orders once. Columns:
 * as_of, trailing_start, month_start, month_end, trailing, last_month, and the qualifying tier's
 * rank and tier_id (NULL when none).
 */
function shopMetricsSql(f: SqlField, shop: SqlParent): string {
  const asOf = asOfSql(f);
  const o = orderColumn;
  const t = (field: string) => tierColumn('sw_t', field);
  const windows = `(SELECT ${asOf} AS as_of, ${asOf} - interval '12 months' AS trailing_start, date_trunc('month', ${asOf}) - interval '1 month' AS month_start, date_trunc('month', ${asOf}) AS month_end) sw_w`;
  const lastMonth = `${o('placedAt')} >= sw_w.month_start AND ${o('placedAt')} < sw_w.month_end`;
  const sums = `CROSS JOIN LATERAL (SELECT coalesce(sum(${o('amount')}), 0)::bigint AS trailing, coalesce(sum(${o('amount')}) FILTER (WHERE ${lastMonth}), 0)::bigint AS last_month FROM ${sqlTable('Order')} sw_o WHERE ${o('shopId')} = ${shop.col('id')} AND ${o('currency')} = '${TIER_CURRENCY}' AND ${o('placedAt')} > sw_w.trailing_start AND ${o('placedAt')} <= sw_w.as_of) sw_s`;
  // The highest rank whose both thresholds the sums meet (ranks are unique).
  const qualifying = `LEFT JOIN LATERAL (SELECT ${t('rank')} AS rank, ${t('id')} AS id FROM ${sqlTable('Tier')} sw_t WHERE sw_s.trailing >= ${t('minTrailingRevenue')} AND sw_s.last_month >= ${t('minLastMonthSales')} ORDER BY ${t('rank')} DESC LIMIT 1) sw_q ON true`;
  return f.shared(
    `SELECT sw_w.as_of, sw_w.trailing_start, sw_w.month_start, sw_w.month_end, sw_s.trailing, sw_s.last_month, sw_q.rank, sw_q.id AS tier_id FROM ${windows} ${sums} ${qualifying}`,
    { reads: ['Order'], readsAcrossShops: ['Tier'] },
  );
}

/**
 * When tier metrics as of the clock may next change with time alone: an order enters the trailing
 * window (its `placedAt` comes) or leaves it (12 months later), or a month begins (the last full
 * month moves). Never while `asOf` or the window's start, which move with the clock, are selected.
 */
const metricsChangeAt = (f: Pick<SqlField, 'now'>, selected: ReadonlySet<string>): string | null => {
  if (selected.has('asOf') || selected.has('trailingWindowStart')) return null;
  const now = f.now();
  const entering = nextInstant('Order', 'placedAt', now);
  const leaving = `${nextInstant('Order', 'placedAt', `${now} - interval '12 months'`)} + interval '12 months'`;
  return `least(${entering}, ${leaving}, date_trunc('month', ${now}) + interval '1 month')`;
};

/** `effectiveTier` in SQL: the shop's tier, else the lowest rank. */
function effectiveTierFrom(shop: SqlParent, a: string): string {
  const t = (field: string) => tierColumn(a, field);
  return `${sqlTable('Tier')} ${a} ORDER BY coalesce(${t('id')} = ${shop.col('tierId')}, false) DESC, ${t('rank')}`;
}

const ShopMetricsRef = builder.objectRef<ShopMetrics>('ShopMetrics').implement({
  readScope: 'revenue:read',
  description:
    "A shop's tier metrics as of an instant, in USD (orders in other currencies do not count towards tiers).",
  fields: (t) => ({
    asOf: t.field({
      type: 'DateTime',
      description: 'The instant the metrics are computed for.',
      extensions: compiledJson((m) => jsonDateTime(m.value('asOf'), false)),
      resolve: (m) => m.asOf,
    }),
    trailingRevenue: t.field({
      type: MoneyRef,
      description: 'Revenue over the trailing 12 months, (asOf − 12 months, asOf].',
      extensions: compiledObject((m) => usdSql(m.value('trailingRevenue'))),
      resolve: (m) => usd(m.trailingRevenue),
    }),
    trailingWindowStart: t.field({
      type: 'DateTime',
      description: 'Start of the trailing window (exclusive).',
      extensions: compiledJson((m) => jsonDateTime(m.value('trailingStart'), false)),
      resolve: (m) => m.trailingStart,
    }),
    lastMonthSales: t.field({
      type: MoneyRef,
      description: 'Sales in the last full calendar month (UTC) before asOf.',
      extensions: compiledObject((m) => usdSql(m.value('lastMonthSales'))),
      resolve: (m) => usd(m.lastMonthSales),
    }),
    lastMonthStart: t.field({
      type: 'DateTime',
      description: 'First instant of that month (inclusive).',
      extensions: compiledJson((m) => jsonDateTime(m.value('lastMonthStart'), false)),
      resolve: (m) => m.lastMonthStart,
    }),
    lastMonthEnd: t.field({
      type: 'DateTime',
      description: 'First instant of the next month (exclusive).',
      extensions: compiledJson((m) => jsonDateTime(m.value('lastMonthEnd'), false)),
      resolve: (m) => m.lastMonthEnd,
    }),
    qualifyingTier: t.field({
      type: TierNode,
      nullable: true,
      description: 'The tier these metrics qualify for (the next recalculation assigns it).',
      extensions: compiledRow('Tier', (m) => m.value('qualifyingTierId')),
      resolve: async (m, _args, ctx) => qualifyingTier(await allTiers(ctx), m),
    }),
  }),
});

export const TierDistanceRef = builder.objectRef<TierDistance<Tier>>('TierDistance').implement({
  readScope: 'revenue:read',
  description: 'How far a shop is from the next tier above the one its metrics qualify for.',
  fields: (t) => ({
    tier: t.field({
      type: TierNode,
      description: 'The next tier.',
      extensions: compiledRow('Tier', (d) => d.value('tierId')),
      resolve: (d) => d.tier,
    }),
    trailingRevenueNeeded: t.field({
      type: MoneyRef,
      description: 'More USD revenue needed over the trailing 12 months (0 when met).',
      extensions: compiledObject((d) => usdSql(d.value('trailingRevenueNeeded'))),
      resolve: (d) => usd(d.trailingRevenueNeeded),
    }),
    lastMonthSalesNeeded: t.field({
      type: MoneyRef,
      description: 'More USD sales needed in the last full month (0 when met).',
      extensions: compiledObject((d) => usdSql(d.value('lastMonthSalesNeeded'))),
      resolve: (d) => usd(d.lastMonthSalesNeeded),
    }),
  }),
});

const TierPrivilegesRef = builder.objectRef<Tier>('TierPrivileges').implement({
  description: "What the shop's current tier entitles it to.",
  fields: (t) => ({
    supportLevel: t.field({
      type: SupportLevelEnum,
      description: 'Operational support level.',
      extensions: compiledJson((tier) => jsonPlain(tier.value('supportLevel'), false)),
      resolve: (tier) => tier.supportLevel,
    }),
    selfShippingAllowed: t.boolean({
      description: 'Whether the shop may ship its own orders.',
      extensions: compiledJson((tier) => jsonLiteral(tier.value('selfShippingAllowed'), false)),
      resolve: (tier) => tier.selfShippingAllowed,
    }),
  }),
});

/** The shop's tier, or the lowest-rank tier for a shop never placed by a recalculation. */
export async function effectiveTier(ctx: Context, tierId: number | null): Promise<Tier | null> {
  const tiers = await allTiers(ctx);
  return (tierId === null ? undefined : tiers.find((t) => t.id === tierId)) ?? tiers[0] ?? null;
}

builder.prismaObjectFields(ShopNode, (t) => ({
  tier: t.relation('tier', {
    nullable: true,
    description: "The shop's current tier; null until the first tier recalculation places it.",
  }),
  tierPrivileges: t.field({
    type: TierPrivilegesRef,
    nullable: true,
    description: "Support level and self-shipping from the current tier (the entry tier's for a shop not placed yet).",
    select: { tierId: true },
    extensions: compiledObjectRow((shop, _f, a) => ({
      from: effectiveTierFrom(shop, a),
      values: {
        supportLevel: tierColumn(a, 'supportLevel'),
        selfShippingAllowed: tierColumn(a, 'selfShippingAllowed'),
      },
      reads: [],
      readsAcrossShops: ['Tier'],
    })),
    resolve: (shop, _args, ctx) => effectiveTier(ctx, shop.tierId),
  }),
  tierHistory: t.relatedConnection('tierAssignments', {
    cursor: 'id',
    defaultSize: 20,
    maxSize: 100,
    description: 'Every tier change of the shop with the metrics behind it, newest first. Needs `revenue:read`.',
    authScopes: { scope: 'revenue:read' },
    query: { orderBy: { id: 'desc' } },
  }),
  metrics: t.field({
    type: ShopMetricsRef,
    description: 'Tier metrics (USD) as of an instant, computed in SQL. Needs `revenue:read`.',
    authScopes: { scope: 'revenue:read' },
    args: {
      asOf: t.arg({ type: 'DateTime', required: false, description: "The instant; default the platform clock's now." }),
    },
    select: { id: true },
    extensions: {
      ...compiledObject((shop, f) => {
        const m = shopMetricsSql(f, shop);
        return {
          asOf: `${m}.as_of`,
          trailingStart: `${m}.trailing_start`,
          lastMonthStart: `${m}.month_start`,
          lastMonthEnd: `${m}.month_end`,
          trailingRevenue: `${m}.trailing`,
          lastMonthSales: `${m}.last_month`,
          qualifyingTierId: `${m}.tier_id`,
        };
      }),
      ...changesAt(metricsChangeAt),
    },
    resolve: async (shop, args, ctx) => shopMetrics(ctx, shop.id, args.asOf ?? (await ctx.now())),
  }),
  distanceToNextTier: t.field({
    type: TierDistanceRef,
    nullable: true,
    description:
      'How much more trailing revenue and last-month sales the next tier needs, from the metrics as of `asOf`; null at the top tier. Needs `revenue:read`.',
    authScopes: { scope: 'revenue:read' },
    args: {
      asOf: t.arg({ type: 'DateTime', required: false, description: "The instant; default the platform clock's now." }),
    },
    select: { id: true },
    extensions: {
      ...compiledObjectRow((shop, f, a) => {
        const m = shopMetricsSql(f, shop);
        const n = (field: string) => tierColumn('sw_n', field);
        // `nextTierAbove` the qualifying rank: no row at the top tier.
        return {
          from: `(SELECT ${n('id')} AS id, ${n('minTrailingRevenue')} AS min_trailing, ${n('minLastMonthSales')} AS min_last_month FROM ${sqlTable('Tier')} sw_n WHERE ${m}.rank IS NULL OR ${n('rank')} > ${m}.rank ORDER BY ${n('rank')} LIMIT 1) ${a}`,
          values: {
            tierId: `${a}.id`,
            trailingRevenueNeeded: `greatest(${a}.min_trailing - ${m}.trailing, 0)`,
            lastMonthSalesNeeded: `greatest(${a}.min_last_month - ${m}.last_month, 0)`,
          },
          reads: [],
          readsAcrossShops: ['Tier'],
        };
      }),
      ...changesAt(metricsChangeAt),
    },
    resolve: async (shop, args, ctx) => {
      const [tiers, metrics] = await Promise.all([
        allTiers(ctx),
        shopMetrics(ctx, shop.id, args.asOf ?? (await ctx.now())),
      ]);
      return distanceToNextTier(tiers, metrics);
    },
  }),
}));

builder.queryFields((t) => ({
  tiers: t.prismaConnection({
    type: 'Tier',
    cursor: 'rank',
    defaultSize: 20,
    maxSize: 100,
    description: 'The tiers, lowest rank first.',
    authScopes: { authenticated: true },
    extensions: tiersRoot,
    resolve: (query, _root, _args, ctx) => ctx.prisma.tier.findMany({ ...query, ...tiersQuery() }),
  }),
  tierRecalculationRuns: t.prismaConnection({
    type: 'TierRecalculationRun',
    cursor: 'id',
    defaultSize: 20,
    maxSize: 100,
    description: 'Recorded tier recalculations, newest first (administrators only).',
    authScopes: { admin: true },
    extensions: tierRunsRoot,
    resolve: (query, _root, _args, ctx) => ctx.prisma.tierRecalculationRun.findMany({ ...query, ...tierRunsQuery() }),
  }),
}));

const existing = (rows: { id: number }[]) => rows.map((r) => r.id);
registerNodeReach('Tier', async (ctx, ids) =>
  ctx.viewer ? existing(await ctx.prisma.tier.findMany({ where: { id: { in: ids } }, select: { id: true } })) : [],
);
registerNodeReach('TierAssignment', async (ctx, ids) =>
  !canReadRevenue(ctx.viewer)
    ? []
    : existing(
        await ctx.prisma.tierAssignment.findMany({
          where: { AND: [{ id: { in: ids } }, shopOwnedWhere(ctx.viewer)] },
          select: { id: true },
        }),
      ),
);
registerNodeReach('TierRecalculationRun', async (ctx, ids) =>
  ctx.viewer?.role === 'ADMIN'
    ? existing(await ctx.prisma.tierRecalculationRun.findMany({ where: { id: { in: ids } }, select: { id: true } }))
    : [],
);

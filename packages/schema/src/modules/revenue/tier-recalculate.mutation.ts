import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { loaderFor } from '#lib/loaders.ts';
import { must } from '#lib/must.ts';
import type { Context } from '#context';
import type { Shop } from '@shopwarden/db';
import { FulfilmentModeEnum, ShopNode } from '#modules/shops/shop.node.ts';
import { MoneyRef } from '#modules/core/money.ts';
import { usd } from './money.ts';
import { allTiers, TierNode, TierRecalculationRunNode } from './tier.node.ts';
import {
  recalculateTiers,
  TIER_CHANGE_PREVIEW_LIMIT,
  type TierChange,
  type TierRecalculation,
} from './tier.service.ts';

const TierRecalculateInput = builder.inputType('TierRecalculateInput', {
  description: "Recalculate every shop's tier from its metrics.",
  fields: (t) => ({
    dryRun: t.boolean({ required: true, description: 'true: list the changes and write nothing.' }),
    asOf: t.field({
      type: 'DateTime',
      description: 'Compute the metrics as of this instant (not after the platform clock); default its now.',
    }),
  }),
});

function shopLoader(ctx: Context) {
  return loaderFor<number, Shop>(ctx, 'shopById', async (ids) => {
    const rows = await ctx.prisma.shop.findMany({ where: { id: { in: [...ids] } } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? new Error(`Shop ${id} not found`));
  });
}

const TierChangeRef = builder.objectRef<TierChange>('TierChange').implement({
  description: 'A shop whose tier changes (or would change, in a dry run), with the metrics behind it.',
  fields: (t) => ({
    shop: t.field({
      type: ShopNode,
      description: 'The shop.',
      resolve: (c, _a, ctx) => shopLoader(ctx).load(c.shopId),
    }),
    previousTier: t.field({
      type: TierNode,
      nullable: true,
      description: 'Its tier before; null when it had none.',
      resolve: async (c, _a, ctx) => (await allTiers(ctx)).find((x) => x.id === c.previousTierId) ?? null,
    }),
    tier: t.field({
      type: TierNode,
      description: 'Its new tier.',
      resolve: async (c, _a, ctx) =>
        must(
          (await allTiers(ctx)).find((x) => x.id === c.tierId),
          `tier ${c.tierId}`,
        ),
    }),
    trailingRevenue: t.field({
      type: MoneyRef,
      description: 'USD revenue over the trailing 12 months.',
      resolve: (c) => usd(c.trailingRevenue),
    }),
    lastMonthSales: t.field({
      type: MoneyRef,
      description: 'USD sales in the last full calendar month.',
      resolve: (c) => usd(c.lastMonthSales),
    }),
    fulfilmentModeAfter: t.field({
      type: FulfilmentModeEnum,
      description: 'The fulfilment mode after the change: PLATFORM when the new tier disallows self-shipping.',
      resolve: (c) => c.fulfilmentModeAfter,
    }),
  }),
});

const TierRecalculateSuccess = builder.objectRef<TierRecalculation>('TierRecalculateSuccess').implement({
  description: 'The recalculation result: the run (unless a dry run) and the changed shops.',
  fields: (t) => ({
    dryRun: t.exposeBoolean('dryRun', { description: 'True when nothing was written.' }),
    asOf: t.field({
      type: 'DateTime',
      description: 'The instant the metrics were computed for.',
      resolve: (r) => r.asOf,
    }),
    shopsEvaluated: t.exposeInt('shopsEvaluated', { description: 'Shops evaluated.' }),
    changedCount: t.exposeInt('changedCount', { description: 'Shops whose tier changes.' }),
    changes: t.field({
      type: [TierChangeRef],
      description: `The changes, by shop id (at most the first ${TIER_CHANGE_PREVIEW_LIMIT}; a real run keeps all of them as the run's assignments).`,
      resolve: (r) => r.changes,
    }),
    run: t.field({
      type: TierRecalculationRunNode,
      nullable: true,
      description: 'The recorded run; null for a dry run.',
      resolve: (r, _a, ctx) =>
        r.runId === null ? null : ctx.prisma.tierRecalculationRun.findUnique({ where: { id: r.runId } }),
    }),
  }),
});

builder.mutationField('tierRecalculate', (t) =>
  t.field({
    type: TierRecalculateSuccess,
    description:
      "Recalculates every shop's tier from its USD metrics (administrators). Set-based; recorded as a run; every change kept with its metrics; a shop losing self-shipping is switched to PLATFORM fulfilment; emits `shop.tier_changed`. Repeating a run changes nothing.",
    errors: {},
    args: {
      input: t.arg({ type: TierRecalculateInput, required: true, description: 'Dry run or real, and the instant.' }),
    },
    resolve: audited('tierRecalculate', (_root, { input }, ctx) =>
      recalculateTiers(ctx, { dryRun: input.dryRun, asOf: input.asOf }),
    ),
  }),
);

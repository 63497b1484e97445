import type { CatalogueChange, Prisma, SupportLevel } from '@shopwarden/db';
import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { assertAdmin } from '#modules/auth/viewer.ts';
import { ValidationError, type FieldError } from '#lib/errors.ts';
import {
  changeCatalogueRow,
  found,
  registerCatalogueApplier,
  type CatalogueValues,
} from '#modules/platform/catalogue-change.service.ts';
import { SupportLevelEnum, TierNode } from './tier.node.ts';

const TierUpdateInput = builder.inputType('TierUpdateInput', {
  description: "A tier's new thresholds and benefits; omitted fields keep their value.",
  fields: (t) => ({
    tierId: t.globalID({ for: TierNode, required: true, description: 'The tier to change.' }),
    minTrailingRevenueMinorUnits: t.string({
      description: 'USD revenue over the trailing 12 months needed, in cents, as an integer string (e.g. "100000000").',
    }),
    minLastMonthSalesMinorUnits: t.string({
      description: 'USD sales in the last full calendar month needed, in cents, as an integer string.',
    }),
    supportLevel: t.field({ type: SupportLevelEnum, description: 'Operational support for shops in the tier.' }),
    selfShippingAllowed: t.boolean({ description: 'Whether shops in the tier may ship their own orders.' }),
    effectiveFrom: t.field({
      type: 'DateTime',
      description:
        "When the change takes effect (default: the platform clock's now; never earlier). Tiers already assigned keep the terms they were assigned with.",
    }),
  }),
});

const TierUpdateSuccess = builder.objectRef<CatalogueChange>('TierUpdateSuccess').implement({
  description: 'The change was recorded: applied at once, or waiting for its `effectiveFrom`.',
  fields: (t) => ({
    change: t.prismaField({
      type: 'CatalogueChange',
      description: 'The recorded change.',
      resolve: (query, c, _a, ctx) => ctx.prisma.catalogueChange.findUniqueOrThrow({ ...query, where: { id: c.id } }),
    }),
    tier: t.prismaField({
      type: 'Tier',
      description: 'The tier as it stands now (unchanged until `effectiveFrom`).',
      resolve: (query, c, _a, ctx) => ctx.prisma.tier.findUniqueOrThrow({ ...query, where: { id: c.entityId } }),
    }),
  }),
});

const MINOR = /^(0|[1-9]\d{0,17})$/;

type TierTerms = {
  minTrailingRevenue: bigint;
  minLastMonthSales: bigint;
  supportLevel: SupportLevel;
  selfShippingAllowed: boolean;
};

/** The stored form of a tier change: amounts as decimal strings. */
function tierValues(v: Partial<TierTerms>): CatalogueValues {
  return Object.fromEntries(
    Object.entries(v)
      .filter(([, x]) => x !== undefined)
      .map(([k, x]) => [k, typeof x === 'bigint' ? x.toString() : x]),
  ) as CatalogueValues;
}

registerCatalogueApplier('TIER', {
  typename: 'Tier',
  async apply(tx, id, changes) {
    const tier = await tx.tier.findUnique({ where: { id } });
    if (!tier) return null;
    const data: Prisma.TierUpdateInput = {};
    if (typeof changes.minTrailingRevenue === 'string') data.minTrailingRevenue = BigInt(changes.minTrailingRevenue);
    if (typeof changes.minLastMonthSales === 'string') data.minLastMonthSales = BigInt(changes.minLastMonthSales);
    if (typeof changes.supportLevel === 'string') data.supportLevel = changes.supportLevel as SupportLevel;
    if (typeof changes.selfShippingAllowed === 'boolean') data.selfShippingAllowed = changes.selfShippingAllowed;
    await tx.tier.update({ where: { id }, data });
    const before: Partial<TierTerms> = {};
    for (const key of Object.keys(changes) as (keyof TierTerms)[]) (before as Record<string, unknown>)[key] = tier[key];
    return tierValues(before);
  },
});

builder.mutationField('tierUpdate', (t) =>
  t.field({
    type: TierUpdateSuccess,
    description:
      "Changes a tier's thresholds or benefits from an instant on (administrators). The next recalculation uses them; tiers already assigned keep the terms they were assigned with (`TierAssignment.terms`). Thresholds must not fall as the rank rises.",
    errors: {},
    args: { input: t.arg({ type: TierUpdateInput, required: true }) },
    resolve: audited('tierUpdate', async (_root, { input }, ctx) => {
      assertAdmin(ctx.viewer);
      const id = Number.parseInt(input.tierId.id, 10) || 0;
      const errors: FieldError[] = [];
      const amount = (key: 'minTrailingRevenueMinorUnits' | 'minLastMonthSalesMinorUnits') => {
        const v = input[key];
        if (v === null || v === undefined) return undefined;
        if (!MINOR.test(v)) {
          errors.push({ path: ['input', key], message: 'Give a non-negative whole number of cents, e.g. "6500000".' });
          return undefined;
        }
        return BigInt(v);
      };
      const terms: Partial<TierTerms> = {
        minTrailingRevenue: amount('minTrailingRevenueMinorUnits'),
        minLastMonthSales: amount('minLastMonthSalesMinorUnits'),
        supportLevel: input.supportLevel ?? undefined,
        selfShippingAllowed: input.selfShippingAllowed ?? undefined,
      };
      if (errors.length) throw new ValidationError(errors);
      return changeCatalogueRow(ctx, {
        entity: 'TIER',
        entityId: id,
        changes: tierValues(terms),
        effectiveFrom: input.effectiveFrom,
        validate: async (tx) => {
          const tiers = await tx.tier.findMany({ orderBy: { rank: 'asc' } });
          found(tiers.find((x) => x.id === id) ?? null, 'Tier');
          const after = tiers.map((x) => (x.id === id ? { ...x, ...tierValuesToTerms(terms) } : x));
          for (const [i, high] of after.entries()) {
            const low = after[i - 1];
            if (!low) continue;
            const trailingFalls = high.minTrailingRevenue < low.minTrailingRevenue;
            if (trailingFalls || high.minLastMonthSales < low.minLastMonthSales)
              throw ValidationError.field(
                ['input', trailingFalls ? 'minTrailingRevenueMinorUnits' : 'minLastMonthSalesMinorUnits'],
                `Tier ${high.code} (rank ${high.rank}) would need less than tier ${low.code} (rank ${low.rank}): thresholds rise with the rank.`,
              );
          }
        },
      });
    }),
  }),
);

const tierValuesToTerms = (terms: Partial<TierTerms>) =>
  Object.fromEntries(Object.entries(terms).filter(([, v]) => v !== undefined)) as Partial<TierTerms>;

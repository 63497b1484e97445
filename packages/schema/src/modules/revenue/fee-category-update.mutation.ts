import type { CatalogueChange } from '@shopwarden/db';
import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { assertAdmin } from '#modules/auth/viewer.ts';
import { ValidationError } from '#lib/errors.ts';
import { changeCatalogueRow, found, registerCatalogueApplier } from '#modules/platform/catalogue-change.service.ts';
import { FeeCategoryNode } from './fee-category.node.ts';

const FeeCategoryUpdateInput = builder.inputType('FeeCategoryUpdateInput', {
  description: "A fee category's new default rate.",
  fields: (t) => ({
    feeCategoryId: t.globalID({ for: FeeCategoryNode, required: true, description: 'The fee category to change.' }),
    defaultRateBps: t.int({
      required: true,
      description: 'Default rate in basis points of the order amount (0–10000; 700 = 7%).',
    }),
    effectiveFrom: t.field({
      type: 'DateTime',
      description: "When the change takes effect (default: the platform clock's now; never earlier).",
    }),
  }),
});

const FeeCategoryUpdateSuccess = builder.objectRef<CatalogueChange>('FeeCategoryUpdateSuccess').implement({
  description: 'The change was recorded: applied at once, or waiting for its `effectiveFrom`.',
  fields: (t) => ({
    change: t.prismaField({
      type: 'CatalogueChange',
      description: 'The recorded change.',
      resolve: (query, c, _a, ctx) => ctx.prisma.catalogueChange.findUniqueOrThrow({ ...query, where: { id: c.id } }),
    }),
    feeCategory: t.prismaField({
      type: 'FeeCategory',
      description: 'The fee category as it stands now (unchanged until `effectiveFrom`).',
      resolve: (query, c, _a, ctx) => ctx.prisma.feeCategory.findUniqueOrThrow({ ...query, where: { id: c.entityId } }),
    }),
  }),
});

registerCatalogueApplier('FEE_CATEGORY', {
  typename: 'FeeCategory',
  async apply(tx, id, changes) {
    const row = await tx.feeCategory.findUnique({ where: { id }, select: { defaultRateBps: true } });
    if (!row) return null;
    await tx.feeCategory.update({ where: { id }, data: { defaultRateBps: changes.defaultRateBps as number } });
    return { defaultRateBps: row.defaultRateBps };
  },
});

builder.mutationField('feeCategoryUpdate', (t) =>
  t.field({
    type: FeeCategoryUpdateSuccess,
    description:
      "Changes a fee category's default rate from an instant on (administrators). Profit estimates made from then use it; imported orders keep their fee lines.",
    errors: {},
    args: { input: t.arg({ type: FeeCategoryUpdateInput, required: true }) },
    resolve: audited('feeCategoryUpdate', async (_root, { input }, ctx) => {
      assertAdmin(ctx.viewer);
      const id = Number.parseInt(input.feeCategoryId.id, 10) || 0;
      if (input.defaultRateBps < 0 || input.defaultRateBps > 10_000)
        throw ValidationError.field(['input', 'defaultRateBps'], 'Must be between 0 and 10000 basis points.');
      return changeCatalogueRow(ctx, {
        entity: 'FEE_CATEGORY',
        entityId: id,
        changes: { defaultRateBps: input.defaultRateBps },
        effectiveFrom: input.effectiveFrom,
        validate: async (tx) => {
          found(await tx.feeCategory.findUnique({ where: { id }, select: { id: true } }), 'FeeCategory');
        },
      });
    }),
  }),
);

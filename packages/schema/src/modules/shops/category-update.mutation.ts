import type { CatalogueChange, CategoryRestriction } from '@shopwarden/db';
import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { assertAdmin } from '#modules/auth/viewer.ts';
import { changeCatalogueRow, found, registerCatalogueApplier } from '#modules/platform/catalogue-change.service.ts';
import { forgetCategories } from './category-cache.ts';
import { CategoryNode, CategoryRestrictionEnum } from './category.node.ts';

const CategoryUpdateInput = builder.inputType('CategoryUpdateInput', {
  description: "A category's new restriction.",
  fields: (t) => ({
    categoryId: t.globalID({ for: CategoryNode, required: true, description: 'The category to change.' }),
    restriction: t.field({
      type: CategoryRestrictionEnum,
      required: true,
      description: 'NONE, RESTRICTED (listing needs a granted approval) or PROHIBITED; it covers the subtree.',
    }),
    effectiveFrom: t.field({
      type: 'DateTime',
      description:
        "When the change takes effect (default: the platform clock's now; never earlier). Listings already reviewed keep their reviews.",
    }),
  }),
});

const CategoryUpdateSuccess = builder.objectRef<CatalogueChange>('CategoryUpdateSuccess').implement({
  description: 'The change was recorded: applied at once, or waiting for its `effectiveFrom`.',
  fields: (t) => ({
    change: t.prismaField({
      type: 'CatalogueChange',
      description: 'The recorded change.',
      resolve: (query, c, _a, ctx) => ctx.prisma.catalogueChange.findUniqueOrThrow({ ...query, where: { id: c.id } }),
    }),
    category: t.prismaField({
      type: 'Category',
      description: 'The category as it stands now (unchanged until `effectiveFrom`).',
      resolve: (query, c, _a, ctx) => ctx.prisma.category.findUniqueOrThrow({ ...query, where: { id: c.entityId } }),
    }),
  }),
});

registerCatalogueApplier('CATEGORY', {
  typename: 'Category',
  async apply(tx, id, changes) {
    const row = await tx.category.findUnique({ where: { id }, select: { restriction: true } });
    if (!row) return null;
    await tx.category.update({ where: { id }, data: { restriction: changes.restriction as CategoryRestriction } });
    return { restriction: row.restriction };
  },
});

builder.mutationField('categoryUpdate', (t) =>
  t.field({
    type: CategoryUpdateSuccess,
    description:
      'Makes a category restricted, prohibited or neither, from an instant on (administrators). Listing checks and eligibility use it from then; listings already reviewed keep their reviews.',
    errors: {},
    args: { input: t.arg({ type: CategoryUpdateInput, required: true }) },
    resolve: audited('categoryUpdate', async (_root, { input }, ctx) => {
      assertAdmin(ctx.viewer);
      const id = Number.parseInt(input.categoryId.id, 10) || 0;
      const change = await changeCatalogueRow(ctx, {
        entity: 'CATEGORY',
        entityId: id,
        changes: { restriction: input.restriction },
        effectiveFrom: input.effectiveFrom,
        validate: async (tx) => {
          found(await tx.category.findUnique({ where: { id }, select: { id: true } }), 'Category');
        },
      });
      forgetCategories(ctx);
      return change;
    }),
  }),
);

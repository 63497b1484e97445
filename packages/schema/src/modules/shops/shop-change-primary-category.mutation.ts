import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { CategoryNode } from './category.node.ts';
import { assertAdmin } from '#modules/auth/viewer.ts';
import { changePrimaryCategory } from './shop.service.ts';
import { ShopNode } from './shop.node.ts';

const ShopChangePrimaryCategoryInput = builder.inputType('ShopChangePrimaryCategoryInput', {
  description: "An administrator's change (or manual decision) of a shop's primary category.",
  fields: (t) => ({
    shopId: t.globalID({ for: ShopNode, required: true, description: 'The shop.' }),
    categoryId: t.globalID({ for: CategoryNode, required: true, description: 'A top-level, non-prohibited category.' }),
    reason: t.string({ required: true, description: 'Why; kept with the decision.' }),
  }),
});

const ShopChangePrimaryCategorySuccess = builder
  .objectRef<{ shopId: number; selectionId: number }>('ShopChangePrimaryCategorySuccess')
  .implement({
    description: 'The primary category is changed and the change is recorded.',
    fields: (t) => ({
      shop: t.prismaField({
        type: 'Shop',
        description: 'The shop, re-read.',
        resolve: (q, r, _a, ctx) => ctx.prisma.shop.findUniqueOrThrow({ ...q, where: { id: r.shopId } }),
      }),
      selection: t.prismaField({
        type: 'PrimaryCategorySelection',
        description: 'The recorded change, with the previous category and the reason.',
        resolve: (q, r, _a, ctx) =>
          ctx.prisma.primaryCategorySelection.findUniqueOrThrow({ ...q, where: { id: r.selectionId } }),
      }),
    }),
  });

builder.mutationField('shopChangePrimaryCategory', (t) =>
  t.field({
    type: ShopChangePrimaryCategorySuccess,
    description:
      "Sets or changes a shop's primary category (administrators), e.g. for shops auto-assignment left for a manual decision.",
    errors: {},
    args: { input: t.arg({ type: ShopChangePrimaryCategoryInput, required: true }) },
    resolve: audited('shopChangePrimaryCategory', async (_root, { input }, ctx) => {
      assertAdmin(ctx.viewer);
      const { shop, selection } = await changePrimaryCategory(ctx, {
        shopId: toDbId(input.shopId, ['input', 'shopId']),
        categoryId: toDbId(input.categoryId, ['input', 'categoryId']),
        reason: input.reason,
      });
      return { shopId: shop.id, selectionId: selection.id };
    }),
  }),
);

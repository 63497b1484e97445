import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { CategoryNode } from '#modules/shops/category.node.ts';
import { ShopNode } from '#modules/shops/shop.node.ts';
import { requestRestrictedApproval } from './restricted-approval.service.ts';

const RestrictedCategoryApprovalRequestInput = builder.inputType('RestrictedCategoryApprovalRequestInput', {
  description: 'A request to list in a restricted category.',
  fields: (t) => ({
    shopId: t.globalID({ for: ShopNode, required: true, description: 'The shop.' }),
    categoryId: t.globalID({
      for: CategoryNode,
      required: true,
      description: 'A category whose effective restriction is RESTRICTED.',
    }),
    justification: t.string({
      required: true,
      description: 'Why the shop should be allowed (licences, certifications…), 1–2000 characters.',
    }),
  }),
});

const RestrictedCategoryApprovalRequestSuccess = builder
  .objectRef<{ approvalId: number }>('RestrictedCategoryApprovalRequestSuccess')
  .implement({
    description: 'The request is PENDING.',
    fields: (t) => ({
      approval: t.prismaField({
        type: 'RestrictedCategoryApproval',
        description: 'The request, re-read.',
        resolve: (q, r, _a, ctx) =>
          ctx.prisma.restrictedCategoryApproval.findUniqueOrThrow({ ...q, where: { id: r.approvalId } }),
      }),
    }),
  });

builder.mutationField('restrictedCategoryApprovalRequest', (t) =>
  t.field({
    type: RestrictedCategoryApprovalRequestSuccess,
    description:
      'Asks the policy team to let a shop list in a RESTRICTED category. A request after a denial reopens the same record; a pending or granted one is INVALID_STATE.',
    errors: {},
    args: { input: t.arg({ type: RestrictedCategoryApprovalRequestInput, required: true }) },
    resolve: audited('restrictedCategoryApprovalRequest', async (_root, { input }, ctx) =>
      requestRestrictedApproval(ctx, {
        shopId: toDbId(input.shopId, ['input', 'shopId']),
        categoryId: toDbId(input.categoryId, ['input', 'categoryId']),
        justification: input.justification,
      }),
    ),
  }),
);

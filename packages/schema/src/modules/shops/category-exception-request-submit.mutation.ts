import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { CategoryNode } from './category.node.ts';
import { assertCanWriteShop } from './shop.policy.ts';
import { submitExceptionRequest } from './shop.service.ts';
import { ShopNode } from './shop.node.ts';

const CategoryExceptionRequestSubmitInput = builder.inputType('CategoryExceptionRequestSubmitInput', {
  description: 'A special-circumstances request: extra categories beyond the primary category.',
  fields: (t) => ({
    shopId: t.globalID({ for: ShopNode, required: true, description: 'The shop (it must have a primary category).' }),
    comment: t.string({ required: true, description: 'Why the shop needs an exception.' }),
    requestedCategoryIds: t.globalIDList({
      for: CategoryNode,
      required: true,
      description: 'The extra categories asked for: at least one, none prohibited or already covered.',
    }),
  }),
});

const CategoryExceptionRequestSubmitSuccess = builder
  .objectRef<{ requestId: number }>('CategoryExceptionRequestSubmitSuccess')
  .implement({
    description: 'The request is filed, PENDING until an administrator decides it.',
    fields: (t) => ({
      request: t.prismaField({
        type: 'CategoryExceptionRequest',
        description: 'The request.',
        resolve: (q, r, _a, ctx) =>
          ctx.prisma.categoryExceptionRequest.findUniqueOrThrow({ ...q, where: { id: r.requestId } }),
      }),
    }),
  });

builder.mutationField('categoryExceptionRequestSubmit', (t) =>
  t.field({
    type: CategoryExceptionRequestSubmitSuccess,
    description:
      'Files a special-circumstances request at any time (sellers and agencies with `shops:write` on the shop), for a shop that has a primary category — selected, auto-assigned or set by an administrator (PRIMARY_CATEGORY_NOT_SET otherwise). Emits `category_exception.requested`.',
    errors: {},
    args: { input: t.arg({ type: CategoryExceptionRequestSubmitInput, required: true }) },
    resolve: audited('categoryExceptionRequestSubmit', async (_root, { input }, ctx) => {
      const shopId = toDbId(input.shopId, ['input', 'shopId']);
      assertCanWriteShop(ctx.viewer, shopId, 'shops:write');
      const request = await submitExceptionRequest(ctx, {
        shopId,
        comment: input.comment,
        requestedCategoryIds: input.requestedCategoryIds.map((g, i) =>
          toDbId(g, ['input', 'requestedCategoryIds', String(i)]),
        ),
      });
      return { requestId: request.id };
    }),
  }),
);

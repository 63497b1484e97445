import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { CategoryExceptionRequestNode } from './category-selection.node.ts';
import { CategoryNode } from './category.node.ts';
import { assertAdmin } from '#modules/auth/viewer.ts';
import { reviewExceptionRequest } from './shop.service.ts';

const ExceptionDecisionEnum = builder.enumType('ExceptionDecision', {
  description: "An administrator's decision on a special-circumstances request.",
  values: {
    APPROVE: { description: 'Grant the named extra categories.' },
    DENY: { description: 'Refuse, with a note.' },
  } as const,
});

const CategoryExceptionRequestReviewInput = builder.inputType('CategoryExceptionRequestReviewInput', {
  description: 'A decision on a PENDING special-circumstances request.',
  fields: (t) => ({
    requestId: t.globalID({ for: CategoryExceptionRequestNode, required: true, description: 'The request.' }),
    decision: t.field({ type: ExceptionDecisionEnum, required: true, description: 'Approve or deny.' }),
    grantedCategoryIds: t.globalIDList({
      for: CategoryNode,
      description: 'For APPROVE: the categories to grant (default: those requested).',
    }),
    note: t.string({ description: 'A note for the merchant; required to deny.' }),
  }),
});

const CategoryExceptionRequestReviewSuccess = builder
  .objectRef<{ requestId: number }>('CategoryExceptionRequestReviewSuccess')
  .implement({
    description: 'The request is decided.',
    fields: (t) => ({
      request: t.prismaField({
        type: 'CategoryExceptionRequest',
        description: 'The request, with its grants.',
        resolve: (q, r, _a, ctx) =>
          ctx.prisma.categoryExceptionRequest.findUniqueOrThrow({ ...q, where: { id: r.requestId } }),
      }),
    }),
  });

builder.mutationField('categoryExceptionRequestReview', (t) =>
  t.field({
    type: CategoryExceptionRequestReviewSuccess,
    description:
      'Approves (granting named extra categories) or denies a special-circumstances request (administrators). A request is decided once.',
    errors: {},
    args: { input: t.arg({ type: CategoryExceptionRequestReviewInput, required: true }) },
    resolve: audited('categoryExceptionRequestReview', async (_root, { input }, ctx) => {
      assertAdmin(ctx.viewer);
      const request = await reviewExceptionRequest(ctx, {
        requestId: toDbId(input.requestId, ['input', 'requestId']),
        decision: input.decision,
        grantedCategoryIds:
          input.grantedCategoryIds?.map((g, i) => toDbId(g, ['input', 'grantedCategoryIds', String(i)])) ?? null,
        note: input.note ?? null,
      });
      return { requestId: request.id };
    }),
  }),
);

import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { RestrictedCategoryApprovalNode } from './restricted-category-approval.node.ts';
import { decideRestrictedApproval } from './restricted-approval.service.ts';

const ApprovalDecisionEnum = builder.enumType('RestrictedCategoryApprovalDecision', {
  description: "An administrator's decision on a restricted-category request.",
  values: {
    GRANT: { description: 'Allow the shop to list in the category.' },
    DENY: { description: 'Refuse, with a note.' },
  } as const,
});

const RestrictedCategoryApprovalDecideInput = builder.inputType('RestrictedCategoryApprovalDecideInput', {
  description: 'A decision on a PENDING restricted-category request.',
  fields: (t) => ({
    approvalId: t.globalID({ for: RestrictedCategoryApprovalNode, required: true, description: 'The request.' }),
    decision: t.field({ type: ApprovalDecisionEnum, required: true, description: 'Grant or deny.' }),
    note: t.string({ description: 'A note for the seller; required to deny.' }),
  }),
});

const RestrictedCategoryApprovalDecideSuccess = builder
  .objectRef<{ approvalId: number }>('RestrictedCategoryApprovalDecideSuccess')
  .implement({
    description: 'The request is decided.',
    fields: (t) => ({
      approval: t.prismaField({
        type: 'RestrictedCategoryApproval',
        description: 'The request, re-read.',
        resolve: (q, r, _a, ctx) =>
          ctx.prisma.restrictedCategoryApproval.findUniqueOrThrow({ ...q, where: { id: r.approvalId } }),
      }),
    }),
  });

builder.mutationField('restrictedCategoryApprovalDecide', (t) =>
  t.field({
    type: RestrictedCategoryApprovalDecideSuccess,
    description:
      'Grants or denies a PENDING restricted-category request (administrators). Decided once; a decided request is INVALID_STATE.',
    errors: {},
    args: { input: t.arg({ type: RestrictedCategoryApprovalDecideInput, required: true }) },
    resolve: audited('restrictedCategoryApprovalDecide', async (_root, { input }, ctx) =>
      decideRestrictedApproval(ctx, {
        approvalId: toDbId(input.approvalId, ['input', 'approvalId']),
        decision: input.decision,
        note: input.note ?? null,
      }),
    ),
  }),
);

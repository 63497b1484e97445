import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { ViolationNode } from './violation.node.ts';
import { appealViolation } from './violation.service.ts';

const ViolationAppealSubmitInput = builder.inputType('ViolationAppealSubmitInput', {
  description: 'An appeal against an ACTIVE violation (one per violation).',
  fields: (t) => ({
    violationId: t.globalID({ for: ViolationNode, required: true, description: 'The violation.' }),
    statement: t.string({ required: true, description: 'Why the violation is wrong (10–5000 characters).' }),
  }),
});

const ViolationAppealSubmitSuccess = builder.objectRef<{ appealId: number }>('ViolationAppealSubmitSuccess').implement({
  description:
    'The appeal is PENDING and the violation is APPEALED; its points count until an administrator grants the appeal.',
  fields: (t) => ({
    appeal: t.prismaField({
      type: 'ViolationAppeal',
      description: 'The appeal, re-read.',
      resolve: (q, r, _a, ctx) => ctx.prisma.violationAppeal.findUniqueOrThrow({ ...q, where: { id: r.appealId } }),
    }),
  }),
});

builder.mutationField('violationAppealSubmit', (t) =>
  t.field({
    type: ViolationAppealSubmitSuccess,
    description: 'Appeals a violation (sellers and agencies with `shops:write` on its shop).',
    errors: {},
    args: { input: t.arg({ type: ViolationAppealSubmitInput, required: true }) },
    resolve: audited('violationAppealSubmit', async (_root, { input }, ctx) => {
      const appeal = await appealViolation(ctx, {
        violationId: toDbId(input.violationId, ['input', 'violationId']),
        statement: input.statement,
      });
      return { appealId: appeal.id };
    }),
  }),
);

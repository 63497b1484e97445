import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { assertAdmin } from '#modules/auth/viewer.ts';
import { ViolationAppealNode } from './violation.node.ts';
import { decideAppeal } from './violation.service.ts';

const AppealDecisionEnum = builder.enumType('ViolationAppealDecision', {
  description: "An administrator's decision on an appeal.",
  values: {
    GRANT: {
      description: "Remove the violation's remaining points through the ledger (APPEAL_REMOVAL) and mark it REMOVED.",
    },
    DENY: { description: 'Refuse, with a note: the violation is ACTIVE again.' },
  } as const,
});

const ViolationAppealDecideInput = builder.inputType('ViolationAppealDecideInput', {
  description: 'A decision on a PENDING appeal.',
  fields: (t) => ({
    appealId: t.globalID({ for: ViolationAppealNode, required: true, description: 'The appeal.' }),
    decision: t.field({ type: AppealDecisionEnum, required: true, description: 'Grant or deny.' }),
    note: t.string({ description: 'A note for the shop; required to deny.' }),
  }),
});

interface DecideResult {
  appealId: number;
  shopId: number;
  pointsRemoved: number;
}

const ViolationAppealDecideSuccess = builder.objectRef<DecideResult>('ViolationAppealDecideSuccess').implement({
  description: "The appeal is decided and the shop's health recomputed.",
  fields: (t) => ({
    appeal: t.prismaField({
      type: 'ViolationAppeal',
      description: 'The appeal, re-read.',
      resolve: (q, r, _a, ctx) => ctx.prisma.violationAppeal.findUniqueOrThrow({ ...q, where: { id: r.appealId } }),
    }),
    shop: t.prismaField({
      type: 'Shop',
      description: 'The shop, re-read.',
      resolve: (q, r, _a, ctx) => ctx.prisma.shop.findUniqueOrThrow({ ...q, where: { id: r.shopId } }),
    }),
    pointsRemoved: t.int({
      description: 'Points the grant removed (0 for a denial, or when the points had already expired).',
      resolve: (r) => r.pointsRemoved,
    }),
  }),
});

builder.mutationField('violationAppealDecide', (t) =>
  t.field({
    type: ViolationAppealDecideSuccess,
    description: 'Grants or denies a PENDING appeal (administrators). An appeal is decided once.',
    errors: {},
    args: { input: t.arg({ type: ViolationAppealDecideInput, required: true }) },
    resolve: audited('violationAppealDecide', async (_root, { input }, ctx) => {
      assertAdmin(ctx.viewer);
      const result = await decideAppeal(ctx, {
        appealId: toDbId(input.appealId, ['input', 'appealId']),
        decision: input.decision,
        note: input.note ?? null,
      });
      return { appealId: result.appealId, shopId: result.shopId, pointsRemoved: result.pointsRemoved };
    }),
  }),
);

import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { PartnershipNode } from './partnership.node.ts';
import { partnershipSuccess } from './partnership-success.ts';
import { endPartnership } from './partnership.service.ts';

const PartnershipEndInput = builder.inputType('PartnershipEndInput', {
  description: 'An active partnership to end.',
  fields: (t) => ({
    partnershipId: t.globalID({ for: PartnershipNode, required: true, description: 'The ACTIVE partnership.' }),
    reason: t.string({ required: true, description: 'Why it ends (3–500 characters), for the other side.' }),
  }),
});

builder.mutationField('partnershipEnd', (t) =>
  t.field({
    type: partnershipSuccess('PartnershipEndSuccess', 'The partnership is ENDED.'),
    description:
      "Ends an ACTIVE partnership with a reason: the shop's side (seller or agency), the creator's partner app (both with `partnerships:write`), or an administrator.",
    errors: {},
    args: { input: t.arg({ type: PartnershipEndInput, required: true }) },
    resolve: audited('partnershipEnd', async (_root, { input }, ctx) => ({
      partnershipId: (await endPartnership(ctx, toDbId(input.partnershipId, ['input', 'partnershipId']), input.reason))
        .id,
    })),
  }),
);

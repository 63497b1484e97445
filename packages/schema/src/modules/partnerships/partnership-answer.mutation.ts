import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { PartnershipNode } from './partnership.node.ts';
import { partnershipSuccess } from './partnership-success.ts';
import { acceptPartnership, declinePartnership } from './partnership.service.ts';

const PartnershipAcceptInput = builder.inputType('PartnershipAcceptInput', {
  description: 'A proposal to accept.',
  fields: (t) => ({
    partnershipId: t.globalID({ for: PartnershipNode, required: true, description: 'The PROPOSED partnership.' }),
  }),
});

const PartnershipDeclineInput = builder.inputType('PartnershipDeclineInput', {
  description: 'A proposal to decline.',
  fields: (t) => ({
    partnershipId: t.globalID({ for: PartnershipNode, required: true, description: 'The PROPOSED partnership.' }),
    reason: t.string({ description: 'Why, for the shop (at most 500 characters).' }),
  }),
});

builder.mutationField('partnershipAccept', (t) =>
  t.field({
    type: partnershipSuccess('PartnershipAcceptSuccess', 'The partnership is ACTIVE from now.'),
    description:
      'Accepts a proposal for the creator (the partner app that represents the creator, with `partnerships:write`). An expired or answered proposal is INVALID_STATE.',
    errors: {},
    args: { input: t.arg({ type: PartnershipAcceptInput, required: true }) },
    resolve: audited('partnershipAccept', async (_root, { input }, ctx) => ({
      partnershipId: (await acceptPartnership(ctx, toDbId(input.partnershipId, ['input', 'partnershipId']))).id,
    })),
  }),
);

builder.mutationField('partnershipDecline', (t) =>
  t.field({
    type: partnershipSuccess(
      'PartnershipDeclineSuccess',
      'The proposal is DECLINED; the shop may propose to the creator again.',
    ),
    description:
      'Declines a proposal for the creator (the partner app that represents the creator, with `partnerships:write`).',
    errors: {},
    args: { input: t.arg({ type: PartnershipDeclineInput, required: true }) },
    resolve: audited('partnershipDecline', async (_root, { input }, ctx) => ({
      partnershipId: (
        await declinePartnership(ctx, toDbId(input.partnershipId, ['input', 'partnershipId']), input.reason ?? null)
      ).id,
    })),
  }),
);

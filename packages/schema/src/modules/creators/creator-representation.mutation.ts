import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { AccountNode } from '#modules/auth/api-key.node.ts';
import { CreatorNode } from './creator.node.ts';
import { grantCreatorRepresentation, revokeCreatorRepresentation } from './creator.service.ts';

const CreatorRepresentationInput = builder.inputType('CreatorRepresentationInput', {
  description: 'A creator and the partner app that represents it.',
  fields: (t) => ({
    creatorId: t.globalID({ for: CreatorNode, required: true, description: 'The creator.' }),
    accountId: t.globalID({ for: AccountNode, required: true, description: 'The partner app (a PARTNER account).' }),
  }),
});

const representationSuccess = (name: string, description: string) =>
  builder.objectRef<{ creatorId: number; accountId: number }>(name).implement({
    description,
    fields: (t) => ({
      representation: t.prismaField({
        type: 'CreatorRepresentation',
        description: 'The representation.',
        resolve: (q, r, _a, ctx) =>
          ctx.prisma.creatorRepresentation.findUniqueOrThrow({ ...q, where: { creatorId_accountId: r } }),
      }),
    }),
  });

const decode = (input: { creatorId: { id: string }; accountId: { id: string } }) => ({
  creatorId: toDbId(input.creatorId, ['input', 'creatorId']),
  accountId: toDbId(input.accountId, ['input', 'accountId']),
});

builder.mutationField('creatorRepresentationGrant', (t) =>
  t.field({
    type: representationSuccess(
      'CreatorRepresentationGrantSuccess',
      'The partner app represents the creator: its keys reach the creator, change it with `creators:write` and answer proposals with `partnerships:write`.',
    ),
    description: 'Lets a partner app represent a creator (administrators).',
    errors: {},
    args: { input: t.arg({ type: CreatorRepresentationInput, required: true }) },
    resolve: audited('creatorRepresentationGrant', async (_root, { input }, ctx) => {
      const ids = decode(input);
      await grantCreatorRepresentation(ctx, ids);
      return ids;
    }),
  }),
);

builder.mutationField('creatorRepresentationRevoke', (t) =>
  t.field({
    type: representationSuccess(
      'CreatorRepresentationRevokeSuccess',
      "The representation is withdrawn; the partner app's keys no longer reach the creator.",
    ),
    description: 'Withdraws a partner app’s representation of a creator (administrators).',
    errors: {},
    args: { input: t.arg({ type: CreatorRepresentationInput, required: true }) },
    resolve: audited('creatorRepresentationRevoke', async (_root, { input }, ctx) => {
      const ids = decode(input);
      await revokeCreatorRepresentation(ctx, ids);
      return ids;
    }),
  }),
);

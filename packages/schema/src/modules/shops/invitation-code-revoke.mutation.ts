import type { InvitationCode } from '@shopwarden/db';
import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { InvitationCodeNode } from './invitation-code.node.ts';
import { revokeInvitationCode } from './invitation-code.service.ts';

const InvitationCodeRevokeInput = builder.inputType('InvitationCodeRevokeInput', {
  description: 'The invitation code to revoke.',
  fields: (t) => ({
    invitationCodeId: t.globalID({ for: InvitationCodeNode, required: true, description: 'The code.' }),
  }),
});

const InvitationCodeRevokeSuccess = builder.objectRef<InvitationCode>('InvitationCodeRevokeSuccess').implement({
  description: 'The code was revoked: no shop can onboard with it.',
  fields: (t) => ({
    invitationCode: t.field({ type: InvitationCodeNode, description: 'The revoked code.', resolve: (c) => c }),
  }),
});

builder.mutationField('invitationCodeRevoke', (t) =>
  t.field({
    type: InvitationCodeRevokeSuccess,
    description:
      'Revokes an unused invitation code (administrators). A used code cannot be revoked (INVITATION_CODE_USED); revoking twice is INVALID_STATE.',
    errors: {},
    args: { input: t.arg({ type: InvitationCodeRevokeInput, required: true }) },
    resolve: audited('invitationCodeRevoke', async (_root, { input }, ctx) =>
      revokeInvitationCode(ctx, Number.parseInt(input.invitationCodeId.id, 10) || 0),
    ),
  }),
);

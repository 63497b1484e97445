import type { InvitationCode } from '@shopwarden/db';
import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { InvitationCodeNode } from './invitation-code.node.ts';
import { INVITATION_BATCH_MAX, issueInvitationCodes } from './invitation-code.service.ts';

const InvitationCodesIssueInput = builder.inputType('InvitationCodesIssueInput', {
  description: 'Invitation codes to issue for one site.',
  fields: (t) => ({
    site: t.field({ type: 'CountryCode', required: true, description: 'The site the codes open.' }),
    count: t.int({ description: `How many codes (1–${INVITATION_BATCH_MAX}, default 1).` }),
    expiresAt: t.field({
      type: 'DateTime',
      description: "Unusable from this instant (after the platform clock's now); omitted: never expire.",
    }),
  }),
});

const InvitationCodesIssueSuccess = builder
  .objectRef<{ codes: InvitationCode[] }>('InvitationCodesIssueSuccess')
  .implement({
    description: 'The codes were issued.',
    fields: (t) => ({
      codes: t.field({ type: [InvitationCodeNode], description: 'The new codes.', resolve: (r) => r.codes }),
    }),
  });

builder.mutationField('invitationCodesIssue', (t) =>
  t.field({
    type: InvitationCodesIssueSuccess,
    description:
      'Issues one or a batch of invitation codes for a site, with an optional expiry (administrators). Each code lets one shop onboard on an invite-only site.',
    errors: {},
    args: { input: t.arg({ type: InvitationCodesIssueInput, required: true }) },
    resolve: audited('invitationCodesIssue', async (_root, { input }, ctx) => ({
      codes: await issueInvitationCodes(ctx, input),
    })),
  }),
);

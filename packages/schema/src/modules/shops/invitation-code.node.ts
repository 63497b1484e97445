import { builder } from '#builder';
import { changesAt, compiledJson, compiledRoot, jsonPlain, nextInstant } from '#compiled';
import type { Context } from '#context';
import { registerNodeReach } from '#lib/node-reach.ts';
import {
  invitationCodeStatus,
  invitationCodeStatusWhere,
  type InvitationCodeStatus,
} from './invitation-code.service.ts';

export const InvitationCodeStatusEnum = builder.enumType('InvitationCodeStatus', {
  description: "An invitation code's state on the platform clock.",
  values: {
    UNUSED: { description: 'Not used, revoked or expired: a shop can onboard with it.' },
    USED: { description: 'A shop onboarded with it (final).' },
    EXPIRED: { description: 'Its expiry passed unused.' },
    REVOKED: { description: 'An administrator revoked it unused (final).' },
  } as const,
});

export const InvitationCodeNode = builder.prismaNode('InvitationCode', {
  id: { field: 'id' },
  description: 'An invitation code for an invite-only site: one shop can onboard with it, once. Administrators only.',
  findUnique: (id) => ({ id: Number.parseInt(id, 10) || 0 }),
  fields: (t) => ({
    code: t.exposeString('code', { description: 'The code a shop onboards with (`shopOnboard`).' }),
    site: t.exposeString('site', { description: 'The country site it opens.' }),
    status: t.field({
      type: InvitationCodeStatusEnum,
      description: 'Unused, used, expired or revoked, on the platform clock.',
      select: { usedByShopId: true, revokedAt: true, expiresAt: true },
      // `invitationCodeStatus` in SQL, by the platform clock.
      extensions: {
        ...compiledJson((c, f) =>
          jsonPlain(
            `CASE WHEN ${c.col('usedByShopId')} IS NOT NULL THEN 'USED' WHEN ${c.col('revokedAt')} IS NOT NULL THEN 'REVOKED'
            WHEN ${c.col('expiresAt')} <= ${f.now()} THEN 'EXPIRED' ELSE 'UNUSED' END`,
            false,
          ),
        ),
        // Until the next code anywhere expires.
        ...changesAt((f) => nextInstant('InvitationCode', 'expiresAt', f.now())),
      },
      resolve: async (c, _a, ctx) => invitationCodeStatus(c, await ctx.now()),
    }),
    expiresAt: t.expose('expiresAt', {
      type: 'DateTime',
      nullable: true,
      description: 'Unusable from then; null: never.',
    }),
    usedBy: t.relation('usedBy', { nullable: true, description: 'The shop that onboarded with it.' }),
    usedAt: t.expose('usedAt', { type: 'DateTime', nullable: true, description: 'When it was used (platform clock).' }),
    revokedAt: t.expose('revokedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When an administrator revoked it (platform clock).',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was issued (platform clock).' }),
  }),
});

/** What `invitationCodes` reads: by site, code and state on the platform clock, newest first (the resolver's and the compiled read's). */
async function codesQuery(
  args: { site?: string | null; status?: InvitationCodeStatus | null; code?: string | null },
  ctx: Context,
) {
  return {
    where: {
      AND: [
        args.site ? { site: args.site } : {},
        args.code ? { code: args.code } : {},
        args.status ? invitationCodeStatusWhere(args.status, await ctx.now()) : {},
      ],
    },
    orderBy: { id: 'desc' as const },
  };
}

builder.queryField('invitationCodes', (t) =>
  t.prismaConnection({
    type: 'InvitationCode',
    cursor: 'id',
    defaultSize: 20,
    maxSize: 100,
    description: 'Invitation codes with their use, newest first (administrators only).',
    authScopes: { admin: true },
    args: {
      site: t.arg({ type: 'CountryCode', required: false, description: 'Only codes for this site.' }),
      status: t.arg({ type: InvitationCodeStatusEnum, required: false, description: 'Only codes in this state now.' }),
      code: t.arg.string({ required: false, description: 'Only the code spelt exactly so.' }),
    },
    extensions: compiledRoot({
      model: 'InvitationCode',
      kind: 'connection',
      query: codesQuery,
      defaultSize: 20,
      maxSize: 100,
    }),
    resolve: async (query, _root, args, ctx) =>
      ctx.prisma.invitationCode.findMany({ ...query, ...(await codesQuery(args, ctx)) }),
  }),
);

registerNodeReach('InvitationCode', async (ctx, ids) =>
  ctx.viewer?.role === 'ADMIN'
    ? (await ctx.prisma.invitationCode.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((r) => r.id)
    : [],
);

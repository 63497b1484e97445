import { builder } from '#builder';
import { registerNodeReach } from '#lib/node-reach.ts';
import { ShopNode } from './shop.node.ts';
import { shopOwnedWhere } from './shop.policy.ts';
import { VerificationDocumentTypeEnum } from './shop-onboard.mutation.ts';

/** Scope no agency or partner key can carry (it is not among the scopes a key or grant may name). */
export const VERIFICATION_READ_SCOPE = 'verification:read';

export const VerificationDocumentNode = builder.prismaNode('VerificationDocument', {
  // Sellers read their own shop's documents; agency and partner keys are never given this scope.
  readScope: { scope: VERIFICATION_READ_SCOPE, roles: ['AGENCY', 'PARTNER'] },
  id: { field: 'id' },
  description:
    "A verification document a shop onboarded with. Readable by administrators and by the shop's own seller only: agencies and partner apps are refused (FORBIDDEN), whatever their grant.",
  findUnique: (id) => ({ id: Number.parseInt(id, 10) || 0 }),
  fields: (t) => ({
    shop: t.relation('shop', { description: 'The shop it verifies.' }),
    type: t.expose('type', { type: VerificationDocumentTypeEnum, description: 'Kind of document.' }),
    reference: t.exposeString('reference', { description: 'Document number or file reference, as submitted.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was submitted.' }),
  }),
});

builder.prismaObjectFields(ShopNode, (t) => ({
  verificationDocuments: t.relation('verificationDocuments', {
    description:
      "The verification documents the shop onboarded with, oldest first. Administrators and the shop's own seller only.",
    query: { orderBy: { id: 'asc' } },
  }),
}));

registerNodeReach('VerificationDocument', async (ctx, ids) =>
  ctx.viewer?.role === 'ADMIN' || ctx.viewer?.role === 'SELLER'
    ? (
        await ctx.prisma.verificationDocument.findMany({
          where: { AND: [{ id: { in: ids } }, shopOwnedWhere(ctx.viewer)] },
          select: { id: true },
        })
      ).map((r) => r.id)
    : [],
);

import type { ApprovalStatus } from '@shopwarden/db';
import { builder } from '#builder';
import { compiledRoot } from '#compiled';
import type { Context } from '#context';
import { registerNodeReach } from '#lib/node-reach.ts';
import { shopOwnedWhere } from '#modules/shops/shop.policy.ts';
import { ShopNode } from '#modules/shops/shop.node.ts';

export const ApprovalStatusEnum = builder.enumType('RestrictedCategoryApprovalStatus', {
  description: "The state of a shop's request to list in a restricted category.",
  values: {
    PENDING: { description: 'Waiting for an administrator.' },
    GRANTED: { description: "Granted: the shop's listings in the category pass the restricted-category check." },
    DENIED: { description: 'Denied, with a note; the shop may request again.' },
  } as const,
});

export const RestrictedCategoryApprovalNode = builder.prismaNode('RestrictedCategoryApproval', {
  readScope: 'listings:read',
  id: { field: 'id' },
  description:
    "A shop's request (and the decision) to list in a RESTRICTED category. One per shop and category: a new request after a denial reopens it.",
  findUnique: (id) => ({ id: Number.parseInt(id, 10) || 0 }),
  fields: (t) => ({
    shop: t.relation('shop', { description: 'The requesting shop.' }),
    category: t.relation('category', { description: 'The restricted category (a grant covers its subtree).' }),
    status: t.expose('status', { type: ApprovalStatusEnum, description: 'Pending, granted or denied.' }),
    justification: t.exposeString('justification', { nullable: true, description: "The seller's justification." }),
    decisionNote: t.exposeString('decisionNote', { nullable: true, description: "The administrator's note." }),
    decidedAt: t.expose('decidedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was decided; null while pending.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was (last) requested.' }),
  }),
});

/** What `restrictedCategoryApprovals` reads: requests in the caller's shops, oldest first (the resolver's and the compiled read's). */
function approvalsQuery(args: { status?: ApprovalStatus | null; shopId?: { id: string } | null }, ctx: Context) {
  return {
    where: {
      AND: [
        shopOwnedWhere(ctx.viewer),
        args.status ? { status: args.status } : {},
        args.shopId ? { shopId: Number.parseInt(args.shopId.id, 10) || 0 } : {},
      ],
    },
    orderBy: [{ createdAt: 'asc' as const }, { id: 'asc' as const }],
  };
}

builder.queryFields((t) => ({
  restrictedCategoryApprovals: t.prismaConnection({
    type: 'RestrictedCategoryApproval',
    cursor: 'id',
    defaultSize: 20,
    maxSize: 100,
    description:
      "Restricted-category requests you can reach, oldest first: with status PENDING, the administrators' queue; sellers and agencies see their own shops'.",
    authScopes: { scope: 'listings:read' },
    args: {
      status: t.arg({ type: ApprovalStatusEnum, required: false, description: 'Only requests in this state.' }),
      shopId: t.arg.globalID({ for: ShopNode, required: false, description: "Only this shop's requests." }),
    },
    extensions: compiledRoot({
      model: 'RestrictedCategoryApproval',
      kind: 'connection',
      query: approvalsQuery,
      defaultSize: 20,
      maxSize: 100,
    }),
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.restrictedCategoryApproval.findMany({ ...query, ...approvalsQuery(args, ctx) }),
  }),
}));

registerNodeReach('RestrictedCategoryApproval', async (ctx, ids) =>
  (
    await ctx.prisma.restrictedCategoryApproval.findMany({
      where: { AND: [{ id: { in: ids } }, shopOwnedWhere(ctx.viewer)] },
      select: { id: true },
    })
  ).map((r) => r.id),
);

import type { ExceptionRequestStatus } from '@shopwarden/db';
import { builder } from '#builder';
import { compiledRoot, compiledRowsByIds } from '#compiled';
import type { Context } from '#context';
import { shopOwnedWhere } from './shop.policy.ts';
import { PrimaryCategorySourceEnum } from './shop.node.ts';
import { registerNodeReach } from '#lib/node-reach.ts';

export const ExceptionRequestStatusEnum = builder.enumType('ExceptionRequestStatus', {
  description: 'The state of a special-circumstances request.',
  values: {
    PENDING: { description: 'Waiting for an administrator.' },
    APPROVED: { description: 'Approved: the named extra categories were granted.' },
    DENIED: { description: 'Denied, with a note.' },
  } as const,
});

builder.prismaNode('PrimaryCategorySelection', {
  readScope: 'shops:read',
  id: { field: 'id' },
  description: "One change of a shop's primary category, never overwritten: who or what set it, and on what basis.",
  findUnique: (id) => ({ id: Number.parseInt(id, 10) || 0 }),
  fields: (t) => ({
    shop: t.relation('shop', { description: 'The shop.' }),
    category: t.relation('category', { description: 'The category set.' }),
    previousCategory: t.relation('previousCategory', {
      nullable: true,
      description: 'The category it replaced, for administrator changes.',
    }),
    source: t.expose('source', {
      type: PrimaryCategorySourceEnum,
      description: 'Selected, auto-assigned or changed by an administrator.',
    }),
    answers: t.expose('answers', {
      type: 'JSON',
      nullable: true,
      description: 'Questionnaire answers by question key, for merchant selections.',
    }),
    reason: t.exposeString('reason', { nullable: true, description: "The administrator's reason, for changes." }),
    figures: t.expose('figures', {
      type: 'JSON',
      nullable: true,
      description:
        'For auto-assignments: the look-back window and, per top-level category, sales (minor units, as a string) and order count, best first.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was set (platform clock).' }),
  }),
});

export const CategoryExceptionRequestNode = builder.prismaNode('CategoryExceptionRequest', {
  readScope: 'shops:read',
  id: { field: 'id' },
  description: 'A special-circumstances request from the questionnaire: the merchant asks to sell in extra categories.',
  findUnique: (id) => ({ id: Number.parseInt(id, 10) || 0 }),
  fields: (t) => ({
    shop: t.relation('shop', { description: 'The requesting shop.' }),
    comment: t.exposeString('comment', { description: "The merchant's explanation." }),
    requestedCategories: t.prismaField({
      type: ['Category'],
      description: 'The categories the merchant asked for.',
      select: { requestedCategoryIds: true },
      extensions: compiledRowsByIds('Category', (r) => r.col('requestedCategoryIds'), {
        by: 'findMany',
        orderBy: { id: 'asc' },
      }),
      resolve: (query, r, _args, ctx) =>
        ctx.prisma.category.findMany({
          ...query,
          where: { id: { in: r.requestedCategoryIds } },
          orderBy: { id: 'asc' },
        }),
    }),
    status: t.expose('status', { type: ExceptionRequestStatusEnum, description: 'Pending, approved or denied.' }),
    decisionNote: t.exposeString('decisionNote', { nullable: true, description: "The administrator's note." }),
    decidedAt: t.expose('decidedAt', { type: 'DateTime', nullable: true, description: 'When it was decided.' }),
    grants: t.relation('grants', { description: 'The categories granted, when approved.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was made.' }),
  }),
});

builder.prismaObject('CategoryExceptionGrant', {
  readScope: 'shops:read',
  description: 'An extra category a shop may list in beyond its primary category.',
  fields: (t) => ({
    category: t.relation('category', { description: 'The granted category (its subtree is covered too).' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was granted.' }),
  }),
});

/** What `categoryExceptionRequests` reads: requests in the caller's shops, oldest first (the resolver's and the compiled read's). */
function exceptionRequestsQuery(args: { status?: ExceptionRequestStatus | null }, ctx: Context) {
  return {
    where: { AND: [shopOwnedWhere(ctx.viewer), args.status ? { status: args.status } : {}] },
    orderBy: { id: 'asc' as const },
  };
}

builder.queryFields((t) => ({
  categoryExceptionRequests: t.prismaConnection({
    type: 'CategoryExceptionRequest',
    cursor: 'id',
    defaultSize: 20,
    maxSize: 100,
    description:
      "Special-circumstances requests you can reach, oldest first (the administrator's review queue with status PENDING).",
    authScopes: { scope: 'shops:read' },
    args: {
      status: t.arg({ type: ExceptionRequestStatusEnum, required: false, description: 'Only requests in this state.' }),
    },
    extensions: compiledRoot({
      model: 'CategoryExceptionRequest',
      kind: 'connection',
      query: exceptionRequestsQuery,
      defaultSize: 20,
      maxSize: 100,
    }),
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.categoryExceptionRequest.findMany({ ...query, ...exceptionRequestsQuery(args, ctx) }),
  }),
}));

registerNodeReach('PrimaryCategorySelection', async (ctx, ids) =>
  (
    await ctx.prisma.primaryCategorySelection.findMany({
      where: { id: { in: ids }, ...shopOwnedWhere(ctx.viewer) },
      select: { id: true },
    })
  ).map((r) => r.id),
);
registerNodeReach('CategoryExceptionRequest', async (ctx, ids) =>
  (
    await ctx.prisma.categoryExceptionRequest.findMany({
      where: { id: { in: ids }, ...shopOwnedWhere(ctx.viewer) },
      select: { id: true },
    })
  ).map((r) => r.id),
);

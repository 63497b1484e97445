import type { Prisma } from '@shopwarden/db';
import { builder } from '#builder';
import { callerAuthScopes, compiledJson, compiledRoot, compiledRowsByIds, jsonLiteral } from '#compiled';
import type { Context } from '#context';
import { registerNodeReach } from '#lib/node-reach.ts';
import { hasScope } from '#modules/auth/viewer.ts';
import { CategoryNode } from '#modules/shops/category.node.ts';
import { canReachShop } from '#modules/shops/shop.policy.ts';
import { contentItemWhere, creatorWhere } from './creator.policy.ts';

export const ContentKindEnum = builder.enumType('ContentKind', {
  description: 'What a creator published.',
  values: {
    LIVE_SESSION: { description: 'A live-stream shopping session.' },
    VIDEO: { description: 'A short video.' },
  } as const,
});

/** Creators are a directory for sellers and agencies; a partner key needs `creators:read` (and reaches the creators it represents). */
function canReadCreators(ctx: Context): boolean {
  const viewer = ctx.viewer;
  if (!viewer) return false;
  return viewer.role !== 'PARTNER' || hasScope(viewer, 'creators:read');
}

const creatorsScope = callerAuthScopes((ctx: Context) =>
  ctx.viewer?.role === 'PARTNER' ? { scope: 'creators:read' } : { authenticated: true },
);

export const CreatorNode = builder.prismaNode('Creator', {
  readScope: { scope: 'creators:read', roles: ['PARTNER'] },
  id: { field: 'id' },
  description: 'An influencer who promotes shops in live sessions and videos.',
  findUnique: (id) => ({ id: Number.parseInt(id, 10) || 0 }),
  fields: (t) => ({
    handle: t.exposeString('handle', { description: 'The unique public handle, without "@".' }),
    displayName: t.exposeString('displayName', { description: "The name shown on the creator's profile." }),
    regions: t.exposeStringList('regions', { description: "ISO country codes of the creator's audience regions." }),
    niches: t.prismaField({
      type: ['Category'],
      description: 'The categories the creator covers (their niches), by id.',
      select: { nicheCategoryIds: true },
      extensions: compiledRowsByIds('Category', (c) => c.col('nicheCategoryIds'), {
        by: 'findMany',
        orderBy: { id: 'asc' },
      }),
      resolve: (query, creator, _args, ctx) =>
        ctx.prisma.category.findMany({
          ...query,
          where: { id: { in: creator.nicheCategoryIds } },
          orderBy: { id: 'asc' },
        }),
    }),
    followerCount: t.exposeInt('followerCount', { description: "Followers across the creator's channels." }),
    engagementRateBps: t.exposeInt('engagementRateBps', {
      description: 'Engagement rate in basis points (1.25 % = 125).',
    }),
    engagementRate: t.float({
      description: 'Engagement rate in percent (1.25 means 1.25 %).',
      select: { engagementRateBps: true },
      // float8 prints the shortest exact form, as JSON.stringify does.
      extensions: compiledJson((c) => jsonLiteral(`(${c.col('engagementRateBps')}::float8 / 100)::text`, false)),
      resolve: (c) => c.engagementRateBps / 100,
    }),
    contentItems: t.relatedConnection('contentItems', {
      cursor: 'id',
      description:
        "The creator's content, newest first: for the shops you can reach, or all of it when you represent the creator.",
      query: (_args, ctx) => ({
        where: contentItemWhere(ctx.viewer),
        orderBy: [{ publishedAt: 'desc' }, { id: 'desc' }],
      }),
    }),
  }),
});

export const ContentItemNode = builder.prismaNode('ContentItem', {
  readScope: { scope: 'creators:read', roles: ['PARTNER'] },
  id: { field: 'id' },
  description: 'A live session or video a creator published for a shop; content violations point at these.',
  findUnique: (id) => ({ id: Number.parseInt(id, 10) || 0 }),
  fields: (t) => ({
    kind: t.expose('kind', { type: ContentKindEnum, description: 'Live session or video.' }),
    title: t.exposeString('title', { description: 'The title as published.' }),
    url: t.exposeString('url', { nullable: true, description: 'Where it can be watched, when known.' }),
    publishedAt: t.expose('publishedAt', { type: 'DateTime', description: 'When it was published or went live.' }),
    creator: t.relation('creator', { description: 'Who published it.' }),
    shop: t.prismaField({
      type: 'Shop',
      nullable: true,
      description:
        "The shop it promotes; null when that shop is outside your reach (a partner app sees its represented creators' content for any shop).",
      select: { shopId: true },
      resolve: (query, item, _args, ctx) =>
        canReachShop(ctx.viewer, item.shopId)
          ? ctx.prisma.shop.findUnique({ ...query, where: { id: item.shopId } })
          : null,
    }),
    shopName: t.string({
      description: 'The name of the shop it promotes (shown to both sides).',
      select: { shop: { select: { name: true } } },
      resolve: (item) => item.shop.name,
    }),
  }),
});

const CreatorFilterInput = builder.inputType('CreatorFilter', {
  description: 'Narrows the list of creators.',
  fields: (t) => ({
    region: t.field({ type: 'CountryCode', description: 'Only creators with this audience region.' }),
    nicheCategoryId: t.globalID({ for: CategoryNode, description: 'Only creators with this niche category.' }),
    handleContains: t.string({ description: 'Case-insensitive substring of the handle.' }),
    minFollowers: t.int({ description: 'Only creators with at least this many followers.' }),
  }),
});

function creatorFilterWhere(
  filter: typeof CreatorFilterInput.$inferInput | null | undefined,
): Prisma.CreatorWhereInput {
  if (!filter) return {};
  return {
    ...(filter.region ? { regions: { has: filter.region } } : {}),
    ...(filter.nicheCategoryId
      ? { nicheCategoryIds: { has: Number.parseInt(filter.nicheCategoryId.id, 10) || 0 } }
      : {}),
    ...(filter.handleContains ? { handle: { contains: filter.handleContains, mode: 'insensitive' as const } } : {}),
    ...(typeof filter.minFollowers === 'number' ? { followerCount: { gte: filter.minFollowers } } : {}),
  };
}

/** What `creators` reads: the directory (a partner's represented creators), filtered, by id (the resolver's and the compiled read's). */
function creatorsQuery(args: { filter?: typeof CreatorFilterInput.$inferInput | null }, ctx: Context) {
  return {
    where: { AND: [creatorWhere(ctx.viewer), creatorFilterWhere(args.filter)] },
    orderBy: { id: 'asc' as const },
  };
}

builder.queryFields((t) => ({
  creators: t.prismaConnection({
    type: 'Creator',
    cursor: 'id',
    defaultSize: 20,
    maxSize: 100,
    description:
      'Creators (influencers), by id. Readable by every authenticated caller; partner keys need the `creators:read` scope.',
    authScopes: creatorsScope,
    args: { filter: t.arg({ type: CreatorFilterInput, required: false, description: 'Narrow the list.' }) },
    extensions: compiledRoot({
      model: 'Creator',
      kind: 'connection',
      query: creatorsQuery,
      defaultSize: 20,
      maxSize: 100,
    }),
    resolve: (query, _root, args, ctx) => ctx.prisma.creator.findMany({ ...query, ...creatorsQuery(args, ctx) }),
  }),
}));

builder.prismaObject('CreatorRepresentation', {
  description: 'A partner app that represents a creator: it may change the creator and answer proposals for it.',
  fields: (t) => ({
    creator: t.relation('creator', { description: 'The creator represented.' }),
    account: t.relation('account', { description: 'The partner app.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was granted.' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true, description: 'When it was withdrawn.' }),
  }),
});

builder.prismaObjectFields('Shop', (t) => ({
  contentItems: t.relatedConnection('contentItems', {
    cursor: 'id',
    description: 'Creator content that promotes this shop, newest first.',
    args: {
      kind: t.arg({ type: ContentKindEnum, required: false, description: 'Only live sessions or only videos.' }),
    },
    query: (args) => ({
      where: args.kind ? { kind: args.kind } : {},
      orderBy: [{ publishedAt: 'desc' }, { id: 'desc' }],
    }),
  }),
}));

registerNodeReach('Creator', async (ctx, ids) =>
  canReadCreators(ctx)
    ? (
        await ctx.prisma.creator.findMany({
          where: { AND: [{ id: { in: ids } }, creatorWhere(ctx.viewer)] },
          select: { id: true },
        })
      ).map((r) => r.id)
    : [],
);
registerNodeReach('ContentItem', async (ctx, ids) =>
  (
    await ctx.prisma.contentItem.findMany({
      where: { AND: [{ id: { in: ids } }, contentItemWhere(ctx.viewer)] },
      select: { id: true },
    })
  ).map((r) => r.id),
);

import type { PartnershipStatus, Prisma } from '@shopwarden/db';
import { builder } from '#builder';
import {
  changesAt,
  nextInstant,
  compiledConnection,
  compiledJson,
  compiledRow,
  compiledRowsByIds,
  jsonLiteral,
  jsonPlain,
  jsonString,
  sqlColumn,
  sqlTable,
  type SqlParent,
} from '#compiled';
import type { Context } from '#context';
import { registerNodeReachWhere } from '#lib/node-reach.ts';
import { canReachCreator, creatorWhere } from '#modules/creators/creator.policy.ts';
import { canReachShop, shopOwnedWhere, shopWhere } from '#modules/shops/shop.policy.ts';
import { partnershipWhere } from './partnership.policy.ts';
import { effectivePartnershipStatus, partnershipStatusWhere } from './partnership-expiry.service.ts';

export const PartnershipStatusEnum = builder.enumType('PartnershipStatus', {
  description: 'Where a partnership is in its life cycle.',
  values: {
    PROPOSED: { description: "The shop proposed it; waiting for the creator's answer until `expiresAt`." },
    ACTIVE: { description: 'The creator accepted it.' },
    DECLINED: { description: 'The creator declined it.' },
    EXPIRED: { description: 'Nobody answered before `expiresAt` (platform clock).' },
    ENDED: { description: 'Either side or an administrator ended it after it was active.' },
  } as const,
});

export const PartnershipPartyEnum = builder.enumType('PartnershipParty', {
  description: 'Who closed a partnership.',
  values: {
    SHOP: { description: "The shop's side (seller or agency)." },
    CREATOR: { description: "The creator's side (the partner app that represents the creator)." },
    ADMIN: { description: 'A platform administrator.' },
    PLATFORM: { description: 'The platform itself (an unanswered proposal expired).' },
  } as const,
});

const partnershipsRead = { scope: 'partnerships:read' } as const;

/** One column of the partnership's shop or creator, as a scalar subquery. */
const partyColumnSql = (p: SqlParent, model: 'Shop' | 'Creator', field: string) =>
  `(SELECT ${sqlColumn('sw_party', model, field)} FROM ${sqlTable(model)} sw_party WHERE ${sqlColumn('sw_party', model, 'id')} = ${p.col(model === 'Shop' ? 'shopId' : 'creatorId')})`;

export const PartnershipNode = builder.prismaNode('Partnership', {
  readScope: 'partnerships:read',
  id: { field: 'id' },
  description:
    'A partnership between a shop and a creator: a commission on the sales the creator brings, an optional product scope and dates.',
  findUnique: (id) => ({ id: Number.parseInt(id, 10) || 0 }),
  fields: (t) => ({
    status: t.field({
      type: PartnershipStatusEnum,
      description: 'The status now: a proposal past `expiresAt` is EXPIRED, whether or not the expiry job ran yet.',
      select: { status: true, expiresAt: true },
      extensions: {
        ...compiledJson((p, f) =>
          jsonPlain(
            `CASE WHEN ${p.col('status')} = 'PROPOSED' AND ${p.col('expiresAt')} <= ${f.now()} THEN 'EXPIRED' ELSE ${p.col('status')}::text END`,
            false,
          ),
        ),
        // Until the next proposal anywhere expires.
        ...changesAt((f) => nextInstant('Partnership', 'expiresAt', f.now(), (c) => `${c('status')} = 'PROPOSED'`)),
      },
      resolve: async (p, _a, ctx) => effectivePartnershipStatus(p, await ctx.now()),
    }),
    shop: t.prismaField({
      type: 'Shop',
      nullable: true,
      description: "The shop; null when it is outside your reach (the creator's partner app sees `shopName`).",
      select: { shopId: true },
      extensions: compiledRow('Shop', (p) => p.col('shopId'), { where: (ctx) => shopWhere(ctx.viewer) }),
      resolve: (query, p, _a, ctx) =>
        canReachShop(ctx.viewer, p.shopId) ? ctx.prisma.shop.findUnique({ ...query, where: { id: p.shopId } }) : null,
    }),
    shopName: t.string({
      description: 'The name of the shop (shown to both sides).',
      select: { shop: { select: { name: true } } },
      extensions: compiledJson((p) => jsonString(partyColumnSql(p, 'Shop', 'name'), false), { reads: ['Shop'] }),
      resolve: (p) => p.shop.name,
    }),
    creator: t.prismaField({
      type: 'Creator',
      nullable: true,
      description: "The creator; null when it is outside your reach (the shop's partner apps see `creatorHandle`).",
      select: { creatorId: true },
      extensions: compiledRow('Creator', (p) => p.col('creatorId'), { where: (ctx) => creatorWhere(ctx.viewer) }),
      resolve: (query, p, _a, ctx) =>
        canReachCreator(ctx.viewer, p.creatorId)
          ? ctx.prisma.creator.findUnique({ ...query, where: { id: p.creatorId } })
          : null,
    }),
    creatorHandle: t.string({
      description: "The creator's handle (shown to both sides).",
      select: { creator: { select: { handle: true } } },
      extensions: compiledJson((p) => jsonString(partyColumnSql(p, 'Creator', 'handle'), false), {
        reads: ['Creator'],
        acrossShops: true,
      }),
      resolve: (p) => p.creator.handle,
    }),
    commissionRate: t.float({
      description: 'Commission in percent, two decimals (12.5 means 12.5 %).',
      select: { commissionRateBps: true },
      // float8 prints the shortest exact form, as JSON.stringify does.
      extensions: compiledJson((p) => jsonLiteral(`(${p.col('commissionRateBps')}::float8 / 100)::text`, false)),
      resolve: (p) => p.commissionRateBps / 100,
    }),
    commissionRateBps: t.exposeInt('commissionRateBps', { description: 'Commission in basis points (12.5 % = 1250).' }),
    scopeListings: t.prismaField({
      type: ['Listing'],
      description: 'The listings the partnership covers (with `scopeCategories` empty too: the whole shop).',
      select: { scopeListingIds: true, shopId: true },
      extensions: compiledRowsByIds('Listing', (p) => p.col('scopeListingIds'), {
        by: 'findMany',
        orderBy: { id: 'asc' },
        parentWhere: (ctx) => shopOwnedWhere(ctx.viewer),
      }),
      resolve: (query, p, _a, ctx) =>
        p.scopeListingIds.length && canReachShop(ctx.viewer, p.shopId)
          ? ctx.prisma.listing.findMany({ ...query, where: { id: { in: p.scopeListingIds } }, orderBy: { id: 'asc' } })
          : [],
    }),
    scopeCategories: t.prismaField({
      type: ['Category'],
      description: 'The categories the partnership covers.',
      select: { scopeCategoryIds: true },
      extensions: compiledRowsByIds('Category', (p) => p.col('scopeCategoryIds'), {
        by: 'findMany',
        orderBy: { id: 'asc' },
      }),
      resolve: (query, p, _a, ctx) =>
        p.scopeCategoryIds.length
          ? ctx.prisma.category.findMany({
              ...query,
              where: { id: { in: p.scopeCategoryIds } },
              orderBy: { id: 'asc' },
            })
          : [],
    }),
    startsAt: t.expose('startsAt', {
      type: 'DateTime',
      nullable: true,
      description: 'The agreed start; null for "from acceptance".',
    }),
    endsAt: t.expose('endsAt', {
      type: 'DateTime',
      nullable: true,
      description: 'The agreed end; null for open-ended.',
    }),
    message: t.exposeString('message', { nullable: true, description: "The shop's note with the proposal." }),
    proposedAt: t.expose('createdAt', { type: 'DateTime', description: 'When the shop proposed it.' }),
    expiresAt: t.expose('expiresAt', {
      type: 'DateTime',
      nullable: true,
      description: 'A proposal not answered by then is EXPIRED (platform clock).',
    }),
    respondedAt: t.expose('respondedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the creator accepted or declined.',
    }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true, description: 'When it became ACTIVE.' }),
    endedAt: t.expose('endedAt', { type: 'DateTime', nullable: true, description: 'When it was ENDED.' }),
    closedBy: t.expose('closedBy', {
      type: PartnershipPartyEnum,
      nullable: true,
      description: 'Who declined, ended or expired it.',
    }),
    closeReason: t.exposeString('closeReason', {
      nullable: true,
      description: 'The reason given when it was declined, ended or expired.',
    }),
    version: t.exposeInt('version', { description: 'Increases with every transition.' }),
    contentItems: t.prismaConnection({
      type: 'ContentItem',
      cursor: 'id',
      defaultSize: 20,
      maxSize: 100,
      description:
        "The creator's content promoting the shop while the partnership was ACTIVE (from `startedAt` to `endedAt` or now), newest first.",
      resolve: async (query, parent, _a, ctx) => {
        const p = await ctx.prisma.partnership.findUniqueOrThrow({
          where: { id: parent.id },
          select: { shopId: true, creatorId: true, startedAt: true, endedAt: true },
        });
        if (!p.startedAt) return [];
        return ctx.prisma.contentItem.findMany({
          ...query,
          where: {
            shopId: p.shopId,
            creatorId: p.creatorId,
            publishedAt: { gte: p.startedAt, lte: p.endedAt ?? (await ctx.now()) },
          },
          orderBy: [{ publishedAt: 'desc' }, { id: 'desc' }],
        });
      },
    }),
  }),
});

const STATUS_ARG = {
  type: PartnershipStatusEnum,
  required: false,
  description: 'Only partnerships in this status (now).',
} as const;

/** What a shop's or creator's partnerships read besides its own: the caller's reach, the status (the resolver's and the compiled read's). */
async function partnershipsQuery(args: { status?: PartnershipStatus | null }, ctx: Context) {
  const parts: Prisma.PartnershipWhereInput[] = [partnershipWhere(ctx.viewer)];
  if (args.status) parts.push(partnershipStatusWhere(args.status, await ctx.now()));
  return { where: { AND: parts }, orderBy: { id: 'desc' as const } };
}

/** The partnerships of one shop or creator (`own`), as `partnershipsQuery` narrows them. */
async function findPartnerships(
  query: object,
  own: Prisma.PartnershipWhereInput,
  args: { status?: PartnershipStatus | null },
  ctx: Context,
) {
  const { where, orderBy } = await partnershipsQuery(args, ctx);
  return ctx.prisma.partnership.findMany({ ...query, where: { AND: [own, where] }, orderBy });
}

builder.prismaObjectFields('Shop', (t) => ({
  partnerships: t.prismaConnection({
    type: 'Partnership',
    cursor: 'id',
    defaultSize: 20,
    maxSize: 100,
    description: "The shop's partnerships, newest first (needs `partnerships:read`).",
    authScopes: partnershipsRead,
    args: { status: t.arg(STATUS_ARG) },
    extensions: compiledConnection({
      relation: 'partnerships',
      query: partnershipsQuery,
      defaultSize: 20,
      maxSize: 100,
    }),
    resolve: (query, shop, args, ctx) => findPartnerships(query, { shopId: shop.id }, args, ctx),
  }),
}));

builder.prismaObjectFields('Creator', (t) => ({
  partnerships: t.prismaConnection({
    type: 'Partnership',
    cursor: 'id',
    defaultSize: 20,
    maxSize: 100,
    description:
      "The creator's partnerships that you reach (all of them for its partner app; a shop's side sees its own), newest first.",
    authScopes: partnershipsRead,
    args: { status: t.arg(STATUS_ARG) },
    extensions: compiledConnection({
      relation: 'partnerships',
      query: partnershipsQuery,
      defaultSize: 20,
      maxSize: 100,
    }),
    resolve: (query, creator, args, ctx) => findPartnerships(query, { creatorId: creator.id }, args, ctx),
  }),
}));

registerNodeReachWhere('Partnership', 'Partnership', (ctx) => partnershipWhere(ctx.viewer));

import type { Creator } from '@shopwarden/db';
import { builder } from '#builder';
import { toDbId } from '#lib/ids.ts';
import { ComplianceStandingEnum } from '#modules/creators/compliance.node.ts';
import { CreatorNode } from '#modules/creators/creator.node.ts';
import { CategoryNode } from '#modules/shops/category.node.ts';
import { matchPage, type MatchPage, type MatchReason, type RankedMatch } from './matching.service.ts';

const MatchReasonCodeEnum = builder.enumType('MatchReasonCode', {
  description: 'Why a match scored what it did (docs/creators-and-partnerships.md has the formula).',
  values: {
    NICHE_MATCHES_PRIMARY_CATEGORY: {
      description: "A creator's niche is the shop's primary category (+matchWeightPrimaryNiche).",
    },
    NICHE_IN_GRANTED_CATEGORY: {
      description: "A creator's niche is only one of the shop's granted categories (+matchWeightGrantedNiche).",
    },
    REGION_OVERLAP: {
      description: "The creator's regions cover the shop's sites (+matchWeightRegion × covered ÷ sites).",
    },
    AUDIENCE_SIZE: { description: 'Followers, in five tiers from 10k to 1M (+matchWeightAudience × tier ÷ 5).' },
    ENGAGEMENT: { description: 'Engagement rate up to 10 % (+matchWeightEngagement × rate ÷ 10 %).' },
    COMPLIANCE_PENALTY: {
      description:
        "Violation points on the creator's content in the window, recent ones twice (−matchPenaltyPerPoint each).",
    },
    ALREADY_PARTNERED: {
      description: 'A partnership is already proposed or active (−matchAlreadyPartneredPenalty).',
    },
  } as const,
});

const MatchReasonRef = builder.objectRef<MatchReason>('MatchReason').implement({
  description: 'One part of a match score; the points of all reasons add up to the score.',
  fields: (t) => ({
    code: t.expose('code', { type: MatchReasonCodeEnum, description: 'What the reason is.' }),
    points: t.exposeInt('points', { description: 'Points it contributes (negative for a penalty).' }),
    message: t.exposeString('message', { description: 'The reason as a sentence, with its figures.' }),
  }),
});

const scoreFields = {
  score: 'The match score, 0–100: the sum of the reasons’ points.',
  reasons: 'The reasons that make up the score.',
};

const CreatorMatchRef = builder.objectRef<RankedMatch>('CreatorMatch').implement({
  readScope: 'creators:read',
  description: 'A creator ranked for a shop.',
  fields: (t) => ({
    creator: t.field({
      type: CreatorNode,
      description: 'The creator.',
      resolve: (m): Creator => ({
        id: m.row.creatorId,
        handle: m.row.handle,
        displayName: m.row.displayName,
        regions: m.row.regions,
        nicheCategoryIds: m.row.nicheCategoryIds,
        followerCount: m.row.followerCount,
        engagementRateBps: m.row.engagementRateBps,
        createdAt: m.row.creatorCreatedAt,
        updatedAt: m.row.creatorUpdatedAt,
      }),
    }),
    score: t.exposeInt('score', { description: scoreFields.score }),
    standing: t.expose('standing', {
      type: ComplianceStandingEnum,
      description: "The creator's compliance standing (POOR creators appear only with `includePoor`).",
    }),
    reasons: t.field({ type: [MatchReasonRef], description: scoreFields.reasons, resolve: (m) => m.reasons }),
  }),
});

const ShopMatchRef = builder.objectRef<RankedMatch>('ShopMatch').implement({
  readScope: 'creators:read',
  description: 'A shop ranked for a creator.',
  fields: (t) => ({
    shop: t.prismaField({
      type: 'Shop',
      description: 'The shop.',
      resolve: (query, m, _a, ctx) => ctx.prisma.shop.findUniqueOrThrow({ ...query, where: { id: m.row.shopId } }),
    }),
    score: t.exposeInt('score', { description: scoreFields.score }),
    reasons: t.field({ type: [MatchReasonRef], description: scoreFields.reasons, resolve: (m) => m.reasons }),
  }),
});

const CreatorMatchFilter = builder.inputType('CreatorMatchFilter', {
  description: 'Narrows the creators ranked for a shop (your reach is applied on top).',
  fields: (t) => ({
    region: t.field({ type: 'CountryCode', description: 'Only creators with this audience region.' }),
    nicheCategoryId: t.globalID({ for: CategoryNode, description: 'Only creators with this niche.' }),
    minFollowers: t.int({ description: 'Only creators with at least this many followers.' }),
    includePoor: t.boolean({ description: 'Also rank creators whose compliance standing is POOR (default false).' }),
  }),
});

const ShopMatchFilter = builder.inputType('ShopMatchFilter', {
  description: 'Narrows the shops ranked for a creator (your reach is applied on top).',
  fields: (t) => ({
    site: t.field({ type: 'CountryCode', description: 'Only shops selling on this site.' }),
  }),
});

const connectionOf = (page: MatchPage) => ({
  edges: page.matches.map((m) => ({ cursor: m.cursor, node: m })),
  pageInfo: {
    hasNextPage: page.hasNextPage,
    hasPreviousPage: page.hasPreviousPage,
    startCursor: page.matches[0]?.cursor ?? null,
    endCursor: page.matches.at(-1)?.cursor ?? null,
  },
});

builder.prismaObjectFields('Shop', (t) => ({
  creatorMatches: t.connection(
    {
      type: CreatorMatchRef,
      description:
        'Creators ranked for this shop: score (0–100) descending, then followers descending, then id. Each match lists the reasons its score is made of. POOR creators are left out unless `filter.includePoor`. Needs `creators:read`.',
      authScopes: { scope: 'creators:read' },
      extensions: { ownCursor: true },
      select: { id: true },
      args: { filter: t.arg({ type: CreatorMatchFilter, required: false, description: 'Narrow the ranking.' }) },
      resolve: async (shop, args, ctx) =>
        connectionOf(
          await matchPage(
            ctx,
            { kind: 'creatorsForShop', shopId: shop.id },
            {
              region: args.filter?.region,
              nicheCategoryId: args.filter?.nicheCategoryId
                ? toDbId(args.filter.nicheCategoryId, ['filter', 'nicheCategoryId'])
                : null,
              minFollowers: args.filter?.minFollowers,
              includePoor: args.filter?.includePoor,
            },
            args,
          ),
        ),
    },
    { description: 'A page of creators ranked for a shop.' },
    { description: 'One ranked creator and its cursor.' },
  ),
}));

builder.prismaObjectFields('Creator', (t) => ({
  shopMatches: t.connection(
    {
      type: ShopMatchRef,
      description:
        'ACTIVE shops in your reach ranked for this creator by the same formula: score descending, then shop id. Needs `creators:read`.',
      authScopes: { scope: 'creators:read' },
      extensions: { ownCursor: true },
      select: { id: true },
      args: { filter: t.arg({ type: ShopMatchFilter, required: false, description: 'Narrow the ranking.' }) },
      resolve: async (creator, args, ctx) =>
        connectionOf(
          await matchPage(ctx, { kind: 'shopsForCreator', creatorId: creator.id }, { site: args.filter?.site }, args),
        ),
    },
    { description: 'A page of shops ranked for a creator.' },
    { description: 'One ranked shop and its cursor.' },
  ),
}));

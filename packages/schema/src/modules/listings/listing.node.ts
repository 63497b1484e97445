import type { ListingStatus, Prisma } from '@shopwarden/db';
import { builder } from '#builder';
import type { Context } from '#context';
import type { Viewer } from '#modules/auth/viewer.ts';
import { loaderFor } from '#lib/loaders.ts';
import { registerNodeReachWhere } from '#lib/node-reach.ts';
import {
  compiledFirstRelated,
  compiledJson,
  compiledObject,
  compiledObjectList,
  compiledRoot,
  compiledRow,
  fromRowOnly,
  jsonLiteral,
  jsonPlain,
  jsonString,
  sqlColumn,
  sqlColumnType,
  sqlTable,
} from '#compiled';
import { MoneyRef } from '#modules/core/money.ts';
import { apiKeyWhere } from '#modules/auth/api-key.node.ts';
import { CategoryNode } from '#modules/shops/category.node.ts';
import { shopOwnedWhere } from '#modules/shops/shop.policy.ts';
import { ShopNode } from '#modules/shops/shop.node.ts';
import type { ListingIssue } from './listing-checks.ts';

export const ListingStatusEnum = builder.enumType('ListingStatus', {
  description: 'Where a listing is in its review life cycle.',
  values: {
    DRAFT: { description: 'Created, never submitted; the seller may edit it.' },
    PENDING_REVIEW: { description: 'Passed the automatic checks; waiting for an administrator.' },
    ACTIVE: { description: 'Approved and on sale.' },
    REJECTED: {
      description: 'Rejected by the automatic checks or an administrator; the seller may edit and resubmit it.',
    },
    SUSPENDED: { description: 'Taken down by an administrator after it was active.' },
  } as const,
});

export const ReviewDecisionEnum = builder.enumType('ListingReviewDecision', {
  description: 'What a review record decided.',
  values: {
    SUBMITTED: { description: 'The seller submitted it and the automatic checks passed: now PENDING_REVIEW.' },
    AUTO_REJECTED: { description: 'The seller submitted it and the automatic checks rejected it, with reasons.' },
    APPROVED: { description: 'An administrator approved it: now ACTIVE.' },
    REJECTED: { description: 'An administrator rejected it, with reasons.' },
    SUSPENDED: { description: 'An administrator suspended an active listing.' },
  } as const,
});

export const ListingIssueRef = builder.objectRef<ListingIssue>('ListingIssue').implement({
  description:
    'One reason on a listing decision. Automatic codes, in the order the checks run: SHOP_NOT_ACTIVE, PROHIBITED_ITEM, PRIMARY_CATEGORY_NOT_SET, OUTSIDE_PRIMARY_CATEGORY, TOO_MANY_CATEGORIES (before the primary-category policy takes effect), RESTRICTED_REQUIRES_APPROVAL. Reviewers add their own UPPER_SNAKE_CASE codes.',
  fields: (t) => ({
    code: t.exposeString('code', {
      description: 'Stable machine-readable reason code: branch on this.',
      extensions: compiledJson((i) => jsonString(i.value('code'), false)),
    }),
    message: t.exposeString('message', {
      description: 'A human explanation, in English.',
      extensions: compiledJson((i) => jsonString(i.value('message'), false)),
    }),
  }),
});

function asIssues(json: Prisma.JsonValue): ListingIssue[] {
  if (!Array.isArray(json)) return [];
  return json.flatMap((r) =>
    r && typeof r === 'object' && !Array.isArray(r) && typeof r.code === 'string'
      ? [{ code: r.code, message: typeof r.message === 'string' ? r.message : '' }]
      : [],
  );
}

/** Keys a review record may name: one query for every review on a page; keys outside the caller's reach stay null. */
function reviewerLoader(ctx: Context) {
  return loaderFor<number, boolean>(ctx, 'listingReviewerVisible', async (ids) => {
    const visible = new Set(
      (
        await ctx.prisma.apiKey.findMany({
          where: { AND: [{ id: { in: [...ids] } }, apiKeyWhere(ctx.viewer)] },
          select: { id: true },
        })
      ).map((k) => k.id),
    );
    return ids.map((id) => visible.has(id));
  });
}

export const ListingReviewNode = builder.prismaNode('ListingReview', {
  readScope: 'listings:read',
  id: { field: 'id' },
  description:
    "One decision on a listing, automatic or human. Reviews are never changed or deleted: together they are the listing's history.",
  findUnique: (id) => ({ id: Number.parseInt(id, 10) || 0 }),
  fields: (t) => ({
    listing: t.relation('listing', { description: 'The listing decided on.' }),
    decision: t.expose('decision', { type: ReviewDecisionEnum, description: 'What was decided.' }),
    automatic: t.exposeBoolean('automatic', {
      description: "True for the automatic checks run on submission; false for an administrator's decision.",
    }),
    fromStatus: t.expose('fromStatus', { type: ListingStatusEnum, description: 'The status before the decision.' }),
    toStatus: t.expose('toStatus', { type: ListingStatusEnum, description: 'The status after it.' }),
    reasons: t.field({
      type: [ListingIssueRef],
      description: 'Every reason recorded, in order (empty for approvals and passed checks).',
      select: { reasons: true },
      // asIssues in SQL: the array's objects with a string code, in order; a message only when a string.
      extensions: compiledObjectList((r, a) => ({
        from: `jsonb_array_elements(CASE WHEN jsonb_typeof(${r.col('reasons')}) = 'array' THEN ${r.col('reasons')} END) WITH ORDINALITY AS ${a}(v, n) WHERE jsonb_typeof(${a}.v -> 'code') = 'string'`,
        orderBy: `${a}.n`,
        values: {
          code: `(${a}.v ->> 'code')`,
          message: `CASE WHEN jsonb_typeof(${a}.v -> 'message') = 'string' THEN ${a}.v ->> 'message' ELSE '' END`,
        },
        reads: [],
      })),
      resolve: (r) => asIssues(r.reasons),
    }),
    note: t.exposeString('note', { nullable: true, description: "The reviewer's note." }),
    listingVersion: t.exposeInt('listingVersion', { description: "The listing's version after this decision." }),
    reviewer: t.prismaField({
      type: 'ApiKey',
      nullable: true,
      description:
        "The key that made the decision (for automatic checks: the key that submitted); null when that key is outside your reach, e.g. an administrator's key seen by a seller.",
      select: { reviewerApiKeyId: true },
      // The key by its id, within the caller's reach (reviewerLoader's where), else null.
      extensions: compiledRow('ApiKey', (r) => r.col('reviewerApiKeyId'), { where: (ctx) => apiKeyWhere(ctx.viewer) }),
      resolve: async (query, r, _args, ctx) => {
        if (r.reviewerApiKeyId === null || !(await reviewerLoader(ctx).load(r.reviewerApiKeyId))) return null;
        return ctx.prisma.apiKey.findUnique({ ...query, where: { id: r.reviewerApiKeyId } });
      },
    }),
    reviewerRole: t.field({
      type: 'String',
      description: 'Who decided: "SYSTEM" for the automatic checks, "ADMIN" for the policy team.',
      select: { automatic: true },
      // Kept without a SQL form (the partial-read example, docs/performance.md): it reads only its row.
      extensions: fromRowOnly(),
      resolve: (r) => (r.automatic ? 'SYSTEM' : 'ADMIN'),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was decided (platform clock).' }),
  }),
});

export const ListingNode = builder.prismaNode('Listing', {
  readScope: 'listings:read',
  id: { field: 'id' },
  description:
    'An item a shop offers, with its review status. Sellers create and edit drafts, submit them through the automatic checks, and administrators approve, reject or suspend them.',
  findUnique: (id) => ({ id: Number.parseInt(id, 10) || 0 }),
  fields: (t) => ({
    title: t.exposeString('title', { description: 'Title, 1–200 characters.' }),
    description: t.exposeString('description', { description: 'Free-text description (may be empty).' }),
    category: t.relation('category', { description: 'The category it is listed in.' }),
    price: t.field({
      type: MoneyRef,
      description: 'The price.',
      select: { priceAmount: true, currency: true },
      extensions: compiledObject((l) => ({ minor: l.col('priceAmount'), currency: l.col('currency') })),
      resolve: (l) => ({ minor: l.priceAmount, currency: l.currency }),
    }),
    sites: t.exposeStringList('sites', { description: "ISO country codes of the shop's sites it is offered on." }),
    status: t.expose('status', { type: ListingStatusEnum, description: 'Where it is in review.' }),
    version: t.exposeInt('version', {
      description:
        'Bumped by every edit and decision: pass it as `expectedVersion` so a stale decision fails with CONFLICT instead of overwriting.',
    }),
    submittedAt: t.expose('submittedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was last submitted; null for a draft never submitted.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    shop: t.relation('shop', { description: 'The shop that owns it.' }),
    reviews: t.relatedConnection('reviews', {
      cursor: 'id',
      description:
        "Every decision on it, oldest first: submissions, automatic rejections and administrators' decisions.",
      query: { orderBy: { id: 'asc' } },
    }),
    latestReview: t.field({
      type: ListingReviewNode,
      nullable: true,
      description: 'The most recent decision; null for a draft never submitted.',
      select: (_args, _ctx, nested) => ({ reviews: nested({ take: 1, orderBy: { id: 'desc' } }) }),
      // The same query in SQL: the review with the highest id, LIMIT 1.
      extensions: compiledFirstRelated('reviews'),
      resolve: (l) => l.reviews[0] ?? null,
    }),
  }),
});

export const ListingSortEnum = builder.enumType('ListingSort', {
  description: 'Orders of a listing list. Every order ends with the id, so pages never repeat or skip an item.',
  values: {
    ID: { description: 'Oldest created first (by id).' },
    SUBMITTED_AT_ASC: { description: 'Earliest submitted first; only listings that have been submitted.' },
    SUBMITTED_AT_DESC: { description: 'Latest submitted first; only listings that have been submitted.' },
    PRICE_ASC: { description: 'Cheapest first (by minor units, whatever the currency).' },
    PRICE_DESC: { description: 'Dearest first (by minor units, whatever the currency).' },
  } as const,
});

export const ListingFilterInput = builder.inputType('ListingFilter', {
  description: 'Narrows a list of listings. Your tenant restriction always applies on top.',
  fields: (t) => ({
    status: t.field({ type: ListingStatusEnum, description: 'Only listings with this status.' }),
    categoryId: t.globalID({
      for: CategoryNode,
      description: 'Only listings in this category or any category below it.',
    }),
    site: t.field({ type: 'CountryCode', description: 'Only listings offered on this country site.' }),
    rejectionReason: t.string({
      description: 'Only REJECTED listings rejected with this reason code, e.g. OUTSIDE_PRIMARY_CATEGORY.',
    }),
    submittedAfter: t.field({ type: 'DateTime', description: 'Only listings submitted at or after this instant.' }),
    submittedBefore: t.field({ type: 'DateTime', description: 'Only listings submitted before this instant.' }),
  }),
});

type ListingFilter = typeof ListingFilterInput.$inferInput;
type ListingSort = 'ID' | 'SUBMITTED_AT_ASC' | 'SUBMITTED_AT_DESC' | 'PRICE_ASC' | 'PRICE_DESC';

/** A category and everything below it, as a condition on the listing's category (the tree is at most six levels deep). */
function subtreeWhere(categoryId: number): Prisma.CategoryWhereInput {
  const or: Prisma.CategoryWhereInput[] = [{ id: categoryId }, { rootId: categoryId }];
  let level: Prisma.CategoryWhereInput = { parentId: categoryId };
  for (let depth = 0; depth < 5; depth++) {
    or.push(level);
    level = { parent: level };
  }
  return { OR: or };
}

/** The caller's filter as a Prisma condition (the category filter covers the subtree). */
export function listingFilterWhere(filter: ListingFilter | null | undefined): Prisma.ListingWhereInput {
  if (!filter) return {};
  const and: Prisma.ListingWhereInput[] = [];
  if (filter.status) and.push({ status: filter.status });
  if (filter.site) and.push({ sites: { has: filter.site } });
  if (filter.submittedAfter) and.push({ submittedAt: { gte: filter.submittedAfter } });
  if (filter.submittedBefore) and.push({ submittedAt: { lt: filter.submittedBefore } });
  if (filter.rejectionReason) {
    and.push({
      status: 'REJECTED',
      reviews: { some: { toStatus: 'REJECTED', reasons: { array_contains: [{ code: filter.rejectionReason }] } } },
    });
  }
  if (filter.categoryId) and.push({ category: subtreeWhere(Number.parseInt(filter.categoryId.id, 10) || 0) });
  return { AND: and };
}

/** The order for a sort, always ending with the unique id. */
export function listingOrderBy(sort: ListingSort | null | undefined): Prisma.ListingOrderByWithRelationInput[] {
  switch (sort) {
    case 'SUBMITTED_AT_ASC':
      return [{ submittedAt: 'asc' }, { id: 'asc' }];
    case 'SUBMITTED_AT_DESC':
      return [{ submittedAt: 'desc' }, { id: 'desc' }];
    case 'PRICE_ASC':
      return [{ priceAmount: 'asc' }, { id: 'asc' }];
    case 'PRICE_DESC':
      return [{ priceAmount: 'desc' }, { id: 'desc' }];
    default:
      return [{ id: 'asc' }];
  }
}

/** Sorting by submission time lists only submitted listings: a null never sits between cursors. */
function sortWhere(sort: ListingSort | null | undefined): Prisma.ListingWhereInput {
  return sort === 'SUBMITTED_AT_ASC' || sort === 'SUBMITTED_AT_DESC' ? { submittedAt: { not: null } } : {};
}

export function listingTenantWhere(viewer: Viewer | null): Prisma.ListingWhereInput {
  return shopOwnedWhere(viewer);
}

/** What `listing(id)` reads (shared by the resolver and the compiled read). */
function listingQuery(args: { id: { id: string } }, ctx: Context) {
  return { where: { AND: [listingTenantWhere(ctx.viewer), { id: Number.parseInt(args.id.id, 10) || 0 }] } };
}

/** What `listings` reads: the caller's listings, filtered and sorted. */
function listingsQuery(args: { filter?: ListingFilter | null; sort?: ListingSort | null }, ctx: Context) {
  return {
    where: { AND: [listingTenantWhere(ctx.viewer), sortWhere(args.sort), listingFilterWhere(args.filter)] },
    orderBy: listingOrderBy(args.sort),
  };
}

/** What `listingReviewQueue` reads: PENDING_REVIEW listings, the longest waiting first. */
function reviewQueueQuery(args: { filter?: ListingFilter | null }, ctx: Context) {
  return {
    where: {
      AND: [listingTenantWhere(ctx.viewer), { status: 'PENDING_REVIEW' as const }, listingFilterWhere(args.filter)],
    },
    orderBy: [{ submittedAt: 'asc' as const }, { id: 'asc' as const }],
  };
}

builder.queryFields((t) => ({
  listing: t.prismaField({
    type: 'Listing',
    nullable: true,
    description: 'A listing by global ID; null when it does not exist or is outside your reach.',
    authScopes: { scope: 'listings:read' },
    args: { id: t.arg.globalID({ for: ListingNode, required: true, description: "The listing's global ID." }) },
    extensions: compiledRoot({ model: 'Listing', kind: 'first', query: listingQuery }),
    resolve: (query, _root, args, ctx) => ctx.prisma.listing.findFirst({ ...query, ...listingQuery(args, ctx) }),
  }),
  listings: t.prismaConnection({
    type: 'Listing',
    cursor: 'id',
    defaultSize: 20,
    maxSize: 100,
    description: 'Listings in the shops you can reach, filtered and sorted.',
    authScopes: { scope: 'listings:read' },
    args: {
      filter: t.arg({ type: ListingFilterInput, required: false, description: 'Narrow the list.' }),
      sort: t.arg({ type: ListingSortEnum, required: false, description: 'The order (default ID).' }),
    },
    extensions: compiledRoot({
      model: 'Listing',
      kind: 'connection',
      query: listingsQuery,
      defaultSize: 20,
      maxSize: 100,
    }),
    resolve: (query, _root, args, ctx) => ctx.prisma.listing.findMany({ ...query, ...listingsQuery(args, ctx) }),
  }),
  listingReviewQueue: t.prismaConnection({
    type: 'Listing',
    cursor: 'id',
    defaultSize: 20,
    maxSize: 100,
    description:
      "The administrators' review queue: PENDING_REVIEW listings, the longest waiting (earliest submitted) first.",
    authScopes: { admin: true },
    args: {
      filter: t.arg({
        type: ListingFilterInput,
        required: false,
        description: 'Narrow the queue (its status is always PENDING_REVIEW).',
      }),
    },
    extensions: compiledRoot({
      model: 'Listing',
      kind: 'connection',
      query: reviewQueueQuery,
      defaultSize: 20,
      maxSize: 100,
    }),
    resolve: (query, _root, args, ctx) => ctx.prisma.listing.findMany({ ...query, ...reviewQueueQuery(args, ctx) }),
  }),
}));

const ListingStatusCountRef = builder
  .objectRef<{ status: ListingStatus; count: number }>('ListingStatusCount')
  .implement({
    readScope: 'listings:read',
    description: "How many of a shop's listings have one status.",
    fields: (t) => ({
      status: t.field({
        type: ListingStatusEnum,
        description: 'The status.',
        resolve: (c) => c.status,
        extensions: compiledJson((c) => jsonPlain(c.value('status'), false)),
      }),
      count: t.exposeInt('count', {
        description: 'How many listings have it.',
        extensions: compiledJson((c) => jsonLiteral(c.value('count'), false)),
      }),
    }),
  });

const allStatuses: ListingStatus[] = ['DRAFT', 'PENDING_REVIEW', 'ACTIVE', 'REJECTED', 'SUSPENDED'];

/** Counts by status for every shop on a page in one groupBy. */
function listingCountsLoader(ctx: Context) {
  return loaderFor<number, { status: ListingStatus; count: number }[]>(ctx, 'listingCounts', async (shopIds) => {
    const rows = await ctx.prisma.listing.groupBy({
      by: ['shopId', 'status'],
      where: { shopId: { in: [...shopIds] } },
      _count: { _all: true },
    });
    return shopIds.map((shopId) =>
      allStatuses.map((status) => ({
        status,
        count: rows.find((r) => r.shopId === shopId && r.status === status)?._count._all ?? 0,
      })),
    );
  });
}

builder.prismaObjectFields(ShopNode, (t) => ({
  listings: t.relatedConnection('listings', {
    cursor: 'id',
    description: "The shop's listings, filtered and sorted.",
    args: {
      filter: t.arg({ type: ListingFilterInput, required: false, description: 'Narrow the list.' }),
      sort: t.arg({ type: ListingSortEnum, required: false, description: 'The order (default ID).' }),
    },
    query: (args) => ({
      where: { AND: [sortWhere(args.sort), listingFilterWhere(args.filter)] },
      orderBy: listingOrderBy(args.sort),
    }),
  }),
  listingCounts: t.field({
    type: [ListingStatusCountRef],
    description: 'How many listings the shop has in each status (every status, zeros included).',
    select: { id: true },
    // Every status in the loader's order, each counted by the (shopId, status) index.
    extensions: compiledObjectList((shop, a) => ({
      from: `unnest(ARRAY[${allStatuses.map((st) => `'${st}'`).join(', ')}]::text[]) WITH ORDINALITY AS ${a}(status, n)`,
      orderBy: `${a}.n`,
      values: {
        status: `${a}.status`,
        count: `(SELECT count(*) FROM ${sqlTable('Listing')} ${a}l WHERE ${sqlColumn(`${a}l`, 'Listing', 'shopId')} = ${shop.col('id')} AND ${sqlColumn(`${a}l`, 'Listing', 'status')} = ${a}.status::${sqlColumnType('Listing', 'status')})`,
      },
      reads: ['Listing'],
    })),
    resolve: (shop, _args, ctx) => listingCountsLoader(ctx).load(shop.id),
  }),
}));

registerNodeReachWhere('Listing', 'Listing', (ctx) => listingTenantWhere(ctx.viewer));
registerNodeReachWhere('ListingReview', 'ListingReview', (ctx) => ({ listing: listingTenantWhere(ctx.viewer) }));

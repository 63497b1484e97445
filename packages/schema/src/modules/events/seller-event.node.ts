import type { Category, Prisma } from '@shopwarden/db';
import { builder } from '#builder';
import {
  compiledJson,
  compiledRoot,
  compiledRowsByIds,
  jsonLiteral,
  sqlColumn,
  sqlTable,
  type SqlParent,
} from '#compiled';
import type { Context } from '#context';
import { loaderFor } from '#lib/loaders.ts';
import { registerNodeReach } from '#lib/node-reach.ts';
import { CategoryNode } from '#modules/shops/category.node.ts';
import { ShopNode } from '#modules/shops/shop.node.ts';
import { shopOwnedWhere } from '#modules/shops/shop.policy.ts';

export const RegistrationStatusEnum = builder.enumType('RegistrationStatus', {
  description: 'Where a shop stands for a seller event.',
  values: {
    CONFIRMED: { description: 'Holds a seat.' },
    WAITLISTED: {
      description: 'Waiting for a seat, in arrival order; promoted automatically when a confirmed shop cancels.',
    },
    CANCELLED: { description: 'Cancelled; the shop may register again (at the back of the queue).' },
  } as const,
});

interface SeatCounts {
  confirmed: number;
  waitlisted: number;
}

/** Confirmed and waitlisted counts for many events in one grouped query. */
function seatCounts(ctx: Context, eventId: number): Promise<SeatCounts> {
  return loaderFor<number, SeatCounts>(ctx, 'eventSeatCounts', async (ids) => {
    const groups = await ctx.prisma.eventRegistration.groupBy({
      by: ['eventId', 'status'],
      where: { eventId: { in: [...ids] }, status: { in: ['CONFIRMED', 'WAITLISTED'] } },
      _count: { _all: true },
    });
    return ids.map((id) => ({
      confirmed: groups.find((g) => g.eventId === id && g.status === 'CONFIRMED')?._count._all ?? 0,
      waitlisted: groups.find((g) => g.eventId === id && g.status === 'WAITLISTED')?._count._all ?? 0,
    }));
  }).load(eventId);
}

/** `seatCounts` in SQL: an event's registrations in one status, all shops' (the `(eventId, status, id)` index). */
function countSql(e: SqlParent, status: 'CONFIRMED' | 'WAITLISTED'): string {
  const r = (field: string) => sqlColumn('sw_r', 'EventRegistration', field);
  return `(SELECT count(*)::int FROM ${sqlTable('EventRegistration')} sw_r WHERE ${r('eventId')} = ${e.col('id')} AND ${r('status')}::text = '${status}')`;
}

const readsRegistrations = { reads: ['EventRegistration'], acrossShops: true };

/** Categories by id, batched across events. */
function categoryById(ctx: Context) {
  return loaderFor<number, Category | null>(ctx, 'categoryById', async (ids) => {
    const rows = await ctx.prisma.category.findMany({ where: { id: { in: [...ids] } } });
    return ids.map((id) => rows.find((r) => r.id === id) ?? null);
  });
}

export const SellerEventNode = builder.prismaNode('SellerEvent', {
  id: { field: 'id' },
  description:
    'An in-person seller workshop. Registration is CONFIRMED while seats remain, then WAITLISTED in arrival order; capacity is never exceeded.',
  findUnique: (id) => ({ id: Number.parseInt(id, 10) || 0 }),
  fields: (t) => ({
    title: t.exposeString('title', { description: 'Title.' }),
    description: t.exposeString('description', { description: 'What the workshop covers.' }),
    city: t.exposeString('city', { description: 'City.' }),
    venue: t.exposeString('venue', { description: 'Venue and address.' }),
    startsAt: t.expose('startsAt', { type: 'DateTime', description: 'Start.' }),
    endsAt: t.expose('endsAt', { type: 'DateTime', description: 'End.' }),
    capacity: t.exposeInt('capacity', { description: 'Seats.' }),
    registrationClosesAt: t.expose('registrationClosesAt', {
      type: 'DateTime',
      description: 'Registrations are accepted before this instant (platform clock).',
    }),
    minTier: t.relation('minTier', {
      nullable: true,
      description: 'Minimum tier a shop needs; null when open to every tier.',
    }),
    eligibleCategories: t.field({
      type: [CategoryNode],
      description: 'Primary categories eligible to register; empty when every category is.',
      select: { eligibleCategoryIds: true },
      extensions: compiledRowsByIds('Category', (e) => e.col('eligibleCategoryIds'), { by: 'load' }),
      resolve: async (e, _args, ctx) =>
        (await categoryById(ctx).loadMany(e.eligibleCategoryIds)).filter(
          (c): c is Category => !!c && !(c instanceof Error),
        ),
    }),
    confirmedCount: t.int({
      description: 'Confirmed registrations.',
      select: { id: true },
      extensions: compiledJson((e) => jsonLiteral(countSql(e, 'CONFIRMED'), false), readsRegistrations),
      resolve: async (e, _a, ctx) => (await seatCounts(ctx, e.id)).confirmed,
    }),
    waitlistCount: t.int({
      description: 'Waitlisted registrations.',
      select: { id: true },
      extensions: compiledJson((e) => jsonLiteral(countSql(e, 'WAITLISTED'), false), readsRegistrations),
      resolve: async (e, _a, ctx) => (await seatCounts(ctx, e.id)).waitlisted,
    }),
    seatsLeft: t.int({
      description: 'Seats still free (0 when full).',
      select: { id: true, capacity: true },
      extensions: compiledJson(
        (e) => jsonLiteral(`greatest(0, ${e.col('capacity')} - ${countSql(e, 'CONFIRMED')})`, false),
        readsRegistrations,
      ),
      resolve: async (e, _a, ctx) => Math.max(0, e.capacity - (await seatCounts(ctx, e.id)).confirmed),
    }),
    registrations: t.relatedConnection('registrations', {
      cursor: 'id',
      defaultSize: 20,
      maxSize: 100,
      description:
        "Registrations in arrival order (by id). Administrators see all; other callers only their shops' own.",
      args: {
        status: t.arg({
          type: RegistrationStatusEnum,
          required: false,
          description: 'Only registrations with this status.',
        }),
      },
      query: (args, ctx) => ({
        where: { AND: [shopOwnedWhere(ctx.viewer), args.status ? { status: args.status } : {}] },
        orderBy: { id: 'asc' },
      }),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the event was created.' }),
  }),
});

export const EventRegistrationNode = builder.prismaNode('EventRegistration', {
  id: { field: 'id' },
  description: "A shop's registration for a seller event (one per shop and event).",
  findUnique: (id) => ({ id: Number.parseInt(id, 10) || 0 }),
  fields: (t) => ({
    event: t.relation('event', { description: 'The event.' }),
    shop: t.relation('shop', { description: 'The shop.' }),
    status: t.expose('status', { type: RegistrationStatusEnum, description: 'Confirmed, waitlisted or cancelled.' }),
    attended: t.exposeBoolean('attended', {
      nullable: true,
      description: 'Attendance marked by an administrator; null until marked.',
    }),
    attendedAt: t.expose('attendedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When attendance was marked as attended.',
    }),
    cancelledAt: t.expose('cancelledAt', { type: 'DateTime', nullable: true, description: 'When it was cancelled.' }),
    promotedAt: t.expose('promotedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was promoted from the waitlist.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the shop registered (platform clock).' }),
  }),
});

builder.prismaObjectFields(ShopNode, (t) => ({
  eventRegistrations: t.relatedConnection('eventRegistrations', {
    cursor: 'id',
    defaultSize: 20,
    maxSize: 100,
    description: "The shop's seller-event registrations, newest first.",
    args: {
      status: t.arg({
        type: RegistrationStatusEnum,
        required: false,
        description: 'Only registrations with this status.',
      }),
    },
    query: (args) => ({ where: args.status ? { status: args.status } : {}, orderBy: { id: 'desc' } }),
  }),
}));

const EventFilterInput = builder.inputType('SellerEventFilter', {
  description: 'Narrows the list of seller events.',
  fields: (t) => ({
    includePast: t.boolean({
      description: 'Include events that have ended (default false: only events that have not ended).',
    }),
    openForRegistration: t.boolean({
      description: 'true: only events still accepting registrations (by the platform clock).',
    }),
    city: t.string({ description: 'Only events in this city (case-insensitive).' }),
    startsAfter: t.field({ type: 'DateTime', description: 'Only events starting at or after this instant.' }),
    startsBefore: t.field({ type: 'DateTime', description: 'Only events starting before this instant.' }),
  }),
});

type EventFilter = typeof EventFilterInput.$inferInput;

/** What `events` reads: by the platform clock unless past events are included, soonest first (the resolver's and the compiled read's). */
async function eventsQuery(args: { filter?: EventFilter | null }, ctx: Context) {
  const now = await ctx.now();
  const f = args.filter ?? {};
  const where: Prisma.SellerEventWhereInput = {
    AND: [
      f.includePast ? {} : { endsAt: { gt: now } },
      f.openForRegistration ? { registrationClosesAt: { gt: now } } : {},
      f.city ? { city: { equals: f.city, mode: 'insensitive' } } : {},
      f.startsAfter ? { startsAt: { gte: f.startsAfter } } : {},
      f.startsBefore ? { startsAt: { lt: f.startsBefore } } : {},
    ],
  };
  return { where, orderBy: [{ startsAt: 'asc' as const }, { id: 'asc' as const }] };
}

builder.queryFields((t) => ({
  events: t.prismaConnection({
    type: 'SellerEvent',
    cursor: 'id',
    defaultSize: 20,
    maxSize: 100,
    description: 'Seller events, soonest first (by start, then id). Without a filter, the events that have not ended.',
    authScopes: { authenticated: true },
    args: { filter: t.arg({ type: EventFilterInput, required: false, description: 'Narrow the list.' }) },
    extensions: compiledRoot({
      model: 'SellerEvent',
      kind: 'connection',
      query: eventsQuery,
      defaultSize: 20,
      maxSize: 100,
    }),
    resolve: async (query, _root, args, ctx) =>
      ctx.prisma.sellerEvent.findMany({ ...query, ...(await eventsQuery(args, ctx)) }),
  }),
}));

registerNodeReach('SellerEvent', async (ctx, ids) =>
  ctx.viewer
    ? (await ctx.prisma.sellerEvent.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((r) => r.id)
    : [],
);
registerNodeReach('EventRegistration', async (ctx, ids) =>
  (
    await ctx.prisma.eventRegistration.findMany({
      where: { AND: [{ id: { in: ids } }, shopOwnedWhere(ctx.viewer)] },
      select: { id: true },
    })
  ).map((r) => r.id),
);

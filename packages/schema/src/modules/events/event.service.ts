import type { Prisma, PrismaClient } from '@shopwarden/db';
import { catchUpShopHealth } from '#modules/health/points-expiry.service.ts';
import type { Context } from '#context';
import { ConflictError, InvalidStateError, NotFoundError, ValidationError, type FieldError } from '#lib/errors.ts';
import { recordEvent } from '#modules/platform/outbox.service.ts';
import { assertCanWriteShop, shopOwnedWhere } from '#modules/shops/shop.policy.ts';
import { assertAdmin } from '#modules/auth/viewer.ts';
import { checkEventEligibility } from './event.policy.ts';

/** Most registrations one attendance call may mark (the platform's input-list limit). */
export const ATTENDANCE_BATCH_LIMIT = 250;

const RETRYABLE = /P2028|P2034|P2002|40001|40P01|deadlock|could not serialize|Unable to start a transaction/i;

/**
 * Runs an interactive transaction, retrying (up to 5 times, with jitter) the failures that only mean
 * "try again": serialization failures, deadlocks, a pool that could not start the transaction in
 * time, or a unique-key race the retry will see the winner of.
 */
export async function withRetry<T>(prisma: PrismaClient, fn: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await prisma.$transaction(fn, { maxWait: 5_000, timeout: 10_000 });
    } catch (error) {
      const text = error instanceof Error ? `${(error as { code?: string }).code ?? ''} ${error.message}` : '';
      if (attempt >= 5 || !RETRYABLE.test(text)) {
        if (RETRYABLE.test(text)) throw new ConflictError('The event is busy; retry shortly.');
        throw error;
      }
      await new Promise((r) => setTimeout(r, 10 * 2 ** attempt + Math.random() * 25));
    }
  }
}

export interface CreateEventInput {
  title: string;
  description: string;
  city: string;
  venue: string;
  startsAt: Date;
  endsAt: Date;
  capacity: number;
  registrationClosesAt: Date;
  minTierId: number | null;
  eligibleCategoryIds: number[];
}

/** Creates a seller event (administrators), after validating every field. */
export async function createEvent(ctx: Context, input: CreateEventInput) {
  assertAdmin(ctx.viewer);
  const errors: FieldError[] = [];
  const text = (field: 'title' | 'description' | 'city' | 'venue', max: number) => {
    const value = input[field].trim();
    if (!value || value.length > max)
      errors.push({ path: ['input', field], message: `${field} must be 1–${max} characters.` });
    return value;
  };
  const title = text('title', 200);
  const description = text('description', 5_000);
  const city = text('city', 120);
  const venue = text('venue', 300);
  if (input.endsAt <= input.startsAt)
    errors.push({ path: ['input', 'endsAt'], message: 'The event must end after it starts.' });
  if (input.registrationClosesAt > input.startsAt)
    errors.push({
      path: ['input', 'registrationClosesAt'],
      message: 'Registration must close before the event starts.',
    });
  if (!Number.isSafeInteger(input.capacity) || input.capacity < 1 || input.capacity > 100_000)
    errors.push({ path: ['input', 'capacity'], message: 'Capacity is between 1 and 100,000 seats.' });
  const [tier, categories] = await Promise.all([
    input.minTierId === null
      ? null
      : ctx.prisma.tier.findUnique({ where: { id: input.minTierId }, select: { id: true } }),
    ctx.prisma.category.findMany({
      where: { id: { in: input.eligibleCategoryIds } },
      select: { id: true, parentId: true },
    }),
  ]);
  if (input.minTierId !== null && !tier) errors.push({ path: ['input', 'minTierId'], message: 'No such tier.' });
  input.eligibleCategoryIds.forEach((id, i) => {
    const c = categories.find((x) => x.id === id);
    if (!c) errors.push({ path: ['input', 'eligibleCategoryIds', String(i)], message: 'No such category.' });
    else if (c.parentId !== null)
      errors.push({
        path: ['input', 'eligibleCategoryIds', String(i)],
        message: 'Eligibility is by primary category: use top-level categories.',
      });
  });
  if (new Set(input.eligibleCategoryIds).size !== input.eligibleCategoryIds.length)
    errors.push({ path: ['input', 'eligibleCategoryIds'], message: 'Categories must not repeat.' });
  if (errors.length) throw new ValidationError(errors);
  const now = await ctx.now();
  return ctx.prisma.sellerEvent.create({
    data: {
      title,
      description,
      city,
      venue,
      startsAt: input.startsAt,
      endsAt: input.endsAt,
      capacity: input.capacity,
      registrationClosesAt: input.registrationClosesAt,
      minTierId: input.minTierId,
      eligibleCategoryIds: input.eligibleCategoryIds,
      createdAt: now,
    },
    select: { id: true },
  });
}

export interface RegistrationOutcome {
  registrationId: number;
  /** True when the shop already held a registration and this call changed nothing. */
  alreadyRegistered: boolean;
}

/**
 * Registers a shop for an event: CONFIRMED while seats remain, else WAITLISTED in arrival order.
 * The event row is locked (SELECT … FOR UPDATE) before seats are counted, so concurrent
 * registrations queue on it and capacity is never exceeded. A repeat returns the existing
 * registration; a CANCELLED one is replaced by a new registration at the back of the queue.
 */
export async function registerForEvent(
  ctx: Context,
  input: { eventId: number; shopId: number },
): Promise<RegistrationOutcome> {
  assertCanWriteShop(ctx.viewer, input.shopId, 'events:write');
  const [now, settings] = [await ctx.now(), await ctx.settings()];
  return withRetry(ctx.prisma, async (tx) => {
    // 1. Lock the event row: concurrent registrations for this event queue here.
    const [event] = await tx.$queryRaw<
      {
        capacity: number;
        registrationClosesAt: Date;
        eligibleCategoryIds: number[];
        minTierRank: number | null;
        minTierName: string | null;
      }[]
    >`
      SELECT e.capacity, e."registrationClosesAt", e."eligibleCategoryIds", mt.rank AS "minTierRank", mt.name AS "minTierName"
        FROM "SellerEvent" e LEFT JOIN "Tier" mt ON mt.id = e."minTierId"
       WHERE e.id = ${input.eventId}
         FOR UPDATE OF e`;
    if (!event) throw new NotFoundError('SellerEvent');
    await catchUpShopHealth(tx, [input.shopId], now, settings);
    // 2. After the lock (a fresh snapshot): seats taken, the shop's registration and its standing, in one statement.
    const [facts] = await tx.$queryRaw<
      {
        confirmed: number;
        existingId: number | null;
        existingStatus: string | null;
        shopStatus: string;
        primaryCategoryId: number | null;
        tierRank: number;
      }[]
    >`
      SELECT (SELECT count(*)::int FROM "EventRegistration" c WHERE c."eventId" = ${input.eventId} AND c.status = 'CONFIRMED') AS confirmed,
             r.id AS "existingId", r.status::text AS "existingStatus",
             s.status::text AS "shopStatus", s."primaryCategoryId" AS "primaryCategoryId",
             COALESCE(t.rank, (SELECT min(rank) FROM "Tier"), 0)::int AS "tierRank"
        FROM "Shop" s
        LEFT JOIN "Tier" t ON t.id = s."tierId"
        LEFT JOIN "EventRegistration" r ON r."eventId" = ${input.eventId} AND r."shopId" = s.id
       WHERE s.id = ${input.shopId}`;
    if (!facts) throw new NotFoundError('Shop');
    if (facts.existingId !== null && facts.existingStatus !== 'CANCELLED')
      return { registrationId: facts.existingId, alreadyRegistered: true };

    if (now >= event.registrationClosesAt)
      throw new InvalidStateError(
        'REGISTRATION_CLOSED',
        `Registration closed at ${event.registrationClosesAt.toISOString()}.`,
      );
    const verdict = checkEventEligibility({
      shopStatus: facts.shopStatus,
      shopTierRank: facts.tierRank,
      shopPrimaryCategoryId: facts.primaryCategoryId,
      minTier: event.minTierRank === null ? null : { rank: event.minTierRank, name: event.minTierName ?? '' },
      eligibleCategoryIds: event.eligibleCategoryIds,
    });
    if (!verdict.ok) throw new InvalidStateError(verdict.code, verdict.message);

    // 3. A cancelled registration is replaced, so the new one queues by its new id (arrival order).
    if (facts.existingId !== null) await tx.eventRegistration.delete({ where: { id: facts.existingId } });
    const created = await tx.eventRegistration.create({
      data: {
        eventId: input.eventId,
        shopId: input.shopId,
        status: facts.confirmed < event.capacity ? 'CONFIRMED' : 'WAITLISTED',
        createdAt: now,
      },
      select: { id: true },
    });
    return { registrationId: created.id, alreadyRegistered: false };
  });
}

export interface CancellationOutcome {
  registrationId: number;
  promotedRegistrationId: number | null;
}

/**
 * Cancels a registration. Cancelling a CONFIRMED one promotes exactly the first WAITLISTED
 * registration (lowest id: arrival order) to CONFIRMED, with promotedAt and a
 * `registration.promoted` outbox event. Cancelling twice changes nothing.
 */
export async function cancelRegistration(
  ctx: Context,
  input: { registrationId: number },
): Promise<CancellationOutcome> {
  const found = await ctx.prisma.eventRegistration.findFirst({
    where: { AND: [{ id: input.registrationId }, shopOwnedWhere(ctx.viewer)] },
    select: { eventId: true, shopId: true },
  });
  if (!found) throw new NotFoundError('EventRegistration');
  assertCanWriteShop(ctx.viewer, found.shopId, 'events:write');
  const now = await ctx.now();
  return withRetry(ctx.prisma, async (tx) => {
    await tx.$queryRaw`SELECT id FROM "SellerEvent" WHERE id = ${found.eventId} FOR UPDATE`;
    // One transaction is one connection: its statements go one after another.
    const registration = await tx.eventRegistration.findUniqueOrThrow({
      where: { id: input.registrationId },
      select: { status: true },
    });
    const event = await tx.sellerEvent.findUniqueOrThrow({
      where: { id: found.eventId },
      select: { capacity: true, startsAt: true },
    });
    if (registration.status === 'CANCELLED')
      return { registrationId: input.registrationId, promotedRegistrationId: null };
    if (now >= event.startsAt)
      throw new InvalidStateError('INVALID_STATE', 'The event has started; registrations can no longer be cancelled.');
    await tx.eventRegistration.update({
      where: { id: input.registrationId },
      data: { status: 'CANCELLED', cancelledAt: now },
    });
    await recordEvent(tx, {
      type: 'registration.cancelled',
      shopId: found.shopId,
      subjectType: 'EventRegistration',
      subjectId: String(input.registrationId),
      payload: { eventId: found.eventId, previousStatus: registration.status },
      occurredAt: now,
    });
    if (registration.status !== 'CONFIRMED')
      return { registrationId: input.registrationId, promotedRegistrationId: null };

    const confirmed = await tx.eventRegistration.count({ where: { eventId: found.eventId, status: 'CONFIRMED' } });
    if (confirmed >= event.capacity) return { registrationId: input.registrationId, promotedRegistrationId: null };
    const next = await tx.eventRegistration.findFirst({
      where: { eventId: found.eventId, status: 'WAITLISTED' },
      orderBy: { id: 'asc' },
      select: { id: true, shopId: true },
    });
    if (!next) return { registrationId: input.registrationId, promotedRegistrationId: null };
    await tx.eventRegistration.update({ where: { id: next.id }, data: { status: 'CONFIRMED', promotedAt: now } });
    await recordEvent(tx, {
      type: 'registration.promoted',
      shopId: next.shopId,
      subjectType: 'EventRegistration',
      subjectId: String(next.id),
      payload: { eventId: found.eventId, registrationId: next.id, replacedRegistrationId: input.registrationId },
      occurredAt: now,
    });
    return { registrationId: input.registrationId, promotedRegistrationId: next.id };
  });
}

/** Marks attendance of CONFIRMED registrations of events that have started (administrators); all or nothing. */
export async function markAttendance(
  ctx: Context,
  input: { registrationIds: number[]; attended: boolean },
): Promise<number[]> {
  assertAdmin(ctx.viewer);
  if (input.registrationIds.length > ATTENDANCE_BATCH_LIMIT)
    throw new InvalidStateError('LIMIT_EXCEEDED', `Mark at most ${ATTENDANCE_BATCH_LIMIT} registrations per call.`);
  if (input.registrationIds.length === 0)
    throw ValidationError.field(['input', 'registrationIds'], 'Send at least one registration.');
  const now = await ctx.now();
  const rows = await ctx.prisma.eventRegistration.findMany({
    where: { id: { in: input.registrationIds } },
    select: { id: true, status: true, event: { select: { startsAt: true } } },
  });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const errors: FieldError[] = [];
  input.registrationIds.forEach((id, i) => {
    const r = byId.get(id);
    const path = ['input', 'registrationIds', String(i)];
    if (!r) errors.push({ path, message: 'No such registration.' });
    else if (r.status !== 'CONFIRMED')
      errors.push({ path, message: `Only CONFIRMED registrations have attendance; this one is ${r.status}.` });
    else if (now < r.event.startsAt) errors.push({ path, message: 'The event has not started yet.' });
  });
  if (errors.length) throw new ValidationError(errors);
  const ids = [...new Set(input.registrationIds)];
  await ctx.prisma.eventRegistration.updateMany({
    where: { id: { in: ids }, status: 'CONFIRMED' },
    data: { attended: input.attended, attendedAt: input.attended ? now : null },
  });
  return ids;
}

import { Prisma, type Partnership, type PartnershipStatus } from '@shopwarden/db';
import { catchUpShopHealth } from '#modules/health/points-expiry.service.ts';
import { enqueueJob } from '@shopwarden/jobs';
import type { Context } from '#context';
import {
  ConflictError,
  ForbiddenError,
  InvalidStateError,
  NotFoundError,
  ValidationError,
  type FieldError,
} from '#lib/errors.ts';
import { hasScope } from '#modules/auth/viewer.ts';
import { canReachCreator, representsCreator } from '#modules/creators/creator.policy.ts';
import { DAY_MS } from '#modules/health/ledger.service.ts';
import { recordEvent } from '#modules/platform/outbox.service.ts';
import { assertCanWriteShop, canReachShop } from '#modules/shops/shop.policy.ts';
import { canReachPartnership } from './partnership.policy.ts';
import { expirePartnership } from './partnership-expiry.job.ts';
import {
  effectivePartnershipStatus,
  expireDuePartnerships,
  partnershipPayload,
  type PartnershipParty,
} from './partnership-expiry.service.ts';

export interface ProposePartnershipInput {
  shopId: number;
  creatorId: number;
  /** Percent with at most two decimals. */
  commissionRate: number;
  listingIds: readonly number[];
  categoryIds: readonly number[];
  startsAt: Date | null;
  endsAt: Date | null;
  message: string | null;
}

/** The outbox event type of the transition into each status. */
export const PARTNERSHIP_EVENT: Record<PartnershipStatus, string> = {
  PROPOSED: 'partnership.proposed',
  ACTIVE: 'partnership.accepted',
  DECLINED: 'partnership.declined',
  EXPIRED: 'partnership.expired',
  ENDED: 'partnership.ended',
};

const openPairKey = (shopId: number, creatorId: number) => `${shopId}:${creatorId}`;

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

/**
 * A shop (seller or agency with `partnerships:write`) proposes a partnership to a creator. Refused
 * for a RESTRICTED or SUSPENDED shop, while the pair has an open (PROPOSED or ACTIVE) one, and for
 * a commission outside the settings' range. The proposal expires unanswered after
 * partnershipProposalExpiryDays.
 */
export async function proposePartnership(ctx: Context, input: ProposePartnershipInput) {
  assertCanWriteShop(ctx.viewer, input.shopId, 'partnerships:write');
  const proposerKeyId = ctx.viewer.apiKeyId;
  const [settings, now] = [await ctx.settings(), await ctx.now()];
  const errors: FieldError[] = [];
  const bps = Math.round(input.commissionRate * 100);
  const min = settings.partnershipCommissionMinBps;
  const max = settings.partnershipCommissionMaxBps;
  if (Math.abs(input.commissionRate * 100 - bps) > 1e-6 || bps < min || bps > max)
    errors.push({
      path: ['input', 'commissionRate'],
      message: `The commission is a percent from ${min / 100} to ${max / 100} with at most two decimals.`,
    });
  if (input.listingIds.length > 100)
    errors.push({ path: ['input', 'scope', 'listingIds'], message: 'At most 100 listings.' });
  if (input.categoryIds.length > 50)
    errors.push({ path: ['input', 'scope', 'categoryIds'], message: 'At most 50 categories.' });
  if (input.endsAt && input.endsAt.getTime() <= now.getTime())
    errors.push({ path: ['input', 'endsAt'], message: 'The end date must be after the platform clock.' });
  if (input.startsAt && input.endsAt && input.endsAt.getTime() <= input.startsAt.getTime())
    errors.push({ path: ['input', 'endsAt'], message: 'The end date must be after the start date.' });
  const message = input.message?.trim() || null;
  if (message && message.length > 2000)
    errors.push({ path: ['input', 'message'], message: 'The message is at most 2000 characters.' });
  if (errors.length) throw new ValidationError(errors);

  const listingIds = [...new Set(input.listingIds)];
  const categoryIds = [...new Set(input.categoryIds)];
  const [shop, creator, listings, categories] = await Promise.all([
    ctx.prisma.shop.findUnique({ where: { id: input.shopId }, select: { id: true } }),
    ctx.prisma.creator.findUnique({ where: { id: input.creatorId }, select: { id: true } }),
    listingIds.length
      ? ctx.prisma.listing.findMany({ where: { id: { in: listingIds }, shopId: input.shopId }, select: { id: true } })
      : [],
    categoryIds.length
      ? ctx.prisma.category.findMany({ where: { id: { in: categoryIds } }, select: { id: true } })
      : [],
  ]);
  if (!shop) throw new NotFoundError('Shop');
  if (!creator || !canReachCreator(ctx.viewer, creator.id)) throw new NotFoundError('Creator');
  input.listingIds.forEach((id, i) => {
    if (!listings.some((l) => l.id === id))
      errors.push({ path: ['input', 'scope', 'listingIds', String(i)], message: 'No such listing of this shop.' });
  });
  input.categoryIds.forEach((id, i) => {
    if (!categories.some((c) => c.id === id))
      errors.push({ path: ['input', 'scope', 'categoryIds', String(i)], message: 'No such category.' });
  });
  if (errors.length) throw new ValidationError(errors);

  // A proposal of this pair left unanswered past its expiry no longer holds the pair open.
  const due = await ctx.prisma.partnership.findMany({
    where: { shopId: input.shopId, creatorId: input.creatorId, status: 'PROPOSED', expiresAt: { lte: now } },
    select: { id: true },
  });
  await expireDuePartnerships(ctx.prisma, now, { ids: due.map((d) => d.id) });

  try {
    return await ctx.prisma.$transaction(async (tx) => {
      await catchUpShopHealth(tx, [input.shopId], now, settings);
      // The shop's status is read under its row lock, so a suspension cannot slip in between.
      const [locked] = await tx.$queryRaw<{ status: string }[]>`
        SELECT "status"::text AS status FROM "Shop" WHERE "id" = ${input.shopId}::int FOR UPDATE`;
      if (locked?.status !== 'ACTIVE')
        throw new InvalidStateError(
          'INVALID_STATE',
          `A ${locked?.status ?? 'missing'} shop cannot propose partnerships.`,
        );
      const partnership = await tx.partnership.create({
        data: {
          shopId: input.shopId,
          creatorId: input.creatorId,
          status: 'PROPOSED',
          commissionRateBps: bps,
          scopeListingIds: listingIds,
          scopeCategoryIds: categoryIds,
          startsAt: input.startsAt,
          endsAt: input.endsAt,
          message,
          expiresAt: new Date(now.getTime() + settings.partnershipProposalExpiryDays * DAY_MS),
          openPairKey: openPairKey(input.shopId, input.creatorId),
          proposedByApiKeyId: proposerKeyId,
          createdAt: now,
          updatedAt: now,
        },
      });
      await recordTransition(ctx, tx, partnership, null, 'SHOP', null, now);
      await enqueueJob(tx, expirePartnership, { partnershipId: partnership.id }, { runAt: partnership.expiresAt });
      return partnership;
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new ConflictError('This shop and creator already have an open (proposed or active) partnership.');
    throw error;
  }
}

/** Writes the transition's outbox event and audit record in the caller's transaction. */
async function recordTransition(
  ctx: Context,
  tx: Prisma.TransactionClient,
  p: Partnership,
  from: PartnershipStatus | null,
  by: PartnershipParty,
  reason: string | null,
  now: Date,
) {
  const type = PARTNERSHIP_EVENT[p.status];
  await recordEvent(tx, {
    type,
    shopId: p.shopId,
    subjectType: 'Partnership',
    subjectId: String(p.id),
    payload: partnershipPayload(p, from, p.status, by, reason),
    occurredAt: now,
  });
  await tx.auditRecord.create({
    data: {
      apiKeyId: ctx.viewer?.apiKeyId ?? null,
      role: ctx.viewer?.role ?? null,
      operation: type,
      targetType: 'Partnership',
      targetId: String(p.id),
      shopId: p.shopId,
      input: { from, to: p.status, by, reason },
      outcome: 'SUCCESS',
      requestId: ctx.requestId,
      createdAt: now,
    },
  });
}

/** Loads a partnership the caller reaches (NOT_FOUND otherwise), expiring it first when it is due. */
async function reachablePartnership(ctx: Context, id: number, now: Date) {
  let p = await ctx.prisma.partnership.findUnique({ where: { id } });
  if (!p || !canReachPartnership(ctx.viewer, p)) throw new NotFoundError('Partnership');
  if (effectivePartnershipStatus(p, now) !== p.status) {
    await expireDuePartnerships(ctx.prisma, now, { ids: [id] });
    p = await ctx.prisma.partnership.findUniqueOrThrow({ where: { id } });
  }
  return p;
}

function assertCreatorSide(ctx: Context, p: Partnership) {
  const viewer = ctx.viewer;
  if (!viewer || viewer.role !== 'PARTNER' || !representsCreator(viewer, p.creatorId))
    throw new ForbiddenError('Only the partner app that represents the creator answers a proposal.');
  if (!hasScope(viewer, 'partnerships:write'))
    throw new ForbiddenError('Your API key needs the partnerships:write scope.');
}

/** Moves `p` from `from` to `data.status` if nobody moved it first (one writer wins). */
async function transition(
  ctx: Context,
  p: Partnership,
  from: PartnershipStatus,
  data: Prisma.PartnershipUpdateManyMutationInput & { status: PartnershipStatus },
  by: PartnershipParty,
  reason: string | null,
  now: Date,
) {
  return ctx.prisma.$transaction(async (tx) => {
    const moved = await tx.partnership.updateMany({
      where: {
        id: p.id,
        status: from,
        ...(from === 'PROPOSED' ? { OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] } : {}),
      },
      data: { ...data, version: { increment: 1 }, updatedAt: now },
    });
    if (moved.count !== 1)
      throw new InvalidStateError('INVALID_STATE', 'The partnership changed meanwhile; read it again.');
    const updated = await tx.partnership.findUniqueOrThrow({ where: { id: p.id } });
    await recordTransition(ctx, tx, updated, from, by, reason, now);
    return updated;
  });
}

function assertStatus(p: Partnership, wanted: PartnershipStatus, verb: string) {
  if (p.status !== wanted)
    throw new InvalidStateError(
      'INVALID_STATE',
      `Only a ${wanted} partnership can be ${verb}; this one is ${p.status}.`,
    );
}

/** The creator's side accepts a proposal before it expires: PROPOSED → ACTIVE. */
export async function acceptPartnership(ctx: Context, id: number) {
  const now = await ctx.now();
  const p = await reachablePartnership(ctx, id, now);
  assertCreatorSide(ctx, p);
  assertStatus(p, 'PROPOSED', 'accepted');
  // Accepting does not reopen a pair: the proposal holds the pair's open key already.
  return transition(ctx, p, 'PROPOSED', { status: 'ACTIVE', respondedAt: now, startedAt: now }, 'CREATOR', null, now);
}

function cleanReason(reason: string | null | undefined, required: boolean): string | null {
  const text = reason?.trim() || null;
  if (required && (!text || text.length < 3))
    throw ValidationError.field(['input', 'reason'], 'Give a reason (3–500 characters).');
  if (text && text.length > 500)
    throw ValidationError.field(['input', 'reason'], 'The reason is at most 500 characters.');
  return text;
}

/** The creator's side declines a proposal: PROPOSED → DECLINED (the pair may be proposed again). */
export async function declinePartnership(ctx: Context, id: number, reason: string | null) {
  const text = cleanReason(reason, false);
  const now = await ctx.now();
  const p = await reachablePartnership(ctx, id, now);
  assertCreatorSide(ctx, p);
  assertStatus(p, 'PROPOSED', 'declined');
  return transition(
    ctx,
    p,
    'PROPOSED',
    { status: 'DECLINED', respondedAt: now, openPairKey: null, closedBy: 'CREATOR', closeReason: text },
    'CREATOR',
    text,
    now,
  );
}

/** Either side, or an administrator, ends an ACTIVE partnership with a reason: ACTIVE → ENDED. */
export async function endPartnership(ctx: Context, id: number, reason: string) {
  const text = cleanReason(reason, true);
  const now = await ctx.now();
  const p = await reachablePartnership(ctx, id, now);
  const viewer = ctx.viewer;
  // reachablePartnership already refused a caller without a key.
  if (!viewer) throw new NotFoundError('Partnership');
  let by: PartnershipParty;
  if (viewer.role === 'ADMIN') by = 'ADMIN';
  else if (viewer.role === 'PARTNER' && representsCreator(viewer, p.creatorId)) by = 'CREATOR';
  else if (viewer.role !== 'PARTNER' && canReachShop(viewer, p.shopId)) by = 'SHOP';
  else throw new ForbiddenError("Only the partnership's shop, the creator's partner app or an administrator ends it.");
  if (!hasScope(viewer, 'partnerships:write'))
    throw new ForbiddenError('Your API key needs the partnerships:write scope.');
  assertStatus(p, 'ACTIVE', 'ended');
  return transition(
    ctx,
    p,
    'ACTIVE',
    { status: 'ENDED', endedAt: now, openPairKey: null, closedBy: by, closeReason: text },
    by,
    text,
    now,
  );
}

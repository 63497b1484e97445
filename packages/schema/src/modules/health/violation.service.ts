import type { ViolationSource, ViolationStatus } from '@shopwarden/db';
import type { Context } from '#context';
import { InvalidStateError, NotFoundError, ValidationError, type FieldError } from '#lib/errors.ts';
import { recordEvent } from '#modules/platform/outbox.service.ts';
import { assertCanWriteShop, canReachShop } from '#modules/shops/shop.policy.ts';
import { DAY_MS, inShopTransaction, recomputeShopHealth, remainingPoints } from './ledger.service.ts';
import { schedulePointsExpiries } from './points-expiry.service.ts';

export interface RecordViolationInput {
  shopId: number;
  policyId: number;
  source: ViolationSource;
  contentItemId: number | null;
  listingId: number | null;
  orderId: number | null;
  occurredAt: Date;
  points: number | null;
  note: string | null;
}

/** The reference each source needs (SPEC §3): creator content, a listing or an order of the same shop. */
const REFERENCE_FOR: Record<ViolationSource, 'contentItemId' | 'listingId' | 'orderId' | null> = {
  LIVE_SESSION: 'contentItemId',
  VIDEO: 'contentItemId',
  LISTING: 'listingId',
  ORDER: 'orderId',
  OTHER: null,
};

/** The status a caller sees: EXPIRED is computed from the ledger expiry and the clock, so it is exact at any instant. */
export function effectiveViolationStatus(stored: ViolationStatus, expiresAt: Date | null, now: Date): ViolationStatus {
  if (stored === 'REMOVED' || stored === 'EXPIRED') return stored;
  if (expiresAt && expiresAt.getTime() <= now.getTime()) return 'EXPIRED';
  return stored;
}

/** Records a violation and its VIOLATION_ADDED ledger entry, then recomputes the shop's health (administrators). */
export async function recordViolation(ctx: Context, input: RecordViolationInput) {
  const [settings, now] = [await ctx.settings(), await ctx.now()];
  const errors: FieldError[] = [];
  const wanted = REFERENCE_FOR[input.source];
  for (const field of ['contentItemId', 'listingId', 'orderId'] as const) {
    if (field === wanted && input[field] === null)
      errors.push({ path: ['input', field], message: `A ${input.source} violation needs ${field}.` });
    if (field !== wanted && input[field] !== null)
      errors.push({ path: ['input', field], message: `${field} does not apply to a ${input.source} violation.` });
  }
  if (input.occurredAt.getTime() > now.getTime())
    errors.push({ path: ['input', 'occurredAt'], message: 'A violation cannot occur in the future (platform clock).' });
  if (input.points !== null && (input.points < 1 || input.points > 1000))
    errors.push({ path: ['input', 'points'], message: 'Points must be between 1 and 1000.' });
  if (input.note !== null && input.note.length > 2000)
    errors.push({ path: ['input', 'note'], message: 'The note is at most 2000 characters.' });
  if (errors.length) throw new ValidationError(errors);

  const [shop, policy] = await Promise.all([
    ctx.prisma.shop.findUnique({ where: { id: input.shopId }, select: { id: true } }),
    ctx.prisma.policy.findUnique({ where: { id: input.policyId } }),
  ]);
  if (!shop || !canReachShop(ctx.viewer, shop.id)) throw new NotFoundError('Shop');
  if (!policy) throw ValidationError.field(['input', 'policyId'], 'No such policy.');
  if (!policy.active)
    throw new InvalidStateError(
      'INVALID_STATE',
      `Policy ${policy.code} is inactive: no new violation can be recorded under it.`,
    );
  if (input.contentItemId !== null) {
    const item = await ctx.prisma.contentItem.findUnique({
      where: { id: input.contentItemId },
      select: { shopId: true, kind: true },
    });
    if (!item || item.shopId !== input.shopId)
      throw ValidationError.field(['input', 'contentItemId'], 'No such content item for this shop.');
    if (item.kind !== input.source)
      throw ValidationError.field(
        ['input', 'contentItemId'],
        `The content item is a ${item.kind}, not a ${input.source}.`,
      );
  }
  if (input.listingId !== null) {
    const listing = await ctx.prisma.listing.findUnique({ where: { id: input.listingId }, select: { shopId: true } });
    if (!listing || listing.shopId !== input.shopId)
      throw ValidationError.field(['input', 'listingId'], 'No such listing for this shop.');
  }
  if (input.orderId !== null) {
    const order = await ctx.prisma.order.findUnique({ where: { id: input.orderId }, select: { shopId: true } });
    if (!order || order.shopId !== input.shopId)
      throw ValidationError.field(['input', 'orderId'], 'No such order for this shop.');
  }

  const points = input.points ?? policy.defaultPoints;
  const expiresAt = new Date(input.occurredAt.getTime() + settings.pointExpiryDays * DAY_MS);
  return inShopTransaction(ctx, input.shopId, async (tx) => {
    const violation = await tx.violation.create({
      data: {
        shopId: input.shopId,
        policyId: policy.id,
        source: input.source,
        contentItemId: input.contentItemId,
        listingId: input.listingId,
        orderId: input.orderId,
        occurredAt: input.occurredAt,
        points,
        note: input.note?.trim() || null,
        recordedByApiKeyId: ctx.viewer?.apiKeyId ?? null,
        createdAt: now,
      },
    });
    await tx.pointsLedgerEntry.create({
      data: {
        shopId: input.shopId,
        policyId: policy.id,
        violationId: violation.id,
        kind: 'VIOLATION_ADDED',
        points,
        effectiveAt: input.occurredAt,
        expiresAt,
        createdAt: now,
      },
    });
    if (expiresAt > now) await schedulePointsExpiries(tx, [{ shopId: input.shopId, expiresAt }]);
    await recordEvent(tx, {
      type: 'violation.recorded',
      shopId: input.shopId,
      subjectType: 'Violation',
      subjectId: String(violation.id),
      payload: {
        policyCode: policy.code,
        source: input.source,
        points,
        occurredAt: input.occurredAt.toISOString(),
        expiresAt: expiresAt.toISOString(),
      },
      occurredAt: now,
    });
    const health = await recomputeShopHealth(
      tx,
      input.shopId,
      now,
      settings,
      `Violation ${policy.code} recorded (+${points})`,
    );
    return { violation, health };
  });
}

/** Loads a violation the caller can reach with the expiry of its points; NOT_FOUND otherwise. */
async function reachableViolation(ctx: Context, violationId: number) {
  const violation = await ctx.prisma.violation.findUnique({
    where: { id: violationId },
    include: {
      ledger: { where: { kind: 'VIOLATION_ADDED' }, select: { expiresAt: true } },
      appeals: { select: { id: true } },
    },
  });
  if (!violation || !canReachShop(ctx.viewer, violation.shopId)) throw new NotFoundError('Violation');
  return { ...violation, expiresAt: violation.ledger[0]?.expiresAt ?? null };
}

/** A seller or agency with write access contests an ACTIVE violation, once; its points keep counting until a grant. */
export async function appealViolation(ctx: Context, input: { violationId: number; statement: string }) {
  const now = await ctx.now();
  const statement = input.statement.trim();
  if (statement.length < 10 || statement.length > 5000)
    throw ValidationError.field(['input', 'statement'], 'The statement must be 10–5000 characters.');
  const violation = await reachableViolation(ctx, input.violationId);
  assertCanWriteShop(ctx.viewer, violation.shopId, 'shops:write');
  const status = effectiveViolationStatus(violation.status, violation.expiresAt, now);
  if (status !== 'ACTIVE')
    throw new InvalidStateError('INVALID_STATE', `Only an ACTIVE violation can be appealed; this one is ${status}.`);
  if (violation.appeals.length > 0)
    throw new InvalidStateError(
      'INVALID_STATE',
      'This violation was already appealed; a violation can be appealed once.',
    );
  return ctx.prisma.$transaction(async (tx) => {
    // Conditional update: of two concurrent appeals only one finds the violation ACTIVE.
    const claimed = await tx.violation.updateMany({
      where: { id: violation.id, status: 'ACTIVE' },
      data: { status: 'APPEALED' },
    });
    if (claimed.count !== 1) throw new InvalidStateError('INVALID_STATE', 'The violation is no longer ACTIVE.');
    const appeal = await tx.violationAppeal.create({ data: { violationId: violation.id, statement, createdAt: now } });
    await recordEvent(tx, {
      type: 'violation.appealed',
      shopId: violation.shopId,
      subjectType: 'ViolationAppeal',
      subjectId: String(appeal.id),
      payload: { violationId: violation.id },
      occurredAt: now,
    });
    return appeal;
  });
}

/**
 * An administrator decides a PENDING appeal. GRANT writes an APPEAL_REMOVAL entry for the points the
 * violation still carries (effective now, expiring with it) and marks it REMOVED; DENY returns it to ACTIVE.
 */
export async function decideAppeal(
  ctx: Context,
  input: { appealId: number; decision: 'GRANT' | 'DENY'; note: string | null },
) {
  const [settings, now] = [await ctx.settings(), await ctx.now()];
  const note = input.note?.trim() || null;
  if (input.decision === 'DENY' && !note)
    throw ValidationError.field(['input', 'note'], 'Explain a denial in the note.');
  const appeal = await ctx.prisma.violationAppeal.findUnique({
    where: { id: input.appealId },
    include: { violation: { select: { id: true, shopId: true, policyId: true } } },
  });
  if (!appeal) throw new NotFoundError('ViolationAppeal');
  const { violation } = appeal;
  return inShopTransaction(ctx, violation.shopId, async (tx) => {
    const decided = await tx.violationAppeal.updateMany({
      where: { id: appeal.id, status: 'PENDING' },
      data: {
        status: input.decision === 'GRANT' ? 'GRANTED' : 'DENIED',
        decisionNote: note,
        decidedAt: now,
        decidedByApiKeyId: ctx.viewer?.apiKeyId ?? null,
      },
    });
    if (decided.count !== 1) throw new InvalidStateError('INVALID_STATE', 'This appeal was already decided.');
    let removed = 0;
    if (input.decision === 'GRANT') {
      removed = (await remainingPoints(tx, [violation.id], now)).get(violation.id) ?? 0;
      if (removed > 0) {
        const added = await tx.pointsLedgerEntry.findFirstOrThrow({
          where: { violationId: violation.id, kind: 'VIOLATION_ADDED' },
          select: { expiresAt: true },
        });
        await tx.pointsLedgerEntry.create({
          data: {
            shopId: violation.shopId,
            policyId: violation.policyId,
            violationId: violation.id,
            appealId: appeal.id,
            kind: 'APPEAL_REMOVAL',
            points: -removed,
            effectiveAt: now,
            expiresAt: added.expiresAt,
            createdAt: now,
          },
        });
      }
      await tx.violation.update({ where: { id: violation.id }, data: { status: 'REMOVED' } });
    } else {
      await tx.violation.updateMany({ where: { id: violation.id, status: 'APPEALED' }, data: { status: 'ACTIVE' } });
    }
    await recordEvent(tx, {
      type: 'violation.appeal_decided',
      shopId: violation.shopId,
      subjectType: 'ViolationAppeal',
      subjectId: String(appeal.id),
      payload: { violationId: violation.id, decision: input.decision, pointsRemoved: removed },
      occurredAt: now,
    });
    const health = await recomputeShopHealth(
      tx,
      violation.shopId,
      now,
      settings,
      `Appeal ${input.decision === 'GRANT' ? 'granted' : 'denied'} for violation ${violation.id} (-${removed})`,
    );
    return { appealId: appeal.id, violationId: violation.id, shopId: violation.shopId, pointsRemoved: removed, health };
  });
}

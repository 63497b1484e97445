import type { BusinessModel, FulfilmentMode, Prisma } from '@shopwarden/db';
import { enqueueJobs, type JobRef } from '@shopwarden/jobs';
import type { Context } from '#context';
import { ConflictError, InvalidStateError, NotFoundError, ValidationError } from '#lib/errors.ts';
import { inShopTransaction, recomputeShopHealth } from '#modules/health/ledger.service.ts';
import { recordEvent } from '#modules/platform/outbox.service.ts';
import { isMigrationOverdue } from './business-model-rules.ts';

/** The job that restricts a shop at its deadline (its handler, migration-deadline.job.ts, calls this file). */
export const enforceMigrationDeadlineJob: JobRef = { name: 'shops.migration-deadline' };

const platformOperated = (what: string) =>
  new InvalidStateError(
    'PLATFORM_OPERATED',
    `The platform runs pricing and fulfilment for SELF_OPERATED shops: ${what} is the platform's to change.`,
  );

/** The error for a seller changing what the platform runs, or null: a SELF_OPERATED shop's prices are the platform's. */
export function platformOperatedPriceError(businessModel: BusinessModel, role: string | undefined) {
  return businessModel === 'SELF_OPERATED' && role !== 'ADMIN' ? platformOperated("a listing's price") : null;
}

/**
 * Sets who ships a shop's orders. SELF_SHIPPING only while the shop's tier grants it; a
 * SELF_OPERATED shop's fulfilment is fixed. Conditional on the shop's version, so a tier
 * recalculation that lands first is never overwritten.
 */
export async function setFulfilmentMode(ctx: Context, input: { shopId: number; fulfilmentMode: FulfilmentMode }) {
  const now = await ctx.now();
  return ctx.prisma.$transaction(async (tx) => {
    const shop = await tx.shop.findUnique({
      where: { id: input.shopId },
      select: {
        fulfilmentMode: true,
        businessModel: true,
        version: true,
        tier: { select: { code: true, name: true, selfShippingAllowed: true } },
      },
    });
    if (!shop) throw new NotFoundError('Shop');
    if (shop.businessModel === 'SELF_OPERATED') throw platformOperated('the fulfilment mode');
    if (input.fulfilmentMode === 'SELF_SHIPPING' && !shop.tier?.selfShippingAllowed) {
      throw new InvalidStateError(
        'SELF_SHIPPING_NOT_ALLOWED',
        shop.tier
          ? `The ${shop.tier.name} tier does not include self-shipping: the shop ships through the platform until a tier recalculation places it in a tier that does.`
          : 'The shop is not placed in a tier yet, and self-shipping is a tier privilege: it ships through the platform.',
      );
    }
    if (shop.fulfilmentMode === input.fulfilmentMode) return { changed: false };
    const updated = await tx.shop.updateMany({
      where: { id: input.shopId, version: shop.version },
      data: { fulfilmentMode: input.fulfilmentMode, version: { increment: 1 } },
    });
    if (updated.count === 0)
      throw new ConflictError('The shop changed while its fulfilment mode was set; re-read it and try again.');
    await recordEvent(tx, {
      type: 'shop.fulfilment_mode_changed',
      shopId: input.shopId,
      subjectType: 'Shop',
      subjectId: String(input.shopId),
      payload: { fromMode: shop.fulfilmentMode, toMode: input.fulfilmentMode, tier: shop.tier?.code ?? null },
      occurredAt: now,
    });
    return { changed: true };
  });
}

/**
 * Moves a SEMI_CLOSED_LOOP shop to CLOSED_LOOP or SELF_OPERATED (the platform then fulfils) and
 * re-evaluates its status at once: a shop restricted for a missed deadline trades again unless its
 * points hold it, with the status-change row and event.
 */
export async function migrateBusinessModel(ctx: Context, input: { shopId: number; businessModel: BusinessModel }) {
  if (input.businessModel === 'SEMI_CLOSED_LOOP')
    throw ValidationError.field(
      ['input', 'businessModel'],
      'SEMI_CLOSED_LOOP is retired: migrate to CLOSED_LOOP or SELF_OPERATED.',
    );
  const [settings, now] = [await ctx.settings(), await ctx.now()];
  return inShopTransaction(ctx, input.shopId, async (tx) => {
    const shop = await tx.shop.findUniqueOrThrow({
      where: { id: input.shopId },
      select: { businessModel: true, fulfilmentMode: true, migrationDeadline: true },
    });
    if (shop.businessModel !== 'SEMI_CLOSED_LOOP') {
      throw new InvalidStateError(
        'INVALID_STATE',
        `The shop is ${shop.businessModel}: only SEMI_CLOSED_LOOP shops migrate to another business model.`,
      );
    }
    const fulfilmentMode = input.businessModel === 'SELF_OPERATED' ? 'PLATFORM' : shop.fulfilmentMode;
    await tx.shop.update({
      where: { id: input.shopId },
      data: { businessModel: input.businessModel, fulfilmentMode, version: { increment: 1 } },
    });
    await recordEvent(tx, {
      type: 'shop.business_model_migrated',
      shopId: input.shopId,
      subjectType: 'Shop',
      subjectId: String(input.shopId),
      payload: {
        fromBusinessModel: shop.businessModel,
        toBusinessModel: input.businessModel,
        fulfilmentMode,
        migrationDeadline: shop.migrationDeadline?.toISOString() ?? null,
        afterDeadline: isMigrationOverdue(shop, now),
      },
      occurredAt: now,
    });
    await recomputeShopHealth(tx, input.shopId, now, settings, 'Business model migrated');
  });
}

/** One job per shop and deadline. */
export function migrationDeadlineKey(shopId: number, deadline: Date): string {
  return `${enforceMigrationDeadlineJob.name}:${shopId}:${deadline.toISOString()}`;
}

/** Schedules the restriction of SEMI_CLOSED_LOOP shops at their migration deadlines (inside the writing transaction). */
export async function scheduleMigrationDeadlines(
  tx: Prisma.TransactionClient,
  shops: readonly { id: number; migrationDeadline: Date }[],
): Promise<void> {
  await enqueueJobs(
    tx,
    enforceMigrationDeadlineJob,
    shops.map((s) => ({
      payload: { shopId: s.id },
      runAt: s.migrationDeadline,
      key: migrationDeadlineKey(s.id, s.migrationDeadline),
    })),
  );
}

/**
 * Gives a deadline job to each SEMI_CLOSED_LOOP shop that has none: deadlines still ahead, and
 * deadlines passed whose shop is still ACTIVE (never restricted: demo data, shops written by hand).
 */
export async function scheduleMissingMigrationDeadlines(tx: Prisma.TransactionClient, now: Date): Promise<number> {
  const shops = await tx.shop.findMany({
    where: {
      businessModel: 'SEMI_CLOSED_LOOP',
      migrationDeadline: { not: null },
      OR: [{ migrationDeadline: { gt: now } }, { status: 'ACTIVE' }],
    },
    select: { id: true, migrationDeadline: true },
  });
  const due = shops.flatMap((s) => (s.migrationDeadline ? [{ id: s.id, migrationDeadline: s.migrationDeadline }] : []));
  const held = new Set(
    (
      await tx.job.findMany({
        where: { key: { in: due.map((s) => migrationDeadlineKey(s.id, s.migrationDeadline)) } },
        select: { key: true },
      })
    ).map((j) => j.key),
  );
  const missing = due.filter((s) => !held.has(migrationDeadlineKey(s.id, s.migrationDeadline)));
  await scheduleMigrationDeadlines(tx, missing);
  return missing.length;
}

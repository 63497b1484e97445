import type { Context } from '#context';
import { ConflictError, InvalidStateError, ValidationError, type FieldError } from '#lib/errors.ts';
import { must } from '#lib/must.ts';
import { assertCanImportOrders } from './revenue.policy.ts';

/** Largest batch `orderImport` accepts (the platform's input-list limit). */
export const ORDER_IMPORT_LIMIT = 250;
export const MAX_FEE_LINES = 50;
const MAX_AMOUNT_MINOR = 2_000_000_000;

export interface ImportFeeLine {
  feeCategoryCode: string;
  amount: number;
}

export interface ImportOrderItem {
  shopId: number;
  externalId: string;
  amount: number;
  currency: string;
  placedAt: Date;
  categoryId: number;
  feeLines: ImportFeeLine[];
}

export type ImportStatus = 'CREATED' | 'UNCHANGED';

export interface ImportedOrder {
  index: number;
  orderId: number;
  status: ImportStatus;
}

/** Over the batch limit is LIMIT_EXCEEDED before anything else is looked at. */
export function assertOrderBatchSize(count: number): void {
  if (count > ORDER_IMPORT_LIMIT) {
    throw new InvalidStateError(
      'LIMIT_EXCEEDED',
      `A batch holds at most ${ORDER_IMPORT_LIMIT} orders; got ${count}. Split it, or use a bulk operation.`,
    );
  }
}

const pairKey = (shopId: number, externalId: string) => `${shopId}\u0000${externalId}`;

/** A canonical form of an order body: equal signatures mean "the same order" for idempotent re-imports. */
function signature(o: {
  amount: number;
  currency: string;
  placedAt: Date;
  categoryId: number;
  feeLines: { feeCategoryId: number; amount: number }[];
}): string {
  const fees = o.feeLines.map((f) => `${f.feeCategoryId}:${f.amount}`).sort();
  return JSON.stringify([o.amount, o.currency, o.placedAt.toISOString(), o.categoryId, fees]);
}

/**
 * Imports a batch of orders in one transaction, idempotently by (shopId, externalId): an order
 * already stored with the same body is reported UNCHANGED; one stored with a different body fails
 * the whole batch with VALIDATION_FAILED at its `externalId`. Nothing is written unless every item is valid.
 */
export async function importOrders(ctx: Context, items: ImportOrderItem[]): Promise<ImportedOrder[]> {
  assertOrderBatchSize(items.length);
  if (items.length === 0) throw ValidationError.field(['input', 'orders'], 'Send at least one order.');
  // Reach and permission first, per distinct shop: an unreachable shop is NOT_FOUND for the whole batch.
  for (const shopId of new Set(items.map((i) => i.shopId))) assertCanImportOrders(ctx.viewer, shopId);

  const now = await ctx.now();
  const codes = [...new Set(items.flatMap((i) => i.feeLines.map((f) => f.feeCategoryCode)))];
  const categoryIds = [...new Set(items.map((i) => i.categoryId))];
  const [feeCategories, categories] = await Promise.all([
    ctx.prisma.feeCategory.findMany({ where: { code: { in: codes } }, select: { id: true, code: true } }),
    ctx.prisma.category.findMany({ where: { id: { in: categoryIds } }, select: { id: true } }),
  ]);
  const feeIdByCode = new Map(feeCategories.map((f) => [f.code, f.id]));
  const knownCategories = new Set(categories.map((c) => c.id));

  const errors: FieldError[] = [];
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const at = (...path: string[]) => ['input', 'orders', String(i), ...path];
    const externalId = item.externalId.trim();
    if (!externalId || externalId.length > 100 || externalId !== item.externalId)
      errors.push({
        path: at('externalId'),
        message: 'externalId must be 1–100 characters without surrounding spaces.',
      });
    const key = pairKey(item.shopId, item.externalId);
    const first = seen.get(key);
    if (first !== undefined)
      errors.push({
        path: at('externalId'),
        message: `Repeats order ${first} of this batch (same shop and externalId).`,
      });
    else seen.set(key, i);
    if (!Number.isSafeInteger(item.amount) || item.amount < 0 || item.amount > MAX_AMOUNT_MINOR)
      errors.push({ path: at('amount'), message: 'amount is integer minor units between 0 and 2,000,000,000.' });
    if (Number.isNaN(item.placedAt.getTime()))
      errors.push({ path: at('placedAt'), message: 'placedAt is not a valid instant.' });
    else if (item.placedAt > now)
      errors.push({ path: at('placedAt'), message: 'placedAt is in the future (by the platform clock).' });
    if (!knownCategories.has(item.categoryId)) errors.push({ path: at('categoryId'), message: 'No such category.' });
    if (item.feeLines.length > MAX_FEE_LINES)
      errors.push({ path: at('feeLines'), message: `An order has at most ${MAX_FEE_LINES} fee lines.` });
    item.feeLines.forEach((f, j) => {
      if (!feeIdByCode.has(f.feeCategoryCode))
        errors.push({
          path: at('feeLines', String(j), 'feeCategoryCode'),
          message: `Unknown fee category code "${f.feeCategoryCode}" (see feeCategories).`,
        });
      if (!Number.isSafeInteger(f.amount) || f.amount < 0 || f.amount > MAX_AMOUNT_MINOR)
        errors.push({
          path: at('feeLines', String(j), 'amount'),
          message: 'amount is integer minor units between 0 and 2,000,000,000.',
        });
    });
  });
  if (errors.length) throw new ValidationError(errors);

  const bodies = items.map((item) => ({
    ...item,
    feeLines: item.feeLines.map((f) => ({
      feeCategoryId: must(feeIdByCode.get(f.feeCategoryCode), `fee category ${f.feeCategoryCode} (validated above)`),
      amount: f.amount,
    })),
  }));

  return ctx.prisma.$transaction(async (tx) => {
    const byShop = new Map<number, string[]>();
    for (const b of bodies) byShop.set(b.shopId, [...(byShop.get(b.shopId) ?? []), b.externalId]);
    const orderWhere = [...byShop].map(([shopId, externalIds]) => ({ shopId, externalId: { in: externalIds } }));
    const existing = await tx.order.findMany({
      where: { OR: orderWhere },
      include: { feeLines: { select: { feeCategoryId: true, amount: true } } },
    });
    const existingByKey = new Map(existing.map((o) => [pairKey(o.shopId, o.externalId), o]));

    const mismatches: FieldError[] = [];
    bodies.forEach((b, i) => {
      const stored = existingByKey.get(pairKey(b.shopId, b.externalId));
      if (stored && signature(stored) !== signature(b)) {
        mismatches.push({
          path: ['input', 'orders', String(i), 'externalId'],
          message: `Order ${b.externalId} was already imported with a different body; orders are immutable once imported.`,
        });
      }
    });
    if (mismatches.length) throw new ValidationError(mismatches);

    const fresh = bodies.filter((b) => !existingByKey.has(pairKey(b.shopId, b.externalId)));
    // INSERT … ON CONFLICT DO NOTHING RETURNING: one statement for the batch.
    const created = fresh.length
      ? await tx.order.createManyAndReturn({
          data: fresh.map((b) => ({
            shopId: b.shopId,
            externalId: b.externalId,
            amount: b.amount,
            currency: b.currency,
            placedAt: b.placedAt,
            categoryId: b.categoryId,
          })),
          skipDuplicates: true,
          select: { id: true, shopId: true, externalId: true },
        })
      : [];
    // A concurrent import of the same order won the race: re-run the batch to compare bodies.
    if (created.length !== fresh.length)
      throw new ConflictError('Some of these orders were imported concurrently; retry the batch.');
    const createdByKey = new Map(created.map((o) => [pairKey(o.shopId, o.externalId), o.id]));
    const feeRows = fresh.flatMap((b) =>
      b.feeLines.map((f) => ({
        orderId: must(createdByKey.get(pairKey(b.shopId, b.externalId)), `order ${b.externalId}`),
        ...f,
      })),
    );
    if (feeRows.length) await tx.orderFeeLine.createMany({ data: feeRows });

    return bodies.map((b, index) => {
      const key = pairKey(b.shopId, b.externalId);
      const stored = existingByKey.get(key);
      return stored
        ? { index, orderId: stored.id, status: 'UNCHANGED' as const }
        : { index, orderId: must(createdByKey.get(key), `order ${b.externalId}`), status: 'CREATED' as const };
    });
  });
}

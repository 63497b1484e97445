import type { Prisma, PrismaClient } from '@shopwarden/db';
import type { Context } from '#context';
import { InvalidStateError } from '#lib/errors.ts';
import { InvariantError } from '#lib/must.ts';
import { recordEvent } from '#modules/platform/outbox.service.ts';
import { confirmDeadlineInstant } from './campaign.service.ts';

export interface CategoryFigure {
  categoryId: number;
  /** Sales in minor units over the look-back window. */
  sales: bigint;
  orderCount: number;
}

export interface AutoAssignmentEntry {
  shopId: number;
  outcome: 'ASSIGN' | 'NEEDS_MANUAL_DECISION';
  categoryId: number | null;
  /** Every top-level category the shop sold in, best first (sales, then orders, then smaller id). */
  figures: CategoryFigure[];
}

type Db = PrismaClient | Prisma.TransactionClient;

/**
 * Ranks, in one SQL statement, each shop still without a primary category by sales per top-level
 * category in the look-back window. Ties go to the larger order count, then the smaller category id.
 */
export async function computeAutoAssignment(
  db: Db,
  window: { start: Date; end: Date },
): Promise<AutoAssignmentEntry[]> {
  const rows = await db.$queryRaw<
    { shopId: number; categoryId: number | null; sales: bigint | null; orderCount: number | null }[]
  >`
    WITH sales AS (
      SELECT o."shopId", root.id AS "categoryId", SUM(o.amount)::bigint AS sales, COUNT(*)::int AS "orderCount"
      FROM "Order" o
      JOIN "Category" c ON c.id = o."categoryId"
      JOIN "Category" root ON root.id = COALESCE(c."rootId", c.id)
      WHERE o."placedAt" >= ${window.start} AND o."placedAt" < ${window.end}
        AND root.restriction <> 'PROHIBITED'
      GROUP BY o."shopId", root.id
    )
    SELECT s.id AS "shopId", sales."categoryId", sales.sales, sales."orderCount"
    FROM "Shop" s
    LEFT JOIN sales ON sales."shopId" = s.id
    WHERE s."primaryCategoryId" IS NULL
    ORDER BY s.id, sales.sales DESC NULLS LAST, sales."orderCount" DESC, sales."categoryId" ASC`;

  const entries = new Map<number, AutoAssignmentEntry>();
  for (const row of rows) {
    let entry = entries.get(row.shopId);
    if (!entry) {
      entry = { shopId: row.shopId, outcome: 'NEEDS_MANUAL_DECISION', categoryId: null, figures: [] };
      entries.set(row.shopId, entry);
    }
    if (row.categoryId === null || row.sales === null || row.sales <= 0n) continue;
    if (entry.figures.length === 0) {
      entry.outcome = 'ASSIGN';
      entry.categoryId = row.categoryId;
    }
    entry.figures.push({ categoryId: row.categoryId, sales: row.sales, orderCount: row.orderCount ?? 0 });
  }
  return [...entries.values()];
}

export interface AutoAssignmentResult {
  dryRun: boolean;
  runId: number | null;
  entries: AutoAssignmentEntry[];
  assignedCount: number;
  manualDecisionCount: number;
}

function figuresJson(figures: CategoryFigure[]) {
  return figures.map((f) => ({ categoryId: f.categoryId, sales: f.sales.toString(), orderCount: f.orderCount }));
}

/**
 * The administrator's run after the deadline. A dry run returns the same entries and writes nothing.
 * The real run is idempotent: it only touches shops that still have no primary category.
 */
export async function runAutoAssignment(ctx: Context, dryRun: boolean): Promise<AutoAssignmentResult> {
  const settings = await ctx.settings();
  const now = await ctx.now();
  const window = { start: settings.categoryLookbackStart, end: settings.categoryLookbackEnd };
  if (dryRun) {
    const entries = await computeAutoAssignment(ctx.prisma, window);
    return {
      dryRun,
      runId: null,
      entries,
      assignedCount: entries.filter((e) => e.outcome === 'ASSIGN').length,
      manualDecisionCount: entries.filter((e) => e.outcome === 'NEEDS_MANUAL_DECISION').length,
    };
  }
  const deadline = confirmDeadlineInstant(settings);
  if (now <= deadline) {
    throw new InvalidStateError(
      'INVALID_STATE',
      `Auto-assignment runs after the confirmation deadline (${deadline.toISOString()}). Use dryRun to preview it, or move the sandbox clock.`,
    );
  }
  return ctx.prisma.$transaction(
    async (tx) => {
      const entries = await computeAutoAssignment(tx, window);
      const toAssign = entries.flatMap((e) => {
        if (e.outcome !== 'ASSIGN') return [];
        if (e.categoryId === null) throw new InvariantError(`shop ${e.shopId} is to be assigned no category`);
        return [{ ...e, categoryId: e.categoryId }];
      });
      const manualIds = entries.filter((e) => e.outcome === 'NEEDS_MANUAL_DECISION').map((e) => e.shopId);
      const assignedIds = toAssign.length
        ? (
            await tx.$queryRaw<{ id: number }[]>`
              UPDATE "Shop" s
              SET "primaryCategoryId" = v.category_id, "primaryCategorySetAt" = ${now}, "primaryCategorySource" = 'AUTO_ASSIGNED',
                  "needsManualCategoryDecision" = false, version = s.version + 1, "updatedAt" = ${now}
              FROM unnest(${toAssign.map((e) => e.shopId)}::int[], ${toAssign.map((e) => e.categoryId)}::int[]) AS v(shop_id, category_id)
              WHERE s.id = v.shop_id AND s."primaryCategoryId" IS NULL
              RETURNING s.id`
          ).map((r) => r.id)
        : [];
      const flagged = manualIds.length
        ? await tx.shop.updateMany({
            where: { id: { in: manualIds }, primaryCategoryId: null, needsManualCategoryDecision: false },
            data: { needsManualCategoryDecision: true },
          })
        : { count: 0 };
      const run = await tx.autoAssignmentRun.create({
        data: {
          ranAt: now,
          assignedCount: assignedIds.length,
          manualCount: flagged.count,
          actorApiKeyId: ctx.viewer?.apiKeyId ?? null,
        },
      });
      const assigned = new Set(assignedIds);
      const done = toAssign.filter((e) => assigned.has(e.shopId));
      if (done.length) {
        await tx.primaryCategorySelection.createMany({
          data: done.map((e) => ({
            shopId: e.shopId,
            categoryId: e.categoryId,
            source: 'AUTO_ASSIGNED' as const,
            figures: {
              window: { start: window.start.toISOString(), end: window.end.toISOString() },
              categories: figuresJson(e.figures),
            },
            autoAssignmentRunId: run.id,
            actorApiKeyId: ctx.viewer?.apiKeyId ?? null,
            createdAt: now,
          })),
        });
        await tx.outboxEvent.createMany({
          data: done.map((e) => ({
            type: 'shop.primary_category_auto_assigned',
            shopId: e.shopId,
            subjectType: 'Shop',
            subjectId: String(e.shopId),
            payload: { categoryId: e.categoryId, runId: run.id },
            occurredAt: now,
          })),
        });
      }
      if (flagged.count) {
        await recordEvent(tx, {
          type: 'auto_assignment.manual_decisions_needed',
          shopId: null,
          subjectType: 'AutoAssignmentRun',
          subjectId: String(run.id),
          payload: { shopIds: manualIds },
          occurredAt: now,
        });
      }
      return {
        dryRun,
        runId: run.id,
        entries,
        assignedCount: assignedIds.length,
        manualDecisionCount: manualIds.length,
      };
    },
    { timeout: 60_000 },
  );
}

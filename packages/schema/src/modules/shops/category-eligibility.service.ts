import type { Category, CategoryRestriction, PlatformSettings, PrismaClient } from '@shopwarden/db';

export type EligibilityStatus = 'AVAILABLE' | 'NOT_PRIMARY_CATEGORY' | 'NEEDS_APPROVAL' | 'PROHIBITED';

export interface Eligibility {
  status: EligibilityStatus;
  /** Machine-readable reason, e.g. PROHIBITED_ITEM; null when AVAILABLE. */
  reasonCode: string | null;
  reason: string;
}

export type CategoryLite = Pick<Category, 'id' | 'name' | 'parentId' | 'rootId' | 'restriction'>;

export interface ShopCategoryFacts {
  primaryCategoryId: number | null;
  /** Categories granted through approved special-circumstances requests. */
  exceptionCategoryIds: ReadonlySet<number>;
  /** RESTRICTED categories with a GRANTED approval. */
  approvedRestrictedIds: ReadonlySet<number>;
}

const severity: Record<CategoryRestriction, number> = { NONE: 0, RESTRICTED: 1, PROHIBITED: 2 };

/** A category's own restriction or its ancestors', whichever is stricter: restrictions cover a subtree. */
export function effectiveRestriction(
  category: CategoryLite,
  byId: ReadonlyMap<number, CategoryLite>,
): { restriction: CategoryRestriction; source: CategoryLite } {
  let worst = { restriction: category.restriction, source: category };
  let cursor = category.parentId === null ? undefined : byId.get(category.parentId);
  while (cursor) {
    if (severity[cursor.restriction] > severity[worst.restriction])
      worst = { restriction: cursor.restriction, source: cursor };
    cursor = cursor.parentId === null ? undefined : byId.get(cursor.parentId);
  }
  return worst;
}

/** The ids a grant or approval may name for a category: itself and its ancestors. */
function lineage(category: CategoryLite, byId: ReadonlyMap<number, CategoryLite>): number[] {
  const ids = [category.id];
  let cursor = category.parentId === null ? undefined : byId.get(category.parentId);
  while (cursor) {
    ids.push(cursor.id);
    cursor = cursor.parentId === null ? undefined : byId.get(cursor.parentId);
  }
  return ids;
}

/** True once the one-primary-category policy is in force (before it, the previous three-category policy holds). */
export function isPrimaryCategoryPolicyInForce(
  settings: Pick<PlatformSettings, 'categoryEnforcementAt'>,
  now: Date,
): boolean {
  return now >= settings.categoryEnforcementAt;
}

/**
 * Every rule that stops a shop selling in a category, in the order SPEC §1–2 gives:
 * prohibited, outside the primary category (once in force, unless an exception covers it),
 * restricted without a granted approval. Empty when the shop may list in it.
 */
export function listEligibilityIssues(
  category: CategoryLite,
  byId: ReadonlyMap<number, CategoryLite>,
  shop: ShopCategoryFacts,
  policyInForce: boolean,
): Eligibility[] {
  const issues: Eligibility[] = [];
  const { restriction, source } = effectiveRestriction(category, byId);
  if (restriction === 'PROHIBITED') {
    issues.push({
      status: 'PROHIBITED',
      reasonCode: 'PROHIBITED_ITEM',
      reason: `${source.name} is prohibited on the marketplace.`,
    });
  }
  const ids = lineage(category, byId);
  if (policyInForce && shop.primaryCategoryId !== null) {
    const rootId = category.rootId ?? category.id;
    const covered = rootId === shop.primaryCategoryId || ids.some((id) => shop.exceptionCategoryIds.has(id));
    if (!covered) {
      issues.push({
        status: 'NOT_PRIMARY_CATEGORY',
        reasonCode: 'OUTSIDE_PRIMARY_CATEGORY',
        reason: `${category.name} is outside the shop's primary category and no approved exception covers it.`,
      });
    }
  }
  if (restriction === 'RESTRICTED' && !ids.some((id) => shop.approvedRestrictedIds.has(id))) {
    issues.push({
      status: 'NEEDS_APPROVAL',
      reasonCode: 'RESTRICTED_REQUIRES_APPROVAL',
      reason: `${source.name} is restricted: request approval before listing in it.`,
    });
  }
  return issues;
}

/** Whether a shop may sell in a category: the first rule that stops it (see `listEligibilityIssues`), or AVAILABLE. */
export function evaluateEligibility(
  category: CategoryLite,
  byId: ReadonlyMap<number, CategoryLite>,
  shop: ShopCategoryFacts,
  policyInForce: boolean,
): Eligibility {
  return (
    listEligibilityIssues(category, byId, shop, policyInForce)[0] ?? {
      status: 'AVAILABLE',
      reasonCode: null,
      reason: 'The shop may list in this category.',
    }
  );
}

/** Loads what eligibility needs for one shop in two statements. */
export async function loadShopCategoryFacts(prisma: PrismaClient, shopId: number): Promise<ShopCategoryFacts | null> {
  const shop = await prisma.shop.findUnique({
    where: { id: shopId },
    select: {
      primaryCategoryId: true,
      exceptionGrants: { select: { categoryId: true } },
      restrictedApprovals: { where: { status: 'GRANTED' }, select: { categoryId: true } },
    },
  });
  if (!shop) return null;
  return {
    primaryCategoryId: shop.primaryCategoryId,
    exceptionCategoryIds: new Set(shop.exceptionGrants.map((g) => g.categoryId)),
    approvedRestrictedIds: new Set(shop.restrictedApprovals.map((a) => a.categoryId)),
  };
}

export async function loadCategoryIndex(prisma: PrismaClient): Promise<Map<number, CategoryLite>> {
  const rows = await prisma.category.findMany({
    select: { id: true, name: true, parentId: true, rootId: true, restriction: true },
    orderBy: { id: 'asc' },
  });
  return new Map(rows.map((c) => [c.id, c]));
}

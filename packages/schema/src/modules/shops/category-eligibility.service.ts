import type { Category, CategoryRestriction, PlatformSettings, PrismaClient, ShopStatus } from '@shopwarden/db';

export type EligibilityStatus =
  | 'AVAILABLE'
  | 'SHOP_NOT_ACTIVE'
  | 'PROHIBITED'
  | 'PRIMARY_CATEGORY_NOT_SET'
  | 'NOT_PRIMARY_CATEGORY'
  | 'TOO_MANY_CATEGORIES'
  | 'NEEDS_APPROVAL';

export interface Eligibility {
  status: EligibilityStatus;
  /** The listing-check code, e.g. PROHIBITED_ITEM; null when AVAILABLE. */
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

/** One reason a listing cannot be submitted: a stable machine-readable code and a human message. */
export interface ListingIssue {
  code: string;
  message: string;
}

/** The codes the automatic listing checks produce, in the order they run (SPEC §2). */
export const listingCheckCodes = [
  'SHOP_NOT_ACTIVE',
  'PROHIBITED_ITEM',
  'PRIMARY_CATEGORY_NOT_SET',
  'OUTSIDE_PRIMARY_CATEGORY',
  'TOO_MANY_CATEGORIES',
  'RESTRICTED_REQUIRES_APPROVAL',
] as const;

/** Everything the listing checks read about a shop, a category and the moment. */
export interface ListingCheckFacts {
  /** `status`: the status in force now (`shopStatusInForce`), with the reason when it is not the stored one. */
  shop: { status: ShopStatus; statusReason?: string | null } & ShopCategoryFacts;
  category: CategoryLite;
  categories: ReadonlyMap<number, CategoryLite>;
  /** True once the one-primary-category policy is in force (`isPrimaryCategoryPolicyInForce`). */
  policyInForce: boolean;
  /** Previous policy: how many distinct top-level categories a shop may list in. */
  maxCategories: number;
  /** Top-level categories of the shop's other non-DRAFT listings. */
  otherRootIds: ReadonlySet<number>;
}

/**
 * Every reason a shop may not submit a listing in a category, in the order SPEC §2 gives. The one
 * decision behind both the listing checks and `Shop.categoryEligibility`: empty when it may.
 */
export function listingCheckIssues(f: ListingCheckFacts): ListingIssue[] {
  const issues: ListingIssue[] = [];
  const { category, categories: byId, shop } = f;
  if (shop.status !== 'ACTIVE') {
    issues.push({
      code: 'SHOP_NOT_ACTIVE',
      message: shop.statusReason ?? `The shop is ${shop.status.toLowerCase()}: only active shops can submit listings.`,
    });
  }
  const { restriction, source } = effectiveRestriction(category, byId);
  if (restriction === 'PROHIBITED')
    issues.push({ code: 'PROHIBITED_ITEM', message: `${source.name} is prohibited on the marketplace.` });
  const ids = lineage(category, byId);
  const rootId = category.rootId ?? category.id;
  if (f.policyInForce) {
    if (shop.primaryCategoryId === null) {
      issues.push({
        code: 'PRIMARY_CATEGORY_NOT_SET',
        message: 'The shop has no primary category: select one before submitting listings.',
      });
    } else if (rootId !== shop.primaryCategoryId && !ids.some((id) => shop.exceptionCategoryIds.has(id))) {
      issues.push({
        code: 'OUTSIDE_PRIMARY_CATEGORY',
        message: `${category.name} is outside the shop's primary category and no approved exception covers it.`,
      });
    }
  } else {
    const roots = new Set(f.otherRootIds).add(rootId);
    if (roots.size > f.maxCategories) {
      issues.push({
        code: 'TOO_MANY_CATEGORIES',
        message: `Before the primary-category policy takes effect a shop may list in at most ${f.maxCategories} top-level categories; this listing would make ${roots.size}.`,
      });
    }
  }
  if (restriction === 'RESTRICTED' && !ids.some((id) => shop.approvedRestrictedIds.has(id))) {
    issues.push({
      code: 'RESTRICTED_REQUIRES_APPROVAL',
      message: `${source.name} is restricted: request approval before listing in it.`,
    });
  }
  return issues;
}

const statusByCode: Record<(typeof listingCheckCodes)[number], Exclude<EligibilityStatus, 'AVAILABLE'>> = {
  SHOP_NOT_ACTIVE: 'SHOP_NOT_ACTIVE',
  PROHIBITED_ITEM: 'PROHIBITED',
  PRIMARY_CATEGORY_NOT_SET: 'PRIMARY_CATEGORY_NOT_SET',
  OUTSIDE_PRIMARY_CATEGORY: 'NOT_PRIMARY_CATEGORY',
  TOO_MANY_CATEGORIES: 'TOO_MANY_CATEGORIES',
  RESTRICTED_REQUIRES_APPROVAL: 'NEEDS_APPROVAL',
};

/** Whether a shop may list in a category now: the first reason the listing checks would give, or AVAILABLE. */
export function evaluateEligibility(f: ListingCheckFacts): Eligibility {
  const first = listingCheckIssues(f)[0];
  if (!first) return { status: 'AVAILABLE', reasonCode: null, reason: 'The shop may list in this category.' };
  return {
    status: statusByCode[first.code as keyof typeof statusByCode],
    reasonCode: first.code,
    reason: first.message,
  };
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

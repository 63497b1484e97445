import type { ListingStatus, ShopStatus } from '@shopwarden/db';
import {
  listEligibilityIssues,
  type CategoryLite,
  type ShopCategoryFacts,
} from '../shops/category-eligibility.service.ts';

/** One reason on a listing decision: a stable machine-readable code and a human message. */
export interface ListingIssue {
  code: string;
  message: string;
}

/** The codes the automatic checks produce, in the order they run. */
export const automaticCheckCodes = [
  'SHOP_NOT_ACTIVE',
  'PROHIBITED_ITEM',
  'PRIMARY_CATEGORY_NOT_SET',
  'OUTSIDE_PRIMARY_CATEGORY',
  'TOO_MANY_CATEGORIES',
  'RESTRICTED_REQUIRES_APPROVAL',
] as const;

export interface SubmissionFacts {
  shop: { status: ShopStatus } & ShopCategoryFacts;
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
 * The automatic checks a submission runs (SPEC §2), every reason that applies in the order the spec
 * gives. Category rules come from the shared eligibility service; this adds the shop-level ones.
 */
export function runAutomaticChecks(f: SubmissionFacts): ListingIssue[] {
  const issues: ListingIssue[] = [];
  if (f.shop.status !== 'ACTIVE') {
    issues.push({
      code: 'SHOP_NOT_ACTIVE',
      message: `The shop is ${f.shop.status.toLowerCase()}: only active shops can submit listings.`,
    });
  }
  const eligibility = listEligibilityIssues(f.category, f.categories, f.shop, f.policyInForce);
  const take = (code: string) =>
    eligibility.filter((e) => e.reasonCode === code).forEach((e) => issues.push({ code, message: e.reason }));
  take('PROHIBITED_ITEM');
  if (f.policyInForce) {
    if (f.shop.primaryCategoryId === null) {
      issues.push({
        code: 'PRIMARY_CATEGORY_NOT_SET',
        message: 'The shop has no primary category: select one before submitting listings.',
      });
    }
    take('OUTSIDE_PRIMARY_CATEGORY');
  } else {
    const rootId = f.category.rootId ?? f.category.id;
    const roots = new Set(f.otherRootIds).add(rootId);
    if (roots.size > f.maxCategories) {
      issues.push({
        code: 'TOO_MANY_CATEGORIES',
        message: `Before the primary-category policy takes effect a shop may list in at most ${f.maxCategories} top-level categories; this listing would make ${roots.size}.`,
      });
    }
  }
  take('RESTRICTED_REQUIRES_APPROVAL');
  return issues;
}

/** The status a submission leads to: any reason rejects it. */
export function submissionOutcome(
  issues: readonly ListingIssue[],
): Extract<ListingStatus, 'PENDING_REVIEW' | 'REJECTED'> {
  return issues.length ? 'REJECTED' : 'PENDING_REVIEW';
}

export type ReviewDecisionInput = 'APPROVE' | 'REJECT' | 'SUSPEND';

/** Which status a human decision needs and leads to. */
export const reviewTransitions: Record<
  ReviewDecisionInput,
  { from: ListingStatus; to: ListingStatus; recorded: 'APPROVED' | 'REJECTED' | 'SUSPENDED' }
> = {
  APPROVE: { from: 'PENDING_REVIEW', to: 'ACTIVE', recorded: 'APPROVED' },
  REJECT: { from: 'PENDING_REVIEW', to: 'REJECTED', recorded: 'REJECTED' },
  SUSPEND: { from: 'ACTIVE', to: 'SUSPENDED', recorded: 'SUSPENDED' },
};

/** Statuses a seller may edit and submit from. */
export const editableStatuses: readonly ListingStatus[] = ['DRAFT', 'REJECTED'];

export const reasonCodePattern = /^[A-Z][A-Z0-9_]{1,63}$/;

import type { ListingStatus } from '@shopwarden/db';
import {
  listingCheckCodes,
  listingCheckIssues,
  type ListingCheckFacts,
  type ListingIssue,
} from '#modules/shops/category-eligibility.service.ts';

export type { ListingIssue };

/** The codes the automatic checks produce, in the order they run. */
export const automaticCheckCodes = listingCheckCodes;

export type SubmissionFacts = ListingCheckFacts;

/** The automatic checks a submission runs (SPEC §2): the shared decision `Shop.categoryEligibility` reports too. */
export function runAutomaticChecks(f: SubmissionFacts): ListingIssue[] {
  return listingCheckIssues(f);
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

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateEligibility, type CategoryLite } from '#modules/shops/category-eligibility.service.ts';
import {
  automaticCheckCodes,
  reviewTransitions,
  runAutomaticChecks,
  submissionOutcome,
  type SubmissionFacts,
} from './listing-checks.ts';

const cats: CategoryLite[] = [
  { id: 1, name: 'Beauty', parentId: null, rootId: 1, restriction: 'NONE' },
  { id: 2, name: 'Supplements', parentId: 1, rootId: 1, restriction: 'RESTRICTED' },
  { id: 3, name: 'Vitamins', parentId: 2, rootId: 1, restriction: 'NONE' },
  { id: 4, name: 'Home', parentId: null, rootId: 4, restriction: 'NONE' },
  { id: 5, name: 'Weapons', parentId: null, rootId: 5, restriction: 'PROHIBITED' },
  { id: 6, name: 'Blades', parentId: 5, rootId: 5, restriction: 'RESTRICTED' },
  { id: 7, name: 'Fashion', parentId: null, rootId: 7, restriction: 'NONE' },
  { id: 8, name: 'Toys', parentId: null, rootId: 8, restriction: 'NONE' },
];
const byId = new Map(cats.map((c) => [c.id, c]));

function facts(
  over: Partial<SubmissionFacts> & {
    categoryId: number;
    primary?: number | null;
    exceptions?: number[];
    approvals?: number[];
    status?: 'ACTIVE' | 'RESTRICTED' | 'SUSPENDED';
  },
): SubmissionFacts {
  return {
    shop: {
      status: over.status ?? 'ACTIVE',
      primaryCategoryId: over.primary === undefined ? 1 : over.primary,
      exceptionCategoryIds: new Set(over.exceptions ?? []),
      approvedRestrictedIds: new Set(over.approvals ?? []),
    },
    category: byId.get(over.categoryId)!,
    categories: byId,
    policyInForce: over.policyInForce ?? true,
    maxCategories: over.maxCategories ?? 3,
    otherRootIds: over.otherRootIds ?? new Set(),
  };
}
const codes = (f: SubmissionFacts) => runAutomaticChecks(f).map((i) => i.code);

describe('automatic listing checks', () => {
  it('passes a listing inside the primary category', () => {
    expect(runAutomaticChecks(facts({ categoryId: 1 }))).toEqual([]);
    expect(submissionOutcome([])).toBe('PENDING_REVIEW');
  });

  it('reports every reason that applies, in spec order', () => {
    expect(codes(facts({ categoryId: 6, status: 'SUSPENDED', primary: 1 }))).toEqual([
      'SHOP_NOT_ACTIVE',
      'PROHIBITED_ITEM',
      'OUTSIDE_PRIMARY_CATEGORY',
    ]);
    expect(codes(facts({ categoryId: 3, status: 'SUSPENDED', primary: 4 }))).toEqual([
      'SHOP_NOT_ACTIVE',
      'OUTSIDE_PRIMARY_CATEGORY',
      'RESTRICTED_REQUIRES_APPROVAL',
    ]);
    expect(codes(facts({ categoryId: 4, primary: null }))).toEqual(['PRIMARY_CATEGORY_NOT_SET']);
    expect(codes(facts({ categoryId: 3, status: 'RESTRICTED', primary: null }))).toEqual([
      'SHOP_NOT_ACTIVE',
      'PRIMARY_CATEGORY_NOT_SET',
      'RESTRICTED_REQUIRES_APPROVAL',
    ]);
    expect(submissionOutcome(runAutomaticChecks(facts({ categoryId: 4 })))).toBe('REJECTED');
  });

  it('lets an exception or a granted approval on an ancestor cover a subcategory', () => {
    expect(codes(facts({ categoryId: 4, exceptions: [4] }))).toEqual([]);
    expect(codes(facts({ categoryId: 3, approvals: [2] }))).toEqual([]);
    expect(codes(facts({ categoryId: 3, approvals: [3] }))).toEqual([]);
    expect(codes(facts({ categoryId: 3 }))).toEqual(['RESTRICTED_REQUIRES_APPROVAL']);
  });

  it('applies the previous policy (at most N top-level categories) before the effective date', () => {
    const before = { policyInForce: false, primary: null };
    expect(codes(facts({ ...before, categoryId: 8, otherRootIds: new Set([1, 4]) }))).toEqual([]);
    expect(codes(facts({ ...before, categoryId: 8, otherRootIds: new Set([1, 4, 7]) }))).toEqual([
      'TOO_MANY_CATEGORIES',
    ]);
    expect(codes(facts({ ...before, categoryId: 3, otherRootIds: new Set([1, 4, 7]) }))).toEqual([
      'RESTRICTED_REQUIRES_APPROVAL',
    ]);
    expect(codes(facts({ ...before, categoryId: 8, otherRootIds: new Set([1, 4, 7]), maxCategories: 4 }))).toEqual([]);
    expect(codes(facts({ ...before, categoryId: 5 }))).toEqual(['PROHIBITED_ITEM']);
  });

  it('always reports a subsequence of the check order, and rejects exactly when there is a reason (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          categoryId: fc.constantFrom(...cats.map((c) => c.id)),
          primary: fc.constantFrom(null, 1, 4, 7),
          exceptions: fc.subarray(cats.map((c) => c.id)),
          approvals: fc.subarray([2, 3, 6]),
          status: fc.constantFrom('ACTIVE' as const, 'RESTRICTED' as const, 'SUSPENDED' as const),
          policyInForce: fc.boolean(),
          roots: fc.subarray([1, 4, 5, 7, 8]),
        }),
        (r) => {
          const f = facts({ ...r, otherRootIds: new Set(r.roots) });
          const found = codes(f);
          const order = found.map((c) => automaticCheckCodes.indexOf(c as (typeof automaticCheckCodes)[number]));
          expect(order.every((i) => i >= 0)).toBe(true);
          expect([...order].sort((a, b) => a - b)).toEqual(order);
          expect(new Set(found).size).toBe(found.length);
          expect(submissionOutcome(runAutomaticChecks(f)) === 'REJECTED').toBe(found.length > 0);
          // Eligibility is the same decision: the first reason, or AVAILABLE exactly when there is none.
          const eligibility = evaluateEligibility(f);
          expect(eligibility.reasonCode).toBe(found[0] ?? null);
          expect(eligibility.status === 'AVAILABLE').toBe(found.length === 0);
        },
      ),
    );
  });

  it('allows APPROVE and REJECT from PENDING_REVIEW and SUSPEND from ACTIVE only', () => {
    expect(reviewTransitions.APPROVE).toEqual({ from: 'PENDING_REVIEW', to: 'ACTIVE', recorded: 'APPROVED' });
    expect(reviewTransitions.REJECT).toEqual({ from: 'PENDING_REVIEW', to: 'REJECTED', recorded: 'REJECTED' });
    expect(reviewTransitions.SUSPEND).toEqual({ from: 'ACTIVE', to: 'SUSPENDED', recorded: 'SUSPENDED' });
  });
});

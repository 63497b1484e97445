import { describe, expect, it } from 'vitest';
import {
  effectiveRestriction,
  evaluateEligibility,
  isPrimaryCategoryPolicyInForce,
  type CategoryLite,
} from './category-eligibility.service.ts';
import { campaignPhase, confirmDeadlineInstant, pendingActionsFor } from './campaign.service.ts';

const cats: CategoryLite[] = [
  { id: 1, name: 'Beauty', parentId: null, rootId: 1, restriction: 'NONE' },
  { id: 2, name: 'Supplements', parentId: 1, rootId: 1, restriction: 'RESTRICTED' },
  { id: 3, name: 'Vitamins', parentId: 2, rootId: 1, restriction: 'NONE' },
  { id: 4, name: 'Home', parentId: null, rootId: 4, restriction: 'NONE' },
  { id: 5, name: 'Weapons', parentId: null, rootId: 5, restriction: 'PROHIBITED' },
  { id: 6, name: 'Blades', parentId: 5, rootId: 5, restriction: 'RESTRICTED' },
];
const byId = new Map(cats.map((c) => [c.id, c]));
const shop = (primaryCategoryId: number | null, exceptions: number[] = [], approvals: number[] = []) => ({
  primaryCategoryId,
  exceptionCategoryIds: new Set(exceptions),
  approvedRestrictedIds: new Set(approvals),
});

/** Eligibility of an active shop with no other listings (the previous policy's count does not bite). */
const ev = (categoryId: number, facts: ReturnType<typeof shop>, policyInForce: boolean) =>
  evaluateEligibility({
    shop: { status: 'ACTIVE', ...facts },
    category: byId.get(categoryId)!,
    categories: byId,
    policyInForce,
    maxCategories: 3,
    otherRootIds: new Set(),
  });

describe('category eligibility', () => {
  it('inherits the strictest restriction from ancestors', () => {
    expect(effectiveRestriction(byId.get(3)!, byId).restriction).toBe('RESTRICTED');
    expect(effectiveRestriction(byId.get(6)!, byId)).toMatchObject({
      restriction: 'PROHIBITED',
      source: { name: 'Weapons' },
    });
  });

  it('checks prohibited first, then the primary category, then restricted approval', () => {
    expect(ev(6, shop(4), true).status).toBe('PROHIBITED');
    expect(ev(3, shop(4), true)).toMatchObject({
      status: 'NOT_PRIMARY_CATEGORY',
      reasonCode: 'OUTSIDE_PRIMARY_CATEGORY',
    });
    expect(ev(3, shop(1), true)).toMatchObject({
      status: 'NEEDS_APPROVAL',
      reasonCode: 'RESTRICTED_REQUIRES_APPROVAL',
    });
    expect(ev(3, shop(1, [], [2]), true).status).toBe('AVAILABLE');
    expect(ev(1, shop(1), true)).toEqual({
      status: 'AVAILABLE',
      reasonCode: null,
      reason: expect.any(String),
    });
  });

  it('lets an approved exception cover a category and its subtree', () => {
    expect(ev(1, shop(4, [1]), true).status).toBe('AVAILABLE');
    expect(ev(3, shop(4, [1], [2]), true).status).toBe('AVAILABLE');
    expect(ev(3, shop(4, [1]), true).status).toBe('NEEDS_APPROVAL');
  });

  it('applies the previous policy before the effective date: the primary category does not restrict', () => {
    expect(ev(4, shop(1), false).status).toBe('AVAILABLE');
    expect(ev(5, shop(1), false).status).toBe('PROHIBITED');
    expect(ev(2, shop(4), false).status).toBe('NEEDS_APPROVAL');
  });

  it('takes effect at the exact instant', () => {
    const settings = { categoryEnforcementAt: new Date('2024-02-01T00:00:00Z') };
    expect(isPrimaryCategoryPolicyInForce(settings, new Date('2024-01-31T23:59:59.999Z'))).toBe(false);
    expect(isPrimaryCategoryPolicyInForce(settings, new Date('2024-02-01T00:00:00Z'))).toBe(true);
  });
});

const closedLoop = { businessModel: 'CLOSED_LOOP' as const, migrationDeadline: null };

describe('campaign', () => {
  const settings = {
    categoryEnforcementAt: new Date('2024-02-01T00:00:00Z'),
    // The named day, as the DATE column reads: "confirm by 7 February".
    categoryConfirmDeadline: new Date('2024-02-07T00:00:00Z'),
  };
  it('moves through its phases at the exact instants; the deadline day counts to its end', () => {
    expect(campaignPhase(settings, new Date('2024-01-31T23:59:59Z'))).toBe('BEFORE_ENFORCEMENT');
    expect(campaignPhase(settings, new Date('2024-02-01T00:00:00Z'))).toBe('CONFIRMATION_OPEN');
    expect(campaignPhase(settings, new Date('2024-02-07T00:00:00Z'))).toBe('CONFIRMATION_OPEN');
    expect(campaignPhase(settings, new Date('2024-02-07T23:59:59.999Z'))).toBe('CONFIRMATION_OPEN');
    expect(campaignPhase(settings, new Date('2024-02-08T00:00:00Z'))).toBe('AFTER_DEADLINE');
    expect(confirmDeadlineInstant(settings)).toEqual(new Date('2024-02-07T23:59:59.999Z'));
  });
  it('shows the pending action only to shops without a primary category', () => {
    expect(
      pendingActionsFor(
        { primaryCategoryId: 3, needsManualCategoryDecision: false, ...closedLoop },
        settings,
        new Date('2024-02-02'),
      ),
    ).toEqual([]);
    const [action] = pendingActionsFor(
      { primaryCategoryId: null, needsManualCategoryDecision: false, ...closedLoop },
      settings,
      new Date('2024-02-02'),
    );
    expect(action).toMatchObject({
      kind: 'SELECT_PRIMARY_CATEGORY',
      deadline: new Date('2024-02-07T23:59:59.999Z'),
      overdue: false,
    });
    const onTheDay = { primaryCategoryId: null, needsManualCategoryDecision: false, ...closedLoop };
    expect(pendingActionsFor(onTheDay, settings, new Date('2024-02-07T23:59:59.999Z'))[0]!.overdue).toBe(false);
    expect(pendingActionsFor(onTheDay, settings, new Date('2024-02-08T00:00:00Z'))[0]!.overdue).toBe(true);
    expect(
      pendingActionsFor(
        { primaryCategoryId: null, needsManualCategoryDecision: true, ...closedLoop },
        settings,
        new Date('2024-03-01'),
      )[0],
    ).toMatchObject({ overdue: true });
  });
  it('asks a SEMI_CLOSED_LOOP shop to migrate by its deadline, first', () => {
    const semi = {
      primaryCategoryId: null,
      needsManualCategoryDecision: false,
      businessModel: 'SEMI_CLOSED_LOOP' as const,
      migrationDeadline: new Date('2024-03-10T00:00:00Z'),
    };
    const before = pendingActionsFor(semi, settings, new Date('2024-03-09T23:59:59.999Z'));
    expect(before.map((a) => [a.kind, a.overdue])).toEqual([
      ['MIGRATE_BUSINESS_MODEL', false],
      ['SELECT_PRIMARY_CATEGORY', true],
    ]);
    expect(before[0]!.deadline).toEqual(semi.migrationDeadline);
    expect(pendingActionsFor(semi, settings, semi.migrationDeadline)[0]).toMatchObject({ overdue: true });
    expect(pendingActionsFor({ ...semi, businessModel: 'CLOSED_LOOP' }, settings, semi.migrationDeadline)).toHaveLength(
      1,
    );
  });
});

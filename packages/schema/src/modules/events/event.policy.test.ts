import { describe, expect, it } from 'vitest';
import { checkEventEligibility } from './event.policy.ts';

const base = {
  shopStatus: 'ACTIVE',
  shopTierRank: 1,
  shopPrimaryCategoryId: 7,
  minTier: null,
  eligibleCategoryIds: [],
};

describe('seller event eligibility', () => {
  it('admits an ACTIVE shop to an open event', () => {
    expect(checkEventEligibility(base)).toEqual({ ok: true });
  });
  it('refuses shops not in good standing', () => {
    expect(checkEventEligibility({ ...base, shopStatus: 'RESTRICTED' })).toMatchObject({
      ok: false,
      code: 'INVALID_STATE',
    });
  });
  it('compares tier ranks, inclusive', () => {
    expect(checkEventEligibility({ ...base, minTier: { rank: 1, name: 'Established' } })).toEqual({ ok: true });
    expect(checkEventEligibility({ ...base, minTier: { rank: 2, name: 'Strategic' } })).toMatchObject({
      ok: false,
      code: 'EVENT_NOT_ELIGIBLE',
    });
  });
  it('needs the primary category among the eligible ones when they are set', () => {
    expect(checkEventEligibility({ ...base, eligibleCategoryIds: [7, 9] })).toEqual({ ok: true });
    expect(checkEventEligibility({ ...base, eligibleCategoryIds: [9] })).toMatchObject({
      ok: false,
      code: 'EVENT_NOT_ELIGIBLE',
    });
    expect(checkEventEligibility({ ...base, shopPrimaryCategoryId: null, eligibleCategoryIds: [9] })).toMatchObject({
      ok: false,
      code: 'EVENT_NOT_ELIGIBLE',
    });
  });
});

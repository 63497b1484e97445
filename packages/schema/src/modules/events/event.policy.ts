import type { Tier } from '@shopwarden/db';

export interface EligibilityFacts {
  shopStatus: string;
  shopTierRank: number;
  shopPrimaryCategoryId: number | null;
  minTier: Pick<Tier, 'rank' | 'name'> | null;
  eligibleCategoryIds: readonly number[];
}

export type EligibilityVerdict =
  { ok: true } | { ok: false; code: 'INVALID_STATE' | 'EVENT_NOT_ELIGIBLE'; message: string };

/**
 * Whether a shop may register for an event: only ACTIVE shops; with a minimum tier, the shop's tier
 * rank must reach it (a shop not yet placed counts as the lowest rank); with eligible categories,
 * its primary category must be one of them.
 */
export function checkEventEligibility(f: EligibilityFacts): EligibilityVerdict {
  if (f.shopStatus !== 'ACTIVE')
    return {
      ok: false,
      code: 'INVALID_STATE',
      message: `Only shops in good standing (ACTIVE) may register; this shop is ${f.shopStatus}.`,
    };
  if (f.minTier && f.shopTierRank < f.minTier.rank)
    return {
      ok: false,
      code: 'EVENT_NOT_ELIGIBLE',
      message: `This event is for shops in the ${f.minTier.name} tier or above.`,
    };
  if (
    f.eligibleCategoryIds.length > 0 &&
    (f.shopPrimaryCategoryId === null || !f.eligibleCategoryIds.includes(f.shopPrimaryCategoryId))
  ) {
    return {
      ok: false,
      code: 'EVENT_NOT_ELIGIBLE',
      message: 'This event is for shops whose primary category is one of its eligible categories.',
    };
  }
  return { ok: true };
}

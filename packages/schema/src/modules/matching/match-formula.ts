import type { PlatformSettings } from '@shopwarden/db';

/** Followers from which each audience tier starts; AUDIENCE_SIZE gives weight × tier / 5. */
export const AUDIENCE_TIERS = [10_000, 50_000, 100_000, 500_000, 1_000_000] as const;
/** Engagement counts up to 10 % (1000 basis points). */
export const ENGAGEMENT_CAP_BPS = 1000;

export type MatchReasonCode =
  | 'NICHE_MATCHES_PRIMARY_CATEGORY'
  | 'NICHE_IN_GRANTED_CATEGORY'
  | 'REGION_OVERLAP'
  | 'AUDIENCE_SIZE'
  | 'ENGAGEMENT'
  | 'COMPLIANCE_PENALTY'
  | 'ALREADY_PARTNERED';

export type MatchWeights = Pick<
  PlatformSettings,
  | 'matchWeightPrimaryNiche'
  | 'matchWeightGrantedNiche'
  | 'matchWeightRegion'
  | 'matchWeightAudience'
  | 'matchWeightEngagement'
  | 'matchPenaltyPerPoint'
  | 'matchAlreadyPartneredPenalty'
>;

/** What the formula reads of one (shop, creator) pair. */
export interface MatchInput {
  nicheCategoryIds: readonly number[];
  regions: readonly string[];
  followerCount: number;
  engagementRateBps: number;
  /** Counting violation points on the creator's content in the compliance window… */
  points: number;
  /** …and those of them within matchRecentViolationDays (they count twice). */
  recentPoints: number;
  /** A PROPOSED (not yet expired) or ACTIVE partnership joins the pair. */
  openPartnership: boolean;
  shopPrimaryCategoryId: number | null;
  /** Top-level categories of the shop's granted exceptions. */
  shopGrantedRootIds: readonly number[];
  shopSites: readonly string[];
}

/** The parts of a score, each an integer; the score is their sum. */
export interface MatchParts {
  primaryNiche: number;
  grantedNiche: number;
  region: number;
  audience: number;
  engagement: number;
  /** ≤ 0 */
  compliance: number;
  /** ≤ 0 */
  partnered: number;
}

export function audienceTier(followers: number): number {
  return AUDIENCE_TIERS.filter((t) => followers >= t).length;
}

/**
 * The documented formula (docs/creators-and-partnerships.md), in integers. The SQL of
 * matching.sql.ts computes exactly this; a differential test holds them together.
 *
 * Penalties take off at most the region, audience and engagement points: a niche match always
 * counts, so no amount of penalty lets a creator outside the shop's niche overtake one inside it.
 */
export function matchParts(input: MatchInput, w: MatchWeights): MatchParts {
  const primary = input.shopPrimaryCategoryId !== null && input.nicheCategoryIds.includes(input.shopPrimaryCategoryId);
  const granted = !primary && input.nicheCategoryIds.some((id) => input.shopGrantedRootIds.includes(id));
  const sites = [...new Set(input.shopSites)];
  const covered = sites.filter((s) => input.regions.includes(s)).length;
  const region = sites.length ? Math.floor((w.matchWeightRegion * covered) / sites.length) : 0;
  const audience = Math.floor((w.matchWeightAudience * audienceTier(input.followerCount)) / AUDIENCE_TIERS.length);
  const engagement = Math.floor(
    (w.matchWeightEngagement * Math.min(Math.max(input.engagementRateBps, 0), ENGAGEMENT_CAP_BPS)) / ENGAGEMENT_CAP_BPS,
  );
  const rest = region + audience + engagement;
  const compliance = Math.min(w.matchPenaltyPerPoint * (input.points + input.recentPoints), rest);
  const partnered = input.openPartnership ? Math.min(w.matchAlreadyPartneredPenalty, rest - compliance) : 0;
  return {
    primaryNiche: primary ? w.matchWeightPrimaryNiche : 0,
    grantedNiche: granted ? w.matchWeightGrantedNiche : 0,
    region,
    audience,
    engagement,
    compliance: -compliance,
    partnered: -partnered,
  };
}

export function scoreOf(parts: MatchParts): number {
  return (
    parts.primaryNiche +
    parts.grantedNiche +
    parts.region +
    parts.audience +
    parts.engagement +
    parts.compliance +
    parts.partnered
  );
}

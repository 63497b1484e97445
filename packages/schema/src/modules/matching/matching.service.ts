import type { Context } from '#context';
import { ValidationError } from '#lib/errors.ts';
import { standingForPoints, type ComplianceStanding } from '#modules/creators/compliance.service.ts';
import { reachableCreatorIds } from '#modules/creators/creator.policy.ts';
import { AUDIENCE_TIERS, ENGAGEMENT_CAP_BPS, type MatchReasonCode } from './match-formula.ts';
import { matchingSql, type MatchKey, type MatchQuery, type MatchRow, type MatchSubject } from './matching.sql.ts';

export interface MatchReason {
  code: MatchReasonCode;
  points: number;
  message: string;
}

export interface RankedMatch {
  row: MatchRow;
  score: number;
  standing: ComplianceStanding;
  reasons: MatchReason[];
  cursor: string;
}

export interface MatchPage {
  matches: RankedMatch[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

const DEFAULT_SIZE = 20;
const MAX_SIZE = 100;

export function encodeMatchCursor(key: MatchKey): string {
  return Buffer.from(`match:${key.score}:${key.followers}:${key.id}`).toString('base64url');
}

const isSafeInteger = (n: number | undefined): n is number => Number.isSafeInteger(n);

export function decodeMatchCursor(cursor: string, arg: string): MatchKey {
  const parts = Buffer.from(cursor, 'base64url').toString().split(':');
  const [score, followers, id] = parts.slice(1).map(Number);
  if (
    parts.length !== 4 ||
    parts[0] !== 'match' ||
    !isSafeInteger(score) ||
    !isSafeInteger(followers) ||
    !isSafeInteger(id)
  )
    throw ValidationError.field([arg], 'Not a cursor of this list.');
  return { score, followers, id };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** The reasons of a row: every part that contributes, and the penalties that apply; their points add up to the score. */
export function reasonsOf(row: MatchRow, q: Pick<MatchQuery, 'settings'>): MatchReason[] {
  const reasons: MatchReason[] = [];
  const add = (code: MatchReasonCode, points: number, message: string) => reasons.push({ code, points, message });
  if (row.pPrimary)
    add('NICHE_MATCHES_PRIMARY_CATEGORY', row.pPrimary, "One of the creator's niches is the shop's primary category.");
  if (row.pGranted)
    add('NICHE_IN_GRANTED_CATEGORY', row.pGranted, "One of the creator's niches is a category granted to the shop.");
  if (row.pRegion)
    add(
      'REGION_OVERLAP',
      row.pRegion,
      `The creator's audience regions cover ${row.covered} of the shop's ${plural(row.siteCount, 'site')}.`,
    );
  if (row.pAudience)
    add(
      'AUDIENCE_SIZE',
      row.pAudience,
      `${plural(row.followerCount, 'follower')}: audience tier ${row.tier} of ${AUDIENCE_TIERS.length}.`,
    );
  if (row.pEngagement)
    add(
      'ENGAGEMENT',
      row.pEngagement,
      `Engagement rate ${(row.engagementRateBps / 100).toFixed(2)} % (counted up to ${ENGAGEMENT_CAP_BPS / 100} %).`,
    );
  if (row.points > 0)
    add(
      'COMPLIANCE_PENALTY',
      row.pCompliance,
      `${plural(row.points, 'violation point')} on the creator's content in the last ${q.settings.pointExpiryDays} days, ${row.recentPoints} of them in the last ${q.settings.matchRecentViolationDays} days (counted twice).`,
    );
  if (row.openStatus)
    add('ALREADY_PARTNERED', row.pPartnered, `This shop and creator already have a ${row.openStatus} partnership.`);
  return reasons;
}

/** One page of a ranking, computed by one statement. */
export async function matchPage(
  ctx: Context,
  subject: MatchSubject,
  filter: MatchQuery['filter'],
  page: PageArgs,
): Promise<MatchPage> {
  if (page.first != null && page.last != null)
    throw ValidationError.field(['last'], 'Pass `first` or `last`, not both.');
  const backward = page.last != null || (page.before != null && page.first == null);
  const size = (backward ? page.last : page.first) ?? DEFAULT_SIZE;
  if (!Number.isInteger(size) || size < 0 || size > MAX_SIZE)
    throw ValidationError.field([backward ? 'last' : 'first'], `Ask for 0–${MAX_SIZE} matches.`);
  const cursorArg = backward ? 'before' : 'after';
  const cursorText = backward ? page.before : page.after;
  const cursor = cursorText ? decodeMatchCursor(cursorText, cursorArg) : null;
  const [settings, now] = [await ctx.settings(), await ctx.now()];
  const q: MatchQuery = {
    subject,
    now,
    settings,
    creatorIds: reachableCreatorIds(ctx.viewer),
    shopIds: ctx.viewer ? ctx.viewer.shopIds : [],
    filter,
    cursor,
    backward,
    limit: size + 1,
  };
  const rows = size === 0 ? [] : await ctx.prisma.$queryRaw<MatchRow[]>(matchingSql(q));
  const more = rows.length > size;
  const kept = rows.slice(0, size);
  if (backward) kept.reverse();
  const forCreators = subject.kind === 'creatorsForShop';
  return {
    matches: kept.map((row) => ({
      row,
      score: row.score,
      standing: standingForPoints(row.points, settings),
      reasons: reasonsOf(row, q),
      cursor: encodeMatchCursor({
        score: row.score,
        followers: forCreators ? row.followerCount : 0,
        id: forCreators ? row.creatorId : row.shopId,
      }),
    })),
    hasNextPage: backward ? cursor !== null : more,
    hasPreviousPage: backward ? more : cursor !== null,
  };
}

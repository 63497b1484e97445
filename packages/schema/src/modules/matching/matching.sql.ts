import { Prisma, type PlatformSettings } from '@shopwarden/db';
import { sqlInstant } from '#modules/health/ledger.service.ts';
import { AUDIENCE_TIERS, ENGAGEMENT_CAP_BPS, type MatchWeights } from './match-formula.ts';

const DAY_MS = 86_400_000;
const int = (n: number) => Prisma.sql`${n}::int`;
const intList = (ids: readonly number[]) => Prisma.join(ids.map(int));

/** Who is ranked: creators for one shop, or shops for one creator. */
export type MatchSubject = { kind: 'creatorsForShop'; shopId: number } | { kind: 'shopsForCreator'; creatorId: number };

/** The sort key of a row: creators sort by (score desc, followers desc, id asc), shops by (score desc, id asc). */
export interface MatchKey {
  score: number;
  followers: number;
  id: number;
}

export interface MatchQuery {
  subject: MatchSubject;
  now: Date;
  settings: MatchWeights &
    Pick<PlatformSettings, 'matchRecentViolationDays' | 'pointExpiryDays' | 'creatorPoorThreshold'>;
  /** Creator ids the caller may see (null: all). */
  creatorIds: readonly number[] | null;
  /** Shop ids the caller may see (null: all). */
  shopIds: readonly number[] | null;
  filter: {
    region?: string | null;
    nicheCategoryId?: number | null;
    minFollowers?: number | null;
    includePoor?: boolean | null;
    site?: string | null;
  };
  /** Rows after (forward) or before (backward) this key. */
  cursor: MatchKey | null;
  backward: boolean;
  limit: number;
}

/** One ranked row: the ranked creator's or shop's columns, the formula's inputs and its parts. */
export interface MatchRow {
  creatorId: number;
  handle: string;
  displayName: string;
  regions: string[];
  nicheCategoryIds: number[];
  followerCount: number;
  engagementRateBps: number;
  creatorCreatedAt: Date;
  creatorUpdatedAt: Date;
  shopId: number;
  shopName: string;
  points: number;
  recentPoints: number;
  openStatus: 'PROPOSED' | 'ACTIVE' | null;
  siteCount: number;
  covered: number;
  tier: number;
  pPrimary: number;
  pGranted: number;
  pRegion: number;
  pAudience: number;
  pEngagement: number;
  pCompliance: number;
  pPartnered: number;
  score: number;
}

/**
 * The whole page as ONE statement: every candidate scored by the formula of match-formula.ts,
 * filtered, ordered with a unique tie-breaker and cut after the cursor.
 */
export function matchingSql(q: MatchQuery): Prisma.Sql {
  const s = q.settings;
  const windowStart = new Date(q.now.getTime() - s.pointExpiryDays * DAY_MS);
  const recentSince = new Date(q.now.getTime() - s.matchRecentViolationDays * DAY_MS);
  const forShop = q.subject.kind === 'creatorsForShop';
  const shopOnly = forShop ? Prisma.sql`AND s."id" = ${int((q.subject as { shopId: number }).shopId)}` : Prisma.empty;
  const grantShopOnly = forShop
    ? Prisma.sql`WHERE g."shopId" = ${int((q.subject as { shopId: number }).shopId)}`
    : Prisma.empty;
  const creatorOnly = forShop
    ? Prisma.empty
    : Prisma.sql`AND c."id" = ${int((q.subject as { creatorId: number }).creatorId)}`;
  const violationCreatorOnly = forShop
    ? Prisma.empty
    : Prisma.sql`AND ci."creatorId" = ${int((q.subject as { creatorId: number }).creatorId)}`;
  const partnershipOnly =
    q.subject.kind === 'creatorsForShop'
      ? Prisma.sql`AND p."shopId" = ${int(q.subject.shopId)}`
      : Prisma.sql`AND p."creatorId" = ${int(q.subject.creatorId)}`;
  const f = q.filter;
  const creatorWhere = [
    q.creatorIds === null
      ? Prisma.empty
      : q.creatorIds.length
        ? Prisma.sql`AND c."id" IN (${intList(q.creatorIds)})`
        : Prisma.sql`AND false`,
    f.region ? Prisma.sql`AND ${f.region}::text = ANY(c."regions")` : Prisma.empty,
    f.nicheCategoryId ? Prisma.sql`AND ${int(f.nicheCategoryId)} = ANY(c."nicheCategoryIds")` : Prisma.empty,
    typeof f.minFollowers === 'number' ? Prisma.sql`AND c."followerCount" >= ${int(f.minFollowers)}` : Prisma.empty,
  ];
  const shopWhere = [
    q.shopIds === null
      ? Prisma.empty
      : q.shopIds.length
        ? Prisma.sql`AND s."id" IN (${intList(q.shopIds)})`
        : Prisma.sql`AND false`,
    forShop ? Prisma.empty : Prisma.sql`AND s."status" = 'ACTIVE'`,
    f.site ? Prisma.sql`AND ${f.site}::text = ANY(s."sites")` : Prisma.empty,
  ];
  const poor = forShop && !f.includePoor ? Prisma.sql`AND points < ${int(s.creatorPoorThreshold)}` : Prisma.empty;
  const tier = Prisma.join(
    AUDIENCE_TIERS.map((t) => Prisma.sql`(c."followerCount" >= ${int(t)})::int`),
    ' + ',
  );
  // Creators: score desc, followers desc, id asc. Shops: score desc, id asc (followers is 0 for all).
  const id = forShop ? Prisma.sql`"creatorId"` : Prisma.sql`"shopId"`;
  let after = Prisma.empty;
  if (q.cursor) {
    const [lt, gt] = q.backward ? ['>', '<'] : ['<', '>'];
    const c = q.cursor;
    const tie = forShop
      ? Prisma.sql`("followerCount" ${Prisma.raw(lt)} ${int(c.followers)} OR ("followerCount" = ${int(c.followers)} AND ${id} ${Prisma.raw(gt)} ${int(c.id)}))`
      : Prisma.sql`${id} ${Prisma.raw(gt)} ${int(c.id)}`;
    after = Prisma.sql`AND (score ${Prisma.raw(lt)} ${int(c.score)} OR (score = ${int(c.score)} AND ${tie}))`;
  }
  const [down, up] = q.backward ? ['ASC', 'DESC'] : ['DESC', 'ASC'];
  const order = forShop
    ? Prisma.sql`score ${Prisma.raw(down)}, "followerCount" ${Prisma.raw(down)}, ${id} ${Prisma.raw(up)}`
    : Prisma.sql`score ${Prisma.raw(down)}, ${id} ${Prisma.raw(up)}`;

  // `shops` is MATERIALIZED: inlined, its arrays were recomputed for every creator row (4× slower at 100k creators).
  return Prisma.sql`
    WITH granted AS (
      SELECT g."shopId", array_agg(DISTINCT COALESCE(c."rootId", c."id")) AS roots
      FROM "CategoryExceptionGrant" g JOIN "Category" c ON c."id" = g."categoryId" ${grantShopOnly}
      GROUP BY g."shopId"
    ), shops AS MATERIALIZED (
      SELECT s."id", s."name", s."primaryCategoryId", COALESCE(gr.roots, '{}'::int[]) AS roots,
        ARRAY(SELECT DISTINCT x FROM unnest(s."sites") x) AS sites
      FROM "Shop" s LEFT JOIN granted gr ON gr."shopId" = s."id"
      WHERE true ${shopOnly} ${Prisma.join(shopWhere, ' ')}
    ), violations AS (
      SELECT ci."creatorId", SUM(v."points")::int AS points,
        COALESCE(SUM(v."points") FILTER (WHERE v."occurredAt" > ${sqlInstant(recentSince)}), 0)::int AS recent
      FROM "Violation" v JOIN "ContentItem" ci ON ci."id" = v."contentItemId"
      WHERE v."status" IN ('ACTIVE', 'APPEALED') AND v."occurredAt" > ${sqlInstant(windowStart)}
        AND v."occurredAt" <= ${sqlInstant(q.now)} ${violationCreatorOnly}
      GROUP BY ci."creatorId"
    ), open AS (
      SELECT p."shopId", p."creatorId", p."status"::text AS status FROM "Partnership" p
      WHERE (p."status" = 'ACTIVE' OR (p."status" = 'PROPOSED' AND (p."expiresAt" IS NULL OR p."expiresAt" > ${sqlInstant(q.now)})))
        ${partnershipOnly}
    ), inputs AS (
      SELECT c."id" AS "creatorId", c."handle", c."displayName", c."regions", c."nicheCategoryIds", c."followerCount",
        c."engagementRateBps", c."createdAt" AS "creatorCreatedAt", c."updatedAt" AS "creatorUpdatedAt",
        s."id" AS "shopId", s."name" AS "shopName",
        COALESCE(v.points, 0) AS points, COALESCE(v.recent, 0) AS "recentPoints", o.status AS "openStatus",
        COALESCE(s."primaryCategoryId" = ANY(c."nicheCategoryIds"), false) AS primary_match,
        c."nicheCategoryIds" && s.roots AS granted_match,
        cardinality(s.sites) AS "siteCount",
        (SELECT count(*) FROM unnest(s.sites) x WHERE x = ANY(c."regions"))::int AS covered,
        (${tier}) AS tier
      FROM "Creator" c CROSS JOIN shops s
        LEFT JOIN violations v ON v."creatorId" = c."id"
        LEFT JOIN open o ON o."shopId" = s."id" AND o."creatorId" = c."id"
      WHERE true ${creatorOnly} ${Prisma.join(creatorWhere, ' ')}
    ), positive AS (
      SELECT *,
        CASE WHEN primary_match THEN ${int(s.matchWeightPrimaryNiche)} ELSE 0 END AS "pPrimary",
        CASE WHEN NOT primary_match AND granted_match THEN ${int(s.matchWeightGrantedNiche)} ELSE 0 END AS "pGranted",
        CASE WHEN "siteCount" > 0 THEN ${int(s.matchWeightRegion)} * covered / "siteCount" ELSE 0 END AS "pRegion",
        ${int(s.matchWeightAudience)} * tier / ${int(AUDIENCE_TIERS.length)} AS "pAudience",
        ${int(s.matchWeightEngagement)} * LEAST(GREATEST("engagementRateBps", 0), ${int(ENGAGEMENT_CAP_BPS)}) / ${int(ENGAGEMENT_CAP_BPS)} AS "pEngagement"
      FROM inputs
    ), penalised AS (
      SELECT *, LEAST(${int(s.matchPenaltyPerPoint)} * (points + "recentPoints"), "pRegion" + "pAudience" + "pEngagement") AS compliance
      FROM positive
    ), scored AS (
      SELECT *, -compliance AS "pCompliance",
        -(CASE WHEN "openStatus" IS NULL THEN 0
          ELSE LEAST(${int(s.matchAlreadyPartneredPenalty)}, "pRegion" + "pAudience" + "pEngagement" - compliance) END) AS "pPartnered"
      FROM penalised
    ), ranked AS (
      SELECT *, "pPrimary" + "pGranted" + "pRegion" + "pAudience" + "pEngagement" + "pCompliance" + "pPartnered" AS score
      FROM scored
    )
    SELECT "creatorId", "handle", "displayName", "regions", "nicheCategoryIds", "followerCount", "engagementRateBps",
      "creatorCreatedAt", "creatorUpdatedAt", "shopId", "shopName", points, "recentPoints", "openStatus", "siteCount",
      covered, tier, "pPrimary", "pGranted", "pRegion", "pAudience", "pEngagement", "pCompliance", "pPartnered", score
    FROM ranked
    WHERE true ${poor} ${after}
    ORDER BY ${order}
    LIMIT ${int(q.limit)}`;
}

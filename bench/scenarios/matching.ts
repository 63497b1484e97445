/**
 * Compliance-aware matching: the first page of `Shop.creatorMatches` over every creator of the
 * benchmark database (100,000 creators, 1,000,000 content items at the target scale), beside a raw
 * bound computing the same ranking in one statement. PostGraphile cannot express the ranking.
 */
import { DEMO_KEYS } from '@shopwarden/db/seed';
import { must } from '../lib/must.ts';
import { compareRead } from '../lib/read.ts';
import { benchDb, type Scenario } from '../lib/scenario.ts';
import { gid, str } from '../lib/sql-json.ts';

const PAGE = 20;

const API_QUERY = `query CreatorMatches($id: ID!) {
  shop(id: $id) {
    creatorMatches(first: ${PAGE}) {
      edges { node { score standing creator { id handle followerCount } reasons { code points } } }
      pageInfo { hasNextPage }
    }
  }
}`;

const reason = (code: string, points: string, when: string) =>
  `CASE WHEN ${when} THEN '{"code":"${code}","points":' || (${points}) || '}' END`;

/** Our API's `data`, the formula of docs/creators-and-partnerships.md written out: $1 the shop, $2 the page size. */
const RAW_SQL = `
WITH st AS (SELECT * FROM "PlatformSettings" WHERE id = 1),
clock AS (SELECT (now() AT TIME ZONE 'UTC')::timestamp(3) AS now),
shop AS MATERIALIZED (
  SELECT s.id, s."primaryCategoryId" AS primary_id, ARRAY(SELECT DISTINCT x FROM unnest(s.sites) x) AS sites,
         coalesce((SELECT array_agg(DISTINCT coalesce(c."rootId", c.id)) FROM "CategoryExceptionGrant" g
                   JOIN "Category" c ON c.id = g."categoryId" WHERE g."shopId" = s.id), '{}') AS roots
  FROM "Shop" s WHERE s.id = $1),
pts AS (
  SELECT ci."creatorId", sum(v.points)::int AS points,
         coalesce(sum(v.points) FILTER (WHERE v."occurredAt" > clock.now - make_interval(days => st."matchRecentViolationDays")), 0)::int AS recent
  FROM "Violation" v JOIN "ContentItem" ci ON ci.id = v."contentItemId" CROSS JOIN st CROSS JOIN clock
  WHERE v.status IN ('ACTIVE', 'APPEALED') AND v."occurredAt" > clock.now - make_interval(days => st."pointExpiryDays")
    AND v."occurredAt" <= clock.now
  GROUP BY ci."creatorId"),
open AS (
  SELECT p."creatorId", p.status::text AS status FROM "Partnership" p CROSS JOIN clock
  WHERE p."shopId" = $1 AND (p.status = 'ACTIVE' OR (p.status = 'PROPOSED' AND (p."expiresAt" IS NULL OR p."expiresAt" > clock.now)))),
x AS (
  SELECT c.id, c.handle, c."followerCount" AS followers, c."engagementRateBps" AS bps,
         coalesce(pts.points, 0) AS points, coalesce(pts.recent, 0) AS recent, open.status AS open,
         coalesce(shop.primary_id = ANY(c."nicheCategoryIds"), false) AS primary_match,
         c."nicheCategoryIds" && shop.roots AS granted_match, cardinality(shop.sites) AS sites,
         (SELECT count(*) FROM unnest(shop.sites) s WHERE s = ANY(c.regions))::int AS covered,
         (c."followerCount" >= 10000)::int + (c."followerCount" >= 50000)::int + (c."followerCount" >= 100000)::int
           + (c."followerCount" >= 500000)::int + (c."followerCount" >= 1000000)::int AS tier
  FROM "Creator" c CROSS JOIN shop LEFT JOIN pts ON pts."creatorId" = c.id LEFT JOIN open ON open."creatorId" = c.id),
parts AS (
  SELECT x.*, st."creatorPoorThreshold" AS poor, st."creatorWatchThreshold" AS watch,
         CASE WHEN primary_match THEN st."matchWeightPrimaryNiche" ELSE 0 END AS p_primary,
         CASE WHEN NOT primary_match AND granted_match THEN st."matchWeightGrantedNiche" ELSE 0 END AS p_granted,
         CASE WHEN sites > 0 THEN st."matchWeightRegion" * covered / sites ELSE 0 END AS p_region,
         st."matchWeightAudience" * tier / 5 AS p_audience,
         st."matchWeightEngagement" * least(greatest(bps, 0), 1000) / 1000 AS p_engagement,
         st."matchPenaltyPerPoint" AS per_point, st."matchAlreadyPartneredPenalty" AS partnered_penalty
  FROM x CROSS JOIN st),
penalised AS (
  SELECT parts.*, least(per_point * (points + recent), p_region + p_audience + p_engagement) AS compliance FROM parts),
scored AS (
  SELECT penalised.*,
         CASE WHEN open IS NULL THEN 0 ELSE least(partnered_penalty, p_region + p_audience + p_engagement - compliance) END AS partnered
  FROM penalised),
page AS (
  SELECT scored.*, p_primary + p_granted + p_region + p_audience + p_engagement - compliance - partnered AS score
  FROM scored WHERE points < poor
  ORDER BY score DESC, followers DESC, id LIMIT $2 + 1),
numbered AS (SELECT page.*, row_number() OVER (ORDER BY score DESC, followers DESC, id) AS n FROM page)
SELECT '{"data":{"shop":{"creatorMatches":{"edges":[' || coalesce(string_agg(
    '{"node":{"score":' || score || ',"standing":"' || CASE WHEN points >= poor THEN 'POOR' WHEN points >= watch THEN 'WATCH' ELSE 'GOOD' END
    || '","creator":{"id":"' || ${gid('Creator', 'id')} || '","handle":' || ${str('handle')} || ',"followerCount":' || followers
    || '},"reasons":[' || concat_ws(',',
      ${reason('NICHE_MATCHES_PRIMARY_CATEGORY', 'p_primary', 'p_primary <> 0')},
      ${reason('NICHE_IN_GRANTED_CATEGORY', 'p_granted', 'p_granted <> 0')},
      ${reason('REGION_OVERLAP', 'p_region', 'p_region <> 0')},
      ${reason('AUDIENCE_SIZE', 'p_audience', 'p_audience <> 0')},
      ${reason('ENGAGEMENT', 'p_engagement', 'p_engagement <> 0')},
      ${reason('COMPLIANCE_PENALTY', '0 - compliance', 'points > 0')},
      ${reason('ALREADY_PARTNERED', '0 - partnered', 'open IS NOT NULL')}) || ']}}',
    ',' ORDER BY n) FILTER (WHERE n <= $2), '')
  || '],"pageInfo":{"hasNextPage":' || (count(*) > $2)::text || '}}}}}' AS body
FROM numbered`;

const scenario: Scenario = {
  name: 'matching',
  title: 'Creator matching',
  measures: `the first ${PAGE} creators ranked for a shop (Shop.creatorMatches) over every creator, beside the raw bound`,
  databases: ['postgres', 'pglite'],
  usesBenchDatabase: true,
  async run(ctx) {
    const db = benchDb(ctx);
    // A shop with a primary category and two sites or more, so every part of the formula takes part.
    const [shop] = await db.query<{ id: number }>(
      `SELECT id FROM "Shop" WHERE status = 'ACTIVE' AND "primaryCategoryId" IS NOT NULL AND cardinality(sites) >= 2 ORDER BY id LIMIT 1`,
    );
    if (!shop) throw new Error('no active shop with a primary category and two sites or more');
    const counts = must(
      (
        await db.query<{
          creators: string | number;
          content: string | number;
          penalised: string | number;
        }>(
          `SELECT (SELECT count(*) FROM "Creator") AS creators, (SELECT count(*) FROM "ContentItem") AS content,
              (SELECT count(DISTINCT ci."creatorId") FROM "Violation" v JOIN "ContentItem" ci ON ci.id = v."contentItemId") AS penalised`,
        )
      )[0],
      'the creator and content counts',
    );
    const n = (v: string | number) => Number(v).toLocaleString('en-US');
    return compareRead(ctx, {
      description: `\`shop(id:) { creatorMatches(first: ${PAGE}) { … score standing creator reasons } }\` of shop ${shop.id}, ranked over ${n(counts.creators)} creators with ${n(counts.content)} content items (${n(counts.penalised)} creators with violations on their content); demo admin key. PostGraphile cannot express the ranking.`,
      verify(data) {
        const edges = (data as { shop: { creatorMatches: { edges: { node: { score: number } }[] } } | null }).shop
          ?.creatorMatches.edges;
        if (!edges?.length) return 'no creator was ranked';
        const scores = edges.map((e) => e.node.score);
        const ranked = scores.every((s, i) => {
          const before = scores[i - 1];
          return before === undefined || s <= before;
        });
        if (!ranked) return 'the page is not ranked by score';
        return undefined;
      },
      api: {
        query: API_QUERY,
        variables: { id: Buffer.from(`Shop:${shop.id}`).toString('base64') },
        apiKey: DEMO_KEYS.admin,
      },
      raw: { name: 'creator_matches', text: RAW_SQL, values: [shop.id, PAGE] },
    });
  },
};
export default scenario;

/**
 * What a developer types in GraphiQL to look around: one shop by its global ID, a named fragment
 * of scalar fields, an alias and __typename, its primary category, a page of listings with their
 * category and cursors, and its latest violations with their policy; as the demo administrator.
 */
import { DEMO_KEYS } from '@shopwarden/db/seed';
import { compareRead } from '../lib/read.ts';
import { benchDb, type Scenario } from '../lib/scenario.ts';
import { array, cursor, decimal, gid, iso, str } from '../lib/sql-json.ts';

const LISTINGS = 10;
const VIOLATIONS = 10;

export const API_QUERY = `query ExploreShop($id: ID!) {
  shop(id: $id) {
    __typename
    ...ShopSummary
    primaryCategory { id name }
    listings(first: ${LISTINGS}) {
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id title status price { amount currencyCode } category { id name } } }
    }
    recentViolations: violations(first: ${VIOLATIONS}) {
      edges { node { id source points occurredAt policy { id name: title } } }
    }
  }
}

fragment ShopSummary on Shop {
  id name status healthStatus sites businessModel createdAt
}`;

/** The same in PostGraphile: its node ID, columns, to-one relations and connections. */
const POSTGRAPHILE_QUERY = `query ExploreShop($id: ID!) {
  shop(id: $id) {
    __typename
    ...ShopSummary
    categoryByPrimaryCategoryId { id name }
    listingsByShopId(first: ${LISTINGS}, orderBy: PRIMARY_KEY_ASC) {
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id title status priceAmount currency categoryByCategoryId { id name } } }
    }
    recentViolations: violationsByShopId(first: ${VIOLATIONS}, orderBy: [OCCURRED_AT_DESC, PRIMARY_KEY_DESC]) {
      edges { node { id source points occurredAt policyByPolicyId { id name: title } } }
    }
  }
}

fragment ShopSummary on Shop {
  id name status healthStatus sites businessModel createdAt
}`;

/** Our API's `data` for shop $1 (the admin reaches every shop): $2 listings, $3 violations. */
const RAW_SQL = `
SELECT '{"data":{"shop":' || coalesce((
  SELECT '{"__typename":"Shop","id":"' || ${gid('Shop', 's.id')} || '","name":' || ${str('s.name')} || ',"status":"' || s.status
    || '","healthStatus":"' || s."healthStatus" || '","sites":' || to_json(s.sites)::text || ',"businessModel":"' || s."businessModel"
    || '","createdAt":' || ${iso('s."createdAt"')}
    || ',"primaryCategory":' || coalesce((SELECT '{"id":"' || ${gid('Category', 'pc.id')} || '","name":' || ${str('pc.name')} || '}' FROM "Category" pc WHERE pc.id = s."primaryCategoryId"), 'null')
    || ',"listings":' || (
      SELECT '{"pageInfo":{"hasNextPage":' || (count(*) > $2)::text || ',"endCursor":' || coalesce('"' || ${cursor('max(l.id) FILTER (WHERE l.n <= $2)')} || '"', 'null') || '},"edges":'
        || '[' || coalesce(string_agg(
             '{"cursor":"' || ${cursor('l.id')} || '","node":{"id":"' || ${gid('Listing', 'l.id')} || '","title":' || ${str('l.title')} || ',"status":"' || l.status
             || '","price":{"amount":' || ${decimal('l."priceAmount"')} || ',"currencyCode":"' || l.currency || '"},"category":{"id":"' || ${gid('Category', 'c.id')} || '","name":' || ${str('c.name')} || '}}}',
             ',' ORDER BY l.id) FILTER (WHERE l.n <= $2), '') || ']}'
      FROM (SELECT id, title, status, "priceAmount", currency, "categoryId", row_number() OVER (ORDER BY id) AS n
            FROM "Listing" WHERE "shopId" = s.id ORDER BY id LIMIT $2 + 1) l
      JOIN "Category" c ON c.id = l."categoryId")
    || ',"recentViolations":{"edges":' || (
      SELECT ${array(
        `'{"node":{"id":"' || ${gid('Violation', 'v.id')} || '","source":"' || v.source || '","points":' || v.points || ',"occurredAt":' || ${iso('v."occurredAt"')}
         || ',"policy":{"id":"' || ${gid('Policy', 'p.id')} || '","name":' || ${str('p.title')} || '}}}'`,
        'v."occurredAt" DESC, v.id DESC',
      )}
      FROM (SELECT id, source, points, "occurredAt", "policyId" FROM "Violation" WHERE "shopId" = s.id ORDER BY "occurredAt" DESC, id DESC LIMIT $3) v
      JOIN "Policy" p ON p.id = v."policyId")
    || '}}'
  FROM "Shop" s WHERE s.id = $1), 'null') || '}}' AS body`;

type Edges<T> = { edges: { node: T }[] };
const ourId = (g: string) => Number(Buffer.from(g, 'base64').toString().split(':')[1]);
const theirId = (g: string) => (JSON.parse(Buffer.from(g, 'base64').toString()) as [string, number])[1];

const scenario: Scenario = {
  name: 'graphiql-explore',
  title: 'GraphiQL-style exploration',
  measures:
    'one shop by global ID (named fragment, alias, __typename) with its primary category, 10 listings with category and cursors, 10 violations with policy, as the admin',
  databases: ['postgres', 'pglite'],
  usesBenchDatabase: true,
  async run(ctx) {
    const db = benchDb(ctx);
    // A shop a developer would look at: a primary category, more than one page of listings, a full page of violations.
    const [shop] = await db.query<{ id: number }>(
      `SELECT s.id FROM "Shop" s WHERE s."primaryCategoryId" IS NOT NULL
         AND (SELECT count(*) FROM "Listing" l WHERE l."shopId" = s.id) > ${LISTINGS}
         AND (SELECT count(*) FROM "Violation" v WHERE v."shopId" = s.id) >= ${VIOLATIONS}
       ORDER BY s.id LIMIT 1`,
    );
    if (!shop) throw new Error('no shop with a primary category, more than 10 listings and 10 violations');
    const id = Number(shop.id);
    type Ours = {
      shop: {
        id: string;
        listings: Edges<{ id: string }> & { pageInfo: { hasNextPage: boolean } };
        recentViolations: Edges<{ id: string }>;
      };
    };
    type Theirs = {
      shop: {
        id: string;
        listingsByShopId: Edges<{ id: string }> & { pageInfo: { hasNextPage: boolean } };
        recentViolations: Edges<{ id: string }>;
      };
    };
    return compareRead(ctx, {
      description: `\`shop(id:)\` of shop ${id} with \`...ShopSummary\`, \`__typename\`, \`primaryCategory\`, \`listings(first: ${LISTINGS})\` with pageInfo, cursors and category, \`recentViolations: violations(first: ${VIOLATIONS})\` with policy; demo admin key. PostGraphile: \`shop(id:)\` by its node ID, \`categoryByPrimaryCategoryId\`, \`listingsByShopId\`, \`violationsByShopId\`, \`policyByPolicyId\`.`,
      api: {
        query: API_QUERY,
        variables: { id: Buffer.from(`Shop:${id}`).toString('base64') },
        apiKey: DEMO_KEYS.admin,
      },
      postgraphile: {
        query: POSTGRAPHILE_QUERY,
        variables: { id: Buffer.from(JSON.stringify(['Shop', id])).toString('base64') },
        rows: {
          ours: (data) => {
            const s = (data as Ours).shop;
            return [
              ourId(s.id),
              s.listings.pageInfo.hasNextPage,
              s.listings.edges.map((e) => ourId(e.node.id)),
              s.recentViolations.edges.map((e) => ourId(e.node.id)),
            ];
          },
          theirs: (data) => {
            const s = (data as Theirs).shop;
            return [
              theirId(s.id),
              s.listingsByShopId.pageInfo.hasNextPage,
              s.listingsByShopId.edges.map((e) => theirId(e.node.id)),
              s.recentViolations.edges.map((e) => theirId(e.node.id)),
            ];
          },
        },
      },
      raw: { name: 'graphiql_explore', text: RAW_SQL, values: [id, LISTINGS, VIOLATIONS] },
    });
  },
};
export default scenario;

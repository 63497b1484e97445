/** The administrators' review queue: the 50 longest-waiting PENDING_REVIEW listings with their shop and category. */
import { DEMO_KEYS } from '@shopwarden/db/seed';
import { compareRead } from '../lib/read.ts';
import { type Scenario } from '../lib/scenario.ts';
import { cursor, gid, iso, str } from '../lib/sql-json.ts';

const PAGE = 50;

export const API_QUERY = `query ReviewQueue {
  listingReviewQueue(first: ${PAGE}) {
    edges { cursor node {
      id title status submittedAt price { minorUnits currencyCode }
      shop { id name } category { id name }
    } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const POSTGRAPHILE_QUERY = `query ReviewQueue {
  allListings(first: ${PAGE}, condition: { status: PENDING_REVIEW }, orderBy: [SUBMITTED_AT_ASC, PRIMARY_KEY_ASC]) {
    edges { cursor node {
      id title status submittedAt priceAmount currency
      shopByShopId { id name } categoryByCategoryId { id name }
    } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** Our API's `data`: $1 the page size. The queue's cursor is the listing id. */
const RAW_SQL = `
SELECT '{"data":{"listingReviewQueue":{"edges":[' || coalesce(string_agg(
    '{"cursor":"' || ${cursor('q.id')} || '","node":{"id":"' || ${gid('Listing', 'q.id')} || '","title":' || ${str('q.title')} || ',"status":"' || q.status
    || '","submittedAt":' || ${iso('q."submittedAt"')} || ',"price":{"minorUnits":"' || q."priceAmount" || '","currencyCode":"' || q.currency
    || '"},"shop":{"id":"' || ${gid('Shop', 's.id')} || '","name":' || ${str('s.name')} || '},"category":{"id":"' || ${gid('Category', 'c.id')} || '","name":' || ${str('c.name')} || '}}}',
    ',' ORDER BY q.n) FILTER (WHERE q.n <= $1), '')
  || '],"pageInfo":{"hasNextPage":' || (count(*) > $1)::text
  || ',"endCursor":' || coalesce('"' || ${cursor('(array_agg(q.id ORDER BY q.n DESC) FILTER (WHERE q.n <= $1))[1]')} || '"', 'null') || '}}}}' AS body
FROM (SELECT id, title, status, "submittedAt", "priceAmount", currency, "shopId", "categoryId", row_number() OVER (ORDER BY "submittedAt", id) AS n
      FROM "Listing" WHERE status = 'PENDING_REVIEW' ORDER BY "submittedAt", id LIMIT $1 + 1) q
JOIN "Shop" s ON s.id = q."shopId"
JOIN "Category" c ON c.id = q."categoryId"`;

type Edges<T> = { edges: { node: T }[] };
const ourId = (g: string) => Number(Buffer.from(g, 'base64').toString().split(':')[1]);
const theirId = (g: string) => (JSON.parse(Buffer.from(g, 'base64').toString()) as [string, number])[1];

const scenario: Scenario = {
  name: 'review-queue',
  title: 'Review queue',
  measures: `listingReviewQueue(first: ${PAGE}) with each listing's shop and category, as the admin`,
  databases: ['postgres', 'pglite'],
  usesBenchDatabase: true,
  run(ctx) {
    type OurNode = { id: string; shop: { id: string } };
    type TheirNode = { id: string; shopByShopId: { id: string } };
    return compareRead(ctx, {
      description: `\`listingReviewQueue(first: ${PAGE})\` (PENDING_REVIEW, earliest submitted first) with price, shop and category; demo admin key. PostGraphile: \`allListings(condition: { status: PENDING_REVIEW }, orderBy: [SUBMITTED_AT_ASC, PRIMARY_KEY_ASC])\` with \`shopByShopId\` / \`categoryByCategoryId\`.`,
      api: { query: API_QUERY, apiKey: DEMO_KEYS.admin },
      postgraphile: {
        query: POSTGRAPHILE_QUERY,
        rows: {
          ours: (data) =>
            (data as { listingReviewQueue: Edges<OurNode> }).listingReviewQueue.edges.map((e) => [
              ourId(e.node.id),
              ourId(e.node.shop.id),
            ]),
          theirs: (data) =>
            (data as { allListings: Edges<TheirNode> }).allListings.edges.map((e) => [
              theirId(e.node.id),
              theirId(e.node.shopByShopId.id),
            ]),
        },
      },
      raw: { name: 'review_queue', text: RAW_SQL, values: [PAGE] },
    });
  },
};
export default scenario;

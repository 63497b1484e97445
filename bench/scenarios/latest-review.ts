/**
 * A shop with its first 10 listings and each listing's latest review (`Listing.latestReview`: the
 * review with the highest id, a subquery with LIMIT 1 in the one statement), another shop every
 * request, as the admin; beside PostGraphile reading the same with `first: 1` of the reviews.
 */
import { DEMO_KEYS } from '@shopwarden/db/seed';
import { must } from '../lib/must.ts';
import { compareRead } from '../lib/read.ts';
import { benchDb, type Scenario } from '../lib/scenario.ts';

/** The read (tests/compiled-coverage.test.ts keeps it compiled whole: one statement). */
export const API_QUERY = `query LatestReview($id: ID!) {
  shop(id: $id) { id name status
    listings(first: 10) { edges { node { id title status latestReview { decision toStatus } } } }
  }
}`;

const POSTGRAPHILE_QUERY = `query LatestReview($id: ID!) {
  shop(id: $id) { id name status
    listingsByShopId(first: 10, orderBy: PRIMARY_KEY_ASC) { edges { node { id title status
      listingReviewsByListingId(first: 1, orderBy: PRIMARY_KEY_DESC) { nodes { decision toStatus } } } } }
  }
}`;

type Review = { decision: string; toStatus: string } | null;
const ourId = (g: string) => Number(Buffer.from(g, 'base64').toString().split(':')[1]);
const theirId = (g: string) => (JSON.parse(Buffer.from(g, 'base64').toString()) as [string, number])[1];

const scenario: Scenario = {
  name: 'latest-review',
  title: "Latest review: a listing's newest review, to one",
  measures:
    'a shop with its first 10 listings and their `latestReview` (compiled: one statement), each request another shop, as the admin; beside PostGraphile',
  databases: ['postgres'],
  usesBenchDatabase: true,
  async run(ctx) {
    const db = benchDb(ctx);
    const shops = (await db.query<{ id: number }>(`SELECT id FROM "Shop" ORDER BY id`)).map((r) => Number(r.id));
    const shop = (i: number) => must(shops[i % shops.length], 'a shop to read');
    return compareRead(ctx, {
      description: `\`shop(id:)\` with \`listings(first: 10)\` and each listing's \`latestReview { decision toStatus }\` (one statement: the review with the highest id, \`LIMIT 1\`), each request the next of ${shops.length.toLocaleString('en')} shops; demo admin key. PostGraphile: \`listingsByShopId\` with \`listingReviewsByListingId(first: 1, orderBy: PRIMARY_KEY_DESC)\`.`,
      api: {
        query: API_QUERY,
        apiKey: DEMO_KEYS.admin,
        vary: (i) => ({ id: Buffer.from(`Shop:${shop(i)}`).toString('base64') }),
      },
      postgraphile: {
        query: POSTGRAPHILE_QUERY,
        vary: (i) => ({ id: Buffer.from(JSON.stringify(['Shop', shop(i)])).toString('base64') }),
        rows: {
          ours: (data) => {
            const s = (
              data as {
                shop: { id: string; listings: { edges: { node: { id: string; latestReview: Review } }[] } };
              }
            ).shop;
            return [ourId(s.id), s.listings.edges.map((e) => [ourId(e.node.id), e.node.latestReview])];
          },
          theirs: (data) => {
            const s = (
              data as {
                shop: {
                  id: string;
                  listingsByShopId: {
                    edges: { node: { id: string; listingReviewsByListingId: { nodes: Review[] } } }[];
                  };
                };
              }
            ).shop;
            return [
              theirId(s.id),
              s.listingsByShopId.edges.map((e) => [
                theirId(e.node.id),
                e.node.listingReviewsByListingId.nodes[0] ?? null,
              ]),
            ];
          },
        },
      },
    });
  },
};
export default scenario;

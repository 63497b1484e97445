/**
 * A shop with its listings and violations, different variables every request (shop and page
 * sizes), as the admin: our API with the response cache off and on (then every request a miss),
 * beside PostGraphile.
 */
import { DEMO_KEYS } from '@shopwarden/db/seed';
import { must } from '../lib/must.ts';
import { compareRead } from '../lib/read.ts';
import { benchDb, type Scenario } from '../lib/scenario.ts';

const API_QUERY = `query ShopPage($id: ID!, $l: Int!, $v: Int!) {
  shop(id: $id) { id name status
    listings(first: $l) { edges { node { id title status price { minorUnits currencyCode } } } }
    violations(first: $v) { edges { node { id source points occurredAt } } }
  }
}`;

const POSTGRAPHILE_QUERY = `query ShopPage($id: ID!, $l: Int!, $v: Int!) {
  shop(id: $id) { id name status
    listingsByShopId(first: $l, orderBy: PRIMARY_KEY_ASC) { edges { node { id title status priceAmount currency } } }
    violationsByShopId(first: $v, orderBy: [OCCURRED_AT_DESC, PRIMARY_KEY_DESC]) { edges { node { id source points occurredAt } } }
  }
}`;

type Edges = { edges: { node: { id: string } }[] };
const ourId = (g: string) => Number(Buffer.from(g, 'base64').toString().split(':')[1]);
const theirId = (g: string) => (JSON.parse(Buffer.from(g, 'base64').toString()) as [string, number])[1];

const scenario: Scenario = {
  name: 'varying-variables',
  title: 'Varying variables (and response-cache misses)',
  measures:
    'one shop with its first 1–10 listings and 1–10 violations, every request other variables, as the admin; our API with the response cache off and on (every request a miss), beside PostGraphile',
  databases: ['postgres'],
  usesBenchDatabase: true,
  async run(ctx) {
    const db = benchDb(ctx);
    const shops = (await db.query<{ id: number }>(`SELECT id FROM "Shop" ORDER BY id`)).map((r) => Number(r.id));
    // 2,000 shops × 10 × 10 page sizes: no variables repeat within a benchmark's requests.
    const vars = (i: number) => ({
      shop: must(shops[i % shops.length], 'a shop to read'),
      l: 1 + (Math.floor(i / shops.length) % 10),
      v: 1 + (Math.floor(i / shops.length / 10) % 10),
    });
    return compareRead(ctx, {
      description: `\`shop(id:)\` with \`listings(first: $l)\` and \`violations(first: $v)\`, each request another shop of ${shops.length.toLocaleString('en')} and page sizes of 1–10 (no two requests alike); demo admin key. PostGraphile: \`shop(id:)\` by node ID with \`listingsByShopId\` / \`violationsByShopId\`.`,
      api: {
        query: API_QUERY,
        apiKey: DEMO_KEYS.admin,
        vary: (i) => {
          const { shop, l, v } = vars(i);
          return { id: Buffer.from(`Shop:${shop}`).toString('base64'), l, v };
        },
      },
      postgraphile: {
        query: POSTGRAPHILE_QUERY,
        vary: (i) => {
          const { shop, l, v } = vars(i);
          return { id: Buffer.from(JSON.stringify(['Shop', shop])).toString('base64'), l, v };
        },
        rows: {
          ours: (data) => {
            const s = (data as { shop: { id: string; listings: Edges; violations: Edges } }).shop;
            return [
              ourId(s.id),
              s.listings.edges.map((e) => ourId(e.node.id)),
              s.violations.edges.map((e) => ourId(e.node.id)),
            ];
          },
          theirs: (data) => {
            const s = (data as { shop: { id: string; listingsByShopId: Edges; violationsByShopId: Edges } }).shop;
            return [
              theirId(s.id),
              s.listingsByShopId.edges.map((e) => theirId(e.node.id)),
              s.violationsByShopId.edges.map((e) => theirId(e.node.id)),
            ];
          },
        },
      },
    });
  },
};
export default scenario;

/** Issue 8's partner read: 20 shops × their first 10 listings × their latest 5 violations, with the demo partner key. */
import { DEMO_KEYS } from '@shopwarden/db/seed';
import { must } from '../lib/must.ts';
import { compareRead } from '../lib/read.ts';
import { benchDb, type Scenario } from '../lib/scenario.ts';
import { array, gid, iso, str } from '../lib/sql-json.ts';

const SHOPS = 20;
const LISTINGS = 10;
const VIOLATIONS = 5;

export const API_QUERY = `query PartnerRead {
  shops(first: ${SHOPS}) { edges { node {
    id name status healthStatus
    listings(first: ${LISTINGS}) { edges { node { id title status price { minorUnits currencyCode } } } }
    violations(first: ${VIOLATIONS}) { edges { node { id source points occurredAt } } }
  } } }
}`;

/** PostGraphile has no tenant filter: the demo partner is granted every shop, so the rows are the same. */
const POSTGRAPHILE_QUERY = `query PartnerRead {
  allShops(first: ${SHOPS}, orderBy: PRIMARY_KEY_ASC) { edges { node {
    id name status healthStatus
    listingsByShopId(first: ${LISTINGS}, orderBy: PRIMARY_KEY_ASC) { edges { node { id title status priceAmount currency } } }
    violationsByShopId(first: ${VIOLATIONS}, orderBy: [OCCURRED_AT_DESC, PRIMARY_KEY_DESC]) { edges { node { id source points occurredAt } } }
  } } }
}`;

/** Our API's `data`, with the same tenant restriction (the partner account's grants): $1 account, $2 listings, $3 violations, $4 shops. */
const RAW_SQL = `
SELECT '{"data":{"shops":{"edges":' || ${array(
  `'{"node":{"id":"' || ${gid('Shop', 's.id')} || '","name":' || ${str('s.name')} || ',"status":"' || s.status || '","healthStatus":"' || s."healthStatus"
   || '","listings":{"edges":' || (
     SELECT ${array(
       `'{"node":{"id":"' || ${gid('Listing', 'l.id')} || '","title":' || ${str('l.title')} || ',"status":"' || l.status
        || '","price":{"minorUnits":"' || l."priceAmount" || '","currencyCode":"' || l.currency || '"}}}'`,
       'l.id',
     )}
     FROM (SELECT id, title, status, "priceAmount", currency FROM "Listing" WHERE "shopId" = s.id ORDER BY id LIMIT $2) l)
   || '},"violations":{"edges":' || (
     SELECT ${array(
       `'{"node":{"id":"' || ${gid('Violation', 'v.id')} || '","source":"' || v.source || '","points":' || v.points || ',"occurredAt":' || ${iso('v."occurredAt"')} || '}}'`,
       'v."occurredAt" DESC, v.id DESC',
     )}
     FROM (SELECT id, source, points, "occurredAt" FROM "Violation" WHERE "shopId" = s.id ORDER BY "occurredAt" DESC, id DESC LIMIT $3) v)
   || '}}}'`,
  's.id',
)} || '}}}' AS body
FROM (SELECT id, name, status, "healthStatus" FROM "Shop"
      WHERE id IN (SELECT "shopId" FROM "ShopAccessGrant" WHERE "accountId" = $1 AND "revokedAt" IS NULL)
      ORDER BY id LIMIT $4) s`;

type Edges<T> = { edges: { node: T }[] };
const ourId = (g: string) => Number(Buffer.from(g, 'base64').toString().split(':')[1]);
/** PostGraphile's node ID is base64 of ["Shop", 1]. */
const theirId = (g: string) => (JSON.parse(Buffer.from(g, 'base64').toString()) as [string, number])[1];

const scenario: Scenario = {
  name: 'partner-read',
  title: 'Partner read',
  measures: `${SHOPS} shops × their first ${LISTINGS} listings × their latest ${VIOLATIONS} violations, as the demo partner (granted every shop)`,
  databases: ['postgres', 'pglite'],
  usesBenchDatabase: true,
  async run(ctx) {
    const db = benchDb(ctx);
    const partnerAccountId =
      db.kind === 'postgres'
        ? Number(
            must(
              (
                await db.query<{ id: number }>(`SELECT id FROM "Account" WHERE kind = 'PARTNER' ORDER BY id LIMIT 1`)
              )[0],
              'a PARTNER account (the demo seed writes one)',
            ).id,
          )
        : 0;
    type OurShop = { id: string; listings: Edges<{ id: string }>; violations: Edges<{ id: string }> };
    type TheirShop = { id: string; listingsByShopId: Edges<{ id: string }>; violationsByShopId: Edges<{ id: string }> };
    return compareRead(ctx, {
      description: `\`shops(first: ${SHOPS})\` with \`listings(first: ${LISTINGS})\` and \`violations(first: ${VIOLATIONS})\` (id, title, status, price; id, source, points, occurredAt), demo partner key; PostGraphile: \`allShops\` with \`listingsByShopId\` / \`violationsByShopId\`.`,
      api: { query: API_QUERY, apiKey: DEMO_KEYS.partner },
      postgraphile: {
        query: POSTGRAPHILE_QUERY,
        rows: {
          ours: (data) =>
            (data as { shops: Edges<OurShop> }).shops.edges.map(({ node: s }) => [
              ourId(s.id),
              s.listings.edges.map((e) => ourId(e.node.id)),
              s.violations.edges.map((e) => ourId(e.node.id)),
            ]),
          theirs: (data) =>
            (data as { allShops: Edges<TheirShop> }).allShops.edges.map(({ node: s }) => [
              theirId(s.id),
              s.listingsByShopId.edges.map((e) => theirId(e.node.id)),
              s.violationsByShopId.edges.map((e) => theirId(e.node.id)),
            ]),
        },
      },
      raw: { name: 'partner_read', text: RAW_SQL, values: [partnerAccountId, LISTINGS, VIOLATIONS, SHOPS] },
    });
  },
};
export default scenario;

/** `node(id:)` of a listing, a different id every request, as the admin; PostGraphile's `node(id:)` alike. */
import { DEMO_KEYS } from '@shopwarden/db/seed';
import { must } from '../lib/must.ts';
import { compareRead } from '../lib/read.ts';
import { benchDb, type Scenario } from '../lib/scenario.ts';

const API_QUERY = `query NodeLookup($id: ID!) {
  node(id: $id) { __typename id ... on Listing { title status price { minorUnits currencyCode } } }
}`;

const POSTGRAPHILE_QUERY = `query NodeLookup($id: ID!) {
  node(id: $id) { __typename id ... on Listing { title status priceAmount currency } }
}`;

const ourId = (g: string) => Number(Buffer.from(g, 'base64').toString().split(':')[1]);
const theirId = (g: string) => (JSON.parse(Buffer.from(g, 'base64').toString()) as [string, number])[1];

const scenario: Scenario = {
  name: 'node-lookup',
  title: 'Node lookup, a different id every request',
  measures: '`node(id:)` of a listing, each request another listing, as the admin; beside PostGraphile’s `node(id:)`',
  databases: ['postgres'],
  usesBenchDatabase: true,
  async run(ctx) {
    const db = benchDb(ctx);
    const ids = (await db.query<{ id: number }>(`SELECT id FROM "Listing" ORDER BY id`)).map((r) => Number(r.id));
    const at = (i: number) => must(ids[(i * 7919) % ids.length], 'a listing to look up');
    return compareRead(ctx, {
      description: `\`node(id:)\` with \`... on Listing\` (title, status, price), each request the next of ${ids.length.toLocaleString('en')} listings (stride 7,919); demo admin key. PostGraphile: \`node(id:)\` with its node IDs.`,
      api: {
        query: API_QUERY,
        apiKey: DEMO_KEYS.admin,
        vary: (i) => ({ id: Buffer.from(`Listing:${at(i)}`).toString('base64') }),
      },
      postgraphile: {
        query: POSTGRAPHILE_QUERY,
        vary: (i) => ({ id: Buffer.from(JSON.stringify(['Listing', at(i)])).toString('base64') }),
        rows: {
          ours: (data) => ourId((data as { node: { id: string } }).node.id),
          theirs: (data) => theirId((data as { node: { id: string } }).node.id),
        },
      },
    });
  },
};
export default scenario;

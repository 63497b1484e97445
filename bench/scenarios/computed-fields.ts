/**
 * Computed fields (`listingCounts`, `pointsBalance`) on a shop with its first 10 listings, another
 * shop every request, as the admin; beside the same read without them (our API only: PostGraphile
 * cannot express the points balance).
 */
import { DEMO_KEYS } from '@shopwarden/db/seed';
import { compareRead } from '../lib/read.ts';
import { benchDb, type Scenario } from '../lib/scenario.ts';

const query = (computed: boolean) => `query ShopComputed($id: ID!) {
  shop(id: $id) { id name ${computed ? 'pointsBalance listingCounts { status count }' : ''}
    listings(first: 10) { edges { node { id title status } } }
  }
}`;

/** The read with the computed fields (tests/compiled-coverage.test.ts keeps it compiling). */
export const API_QUERY = query(true);

const scenario: Scenario = {
  name: 'computed-fields',
  title: 'Computed fields',
  measures:
    'a shop with `pointsBalance` and `listingCounts` and its first 10 listings, another shop every request, beside the same read without the two fields; our API only',
  databases: ['postgres'],
  usesBenchDatabase: true,
  async run(ctx) {
    const db = benchDb(ctx);
    const shops = (await db.query<{ id: number }>(`SELECT id FROM "Shop" ORDER BY id`)).map((r) => Number(r.id));
    const vary = (i: number) => ({ id: Buffer.from(`Shop:${shops[i % shops.length]}`).toString('base64') });
    const only = {
      ...ctx,
      options: { ...ctx.options, servers: ctx.options.servers.filter((s) => s.startsWith('api')) },
    };
    const parts = [];
    for (const computed of [true, false]) {
      parts.push(
        await compareRead(only, {
          description: computed
            ? '**With** `pointsBalance` and `listingCounts { status count }`, `listings(first: 10)`; each request the next of the shops; demo admin key.'
            : '**Without** them (the same read otherwise).',
          api: { query: query(computed), apiKey: DEMO_KEYS.admin, vary },
        }),
      );
    }
    return {
      markdown: parts.map((p) => p.markdown).join('\n\n'),
      servers: parts.flatMap((p) => p.servers ?? []),
      failures: parts.flatMap((p) => p.failures ?? []),
    };
  },
};
export default scenario;

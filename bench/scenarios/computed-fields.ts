/**
 * Computed fields (`listingCounts`, `pointsBalance`, tier standing and the distance to the next tier
 * as of the platform clock) on a shop with its health and its first 10 listings, another shop every
 * request, as the admin; beside the same read without them, on the same server in alternated runs
 * (our API only: PostGraphile cannot express the points balance or the tier metrics).
 */
import { benchDb, type Scenario } from '../lib/scenario.ts';
import { measureVariants, pairLine } from '../lib/variants.ts';

const COMPUTED = `pointsBalance listingCounts { status count }
    tierPrivileges { supportLevel selfShippingAllowed }
    metrics { trailingRevenue { amount } lastMonthSales { amount } qualifyingTier { code } }
    distanceToNextTier { tier { code } trailingRevenueNeeded { amount } lastMonthSalesNeeded { amount } }`;

const query = (computed: boolean) => `query ShopComputed($id: ID!) {
  shop(id: $id) { id name status healthStatus ${computed ? COMPUTED : ''}
    listings(first: 10) { edges { node { id title status } } }
  }
}`;

/** The read with the computed fields (tests/compiled-coverage.test.ts keeps it compiling). */
export const API_QUERY = query(true);

const scenario: Scenario = {
  name: 'computed-fields',
  title: 'Computed fields',
  measures:
    'a shop with `pointsBalance`, `listingCounts`, `tierPrivileges`, `metrics` and `distanceToNextTier` (as of the platform clock) and its first 10 listings, another shop every request, beside the same read without those fields, runs alternated; our API only',
  databases: ['postgres'],
  usesBenchDatabase: true,
  async run(ctx) {
    const shops = (await benchDb(ctx).query<{ id: number }>(`SELECT id FROM "Shop" ORDER BY id`)).map((r) =>
      Number(r.id),
    );
    const { lines, servers, failures } = await measureVariants(ctx, {
      variants: [
        { label: 'with the computed fields', query: query(true) },
        { label: 'without the computed fields', query: query(false) },
      ],
      vary: (i) => ({ id: Buffer.from(`Shop:${shops[i % shops.length]}`).toString('base64') }),
      summary: (pairs) => `Per run pair (with ÷ without, req/s): ${pairLine(pairs(0, 1))}.`,
    });
    return {
      markdown: [
        '**With** `pointsBalance`, `listingCounts { status count }`, `tierPrivileges`, `metrics { trailingRevenue lastMonthSales qualifyingTier }` and `distanceToNextTier` as of the platform clock, beside **without** them; both read `status healthStatus` and `listings(first: 10)`, each request the next of the shops, demo admin key; one server, the two reads in alternated runs.',
        '',
        ...lines,
      ].join('\n'),
      servers,
      failures,
    };
  },
};
export default scenario;

/**
 * A partial read: a shop with its first 10 listings, each with its category (`effectiveRestriction`
 * included: compiled, a recursive walk up the tree) and its latest review with `reviewerRole` (no
 * SQL form: the cheapest field left that a caller selects, answered by its resolver from the row
 * the compiled JSON hands over), another shop every request, as the admin; beside the same read
 * without `reviewerRole` (compiled whole) and the same without `effectiveRestriction` either (what
 * the compiled walk costs), on the same server in alternated runs. Issue 27's goal: a read with a
 * field PostGraphile cannot express within 1.5× of the read without it (≥ 0.67×).
 */
import { benchDb, type Scenario } from '../lib/scenario.ts';
import { measureVariants, pairLine } from '../lib/variants.ts';

/** The three reads, compared in this order: each is the previous one without a field. */
const VARIANTS = [
  { label: 'with reviewerRole', deferred: true, restriction: true },
  { label: 'without reviewerRole', deferred: false, restriction: true },
  { label: 'without reviewerRole or effectiveRestriction', deferred: false, restriction: false },
] as const;

const query = (deferred: boolean, restriction = true) => `query PartialRead($id: ID!) {
  shop(id: $id) { id name status
    listings(first: 10) { edges { node { id title status
      category { id name${restriction ? ' effectiveRestriction' : ''} }
      latestReview { decision${deferred ? ' reviewerRole' : ''} } } } }
  }
}`;

/** The read with the deferred field (tests/compiled-coverage.test.ts keeps it partial, not on the resolvers). */
export const API_QUERY = query(true);
/** The same read without it: compiled whole, `effectiveRestriction` included. */
export const API_QUERY_WITHOUT = query(false);

const scenario: Scenario = {
  name: 'partial-read',
  title: 'Partial read: a field without a SQL form beside the read without it',
  measures:
    "a shop with its first 10 listings, their category's `effectiveRestriction` (compiled) and their latest review's `reviewerRole` (no SQL form: a partial read), another shop every request, beside the same read without `reviewerRole` and without `effectiveRestriction` either, runs alternated; our API only",
  databases: ['postgres'],
  usesBenchDatabase: true,
  async run(ctx) {
    const shops = (await benchDb(ctx).query<{ id: number }>(`SELECT id FROM "Shop" ORDER BY id`)).map((r) =>
      Number(r.id),
    );
    const { lines, servers, failures } = await measureVariants(ctx, {
      variants: VARIANTS.map((v) => ({ label: v.label, query: query(v.deferred, v.restriction) })),
      vary: (i) => ({ id: Buffer.from(`Shop:${shops[i % shops.length]}`).toString('base64') }),
      summary: (pairs) =>
        `Per run pair, req/s: with ÷ without reviewerRole ${pairLine(pairs(0, 1))} (goal ≥ 0.67); with ÷ without effectiveRestriction (both compiled) ${pairLine(pairs(1, 2))}.`,
    });
    return {
      markdown: [
        '**With** `latestReview { decision reviewerRole }` on each of the first 10 listings (a partial read: `reviewerRole` answered by its resolver over the compiled JSON), beside **without** `reviewerRole` (one compiled statement), beside that **without** `effectiveRestriction` either (what its compiled walk up the category tree costs); all read `id name status` and `listings(first: 10) { id title status category { id name } }`, each request the next of the shops, demo admin key; one server, the three reads in alternated runs. Goal (issue 27): with ÷ without reviewerRole ≥ 0.67.',
        '',
        ...lines,
      ].join('\n'),
      servers,
      failures,
    };
  },
};
export default scenario;

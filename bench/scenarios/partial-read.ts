/**
 * Fields without a SQL form beside the read without them: a shop with its first 10 listings, each
 * with its category (`effectiveRestriction` included: compiled, a recursive walk up the tree) and
 * its latest review. With the review's `reviewerRole` (row-only: its resolver answers in place from
 * the row the statement writes), or with the shop's `categoryEligibility` (a partial read: graphql-js
 * runs its resolver over the compiled JSON, with the category tree and the shop's grants), beside
 * neither, and neither nor `effectiveRestriction`; another shop every request, as the admin, on the
 * same server in alternated runs. Issue 27's goal: a read with a field PostGraphile cannot express
 * within 1.5× of the read without it (≥ 0.67×).
 */
import { benchDb, type Scenario } from '../lib/scenario.ts';
import { measureVariants, pairLine } from '../lib/variants.ts';

/** The three reads, compared in this order: each is the previous one without a field. */
const VARIANTS = [
  { label: 'with reviewerRole', role: true, eligibility: false, restriction: true },
  { label: 'without reviewerRole', role: false, eligibility: false, restriction: true },
  { label: 'without reviewerRole or effectiveRestriction', role: false, eligibility: false, restriction: false },
  { label: 'with categoryEligibility', role: false, eligibility: true, restriction: true },
] as const;

const query = ({ role = false, eligibility = false, restriction = true }) => `query PartialRead($id: ID!) {
  shop(id: $id) { id name status${eligibility ? ' categoryEligibility { status reasonCode }' : ''}
    listings(first: 10) { edges { node { id title status
      category { id name${restriction ? ' effectiveRestriction' : ''} }
      latestReview { decision${role ? ' reviewerRole' : ''} } } } }
  }
}`;

/** The read with the row-only field (tests/compiled-coverage.test.ts keeps it answered in place). */
export const API_QUERY = query({ role: true });
/** The read with a field its resolver answers over the compiled JSON (kept partial there). */
export const API_QUERY_DEFERRED = query({ eligibility: true });
/** The same read without either: compiled whole, `effectiveRestriction` included. */
export const API_QUERY_WITHOUT = query({});

const scenario: Scenario = {
  name: 'partial-read',
  title: 'Fields without a SQL form (in place, partial) beside the read without them',
  measures:
    "a shop with its first 10 listings, their category's `effectiveRestriction` (compiled) and their latest review, with the review's `reviewerRole` (row-only: answered in place) or the shop's `categoryEligibility` (a partial read), beside neither and neither nor `effectiveRestriction`, another shop every request, runs alternated; our API only",
  databases: ['postgres'],
  usesBenchDatabase: true,
  async run(ctx) {
    const shops = (await benchDb(ctx).query<{ id: number }>(`SELECT id FROM "Shop" ORDER BY id`)).map((r) =>
      Number(r.id),
    );
    const { lines, servers, failures } = await measureVariants(ctx, {
      variants: VARIANTS.map((v) => ({ label: v.label, query: query(v) })),
      vary: (i) => ({ id: Buffer.from(`Shop:${shops[i % shops.length]}`).toString('base64') }),
      summary: (pairs) =>
        `Per run pair, req/s (goal ≥ 0.67): with ÷ without reviewerRole (in place) ${pairLine(pairs(0, 1))}; with ÷ without categoryEligibility (partial) ${pairLine(pairs(3, 1))}; with ÷ without effectiveRestriction (both compiled) ${pairLine(pairs(1, 2))}.`,
    });
    return {
      markdown: [
        "**With** `latestReview { decision reviewerRole }` on each of the first 10 listings (`reviewerRole` row-only: its resolver answers in place from the row the statement writes), **with** the shop's `categoryEligibility { status reasonCode }` instead (a partial read: graphql-js runs its resolver over the compiled JSON, with the category tree and the shop's grants), beside **without** either (one compiled statement), beside that **without** `effectiveRestriction` too (what its compiled walk up the category tree costs); all read `id name status` and `listings(first: 10) { id title status category { id name } latestReview { decision } }`, each request the next of the shops, demo admin key; one server, the four reads in alternated runs. Goal (issue 27): each with ÷ without ≥ 0.67.",
        '',
        ...lines,
      ].join('\n'),
      servers,
      failures,
    };
  },
};
export default scenario;

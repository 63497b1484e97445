/**
 * A partial read: a shop with its first 10 listings, each with its category (`effectiveRestriction`
 * included: compiled, a recursive walk up the tree) and its latest review with `reviewerRole` (no
 * SQL form: the cheapest field left that a caller selects, answered by its resolver from the row
 * the compiled JSON hands over), another shop every request, as the admin; beside the same read
 * without `reviewerRole` (compiled whole) and the same without `effectiveRestriction` either (what
 * the compiled walk costs), on the same server in alternated runs. Issue 27's goal: a read with a
 * field PostGraphile cannot express within 1.5× of the read without it (≥ 0.67×).
 */
import { DEMO_KEYS } from '@shopwarden/db/seed';
import { measureAlternated, median, statementsPerRequest } from '../lib/load.ts';
import { must } from '../lib/must.ts';
import { int, mb, ms, ratio, statements, table } from '../lib/report.ts';
import { benchDb, type Scenario, type ServerMeasurement } from '../lib/scenario.ts';
import { graphqlRequest, post, SERVER_KINDS, startServer } from '../lib/servers.ts';

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
    const db = benchDb(ctx);
    const shops = (await db.query<{ id: number }>(`SELECT id FROM "Shop" ORDER BY id`)).map((r) => Number(r.id));
    const vary = (i: number) => ({ id: Buffer.from(`Shop:${shops[i % shops.length]}`).toString('base64') });
    const kinds = ctx.options.servers.flatMap((name) => {
      const kind = SERVER_KINDS[name];
      return kind?.role === 'api' ? [kind] : [];
    });
    const measured: ServerMeasurement[] = [];
    const lines: string[] = [];
    const failures: string[] = [];
    for (const kind of kinds) {
      ctx.log(`  starting ${kind.label}…`);
      const server = await startServer(kind, db, { pool: ctx.options.pool, apiEnv: ctx.options.apiEnv });
      try {
        // One server, runs alternated between the reads.
        const reqs = VARIANTS.map((v) =>
          graphqlRequest(query(v.deferred, v.restriction), undefined, DEMO_KEYS.admin, vary),
        );
        const samples: { bytes: number; statements: number }[] = [];
        for (const req of reqs) {
          const text = await post(server.url, req);
          const parsed = JSON.parse(text) as { data?: { shop: unknown }; errors?: unknown };
          if (parsed.errors || !parsed.data?.shop) failures.push(`${kind.label} answered ${text.slice(0, 500)}`);
          samples.push({ bytes: Buffer.byteLength(text), statements: await statementsPerRequest(server, req) });
        }
        const loads = await measureAlternated(
          reqs.map((req) => ({ server, req })),
          ctx.options,
          ctx.log,
        );
        const rows = loads.map((load, i) => {
          const sample = must(samples[i], 'the sample answer');
          const m: ServerMeasurement = {
            server: kind.name,
            label: `${kind.label}, ${must(VARIANTS[i], 'a variant').label}`,
            role: 'api',
            rps: load.rps,
            p50: load.p50,
            p99: load.p99,
            statements: sample.statements,
            bytes: sample.bytes,
            timeouts: load.timeouts,
            startRss: server.startRss,
            maxRss: load.maxRss,
          };
          measured.push(m);
          return m;
        });
        // Run i of the reads ran back to back: their ratio is the least touched by the machine's other load.
        const pairs = (a: number, b: number) =>
          must(loads[a], 'a read').runs.map((run, i) => run.rps / must(loads[b]?.runs[i], 'the read without').rps);
        const partial = pairs(0, 1);
        const walk = pairs(1, 2);
        lines.push(
          table(
            [
              'read',
              'req/s',
              'p50 ms',
              'p99 ms',
              'SQL per request',
              'response bytes',
              'RSS MB',
              'req/s ÷ next',
              'p99 ÷ next',
            ],
            rows.map((r, i) => [
              `${kind.label}: **${must(VARIANTS[i], 'a variant').label}**`,
              int(r.rps),
              ms(r.p50),
              ms(r.p99),
              statements(r.statements),
              int(r.bytes),
              `${mb(r.startRss)} → ${mb(r.maxRss)}`,
              ratio(r.rps, rows[i + 1]?.rps),
              ratio(r.p99, rows[i + 1]?.p99),
            ]),
          ),
          '',
          `Per run pair, req/s: with ÷ without reviewerRole ${partial.map((r) => r.toFixed(2)).join(', ')}, median **${median(partial).toFixed(2)}** (goal ≥ 0.67); with ÷ without effectiveRestriction (both compiled) ${walk.map((r) => r.toFixed(2)).join(', ')}, median **${median(walk).toFixed(2)}**.`,
        );
      } finally {
        await server.stop();
      }
    }
    return {
      markdown: [
        '**With** `latestReview { decision reviewerRole }` on each of the first 10 listings (a partial read: `reviewerRole` answered by its resolver over the compiled JSON), beside **without** `reviewerRole` (one compiled statement), beside that **without** `effectiveRestriction` either (what its compiled walk up the category tree costs); all read `id name status` and `listings(first: 10) { id title status category { id name } }`, each request the next of the shops, demo admin key; one server, the three reads in alternated runs. Goal (issue 27): with ÷ without reviewerRole ≥ 0.67.',
        '',
        ...lines,
      ].join('\n'),
      servers: measured,
      failures,
    };
  },
};
export default scenario;

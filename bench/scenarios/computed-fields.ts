/**
 * Computed fields (`listingCounts`, `pointsBalance`, tier standing and the distance to the next tier
 * as of the platform clock) on a shop with its health and its first 10 listings, another shop every
 * request, as the admin; beside the same read without them, on the same server in alternated runs
 * (our API only: PostGraphile cannot express the points balance or the tier metrics).
 */
import { DEMO_KEYS } from '@shopwarden/db/seed';
import { measureAlternated, median, statementsPerRequest } from '../lib/load.ts';
import { must } from '../lib/must.ts';
import { int, mb, ms, ratio, statements, table } from '../lib/report.ts';
import { benchDb, type Scenario, type ServerMeasurement } from '../lib/scenario.ts';
import { graphqlRequest, post, SERVER_KINDS, startServer } from '../lib/servers.ts';

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
        // With the fields, then without: one server, runs alternated between the two reads.
        const reqs = [true, false].map((computed) => graphqlRequest(query(computed), undefined, DEMO_KEYS.admin, vary));
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
            label: `${kind.label}, ${i === 0 ? 'with' : 'without'} the computed fields`,
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
        const without = rows[1];
        // Run i of both reads ran back to back: their ratio is the least touched by the machine's other load.
        const pairs = must(loads[0], 'with').runs.map((run, i) => run.rps / must(loads[1]?.runs[i], 'without').rps);
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
              'req/s ÷ without',
              'p99 ÷ without',
            ],
            rows.map((r, i) => [
              `${kind.label}: ${i === 0 ? '**with**' : '**without**'}`,
              int(r.rps),
              ms(r.p50),
              ms(r.p99),
              statements(r.statements),
              int(r.bytes),
              `${mb(r.startRss)} → ${mb(r.maxRss)}`,
              ratio(r.rps, without?.rps),
              ratio(r.p99, without?.p99),
            ]),
          ),
          '',
          `Per run pair (with ÷ without, req/s): ${pairs.map((r) => r.toFixed(2)).join(', ')}; median **${median(pairs).toFixed(2)}**.`,
        );
      } finally {
        await server.stop();
      }
    }
    return {
      markdown: [
        '**With** `pointsBalance`, `listingCounts { status count }`, `tierPrivileges`, `metrics { trailingRevenue lastMonthSales qualifyingTier }` and `distanceToNextTier` as of the platform clock, beside **without** them; both read `status healthStatus` and `listings(first: 10)`, each request the next of the shops, demo admin key; one server, the two reads in alternated runs.',
        '',
        ...lines,
      ].join('\n'),
      servers: measured,
      failures,
    };
  },
};
export default scenario;

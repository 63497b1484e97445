/**
 * A partial read: a shop with its first 10 listings and each listing's category with
 * `effectiveRestriction` (no SQL form: its resolver walks the category tree, resolved for the 10
 * categories at once), another shop every request, as the admin; beside the same read without
 * `effectiveRestriction` (compiled whole), on the same server in alternated runs. Issue 27's goal:
 * a read with a field PostGraphile cannot express within 1.5× of the read without it (≥ 0.67×).
 */
import { DEMO_KEYS } from '@shopwarden/db/seed';
import { measureAlternated, median, statementsPerRequest } from '../lib/load.ts';
import { must } from '../lib/must.ts';
import { int, mb, ms, ratio, statements, table } from '../lib/report.ts';
import { benchDb, type Scenario, type ServerMeasurement } from '../lib/scenario.ts';
import { graphqlRequest, post, SERVER_KINDS, startServer } from '../lib/servers.ts';

const query = (deferred: boolean) => `query PartialRead($id: ID!) {
  shop(id: $id) { id name status
    listings(first: 10) { edges { node { id title status category { id name${deferred ? ' effectiveRestriction' : ''} } } } }
  }
}`;

/** The read with the deferred field (tests/compiled-coverage.test.ts keeps it partial, not on the resolvers). */
export const API_QUERY = query(true);
/** The same read without it: compiled whole. */
export const API_QUERY_WITHOUT = query(false);

const scenario: Scenario = {
  name: 'partial-read',
  title: 'Partial read: a field without a SQL form beside the read without it',
  measures:
    "a shop with its first 10 listings and their category's `effectiveRestriction` (no SQL form: a partial read), another shop every request, beside the same read without that field, runs alternated; our API only",
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
        // With the field, then without: one server, runs alternated between the two reads.
        const reqs = [true, false].map((deferred) => graphqlRequest(query(deferred), undefined, DEMO_KEYS.admin, vary));
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
            label: `${kind.label}, ${i === 0 ? 'with' : 'without'} effectiveRestriction`,
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
        '**With** `category { id name effectiveRestriction }` on each of the first 10 listings (a partial read: the field answered by its resolver over the compiled JSON), beside **without** `effectiveRestriction` (one compiled statement); both read `id name status` and `listings(first: 10) { id title status }`, each request the next of the shops, demo admin key; one server, the two reads in alternated runs. Goal (issue 27): with ÷ without ≥ 0.67.',
        '',
        ...lines,
      ].join('\n'),
      servers: measured,
      failures,
    };
  },
};
export default scenario;

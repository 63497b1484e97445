/**
 * `tierRecalculate` for every shop through our API (HTTP, the admin key), at the benchmark scale:
 * the dry run; a real run in which every shop is placed (tiers cleared before each run, outside
 * the timing); and the repeat in which nothing changes. Median of --repeats each. The shops'
 * tiers and the rows the runs wrote are put back afterwards, so the database stays reusable.
 */
import { DEMO_KEYS } from '@shopwarden/db/seed';
import { median } from '../lib/load.ts';
import { must } from '../lib/must.ts';
import { int, statements, table } from '../lib/report.ts';
import { benchDb, type Scenario } from '../lib/scenario.ts';
import { API_SERVER, graphqlRequest, post, startServer, type RunningServer } from '../lib/servers.ts';

const RECALC = `mutation Recalc($dryRun: Boolean!) {
  tierRecalculate(input: { dryRun: $dryRun }) {
    __typename
    ... on TierRecalculateSuccess { shopsEvaluated changedCount }
    ... on Error { code message }
  }
}`;

interface Call {
  ms: number;
  evaluated: number;
  changed: number;
  statements: number;
}

async function recalc(server: RunningServer, dryRun: boolean): Promise<Call> {
  const before = (await server.stats()).statements;
  const start = performance.now();
  const text = await post(server.url, graphqlRequest(RECALC, { dryRun }, DEMO_KEYS.admin));
  const ms = performance.now() - start;
  const r = (
    JSON.parse(text) as {
      data?: { tierRecalculate?: { __typename: string; shopsEvaluated: number; changedCount: number } };
    }
  ).data?.tierRecalculate;
  if (r?.__typename !== 'TierRecalculateSuccess') throw new Error(`tierRecalculate failed: ${text.slice(0, 500)}`);
  return {
    ms,
    evaluated: r.shopsEvaluated,
    changed: r.changedCount,
    statements: (await server.stats()).statements - before,
  };
}

const scenario: Scenario = {
  name: 'tier-recalc',
  title: 'Tier recalculation',
  measures:
    'tierRecalculate for every shop through the API: dry run, real run placing every shop, repeat with no change; median of --repeats',
  databases: ['postgres', 'pglite'],
  usesBenchDatabase: true,
  async run(ctx) {
    const db = benchDb(ctx);
    const n = ctx.options.repeats;
    const server = await startServer(API_SERVER, db, { pool: ctx.options.pool, apiEnv: ctx.options.apiEnv });
    try {
      // What the runs change, to put back: tiers and fulfilment modes; and where the written rows start.
      const saved = await server.sql<{ id: number; tierId: number | null; fulfilmentMode: string }>(
        `SELECT id, "tierId", "fulfilmentMode"::text AS "fulfilmentMode" FROM "Shop"`,
      );
      const marks = must(
        (
          await server.sql<{ run: number; assignment: number; outbox: number }>(
            `SELECT (SELECT coalesce(max(id), 0) FROM "TierRecalculationRun") AS run, (SELECT coalesce(max(id), 0) FROM "TierAssignment") AS assignment, (SELECT coalesce(max(id), 0) FROM "OutboxEvent") AS outbox`,
          )
        )[0],
        'the largest ids of the rows a run writes',
      );
      const clear = () => server.sql(`UPDATE "Shop" SET "tierId" = NULL WHERE "tierId" IS NOT NULL`);
      try {
        await recalc(server, true); // warm-up: plans, caches
        const dry: Call[] = [];
        for (let i = 0; i < n; i++) dry.push(await recalc(server, true));
        ctx.log(`  dry run: ${dry.map((c) => c.ms.toFixed(0)).join(', ')} ms`);
        const full: Call[] = [];
        for (let i = 0; i < n; i++) {
          await clear();
          full.push(await recalc(server, false));
        }
        ctx.log(`  real run, every shop placed: ${full.map((c) => c.ms.toFixed(0)).join(', ')} ms`);
        const repeat: Call[] = [];
        for (let i = 0; i < n; i++) repeat.push(await recalc(server, false));
        ctx.log(`  real run, nothing changes: ${repeat.map((c) => c.ms.toFixed(0)).join(', ')} ms`);
        if (repeat.some((c) => c.changed !== 0)) throw new Error('a repeated run changed tiers');
        const tiers = await server.sql<{ code: string; n: number }>(
          `SELECT t.code, count(*)::int AS n FROM "Shop" s JOIN "Tier" t ON t.id = s."tierId" GROUP BY t.code ORDER BY min(t.rank)`,
        );
        const row = (label: string, calls: Call[]) => {
          const first = must(calls[0], `a call of the ${label}`);
          return [
            label,
            int(median(calls.map((c) => c.ms))),
            calls.map((c) => int(c.ms)).join(', '),
            int(first.evaluated),
            int(first.changed),
            statements(median(calls.map((c) => c.statements))),
          ];
        };
        return {
          markdown: [
            `Median of ${n} call${n > 1 ? 's' : ''} each over HTTP (demo admin key), ${int(db.counts.shops)} shops and ${int(db.counts.orders)} orders; tiers after a run: ${tiers.map((t) => `${t.code} ${int(t.n)}`).join(', ')}.`,
            '',
            table(
              ['run', 'median ms', 'runs ms', 'shops evaluated', 'shops changed', 'SQL statements per call'],
              [
                row('dry run', dry),
                row('real run, every shop placed (tiers cleared before each)', full),
                row('real run, nothing changes', repeat),
              ],
            ),
          ].join('\n'),
        };
      } finally {
        await server.sql(`UPDATE "Shop" s SET "tierId" = v."tierId", "fulfilmentMode" = v."fulfilmentMode"::"FulfilmentMode"
                          FROM (SELECT * FROM json_to_recordset('${JSON.stringify(saved).replaceAll("'", "''")}') AS x(id int, "tierId" int, "fulfilmentMode" text)) v WHERE s.id = v.id`);
        await server.sql(`DELETE FROM "OutboxEvent" WHERE id > ${Number(marks.outbox)}`);
        await server.sql(`DELETE FROM "TierAssignment" WHERE id > ${Number(marks.assignment)}`);
        await server.sql(`DELETE FROM "TierRecalculationRun" WHERE id > ${Number(marks.run)}`);
      }
    } finally {
      await server.stop();
    }
  },
};
export default scenario;

/**
 * Tier recalculation benchmark: 10,000 shops and 2,000,000 orders (generated in SQL with
 * INSERT … SELECT generate_series over 13 months before asOf, about 3% in EUR). Measures
 * `tierRecalculate` through the in-process API as the median of 5 runs of each kind:
 *   - dry run (the aggregate and the tier choice, nothing written);
 *   - real run where every shop changes tier (tiers reset between runs, outside the timing);
 *   - real run where nothing changes (the idempotent repeat).
 * On PostgreSQL when TEST_DATABASE_URL (or BENCH_DATABASE_URL) is set, and on PGlite unless
 * BENCH_SKIP_PGLITE=1.
 *
 *   TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test npx tsx bench/tiers.bench.ts
 */
import { performance } from 'node:perf_hooks';
import { createKey, createWorld } from '../tests/support/fixtures.ts';
import { createTestApp } from '../tests/support/client.ts';
import { createTestDatabase, type TargetName } from '../tests/support/database.ts';
import { must } from './lib/must.ts';
import { createTiers } from '../tests/support/revenue-fixtures.ts';

const RUNS = 5;
const SHOPS = Number(process.env.BENCH_SHOPS ?? 10_000);
const ORDERS = Number(process.env.BENCH_ORDERS ?? 2_000_000);
const AS_OF = '2024-07-15T00:00:00Z';

const RECALC = /* GraphQL */ `
  mutation Recalc($dryRun: Boolean!) {
    tierRecalculate(input: { dryRun: $dryRun }) {
      __typename
      ... on TierRecalculateSuccess {
        shopsEvaluated
        changedCount
        changes {
          tier {
            code
          }
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`;

const median = (xs: number[]) =>
  must([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)], 'the median of no runs');

async function bench(target: TargetName) {
  const db = await createTestDatabase(target);
  try {
    const world = await createWorld(db.prisma);
    await createTiers(db.prisma);
    const { gql } = createTestApp(db);
    const seedStart = performance.now();
    await db.prisma.$executeRawUnsafe(`
      INSERT INTO "Shop" (name, sites, "updatedAt")
      SELECT 'Bench shop ' || g, ARRAY['US'], now() FROM generate_series(1, ${SHOPS}) g`);
    // Order sizes differ per shop (shop id mod 97), so the shops spread over the three tiers.
    // Chunks of 50,000 rows keep each statement under the 8 s statement_timeout.
    const CHUNK = 50_000;
    for (let from = 1; from <= ORDERS; from += CHUNK) {
      const to = Math.min(ORDERS, from + CHUNK - 1);
      await db.prisma.$executeRawUnsafe(`
        INSERT INTO "Order" ("shopId", "externalId", amount, currency, "placedAt", "categoryId")
        SELECT s.first_id + (g % ${SHOPS}), 'B-' || g,
               (((g % ${SHOPS}) % 97) * ((g % ${SHOPS}) % 97) * 600 + (g % 1000))::int,
               CASE WHEN g % 33 = 0 THEN 'EUR' ELSE 'USD' END,
               timestamp '${AS_OF.replace('T', ' ').replace('Z', '')}' - ((g::bigint * 7919) % (396 * 24 * 3600)) * interval '1 second',
               ${world.categories.beauty}
          FROM generate_series(${from}, ${to}) g, (SELECT min(id) AS first_id FROM "Shop") s`);
    }
    await db.prisma.$executeRawUnsafe(`ANALYZE`);
    console.log(
      `[${target}] seeded ${SHOPS} shops and ${ORDERS} orders in ${(performance.now() - seedStart).toFixed(0)} ms`,
    );
    await gql(world.adminKey, `mutation { sandboxClockSet(input: { now: "${AS_OF}" }) { __typename } }`);

    const time = async (dryRun: boolean) => {
      const admin = (await createKey(db.prisma, 'ADMIN')).key; // a fresh cost budget per run
      const start = performance.now();
      const res = await gql(admin, RECALC, { dryRun });
      const ms = performance.now() - start;
      const r = res.data?.tierRecalculate;
      if (r?.__typename !== 'TierRecalculateSuccess')
        throw new Error(`tierRecalculate failed: ${JSON.stringify(res.errors ?? r)}`);
      return { ms, changed: r.changedCount as number, evaluated: r.shopsEvaluated as number };
    };
    const reset = async () => {
      await db.prisma.$executeRawUnsafe(`UPDATE "Shop" SET "tierId" = NULL`);
      await db.prisma.$executeRawUnsafe(`DELETE FROM "TierAssignment"`);
      await db.prisma.$executeRawUnsafe(`DELETE FROM "OutboxEvent" WHERE type = 'shop.tier_changed'`);
    };

    await time(true); // warm-up
    const dry: number[] = [];
    for (let i = 0; i < RUNS; i++) dry.push((await time(true)).ms);
    const full: number[] = [];
    let last = { changed: 0, evaluated: 0 };
    for (let i = 0; i < RUNS; i++) {
      await reset();
      const r = await time(false);
      full.push(r.ms);
      last = r;
    }
    const repeat: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await time(false);
      if (r.changed !== 0) throw new Error('A repeated run changed tiers');
      repeat.push(r.ms);
    }
    const distribution = await db.prisma.$queryRawUnsafe<{ code: string; n: number }[]>(
      `SELECT t.code, count(*)::int AS n FROM "Shop" s JOIN "Tier" t ON t.id = s."tierId" GROUP BY t.code ORDER BY t.code`,
    );
    console.log(
      `[${target}] ${last.evaluated} shops; tiers after a run: ${distribution.map((d) => `${d.code} ${d.n}`).join(', ')}`,
    );
    console.log(
      `[${target}] dry run:                      median ${median(dry).toFixed(0)} ms  (runs: ${dry.map((x) => x.toFixed(0)).join(', ')})`,
    );
    console.log(
      `[${target}] real run, ${last.changed} shops change: median ${median(full).toFixed(0)} ms  (runs: ${full.map((x) => x.toFixed(0)).join(', ')})`,
    );
    console.log(
      `[${target}] real run, nothing changes:    median ${median(repeat).toFixed(0)} ms  (runs: ${repeat.map((x) => x.toFixed(0)).join(', ')})`,
    );
  } finally {
    await db.drop();
  }
}

if (process.env.BENCH_DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;
if (process.env.TEST_DATABASE_URL) await bench('postgres');
if (process.env.BENCH_SKIP_PGLITE !== '1') await bench('pglite');

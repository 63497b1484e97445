/**
 * Account Health Report benchmark: one shop with 10,000 violations over a year (2023).
 * Measures `shop.healthReport(weekOf)` through the in-process API — computed live (SQL aggregation)
 * and read back as an issued snapshot — as the median of 5 runs, on PGlite and, when
 * TEST_DATABASE_URL (or BENCH_DATABASE_URL) is set, on PostgreSQL.
 *
 *   npx tsx bench/health.bench.ts
 *   TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test npx tsx bench/health.bench.ts
 */
import { performance } from 'node:perf_hooks';
import { createKey, createShop, createWorld } from '../tests/support/fixtures.ts';
import { countQueries, createTestApp, gid } from '../tests/support/client.ts';
import { createTestDatabase, type TargetName } from '../tests/support/database.ts';
import { must } from './lib/must.ts';
import {
  createContentItem,
  createCreator,
  createManyViolations,
  createPolicy,
  createQuiz,
} from '../tests/support/health-fixtures.ts';

const RUNS = 5;
const VIOLATIONS = 10_000;
const WEEKS = ['2023-03-06T00:00:00Z', '2023-09-18T00:00:00Z', '2023-12-25T00:00:00Z'];

const REPORT = /* GraphQL */ `
  query Report($id: ID!, $weekOf: DateTime) {
    shop(id: $id) {
      healthReport(weekOf: $weekOf) {
        issued
        violationCount
        violationPoints
        previousWeekViolationCount
        byPolicy {
          code
          count
          points
        }
        bySource {
          source
          count
          points
        }
        topPolicies {
          code
          count
        }
        liveSessionViolations {
          policyCode
          contentTitle
          creatorHandle
        }
        videoViolations {
          policyCode
          contentTitle
          creatorHandle
        }
        pointsAtStart
        pointsAtEnd
        pointsChange
        healthAtEnd
        educationLinks {
          url
        }
        quizzes {
          title
        }
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
    const { gql } = createTestApp(db);
    const shop = await createShop(db.prisma, 'Bench Shop');
    const key = (await createKey(db.prisma, 'SELLER', { shopId: shop.id })).key;
    const policies = await Promise.all(
      Array.from({ length: 8 }, (_, i) => createPolicy(db.prisma, { code: `BENCH_${i}`, points: 1 + (i % 3) })),
    );
    await Promise.all(policies.slice(0, 4).map((p) => createQuiz(db.prisma, p.id)));
    const creator = await createCreator(db.prisma, { handle: 'benchhost' });
    const live = await createContentItem(db.prisma, creator.id, shop.id, 'LIVE_SESSION', 'Bench live');
    const video = await createContentItem(db.prisma, creator.id, shop.id, 'VIDEO', 'Bench video');
    const seedStart = performance.now();
    await createManyViolations(db.prisma, {
      shopId: shop.id,
      policyIds: policies.map((p) => p.id),
      contentItemIds: { LIVE_SESSION: live.id, VIDEO: video.id },
      count: VIOLATIONS,
      from: new Date('2023-01-02T00:00:00Z'),
      to: new Date('2024-01-01T00:00:00Z'),
    });
    console.log(
      `[${target}] seeded ${VIOLATIONS} violations + ledger entries in ${(performance.now() - seedStart).toFixed(0)} ms`,
    );
    await gql(world.adminKey, `mutation { sandboxClockSet(input: { now: "2024-01-15T00:00:00Z" }) { __typename } }`);
    const id = gid('Shop', shop.id);

    // Warm up (plans, JIT) once.
    await gql(key, REPORT, { id, weekOf: WEEKS[0] });
    const live_: number[] = [];
    let statements = 0;
    let violationsInWeek = 0;
    for (let run = 0; run < RUNS; run++) {
      for (const weekOf of WEEKS) {
        const t0 = performance.now();
        const { result, queries } = await countQueries(db, () => gql(key, REPORT, { id, weekOf }));
        live_.push(performance.now() - t0);
        if (result.errors || !result.data) throw new Error(JSON.stringify(result.errors ?? result));
        statements = queries.length;
        violationsInWeek = result.data.shop.healthReport.violationCount;
      }
    }
    for (const weekOf of WEEKS) {
      const res = await gql(
        world.adminKey,
        `mutation($input: HealthReportIssueInput!) { healthReportIssue(input: $input) { __typename } }`,
        { input: { shopId: id, weekStart: weekOf } },
      );
      if (res.data?.healthReportIssue.__typename !== 'HealthReportIssueSuccess') throw new Error(JSON.stringify(res));
    }
    const snapshot: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      for (const weekOf of WEEKS) {
        const t0 = performance.now();
        await gql(key, REPORT, { id, weekOf });
        snapshot.push(performance.now() - t0);
      }
    }
    console.log(
      `[${target}] healthReport live (10,000 violations/year, ~${violationsInWeek} in the week, ${statements} SQL statements per request): median ${median(live_).toFixed(1)} ms over ${live_.length} runs`,
    );
    console.log(
      `[${target}] healthReport issued snapshot read: median ${median(snapshot).toFixed(1)} ms over ${snapshot.length} runs`,
    );
  } finally {
    await db.drop();
  }
}

if (process.env.BENCH_DATABASE_URL && !process.env.TEST_DATABASE_URL)
  process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;
const targets: TargetName[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
console.log(`Account Health Report benchmark — ${new Date().toISOString()} — node ${process.version}`);
for (const target of targets) await bench(target);

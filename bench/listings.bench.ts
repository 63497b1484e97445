/**
 * Listing bulk-review benchmark: `listingBulkReview` with 250 APPROVE items through the in-process API
 * (one set-based UPDATE … FROM unnest, one review insert, one outbox insert), against a raw multi-row
 * SQL UPDATE of the same number of rows. Rows per second, median of 5 runs, on PGlite and, when
 * TEST_DATABASE_URL (or BENCH_DATABASE_URL) is set, on PostgreSQL (a fresh database is created and dropped).
 * The harness runs it as the `bulk-review` scenario (until bench/bulk-review.bench.ts exists) with
 * BENCH_DB (one database) and BENCH_SERVER_URL; it prints a markdown table on stdout.
 *
 *   npx tsx bench/listings.bench.ts
 *   TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test npx tsx bench/listings.bench.ts
 */
import { performance } from 'node:perf_hooks';
import { Prisma } from '@shopwarden/db';
import { createWorld } from '../tests/support/fixtures.ts';
import { countQueries, createTestApp, gid } from '../tests/support/client.ts';
import { createTestDatabase, type TargetName } from '../tests/support/database.ts';
import { must } from './lib/must.ts';
import { createListingRows, sellerShop } from '../tests/support/listing-fixtures.ts';

const RUNS = 5;
const ITEMS = 250;

const BULK_REVIEW = /* GraphQL */ `
  mutation BulkReview($input: ListingBulkReviewInput!) {
    listingBulkReview(input: $input) {
      __typename
      ... on ListingBulkReviewSuccess {
        appliedCount
        failedCount
        results {
          index
          state
          status
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
    const { gql } = createTestApp(db);
    const { shop } = await sellerShop(db.prisma, 'Bench shop', { primaryCategoryId: world.categories.beauty });
    await gql(world.adminKey, `mutation { sandboxClockSet(input: { now: "2024-03-01T00:00:00Z" }) { __typename } }`);

    const apiMs: number[] = [];
    const sqlMs: number[] = [];
    let statements = 0;
    for (let run = -1; run < RUNS; run++) {
      const ids = await createListingRows(db.prisma, shop.id, world.categories.skincare, ITEMS, {
        status: 'PENDING_REVIEW',
      });
      const items = ids.map((id) => ({ listingId: gid('Listing', id), decision: 'APPROVE', expectedVersion: 0 }));
      const start = performance.now();
      const timings: { query: string; durationMs: number }[] = [];
      const off = db.onQuery((q) => timings.push(q));
      const { result, queries } = await countQueries(db, () =>
        gql(world.adminKey, BULK_REVIEW, { input: { items, errorPolicy: 'REJECT_EVERYTHING' } }),
      ).finally(off);
      const ms = performance.now() - start;
      if (run >= 0) sqlMs.push(timings.reduce((a, q) => a + q.durationMs, 0));
      if (result.data?.listingBulkReview.appliedCount !== ITEMS)
        throw new Error(`bulk review failed: ${JSON.stringify(result.data ?? result.errors)}`);
      statements = queries.length;
      if (run >= 0) apiMs.push(ms);
    }

    const rawMs: number[] = [];
    for (let run = -1; run < RUNS; run++) {
      const ids = await createListingRows(db.prisma, shop.id, world.categories.skincare, ITEMS, {
        status: 'PENDING_REVIEW',
      });
      const start = performance.now();
      const updated = await db.prisma.$executeRaw(
        Prisma.sql`UPDATE "Listing" SET "status" = 'ACTIVE'::"ListingStatus", "version" = "version" + 1, "updatedAt" = now() WHERE "id" = ANY(${ids}::int[]) AND "status" = 'PENDING_REVIEW'::"ListingStatus"`,
      );
      const ms = performance.now() - start;
      if (updated !== ITEMS) throw new Error(`raw update touched ${updated} rows`);
      if (run >= 0) rawMs.push(ms);
    }

    const api = median(apiMs);
    const raw = median(rawMs);
    process.stderr.write(
      `[${target}] listingBulkReview runs ${apiMs.map((m) => m.toFixed(0)).join(', ')} ms; raw UPDATE runs ${rawMs.map((m) => m.toFixed(1)).join(', ')} ms\n`,
    );
    return `| ${target} | ${api.toFixed(1)} ms = ${((ITEMS / api) * 1000).toFixed(0)} rows/s | ${statements} | ${median(sqlMs).toFixed(1)} ms | ${raw.toFixed(1)} ms = ${((ITEMS / raw) * 1000).toFixed(0)} rows/s | ${(raw / api).toFixed(2)} |`;
  } finally {
    await db.drop();
  }
}

const url = process.env.BENCH_SERVER_URL || process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
if (url) process.env.TEST_DATABASE_URL = url;
const targets: TargetName[] = process.env.BENCH_DB
  ? [process.env.BENCH_DB as TargetName]
  : url
    ? ['pglite', 'postgres']
    : ['pglite'];
const rows: string[] = [];
for (const target of targets) rows.push(await bench(target));
console.log(`\`listingBulkReview\` with ${ITEMS} APPROVE items through the in-process API, beside a raw multi-row SQL \`UPDATE\` of the same number of rows; median of ${RUNS} calls, fresh rows each (a fresh database: in-memory PGlite, or a new database on the PostgreSQL server).

| database | \`listingBulkReview\` (${ITEMS} items) | SQL statements per call | of which SQL | raw multi-row UPDATE, same rows | API ÷ raw (rows/s) |
| --- | --- | --- | --- | --- | --- |
${rows.join('\n')}`);

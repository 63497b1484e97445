/**
 * Bulk review of 10,000 listings (issue 8): PENDING_REVIEW → APPROVE, four ways, on PGlite and,
 * when BENCH_DATABASE_URL / DATABASE_URL / TEST_DATABASE_URL is set, on PostgreSQL (a fresh database,
 * created and dropped):
 *
 *   (a) ours, end to end: `bulkOperationRun` with 10,000 JSONL lines through the in-process API, a
 *       BulkWorker in the same process, and the client following the operation with the
 *       `bulkOperationFinished(id)` subscription (Server-Sent Events) until it is pushed COMPLETED;
 *       `ours-polling` follows it instead by reading `bulkOperation(id)` every 20 ms (as a client
 *       without the subscription would). The worker's time alone is its own, from the claimed
 *       operation in hand to its last commit (the `ms` of its "bulk operation stopped" log line);
 *   (b) the raw bound: ONE data-modifying CTE through `$executeRaw` with the same effects (status +
 *       version + review row + outbox event), and separately the issue's definition (status + one
 *       review row);
 *   (c) the "createMany path" with the same effects through Prisma: findMany + updateMany +
 *       createMany of reviews + createMany of outbox events, in one transaction;
 *   (d) one by one: `listingReview` per listing, a sample extrapolated.
 *
 * Before EVERY measured run the same rows are reset to the same state (PENDING_REVIEW, version 0, no
 * reviews, events or operations) and the tables VACUUM ANALYZEd, so every variant sees the same
 * table; variants alternate within each run so machine load spreads evenly. Median of the runs.
 *
 *   npm run bench -- bulk-review
 *   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test npx tsx bench/bulk-review.bench.ts
 *   options (env): BENCH_ROWS (10000) BENCH_RUNS (5) BENCH_CHUNK_SIZES (the API's default: 5000 on PostgreSQL, 2000 on PGlite; a list such as
 *   "500,2000,10000" measures (a) once per chunk size) BENCH_BATCH_SIZES (the API's default, 2500; a list measures (a) once
 *   per chunk and batch size) BENCH_CHUNKS_AHEAD (the API's default, 1; PostgreSQL only; a list such as "0,1" measures (a)
 *   once per value too) BENCH_ONE_BY_ONE (500; 0 skips it)
 *   BENCH_SKIP_PGLITE=1 BENCH_VARIANTS (all; e.g. "ours,raw")
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { BulkWorker, loadConfig } from '@shopwarden/api';
import pino from 'pino';
import { must } from './lib/must.ts';
import { createWorld } from '../tests/support/fixtures.ts';
import { createTestApp, gid } from '../tests/support/client.ts';
import { createTestDatabase, type TargetName, type TestDatabase } from '../tests/support/database.ts';
import { createListingRows, sellerShop } from '../tests/support/listing-fixtures.ts';

export type Variant = 'ours' | 'ours-polling' | 'raw-same-effects' | 'raw-issue' | 'create-many' | 'one-by-one';

export interface BulkReviewBenchOptions {
  /** Listings reviewed per run. @default 10000 */
  rows?: number;
  /** Measured runs per variant (after one warm-up). @default 5 */
  runs?: number;
  /** Worker chunk sizes to measure variant (a) with. @default the API's BULK_CHUNK_SIZE default for the database */
  chunkSizes?: number[];
  /** Worker batch sizes (lines per batch inside a chunk) to measure variant (a) with. @default the API's BULK_BATCH_SIZE default */
  batchSizes?: number[];
  /** Chunks run ahead of their turn (BULK_CHUNKS_AHEAD; PostgreSQL only) to measure variant (a) with. @default the API's default */
  chunksAhead?: number[];
  /** Listings in the one-by-one sample (0: skip). @default 500 */
  oneByOne?: number;
  /** Databases. @default PGlite, plus PostgreSQL when `postgresUrl` is set */
  targets?: TargetName[];
  /** A PostgreSQL server; a fresh database is created on it and dropped afterwards. */
  postgresUrl?: string | null;
  variants?: Variant[];
  /** Progress lines. @default console.error */
  progress?: (line: string) => void;
}

/** One measured variant on one database. */
export interface BulkReviewBenchRow {
  database: TargetName;
  variant: Variant;
  label: string;
  /** Chunk size, for variant (a). */
  chunkSize: number | null;
  /** Batch size, for variant (a). */
  batchSize: number | null;
  /** Chunks run ahead of their turn, for variant (a). */
  chunksAhead: number | null;
  rows: number;
  medianMs: number;
  rowsPerSecond: number;
  runsMs: number[];
  /** Variant (a): the worker's time alone (claimed → committed, as the worker logs it), median. */
  workerMedianMs: number | null;
  workerRowsPerSecond: number | null;
}

const RUN = /* GraphQL */ `
  mutation Run($input: BulkOperationRunInput!) {
    bulkOperationRun(input: $input) {
      __typename
      ... on BulkOperationRunSuccess {
        bulkOperation {
          id
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
const STATUS = /* GraphQL */ `
  query Status($id: ID!) {
    bulkOperation(id: $id) {
      status
      processedCount
      succeededCount
      failedCount
      startedAt
      finishedAt
    }
  }
`;
const FINISHED = /* GraphQL */ `
  subscription Finished($id: ID!) {
    bulkOperationFinished(id: $id) {
      status
      processedCount
      succeededCount
      failedCount
      startedAt
      finishedAt
    }
  }
`;
const REVIEW = /* GraphQL */ `
  mutation Review($input: ListingReviewInput!) {
    listingReview(input: $input) {
      __typename
      ... on ListingReviewSuccess {
        status
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
const POLL_MS = 20;

async function resetRows(db: TestDatabase, ids: number[]) {
  await db.prisma
    .$executeRaw`UPDATE "Listing" SET "status" = 'PENDING_REVIEW', "version" = 0 WHERE "id" = ANY(${ids}::int[])`;
  await db.prisma.$executeRawUnsafe(
    'TRUNCATE "ListingReview", "OutboxEvent", "BulkOperation", "IdempotencyRecord", "AuditRecord" CASCADE',
  );
  for (const table of ['Listing', 'ListingReview', 'OutboxEvent', 'BulkOperation', 'IdempotencyRecord', 'AuditRecord'])
    await db.prisma.$executeRawUnsafe(`VACUUM ANALYZE "${table}"`);
  if (db.target.kind === 'postgres') await db.prisma.$executeRawUnsafe('CHECKPOINT').catch(() => undefined);
}

async function checkApplied(db: TestDatabase, ids: number[], expected: number, events: number) {
  const [row] = await db.prisma.$queryRaw<{ active: number; reviews: number; events: number }[]>`
    SELECT (SELECT count(*) FROM "Listing" WHERE "id" = ANY(${ids}::int[]) AND "status" = 'ACTIVE' AND "version" = 1)::int AS active,
           (SELECT count(*) FROM "ListingReview")::int AS reviews, (SELECT count(*) FROM "OutboxEvent" WHERE "type" = 'listing.reviewed')::int AS events`;
  if (!row) return 'no row of counts';
  return row.active === expected && row.reviews === expected && row.events === events ? null : JSON.stringify(row);
}

async function benchTarget(
  target: TargetName,
  o: Required<Omit<BulkReviewBenchOptions, 'postgresUrl' | 'targets'>>,
): Promise<BulkReviewBenchRow[]> {
  const db = await createTestDatabase(target);
  const say = (line: string) => o.progress(`[${target}] ${line}`);
  const workers: BulkWorker[] = [];
  try {
    const world = await createWorld(db.prisma);
    // The API key cache as in production (5 s): the tests' default of none looks the key up on every request.
    const { gql, subscribe } = createTestApp(db, { API_KEY_CACHE_TTL_MS: '5000' });
    await gql(world.adminKey, `mutation { sandboxClockSet(input: { now: "2024-03-01T00:00:00Z" }) { __typename } }`);
    const adminKeyId = (await db.prisma.apiKey.findFirstOrThrow({ where: { role: 'ADMIN' }, select: { id: true } })).id;
    const { shop } = await sellerShop(db.prisma, 'Bench shop', { primaryCategoryId: world.categories.beauty });
    const ids = await createListingRows(db.prisma, shop.id, world.categories.skincare, o.rows, {
      status: 'PENDING_REVIEW',
    });
    const lines = `${ids.map((id) => JSON.stringify({ listingId: gid('Listing', id), decision: 'APPROVE', expectedVersion: 0 })).join('\n')}\n`;
    say(`${o.rows} listings; JSONL ${(lines.length / 1024).toFixed(0)} KB`);

    const config = loadConfig({ NODE_ENV: 'test' }).bulk;
    const measure = new Map<string, () => Promise<{ ms: number; workerMs?: number }>>();
    // By default the API's own chunk size for this database (BULK_CHUNK_SIZE: 5,000 on PostgreSQL, 2,000 on PGlite).
    const chunkSizes = o.chunkSizes.length
      ? o.chunkSizes
      : [
          loadConfig(target === 'postgres' ? { NODE_ENV: 'test', DATABASE_URL: 'postgresql://' } : { NODE_ENV: 'test' })
            .bulk.chunkSize,
        ];
    const batchSizes = o.batchSizes.length ? o.batchSizes : [config.batchSize];
    // PGlite runs one chunk at a time whatever the setting.
    const aheads =
      target === 'postgres' && o.chunksAhead.length ? o.chunksAhead : [target === 'postgres' ? config.chunksAhead : 0];
    for (const chunkSize of chunkSizes)
      for (const batchSize of batchSizes)
        for (const chunksAhead of aheads) {
          // The worker's own time, from its "bulk operation stopped" log line: the claimed operation in hand to its last commit.
          let workerMs: number | null = null;
          const logger = pino(
            { level: 'info' },
            {
              write(line: string) {
                const entry = JSON.parse(line) as { msg?: string; ms?: number };
                if (entry.msg === 'bulk operation stopped' && entry.ms !== undefined) workerMs = entry.ms;
              },
            },
          );
          const worker = new BulkWorker({
            prisma: db.prisma,
            logger,
            config: { ...config, chunkSize, batchSize, chunksAhead },
            production: false,
            concurrentTransactions: db.target.kind === 'postgres',
          });
          workers.push(worker);
          const ours = (follow: 'subscription' | 'polling') => async () => {
            worker.start();
            // A server's worker has long been idle when a request comes: let this one look at the queue first.
            await new Promise((r) => setTimeout(r, 50));
            workerMs = null;
            try {
              const start = performance.now();
              const res = await gql(world.adminKey, RUN, { input: { mutation: 'LISTING_REVIEW', lines } });
              const op = res.data?.bulkOperationRun;
              if (op?.__typename !== 'BulkOperationRunSuccess')
                throw new Error(`bulkOperationRun: ${JSON.stringify(res.data ?? res.errors)}`);
              let s: { status: string; succeededCount: number } | undefined;
              if (follow === 'subscription') {
                const stream = await subscribe(world.adminKey, FINISHED, { id: op.bulkOperation.id });
                s = (await stream.next(120_000)).data?.data?.bulkOperationFinished;
                stream.close();
              } else {
                for (;;) {
                  s = (await gql(world.adminKey, STATUS, { id: op.bulkOperation.id })).data?.bulkOperation;
                  if (s && s.status !== 'CREATED' && s.status !== 'RUNNING') break;
                  await new Promise((r) => setTimeout(r, POLL_MS));
                }
              }
              const ms = performance.now() - start;
              if (s?.status !== 'COMPLETED' || s.succeededCount !== o.rows)
                throw new Error(`bulk operation ended ${JSON.stringify(s)}`);
              for (let i = 0; workerMs === null && i < 100; i++) await new Promise((r) => setTimeout(r, 5));
              if (workerMs === null) throw new Error('the worker did not log its time');
              return { ms, workerMs };
            } finally {
              await worker.stop();
            }
          };
          measure.set(`ours:${chunkSize}:${batchSize}:${chunksAhead}`, ours('subscription'));
          measure.set(`ours-polling:${chunkSize}:${batchSize}:${chunksAhead}`, ours('polling'));
        }
    measure.set('raw-same-effects', async () => {
      const start = performance.now();
      const [row] = await db.prisma.$queryRaw<{ n: number }[]>`
        WITH updated AS (
          UPDATE "Listing" SET "status" = 'ACTIVE', "version" = "version" + 1, "updatedAt" = now()
          WHERE "id" = ANY(${ids}::int[]) AND "status" = 'PENDING_REVIEW'
          RETURNING "id", "shopId", "version"
        ),
        reviews AS (
          INSERT INTO "ListingReview" ("listingId", "decision", "automatic", "fromStatus", "toStatus", "reasons", "note", "reviewerApiKeyId", "listingVersion", "createdAt")
          SELECT "id", 'APPROVED', false, 'PENDING_REVIEW', 'ACTIVE', '[]', NULL, ${adminKeyId}::int, "version", now() FROM updated
        ),
        events AS (
          INSERT INTO "OutboxEvent" ("type", "shopId", "subjectType", "subjectId", "payload", "occurredAt")
          SELECT 'listing.reviewed', "shopId", 'Listing', "id"::text,
                 jsonb_build_object('listingId', "id", 'decision', 'APPROVED', 'automatic', false, 'fromStatus', 'PENDING_REVIEW', 'toStatus', 'ACTIVE', 'version', "version", 'reasons', '[]'::jsonb), now()
          FROM updated
        )
        SELECT count(*)::int AS n FROM updated`;
      const ms = performance.now() - start;
      if (row?.n !== o.rows) throw new Error(`raw CTE updated ${row?.n}`);
      return { ms };
    });
    measure.set('raw-issue', async () => {
      const start = performance.now();
      const [row] = await db.prisma.$queryRaw<{ n: number }[]>`
        WITH updated AS (
          UPDATE "Listing" SET "status" = 'ACTIVE', "version" = "version" + 1, "updatedAt" = now()
          WHERE "id" = ANY(${ids}::int[]) AND "status" = 'PENDING_REVIEW'
          RETURNING "id", "version"
        ),
        reviews AS (
          INSERT INTO "ListingReview" ("listingId", "decision", "automatic", "fromStatus", "toStatus", "reasons", "note", "reviewerApiKeyId", "listingVersion", "createdAt")
          SELECT "id", 'APPROVED', false, 'PENDING_REVIEW', 'ACTIVE', '[]', NULL, ${adminKeyId}::int, "version", now() FROM updated
        )
        SELECT count(*)::int AS n FROM updated`;
      const ms = performance.now() - start;
      if (row?.n !== o.rows) throw new Error(`raw CTE updated ${row?.n}`);
      return { ms };
    });
    measure.set('create-many', async () => {
      const start = performance.now();
      await db.prisma.$transaction(
        async (tx) => {
          const found = await tx.listing.findMany({
            where: { id: { in: ids }, status: 'PENDING_REVIEW' },
            select: { id: true, shopId: true, version: true },
          });
          await tx.listing.updateMany({
            where: { id: { in: found.map((l) => l.id) }, status: 'PENDING_REVIEW' },
            data: { status: 'ACTIVE', version: { increment: 1 } },
          });
          const at = new Date();
          await tx.listingReview.createMany({
            data: found.map((l) => ({
              listingId: l.id,
              decision: 'APPROVED' as const,
              automatic: false,
              fromStatus: 'PENDING_REVIEW' as const,
              toStatus: 'ACTIVE' as const,
              reasons: [],
              reviewerApiKeyId: adminKeyId,
              listingVersion: l.version + 1,
              createdAt: at,
            })),
          });
          await tx.outboxEvent.createMany({
            data: found.map((l) => ({
              type: 'listing.reviewed',
              shopId: l.shopId,
              subjectType: 'Listing',
              subjectId: String(l.id),
              payload: {
                listingId: l.id,
                decision: 'APPROVED',
                automatic: false,
                fromStatus: 'PENDING_REVIEW',
                toStatus: 'ACTIVE',
                version: l.version + 1,
                reasons: [],
              },
              occurredAt: at,
            })),
          });
        },
        { timeout: 120_000, maxWait: 10_000 },
      );
      return { ms: performance.now() - start };
    });

    const chosen = [...measure]
      .filter(([key]) => o.variants.includes(key.split(':')[0] as Variant))
      .map(([key, once]) => ({ key, once, times: [] as { ms: number; workerMs?: number }[] }));
    for (let run = 0; run <= o.runs; run++) {
      for (const { key, once, times } of chosen) {
        await resetRows(db, ids);
        const t = await once();
        const wrong = await checkApplied(db, ids, o.rows, key === 'raw-issue' ? 0 : o.rows);
        if (wrong) throw new Error(`${key}: the effects are not the expected ones: ${wrong}`);
        if (run > 0) times.push(t);
        say(
          `${run === 0 ? 'warm-up' : `run ${run}/${o.runs}`} ${key}: ${t.ms.toFixed(0)} ms${t.workerMs !== undefined ? ` (worker ${t.workerMs} ms)` : ''}`,
        );
      }
    }

    const out: BulkReviewBenchRow[] = [];
    for (const { key, times: ts } of chosen) {
      const [variant, chunk, batch, ahead] = key.split(':') as [
        Variant,
        string | undefined,
        string | undefined,
        string | undefined,
      ];
      const ms = median(ts.map((t) => t.ms));
      const workerMs =
        variant === 'ours' || variant === 'ours-polling'
          ? median(ts.map((t) => must(t.workerMs, `the worker's time in ${key}`)))
          : null;
      out.push({
        database: target,
        variant,
        label: labels[variant] + (chunk ? `, chunk ${chunk}, batch ${batch}, ${ahead} ahead` : ''),
        chunkSize: chunk ? Number(chunk) : null,
        batchSize: batch ? Number(batch) : null,
        chunksAhead: ahead ? Number(ahead) : null,
        rows: o.rows,
        medianMs: ms,
        rowsPerSecond: (o.rows / ms) * 1000,
        runsMs: ts.map((t) => Math.round(t.ms)),
        workerMedianMs: workerMs,
        workerRowsPerSecond: workerMs ? (o.rows / workerMs) * 1000 : null,
      });
    }

    if (o.variants.includes('one-by-one') && o.oneByOne > 0) {
      await resetRows(db, ids);
      const sample = ids.slice(0, o.oneByOne);
      const start = performance.now();
      for (const id of sample) {
        const res = await gql(world.adminKey, REVIEW, {
          input: { listingId: gid('Listing', id), decision: 'APPROVE', expectedVersion: 0 },
        });
        if (res.data?.listingReview.__typename !== 'ListingReviewSuccess')
          throw new Error(`listingReview: ${JSON.stringify(res.data ?? res.errors)}`);
      }
      const ms = performance.now() - start;
      const perRow = ms / sample.length;
      say(`one by one: ${sample.length} listings in ${ms.toFixed(0)} ms`);
      out.push({
        database: target,
        variant: 'one-by-one',
        label: `${labels['one-by-one']} (${sample.length} measured, extrapolated)`,
        chunkSize: null,
        batchSize: null,
        chunksAhead: null,
        rows: o.rows,
        medianMs: perRow * o.rows,
        rowsPerSecond: 1000 / perRow,
        runsMs: [Math.round(ms)],
        workerMedianMs: null,
        workerRowsPerSecond: null,
      });
    }
    return out;
  } finally {
    for (const w of workers) await w.stop();
    await db.drop();
  }
}

const labels: Record<Variant, string> = {
  ours: '(a) bulkOperationRun end to end (API + worker), followed with the bulkOperationFinished subscription',
  'ours-polling': '(a) bulkOperationRun end to end (API + worker), followed by polling bulkOperation every 20 ms',
  'raw-same-effects': '(b) raw single CTE, same effects (status + version + review + outbox event)',
  'raw-issue': "(b) raw single CTE, issue's definition (status + review)",
  'create-many': '(c) findMany + updateMany + createMany ×2 (same effects)',
  'one-by-one': '(d) listingReview one by one',
};

/** Runs the benchmark and returns one row per database and variant. */
export async function runBulkReviewBench(options: BulkReviewBenchOptions = {}): Promise<BulkReviewBenchRow[]> {
  const postgresUrl = options.postgresUrl ?? null;
  const o = {
    rows: options.rows ?? 10_000,
    runs: options.runs ?? 5,
    chunkSizes: options.chunkSizes ?? [],
    batchSizes: options.batchSizes ?? [],
    chunksAhead: options.chunksAhead ?? [],
    oneByOne: options.oneByOne ?? 500,
    variants:
      options.variants ??
      (['ours', 'ours-polling', 'raw-same-effects', 'raw-issue', 'create-many', 'one-by-one'] as Variant[]),
    progress: options.progress ?? ((line: string) => console.error(line)),
  };
  const targets = options.targets ?? (postgresUrl ? ['pglite', 'postgres'] : ['pglite']);
  if (targets.includes('postgres')) {
    if (!postgresUrl) throw new Error('runBulkReviewBench: the postgres target needs postgresUrl');
    process.env.TEST_DATABASE_URL = postgresUrl;
  }
  const rows: BulkReviewBenchRow[] = [];
  for (const target of targets) rows.push(...(await benchTarget(target, o)));
  return rows;
}

/** The rows as a Markdown table, with the ratios the issue asks for. */
export function formatBulkReviewTable(rows: BulkReviewBenchRow[]): string {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  let out = '| database | variant | median ms | rows/s | runs (ms) |\n| --- | --- | --- | --- | --- |\n';
  for (const r of rows) {
    out += `| ${r.database} | ${r.label} | ${fmt(r.medianMs)} | ${fmt(r.rowsPerSecond)} | ${r.runsMs.join(', ')} |\n`;
    if (r.workerMedianMs !== null)
      out += `| ${r.database} | … of which the worker alone (claimed → committed) | ${fmt(r.workerMedianMs)} | ${r.workerRowsPerSecond === null ? 'n/a' : fmt(r.workerRowsPerSecond)} | |\n`;
  }
  out += '\n';
  for (const database of [...new Set(rows.map((r) => r.database))]) {
    const of = (v: Variant) => rows.find((r) => r.database === database && r.variant === v);
    const same = of('raw-same-effects');
    const issue = of('raw-issue');
    const many = of('create-many');
    for (const ours of rows.filter(
      (r) => r.database === database && (r.variant === 'ours' || r.variant === 'ours-polling'),
    )) {
      const ratio = (x: number | null, base: BulkReviewBenchRow | undefined) =>
        base && x !== null ? (x / base.rowsPerSecond).toFixed(2) : 'n/a';
      out += `${database}, ${ours.variant === 'ours' ? 'subscription' : 'polling'}, chunk ${ours.chunkSize}, batch ${ours.batchSize}, ${ours.chunksAhead} ahead: ours ÷ raw same-effects ${ratio(ours.rowsPerSecond, same)} (worker alone ${ratio(ours.workerRowsPerSecond, same)}); ours ÷ raw issue-definition ${ratio(ours.rowsPerSecond, issue)} (worker alone ${ratio(ours.workerRowsPerSecond, issue)}); ours ÷ createMany ${ratio(ours.rowsPerSecond, many)} (worker alone ${ratio(ours.workerRowsPerSecond, many)})\n`;
    }
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const env = process.env;
  const postgresUrl = env.BENCH_DATABASE_URL ?? env.DATABASE_URL ?? env.TEST_DATABASE_URL ?? null;
  const targets: TargetName[] = [
    ...(env.BENCH_SKIP_PGLITE === '1' ? [] : (['pglite'] as const)),
    ...(postgresUrl ? (['postgres'] as const) : []),
  ];
  const rows = await runBulkReviewBench({
    rows: env.BENCH_ROWS ? Number(env.BENCH_ROWS) : undefined,
    runs: env.BENCH_RUNS ? Number(env.BENCH_RUNS) : undefined,
    chunkSizes: env.BENCH_CHUNK_SIZES ? env.BENCH_CHUNK_SIZES.split(',').map(Number) : undefined,
    batchSizes: env.BENCH_BATCH_SIZES ? env.BENCH_BATCH_SIZES.split(',').map(Number) : undefined,
    chunksAhead: env.BENCH_CHUNKS_AHEAD ? env.BENCH_CHUNKS_AHEAD.split(',').map(Number) : undefined,
    oneByOne: env.BENCH_ONE_BY_ONE ? Number(env.BENCH_ONE_BY_ONE) : undefined,
    variants: env.BENCH_VARIANTS ? (env.BENCH_VARIANTS.split(',') as Variant[]) : undefined,
    targets,
    postgresUrl,
  });
  console.log(
    `\nBulk review of ${rows[0]?.rows ?? 0} listings (PENDING_REVIEW → ACTIVE), median of ${env.BENCH_RUNS ?? 5} runs, ${new Date().toISOString()}\n`,
  );
  console.log(formatBulkReviewTable(rows));
}

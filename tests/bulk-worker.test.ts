import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '@shopwarden/db';
import type { BulkWorker } from '@shopwarden/api';
import { claimBulkOperation, prepareBulkOperation, runBulkOperationChunk } from '@shopwarden/schema';
import { createKey } from './support/fixtures.ts';
import { countQueries, dbId, gid } from './support/client.ts';
import { useSuite } from './support/suite.ts';
import { testTargets } from './support/database.ts';
import { CLOCK, createListingRows, sellerShop } from './support/listing-fixtures.ts';
import { CANCEL, GET, RUN, jsonl, parseResult, testWorker, waitFor } from './support/bulk-fixtures.ts';

describe.each(testTargets())('the bulk-operation worker on %s', (target) => {
  const { db, world, gql } = useSuite(target);
  const running: BulkWorker[] = [];

  beforeEach(async () => {
    await gql(world.adminKey, CLOCK, { now: '2024-03-01T00:00:00Z' });
  });
  afterEach(async () => {
    for (const w of running.splice(0)) await w.stop();
  });

  async function reviewOperation(name: string, count: number, key = world.adminKey) {
    const { shop } = await sellerShop(db.prisma, name, { primaryCategoryId: world.categories.beauty });
    const ids = await createListingRows(db.prisma, shop.id, world.categories.skincare, count, {
      status: 'PENDING_REVIEW',
    });
    const res = await gql(key, RUN, {
      input: {
        mutation: 'LISTING_REVIEW',
        lines: jsonl(ids.map((id) => ({ listingId: gid('Listing', id), decision: 'APPROVE', expectedVersion: 0 }))),
      },
    });
    return { ids, shop, op: res.data!.bulkOperationRun.bulkOperation as { id: string } };
  }

  async function expectEachLineOnce(opId: string, ids: number[]) {
    const op = (await gql(world.adminKey, GET, { id: opId })).data!.bulkOperation;
    expect(op).toMatchObject({
      status: 'COMPLETED',
      processedCount: ids.length,
      succeededCount: ids.length,
      failedCount: 0,
    });
    const lines = parseResult(op.result);
    expect(lines.map((l) => l.line)).toEqual(ids.map((_, i) => i + 1));
    expect(lines.map((l) => l.listing!.id)).toEqual(ids.map((id) => gid('Listing', id)));
    const reviews = await db.prisma.listingReview.groupBy({
      by: ['listingId'],
      where: { listingId: { in: ids } },
      _count: { _all: true },
    });
    expect(reviews).toHaveLength(ids.length);
    expect(reviews.every((r) => r._count._all === 1)).toBe(true);
    expect(await db.prisma.listing.count({ where: { id: { in: ids }, status: 'ACTIVE', version: 1 } })).toBe(
      ids.length,
    );
    expect(
      await db.prisma.outboxEvent.count({ where: { type: 'listing.reviewed', subjectId: { in: ids.map(String) } } }),
    ).toBe(ids.length);
    return op;
  }

  it('is woken at once when this process stores an operation (it does not wait for its poll)', async () => {
    const worker = testWorker(db, { pollIntervalMs: 600_000 });
    running.push(worker);
    worker.start();
    await new Promise((r) => setTimeout(r, 100));
    const { op, ids } = await reviewOperation('Wake up', 20);
    await waitFor(
      async () => (await gql(world.adminKey, GET, { id: op.id })).data!.bulkOperation.status === 'COMPLETED',
      20_000,
    );
    await expectEachLineOnce(op.id, ids);
  });

  it('takes an operation stored while it is idle straight from the submission, under its lease: a crash before it commits leaves it to another worker', async () => {
    let dying: BulkWorker | null = null;
    dying = testWorker(
      db,
      { pollIntervalMs: 600_000, leaseMs: 1_500 },
      {
        id: 'handed-worker',
        beforeCommit: () => {
          dying!.kill();
          throw new Error('the process died');
        },
      },
    );
    running.push(dying);
    dying.start();
    await new Promise((r) => setTimeout(r, 100));
    const { op, ids } = await reviewOperation('Handed over', 6);
    // The mutation's own payload already reads it RUNNING: stored so, in the submission's transaction.
    expect((op as { status?: string }).status).toBe('RUNNING');
    // Stored RUNNING under the idle worker's lease by the submission itself (no claim by the worker).
    const stored = await db.prisma.bulkOperation.findUniqueOrThrow({ where: { id: dbId(op.id) } });
    expect(stored).toMatchObject({ status: 'RUNNING', lockedBy: 'handed-worker', processedCount: 0 });
    expect(stored.startedAt).not.toBeNull();
    expect(stored.lockedUntil!.getTime()).toBeGreaterThan(stored.createdAt.getTime());
    // Its chunk rolled back with the process: nothing applied; another worker resumes once the lease expires.
    await new Promise((r) => setTimeout(r, 300));
    expect(await db.prisma.listing.count({ where: { id: { in: ids }, status: 'ACTIVE' } })).toBe(0);
    const rescuer = testWorker(db, {}, { id: 'rescuer' });
    running.push(rescuer);
    rescuer.start();
    await waitFor(
      async () => (await gql(world.adminKey, GET, { id: op.id })).data!.bulkOperation.status === 'COMPLETED',
      20_000,
    );
    await expectEachLineOnce(op.id, ids);
  });

  it('gives a reservation back when the submission stores nothing, and takes the next operation at once', async () => {
    const worker = testWorker(db, { pollIntervalMs: 600_000 });
    running.push(worker);
    worker.start();
    await new Promise((r) => setTimeout(r, 100));
    // A key at its limit: five operations another instance holds for a long time.
    const { key: full, id: fullId } = await createKey(db.prisma, 'ADMIN');
    const lockedUntil = new Date(Date.now() + 3_600_000);
    await db.prisma.bulkOperation.createMany({
      data: Array.from({ length: 5 }, () => ({
        apiKeyId: fullId,
        mutation: 'LISTING_REVIEW',
        status: 'RUNNING' as const,
        lockedBy: 'elsewhere',
        lockedUntil,
        lineCount: 1,
      })),
    });
    const { shop: refusedShop } = await sellerShop(db.prisma, 'Refused', {
      primaryCategoryId: world.categories.beauty,
    });
    const named = await createListingRows(db.prisma, refusedShop.id, world.categories.skincare, 3, {
      status: 'PENDING_REVIEW',
    });
    const refused = await gql(full, RUN, {
      input: {
        mutation: 'LISTING_REVIEW',
        lines: jsonl(named.map((id) => ({ listingId: gid('Listing', id), decision: 'APPROVE' }))),
      },
    });
    expect(refused.data!.bulkOperationRun).toMatchObject({ code: 'LIMIT_EXCEEDED' });
    expect(await db.prisma.bulkOperation.count({ where: { apiKeyId: fullId } })).toBe(5);
    // On PostgreSQL the worker had the operation (and wrote its first batch) before the insert was refused: all of it rolled back.
    await new Promise((r) => setTimeout(r, 200));
    expect(await db.prisma.listing.count({ where: { id: { in: named }, status: 'PENDING_REVIEW', version: 0 } })).toBe(
      3,
    );
    expect(await db.prisma.listingReview.count({ where: { listingId: { in: named } } })).toBe(0);
    expect(await db.prisma.outboxEvent.count({ where: { subjectId: { in: named.map(String) } } })).toBe(0);
    // The worker was given back: the next operation (another key) is handed to it and completes without a poll.
    const { op, ids } = await reviewOperation('After a refusal', 8);
    await waitFor(
      async () => (await gql(world.adminKey, GET, { id: op.id })).data!.bulkOperation.status === 'COMPLETED',
      20_000,
    );
    await expectEachLineOnce(op.id, ids);
    await db.prisma.bulkOperation.deleteMany({ where: { apiKeyId: fullId } });
  });

  it.skipIf(target !== 'postgres')(
    'writes the first batch of a handed-over operation before taking its row, and rolls that batch back when a cancellation takes the row first (PostgreSQL only; skipped on PGlite)',
    async () => {
      const worker = testWorker(db, { pollIntervalMs: 600_000 });
      running.push(worker);
      worker.start();
      await new Promise((r) => setTimeout(r, 100));
      const { shop } = await sellerShop(db.prisma, 'Early start', { primaryCategoryId: world.categories.beauty });
      const ids = await createListingRows(db.prisma, shop.id, world.categories.skincare, 5, {
        status: 'PENDING_REVIEW',
      });
      // Another transaction holds the last listing: the worker's first batch waits for it, with its transaction open.
      let release!: () => void;
      let locked!: () => void;
      const isLocked = new Promise<void>((r) => (locked = r));
      const holder = db.prisma.$transaction(
        async (tx) => {
          await tx.$queryRaw`SELECT 1 FROM "Listing" WHERE "id" = ${ids[4]!} FOR UPDATE`;
          locked();
          await new Promise<void>((r) => (release = r));
        },
        { timeout: 30_000 },
      );
      await isLocked;
      const run = await gql(world.adminKey, RUN, {
        input: {
          mutation: 'LISTING_REVIEW',
          lines: jsonl(ids.map((id) => ({ listingId: gid('Listing', id), decision: 'APPROVE', expectedVersion: 0 }))),
        },
      });
      const op = run.data!.bulkOperationRun.bulkOperation as { id: string; status: string };
      expect(op.status).toBe('RUNNING');
      // The worker's statement is under way before (and while) the operation is stored and answered for.
      await waitFor(async () => {
        const [row] = await db.prisma.$queryRaw<
          { n: number }[]
        >`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%UPDATE "Listing" AS l%'`;
        return row!.n > 0;
      }, 10_000);
      // The worker has not locked the operation's row yet: the cancellation goes through at once.
      const canceled = await gql(world.adminKey, CANCEL, { input: { id: op.id } });
      expect(canceled.data!.bulkOperationCancel).toMatchObject({
        __typename: 'BulkOperationCancelSuccess',
        bulkOperation: { status: 'CANCELED', processedCount: 0 },
      });
      release();
      await holder;
      // The chunk then finds its operation canceled and rolls back: no line took effect.
      await new Promise((r) => setTimeout(r, 300));
      expect(await db.prisma.listing.count({ where: { id: { in: ids }, status: 'PENDING_REVIEW', version: 0 } })).toBe(
        5,
      );
      expect(await db.prisma.listingReview.count({ where: { listingId: { in: ids } } })).toBe(0);
      expect(await db.prisma.bulkOperation.findUniqueOrThrow({ where: { id: dbId(op.id) } })).toMatchObject({
        status: 'CANCELED',
        processedCount: 0,
        succeededCount: 0,
        resultGzip: null,
      });
      // And the worker goes on: the next operation is handed to it and completes.
      const next = await reviewOperation('After the early cancel', 4);
      await waitFor(
        async () => (await gql(world.adminKey, GET, { id: next.op.id })).data!.bulkOperation.status === 'COMPLETED',
        20_000,
      );
      await expectEachLineOnce(next.op.id, next.ids);
    },
  );

  /** Whether another connection's transaction has written a review batch and not committed it (PostgreSQL). */
  async function uncommittedReviewWrite() {
    const [row] = await db.prisma.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND state = 'idle in transaction' AND query LIKE '%UPDATE "Listing" AS l%'`;
    return row!.n > 0;
  }

  it.skipIf(target !== 'postgres')(
    'runs the next chunk beside the one before, and commits the chunks in line order (PostgreSQL only; skipped on PGlite)',
    async () => {
      const { op, ids } = await reviewOperation('Chunks ahead', 12);
      const commits: number[] = [];
      let sawAhead = false;
      const worker = testWorker(
        db,
        { chunkSize: 4, chunksAhead: 1 },
        {
          beforeCommit: async ({ from }) => {
            // While the first chunk has not committed, the chunk after it has already written its lines.
            if (from === 0) sawAhead = await waitFor(uncommittedReviewWrite, 10_000);
            commits.push(from);
          },
        },
      );
      expect(await worker.drain()).toBe(1);
      expect(sawAhead).toBe(true);
      expect(commits).toEqual([0, 4, 8]);
      await expectEachLineOnce(op.id, ids);
      // Each chunk's audit record names its own lines, in order.
      const audits = await db.prisma.auditRecord.findMany({
        where: { targetType: 'BulkOperation', targetId: op.id },
        orderBy: { id: 'asc' },
        select: { input: true },
      });
      expect(audits.map((a) => (a.input as { lines: unknown }).lines)).toEqual([
        { from: 1, to: 4 },
        { from: 5, to: 8 },
        { from: 9, to: 12 },
      ]);
    },
  );

  it.skipIf(target !== 'postgres')(
    'rolls a chunk run ahead back when the chunk before it fails: nothing of either takes effect (PostgreSQL only; skipped on PGlite)',
    async () => {
      const { op, ids } = await reviewOperation('Ahead of a failure', 8);
      let sawAhead = false;
      const worker = testWorker(
        db,
        { chunkSize: 4, chunksAhead: 1 },
        {
          beforeCommit: async ({ from }) => {
            if (from !== 0) return;
            // The chunk after this one has written its lines (uncommitted) when this one fails.
            sawAhead = await waitFor(uncommittedReviewWrite, 10_000);
            throw new Error('the first chunk fails');
          },
        },
      );
      expect(await worker.drain()).toBe(1);
      expect(sawAhead).toBe(true);
      const failed = (await gql(world.adminKey, GET, { id: op.id })).data!.bulkOperation;
      expect(failed).toMatchObject({ status: 'FAILED', errorCode: 'INTERNAL', processedCount: 0, succeededCount: 0 });
      expect(await db.prisma.listing.count({ where: { id: { in: ids }, status: 'PENDING_REVIEW', version: 0 } })).toBe(
        8,
      );
      expect(await db.prisma.listingReview.count({ where: { listingId: { in: ids } } })).toBe(0);
      expect(
        await db.prisma.outboxEvent.count({ where: { type: 'listing.reviewed', subjectId: { in: ids.map(String) } } }),
      ).toBe(0);
    },
  );

  it("runs the chunks of a submission one at a time: a later chunk's category rule counts what the chunk before submitted", async () => {
    // The previous policy (before the effective date): at most three top-level categories per shop, counted over its non-DRAFT listings.
    await gql(world.adminKey, CLOCK, { now: '2024-01-15T00:00:00Z' });
    const { shop, key } = await sellerShop(db.prisma, 'Submission chunks');
    const c = world.categories;
    const drafts = [];
    for (const categoryId of [c.skincare, c.dresses, c.home, c.skincare, c.electronics, c.dresses])
      drafts.push((await createListingRows(db.prisma, shop.id, categoryId, 1))[0]!);
    const run = await gql(key, RUN, {
      input: { mutation: 'LISTING_SUBMIT', lines: jsonl(drafts.map((id) => ({ listingId: gid('Listing', id) }))) },
    });
    const op = run.data!.bulkOperationRun.bulkOperation as { id: string };
    expect(await testWorker(db, { chunkSize: 3, chunksAhead: 1 }).drain()).toBe(1);
    const done = (await gql(world.adminKey, GET, { id: op.id })).data!.bulkOperation;
    expect(done).toMatchObject({ status: 'COMPLETED', processedCount: 6 });
    // Line 5 is a fourth top-level category once lines 1–3 (the first chunk) are submitted; its
    // rejected listing then counts too, so line 6 makes four as well.
    const lines = parseResult(done.result);
    expect(lines.map((l) => l.listing?.status)).toEqual([
      'PENDING_REVIEW',
      'PENDING_REVIEW',
      'PENDING_REVIEW',
      'PENDING_REVIEW',
      'REJECTED',
      'REJECTED',
    ]);
    expect(lines.slice(4).map((l) => l.issues!.map((i) => i.code))).toEqual([
      ['TOO_MANY_CATEGORIES'],
      ['TOO_MANY_CATEGORIES'],
    ]);
  });

  it('runs a chunk ahead of its turn only from where the chunk before it committed (OUT_OF_TURN otherwise, writing nothing)', async () => {
    const { op, ids } = await reviewOperation('Out of turn', 6);
    const claimed = (await claimBulkOperation(db.prisma, 'worker-turns', 60_000))!;
    expect(claimed).toMatchObject({ id: dbId(op.id), processedCount: 0 });
    const prepared = prepareBulkOperation(claimed);
    const options = { workerId: 'worker-turns', chunkSize: 3, leaseMs: 60_000, production: false };
    // Lines 4–6 while nothing has committed: rolled back.
    const ahead = (from: number, proceed = true) =>
      runBulkOperationChunk(db.prisma, prepared, options, {
        kind: 'ahead',
        from,
        after: Promise.resolve(),
        proceed: () => proceed,
      });
    expect(await ahead(3)).toEqual({ state: 'OUT_OF_TURN' });
    expect(await db.prisma.listing.count({ where: { id: { in: ids }, status: 'ACTIVE' } })).toBe(0);
    // In turn, lines 1–3; then lines 4–6 ahead (now in their turn), except when the worker stops.
    expect(await runBulkOperationChunk(db.prisma, prepared, options)).toEqual({ state: 'RUNNING', processedCount: 3 });
    expect(await ahead(3, false)).toEqual({ state: 'OUT_OF_TURN' });
    expect(await db.prisma.listing.count({ where: { id: { in: ids }, status: 'ACTIVE' } })).toBe(3);
    expect(await ahead(3)).toEqual({ state: 'COMPLETED' });
    await expectEachLineOnce(op.id, ids);
  });

  it('processes every line exactly once with two workers (two instances) on the same database', async () => {
    // A second instance: its own client and pool on PostgreSQL; PGlite has one connection, so the same client.
    const second: Database = target === 'postgres' ? await createDatabase(db.target) : db;
    try {
      const chunksBy = new Map<string, number>();
      const count = (w: () => BulkWorker) => () => void chunksBy.set(w().id, (chunksBy.get(w().id) ?? 0) + 1);
      const a: BulkWorker = testWorker(db, { chunkSize: 5 }, { id: 'worker-a', beforeCommit: count(() => a) });
      const b: BulkWorker = testWorker(second, { chunkSize: 5 }, { id: 'worker-b', beforeCommit: count(() => b) });
      const ops = [];
      for (let i = 0; i < 4; i++) ops.push(await reviewOperation(`Two workers ${i}`, 30));
      running.push(a, b);
      a.start();
      b.start();
      for (const { op } of ops)
        await waitFor(
          async () => (await gql(world.adminKey, GET, { id: op.id })).data!.bulkOperation.status === 'COMPLETED',
          60_000,
        );
      for (const { op, ids } of ops) await expectEachLineOnce(op.id, ids);
      // Every chunk committed once: 6 chunks of 5 lines per operation, one audit record each.
      expect([...chunksBy.values()].reduce((x, y) => x + y, 0)).toBe(24);
      expect(chunksBy.get('worker-a')).toBeGreaterThan(0);
      expect(chunksBy.get('worker-b')).toBeGreaterThan(0);
      for (const { op } of ops)
        expect(await db.prisma.auditRecord.count({ where: { targetType: 'BulkOperation', targetId: op.id } })).toBe(6);
    } finally {
      if (second !== db) await second.close();
    }
  });

  it('after a worker dies mid-chunk, its chunk rolls back and another worker resumes there once the lease expires, doubling nothing', async () => {
    const { op, ids } = await reviewOperation('Crash', 12);
    // Chunks of 4 lines in batches of 2: the dying chunk has written both its batches when it rolls back.
    const dying: BulkWorker = testWorker(
      db,
      { chunkSize: 4, batchSize: 2, leaseMs: 1_500 },
      {
        beforeCommit: ({ from }) => {
          if (from === 4) {
            dying.kill();
            throw new Error('the process died before this chunk committed');
          }
        },
      },
    );
    await dying.drain();
    const afterCrash = (await gql(world.adminKey, GET, { id: op.id })).data!.bulkOperation;
    expect(afterCrash).toMatchObject({ status: 'RUNNING', processedCount: 4 });
    expect(await db.prisma.listing.count({ where: { id: { in: ids }, status: 'ACTIVE' } })).toBe(4);

    // While the dead worker's lease runs, nobody else takes the operation; once it has expired, another worker does.
    const next = testWorker(db, { chunkSize: 4 });
    expect(await next.drain()).toBe(0);
    const row = await db.prisma.bulkOperation.findUniqueOrThrow({
      where: { id: dbId(op.id) },
      select: { lockedBy: true, lockedUntil: true },
    });
    expect(row.lockedBy).toBe(dying.id);
    await new Promise((r) => setTimeout(r, Math.max(0, row.lockedUntil!.getTime() - Date.now()) + 200));
    expect(await testWorker(db, { chunkSize: 4, batchSize: 3 }).drain()).toBe(1);
    await expectEachLineOnce(op.id, ids);
    expect(await db.prisma.auditRecord.count({ where: { targetType: 'BulkOperation', targetId: op.id } })).toBe(3);
  });

  it('runs a fixed number of SQL statements per chunk and per batch, whatever their sizes', async () => {
    /** Statements of one operation's run: claims around it, a fixed number per chunk (C) and per batch of lines (B). */
    const statements = async (
      lines: number,
      chunkSize: number,
      batchSize: number,
      mutation: 'LISTING_REVIEW' | 'LISTING_SUBMIT',
      keyed = false,
    ) => {
      const { shop, key } = await sellerShop(
        db.prisma,
        `Shape ${mutation} ${lines} ${chunkSize} ${batchSize} ${keyed}`,
        { primaryCategoryId: world.categories.beauty },
      );
      const ids = await createListingRows(db.prisma, shop.id, world.categories.skincare, lines, {
        status: mutation === 'LISTING_REVIEW' ? 'PENDING_REVIEW' : 'DRAFT',
      });
      const input = ids.map((id, i) => ({
        listingId: gid('Listing', id),
        ...(mutation === 'LISTING_REVIEW' ? { decision: 'APPROVE' } : {}),
        ...(keyed ? { idempotencyKey: `shape-${id}-${i}` } : {}),
      }));
      await gql(mutation === 'LISTING_REVIEW' ? world.adminKey : key, RUN, {
        input: { mutation, lines: jsonl(input) },
      });
      // One chunk at a time (chunks run ahead of their turn share the key's lookup: see the test below).
      const { result, queries } = await countQueries(db, () =>
        testWorker(db, { chunkSize, batchSize, chunksAhead: 0 }).drain(),
      );
      expect(result).toBe(1);
      expect(
        await db.prisma.listing.count({
          where: { id: { in: ids }, status: { not: mutation === 'LISTING_REVIEW' ? 'PENDING_REVIEW' : 'DRAFT' } },
        }),
      ).toBe(lines);
      let batches = 0;
      for (let from = 0; from < lines; from += chunkSize)
        batches += Math.ceil(Math.min(chunkSize, lines - from) / batchSize);
      // One set-based write per batch.
      expect(queries.filter((q) => /UPDATE "Listing" AS l/.test(q))).toHaveLength(batches);
      return queries.length;
    };
    const perChunkOf: Record<string, number> = {};
    for (const [mutation, keyed] of [
      ['LISTING_REVIEW', false],
      ['LISTING_REVIEW', true],
      ['LISTING_SUBMIT', false],
    ] as const) {
      // Q = 2 + chunks × C + batches × B: one chunk of one batch, one chunk of three batches, three chunks of one batch each.
      const one = await statements(12, 12, 12, mutation, keyed);
      const threeBatches = await statements(12, 12, 4, mutation, keyed);
      const threeChunks = await statements(12, 4, 4, mutation, keyed);
      const perBatch = (threeBatches - one) / 2;
      const perChunk = (threeChunks - threeBatches) / 2;
      expect(Number.isInteger(perBatch) && Number.isInteger(perChunk)).toBe(true);
      expect(one).toBe(2 + perChunk + perBatch);
      // The same counts at other sizes: 300 lines in 3 chunks of 2 batches each; 250 lines in one chunk of 5 batches.
      expect(await statements(300, 100, 50, mutation, keyed)).toBe(2 + 3 * perChunk + 6 * perBatch);
      expect(await statements(250, 250, 50, mutation, keyed)).toBe(2 + perChunk + 5 * perBatch);
      // A batch is its write (a review) or its checks, the shops' life-cycle state among them, and write (a submission).
      if (mutation === 'LISTING_REVIEW') expect(perBatch).toBe(keyed ? 2 : 1);
      else expect(perBatch).toBeLessThanOrEqual(7);
      expect(perChunk).toBeLessThanOrEqual(7);
      perChunkOf[`${mutation} ${keyed}`] = perChunk;
    }
    // A chunk with line keys claims them all in one more statement, before its first batch.
    expect(perChunkOf['LISTING_REVIEW true']).toBe(perChunkOf['LISTING_REVIEW false']! + 1);
  });

  it('fails an operation whose API key was revoked, keeping the result lines written before', async () => {
    const admin = await createKey(db.prisma, 'ADMIN');
    const { op } = await reviewOperation('Revoked', 8, admin.key);
    const first: BulkWorker = testWorker(db, { chunkSize: 4 }, { beforeCommit: () => void first.stop() });
    await first.drain();
    await db.prisma.apiKey.update({ where: { id: admin.id }, data: { revokedAt: new Date() } });
    await testWorker(db, { chunkSize: 4 }).drain();
    const failed = (await gql(world.adminKey, GET, { id: op.id })).data!.bulkOperation;
    expect(failed).toMatchObject({
      status: 'FAILED',
      errorCode: 'UNAUTHENTICATED',
      processedCount: 4,
      succeededCount: 4,
    });
    expect(parseResult(failed.result)).toHaveLength(4);
    const event = await db.prisma.outboxEvent.findFirstOrThrow({
      where: { type: 'bulk_operation.finished', subjectId: String(dbId(op.id)) },
    });
    expect(event.payload).toMatchObject({ status: 'FAILED', errorCode: 'UNAUTHENTICATED', succeededCount: 4 });
  });
});

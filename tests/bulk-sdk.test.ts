import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BulkWorker } from '@shopwarden/api';
import {
  createShopWardenClient,
  isError,
  isSuccess,
  ShopWardenError,
  ShopWardenResultError,
  type BulkOperationState,
  type FetchInit,
} from '../packages/sdk/src/index.ts';
import { FIRST_POLL_MS, pollDelays } from '../packages/sdk/src/bulk.ts';
import { bulkReviewQueue } from '../packages/sdk/examples/bulk-review-queue.ts';
import { createWorld, type World } from './support/fixtures.ts';
import { createTestApp, gid } from './support/client.ts';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';
import { CLOCK, createListingRows, sellerShop } from './support/listing-fixtures.ts';
import { testWorker } from './support/bulk-fixtures.ts';

describe('client.bulk.run follows an operation', () => {
  it('reads again after 50 ms, then waits 1.5 × longer each time, never longer than pollIntervalMs', () => {
    const take = (max: number, n: number) => {
      const it = pollDelays(max);
      return Array.from({ length: n }, () => it.next().value);
    };
    expect(FIRST_POLL_MS).toBe(50);
    expect(take(1000, 10)).toEqual([50, 75, 113, 170, 255, 383, 575, 863, 1000, 1000]);
    expect(take(20, 3)).toEqual([20, 20, 20]);
    // Reads 50, 125, 238, 408 and 663 ms after the submission (plus each read's own time): a 10,000-line
    // review (about 0.4 s) is seen finished well before the first read of a fixed 1 s wait.
    let at = 0;
    expect(take(1000, 5).map((d) => (at += d))).toEqual([50, 125, 238, 408, 663]);
  });
});

/** `client.bulk`: the generated methods and `run`, which submits and follows, against the app in-process. */
describe.each(testTargets())('SDK bulk operations on %s', (target) => {
  let db: TestDatabase;
  let world: World;
  let app: ReturnType<typeof createTestApp>;
  let worker: BulkWorker;
  /** While set, the worker's chunks wait for it before they commit. */
  let commitGate: Promise<void> | null = null;

  const inProcess = (url: string, init: FetchInit) => app.yoga.fetch(url, init);
  const clientFor = (apiKey: string, fetch = inProcess) =>
    createShopWardenClient({ url: 'http://localhost/graphql', apiKey, fetch, backoff: { baseMs: 1, maxMs: 5 } });

  beforeAll(async () => {
    db = await createTestDatabase(target);
    world = await createWorld(db.prisma);
    app = createTestApp(db);
    worker = testWorker(db, { chunkSize: 3 }, { beforeCommit: () => commitGate ?? undefined });
    worker.start();
  });
  afterAll(async () => {
    await worker.stop();
    await db.drop();
  });
  beforeEach(async () => {
    commitGate = null;
    await app.gql(world.adminKey, CLOCK, { now: '2024-03-01T00:00:00Z' });
  });

  it('run: submits typed lines, reports progress, resolves to the finished operation with its results parsed', async () => {
    const { shop } = await sellerShop(db.prisma, 'SDK bulk review', { primaryCategoryId: world.categories.beauty });
    const ids = await createListingRows(db.prisma, shop.id, world.categories.skincare, 7, { status: 'PENDING_REVIEW' });
    const admin = clientFor(world.adminKey);
    const seen: BulkOperationState['status'][] = [];
    const op = await admin.bulk.run(
      {
        mutation: 'LISTING_REVIEW',
        lines: [
          ...ids
            .slice(0, 6)
            .map((id) => ({ listingId: gid('Listing', id), decision: 'APPROVE' as const, expectedVersion: 0 })),
          { listingId: gid('Listing', ids[6]!), decision: 'REJECT' as const },
        ],
      },
      { pollIntervalMs: 20, onProgress: (o) => seen.push(o.status) },
    );
    expect(op).toMatchObject({
      status: 'COMPLETED',
      mutation: 'LISTING_REVIEW',
      lineCount: 7,
      processedCount: 7,
      succeededCount: 6,
      failedCount: 1,
      progress: 1,
    });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((s) => s === 'CREATED' || s === 'RUNNING')).toBe(true);
    expect(op.results.map((r) => r.line)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const first = op.results[0]!;
    expect(first.ok && first.listing).toEqual({ id: gid('Listing', ids[0]!), status: 'ACTIVE', version: 1 });
    const last = op.results[6]!;
    expect(last.ok ? null : last.errors).toEqual([
      { code: 'VALIDATION_FAILED', message: 'Give at least one reason to reject a listing.', field: ['reasons'] },
    ]);

    // The generated methods: get, list / paginate.
    expect(await admin.bulk.get({ id: op.id })).toMatchObject({ id: op.id, status: 'COMPLETED' });
    const mine: string[] = [];
    for await (const o of admin.bulk.paginate({ first: 1 })) mine.push(o.id);
    expect(mine).toContain(op.id);
    expect((await admin.bulk.list({ status: 'COMPLETED' })).edges.map((e) => e.node.id)).toContain(op.id);
  });

  it('run takes JSONL text too; a refusal throws ShopWardenResultError; timeoutMs stops following, not the operation', async () => {
    const { shop, key } = await sellerShop(db.prisma, 'SDK bulk submit', {
      primaryCategoryId: world.categories.beauty,
    });
    const [draft] = await createListingRows(db.prisma, shop.id, world.categories.skincare, 1);
    const seller = clientFor(key);
    const op = await seller.bulk.run(
      { mutation: 'LISTING_SUBMIT', lines: `{"listingId":"${gid('Listing', draft!)}"}\nnot json\n` },
      { pollIntervalMs: 20 },
    );
    expect(op.results.map((r) => r.ok)).toEqual([true, false]);

    const refused = await seller.bulk
      .run({ mutation: 'LISTING_REVIEW', lines: [{ listingId: gid('Listing', draft!), decision: 'APPROVE' }] })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ShopWardenResultError);
    expect(refused).toMatchObject({ code: 'FORBIDDEN', typename: 'ForbiddenError' });
    await expect(seller.bulk.run({ mutation: 'LISTING_SUBMIT', lines: '' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: [{ path: ['input', 'lines'] }],
    });

    // No worker for this one: following gives up, the operation stays, and cancel ends it.
    await worker.stop();
    try {
      const slow = await seller.bulk
        .run(
          { mutation: 'LISTING_SUBMIT', lines: [{ listingId: gid('Listing', draft!) }] },
          { pollIntervalMs: 20, timeoutMs: 100 },
        )
        .catch((e: unknown) => e);
      expect(slow).toBeInstanceOf(ShopWardenError);
      expect(slow).toMatchObject({ code: 'TIMEOUT' });
      const [waiting] = (await seller.bulk.list({ status: 'CREATED' })).edges;
      const canceled = await seller.bulk.cancel({ input: { id: waiting!.node.id } });
      expect(isSuccess(canceled) && canceled.bulkOperation.status).toBe('CANCELED');
      expect(isError(await seller.bulk.cancel({ input: { id: waiting!.node.id } }), 'INVALID_STATE')).toBe(true);
    } finally {
      worker.start();
    }
  });

  it('run waits for the bulkOperationFinished push by default, and reads when no event stream comes back', async () => {
    const { shop } = await sellerShop(db.prisma, 'SDK bulk push', { primaryCategoryId: world.categories.beauty });
    const ids = await createListingRows(db.prisma, shop.id, world.categories.skincare, 6, { status: 'PENDING_REVIEW' });
    const sent: string[] = [];
    const traces: (string | undefined)[] = [];
    // On PostgreSQL a handed-over operation this small can finish before its submission is answered
    // (the SDK then has nothing to follow): its chunk commits only once the answer is back. (PGlite's
    // one connection serves the answer after the chunk, which has not committed yet when it is read.)
    let answered = () => {};
    const gate = () => {
      if (target === 'postgres') commitGate = new Promise<void>((r) => (answered = r));
    };
    const recording = (answer?: (init: FetchInit) => Response | null) => async (url: string, init: FetchInit) => {
      const push = init.headers.accept === 'text/event-stream';
      traces.push(init.headers['x-trace']);
      sent.push(`${push ? 'push' : 'read'} ${/(?:query|mutation|subscription) (\w+)/.exec(init.body)?.[1]}`);
      const response = await (answer?.(init) ?? app.yoga.fetch(url, init));
      if (init.body.includes('mutation BulkSubmit')) answered();
      return response;
    };
    const lines = (from: number, to: number) =>
      ids.slice(from, to).map((id) => ({ listingId: gid('Listing', id), decision: 'APPROVE' as const }));

    gate();
    const pushed = await clientFor(world.adminKey, recording()).bulk.run(
      { mutation: 'LISTING_REVIEW', lines: lines(0, 2) },
      { headers: { 'x-trace': 'run-1' } },
    );
    expect(pushed).toMatchObject({ status: 'COMPLETED', succeededCount: 2 });
    expect(pushed.results.map((r) => r.ok && r.listing.status)).toEqual(['ACTIVE', 'ACTIVE']);
    // One submission, one push: no reads.
    expect(sent).toEqual(['read BulkSubmit', 'push BulkFinished']);
    // The call's own headers go with both.
    expect(traces).toEqual(['run-1', 'run-1']);

    // A proxy that does not stream: the client reads until the operation has finished.
    sent.length = 0;
    gate();
    const noStream = recording((init) =>
      init.headers.accept === 'text/event-stream' ? new Response('buffering proxy', { status: 502 }) : null,
    );
    const read = await clientFor(world.adminKey, noStream).bulk.run(
      { mutation: 'LISTING_REVIEW', lines: lines(2, 4) },
      { pollIntervalMs: 20 },
    );
    expect(read).toMatchObject({ status: 'COMPLETED', succeededCount: 2 });
    expect(sent.slice(0, 2)).toEqual(['read BulkSubmit', 'push BulkFinished']);
    expect(sent.slice(2).length).toBeGreaterThan(0);
    expect(sent.slice(2).every((s) => s === 'read BulkGet')).toBe(true);
    commitGate = null;

    // follow: 'poll' never opens the subscription.
    sent.length = 0;
    const polled = await clientFor(world.adminKey, recording()).bulk.run(
      { mutation: 'LISTING_REVIEW', lines: lines(4, 6) },
      { follow: 'poll', pollIntervalMs: 20 },
    );
    expect(polled).toMatchObject({ status: 'COMPLETED', succeededCount: 2 });
    expect(sent.filter((s) => s.startsWith('push'))).toEqual([]);
  });

  it('a submission whose response was lost is retried with the same Idempotency-Key: one operation, not two', async () => {
    const { shop, key, keyId } = await sellerShop(db.prisma, 'SDK lost response', {
      primaryCategoryId: world.categories.beauty,
    });
    const [draft] = await createListingRows(db.prisma, shop.id, world.categories.skincare, 1);
    let dropped = 0;
    const flaky = async (url: string, init: FetchInit) => {
      const response = await app.yoga.fetch(url, init);
      if (init.body.includes('mutation BulkSubmit') && dropped++ === 0) throw new TypeError('socket hang up');
      return response;
    };
    const op = await clientFor(key, flaky).bulk.run(
      { mutation: 'LISTING_SUBMIT', lines: [{ listingId: gid('Listing', draft!) }] },
      { pollIntervalMs: 20 },
    );
    expect(dropped).toBe(2);
    expect(op.status).toBe('COMPLETED');
    expect(await db.prisma.bulkOperation.count({ where: { apiKeyId: keyId } })).toBe(1);
    expect(await db.prisma.listingReview.count({ where: { listingId: draft! } })).toBe(1);
  });

  it('the example approves the whole review queue in one operation and prints the lines that failed', async () => {
    await db.prisma.listing.updateMany({ where: { status: 'PENDING_REVIEW' }, data: { status: 'DRAFT' } });
    const { shop } = await sellerShop(db.prisma, 'SDK queue', { primaryCategoryId: world.categories.beauty });
    const ids = await createListingRows(db.prisma, shop.id, world.categories.skincare, 5, { status: 'PENDING_REVIEW' });
    const out: string[] = [];
    const op = await bulkReviewQueue({
      url: 'http://localhost/graphql',
      apiKey: world.adminKey,
      fetch: inProcess,
      pollIntervalMs: 20,
      print: (l) => out.push(l),
    });
    expect(op).toMatchObject({ status: 'COMPLETED', succeededCount: 5 });
    expect(out[0]).toBe('5 listings waiting for review');
    expect(out.at(-1)).toBe('COMPLETED: 5 approved, 0 failed');
    expect(await db.prisma.listing.count({ where: { id: { in: ids }, status: 'ACTIVE' } })).toBe(5);
    // Run again: the queue is empty, nothing happens.
    const again: string[] = [];
    expect(
      await bulkReviewQueue({
        url: 'http://localhost/graphql',
        apiKey: world.adminKey,
        fetch: inProcess,
        print: (l) => again.push(l),
      }),
    ).toBeNull();
    expect(again).toEqual(['0 listings waiting for review']);
  });

  it("types each mutation's lines", () => {
    const client = clientFor(world.adminKey);
    // @ts-expect-error a review line needs a decision
    const missingDecision = () => client.bulk.run({ mutation: 'LISTING_REVIEW', lines: [{ listingId: 'x' }] });
    // @ts-expect-error a bulk line cannot ask for a dry run
    const dryRun = () => client.bulk.run({ mutation: 'LISTING_SUBMIT', lines: [{ listingId: 'x', dryRun: true }] });
    expect([typeof missingDecision, typeof dryRun]).toEqual(['function', 'function']);
  });
});

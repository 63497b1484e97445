import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BulkWorker } from '@shopwarden/api';
import { createDatabase, type Database } from '@shopwarden/db';
import { createKey, createWorld, type World } from './support/fixtures.ts';
import { createTestApp, gid } from './support/client.ts';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';
import { CLOCK, createListingRows, sellerShop } from './support/listing-fixtures.ts';
import { CANCEL, RUN, jsonl, testWorker } from './support/bulk-fixtures.ts';

const FINISHED = /* GraphQL */ `
  subscription Finished($id: ID) { bulkOperationFinished(id: $id) { id status processedCount succeededCount failedCount result finishedAt } }`;

describe.each(testTargets())('the bulkOperationFinished subscription on %s', (target) => {
  let db: TestDatabase;
  let world: World;
  let app: ReturnType<typeof createTestApp>;
  const running: BulkWorker[] = [];

  beforeAll(async () => {
    db = await createTestDatabase(target);
    world = await createWorld(db.prisma);
    app = createTestApp(db);
  });
  afterAll(async () => {
    await app.app.close();
    await db.drop();
  });
  beforeEach(async () => {
    await app.gql(world.adminKey, CLOCK, { now: '2024-03-01T00:00:00Z' });
  });
  afterEach(async () => {
    for (const w of running.splice(0)) await w.stop();
  });

  async function submit(name: string, count: number, key = world.adminKey) {
    const { shop } = await sellerShop(db.prisma, name, { primaryCategoryId: world.categories.beauty });
    const ids = await createListingRows(db.prisma, shop.id, world.categories.skincare, count, { status: 'PENDING_REVIEW' });
    const res = await app.gql(key, RUN, { input: { mutation: 'LISTING_REVIEW', lines: jsonl(ids.map((id) => ({ listingId: gid('Listing', id), decision: 'APPROVE', expectedVersion: 0 }))) } });
    return { ids, op: res.data!.bulkOperationRun.bulkOperation as { id: string } };
  }

  it('pushes the operation once it is COMPLETED, then ends the stream', async () => {
    const { op, ids } = await submit('Pushed', 12);
    const stream = await app.subscribe(world.adminKey, FINISHED, { id: op.id });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const worker = testWorker(db, { chunkSize: 5 });
    running.push(worker);
    worker.start();
    const first = await stream.next();
    expect(first.event).toBe('next');
    expect(first.data?.errors).toBeUndefined();
    expect(first.data?.data?.bulkOperationFinished).toMatchObject({ id: op.id, status: 'COMPLETED', processedCount: 12, succeededCount: 12, failedCount: 0 });
    expect(first.data!.data!.bulkOperationFinished.result.trim().split('\n')).toHaveLength(ids.length);
    const rest = await stream.rest();
    expect(rest.map((m) => m.event)).toEqual(['complete']);
  });

  it('pushes an operation that finished before the subscription at once', async () => {
    const { op } = await submit('Already done', 3);
    await testWorker(db).drain();
    const messages = await (await app.subscribe(world.adminKey, FINISHED, { id: op.id })).rest();
    expect(messages.map((m) => m.event)).toEqual(['next', 'complete']);
    expect(messages[0]!.data?.data?.bulkOperationFinished).toMatchObject({ id: op.id, status: 'COMPLETED', succeededCount: 3 });
  });

  it('pushes CANCELED when the operation is canceled', async () => {
    const { op } = await submit('Canceled', 4);
    const stream = await app.subscribe(world.adminKey, FINISHED, { id: op.id });
    const canceled = await app.gql(world.adminKey, CANCEL, { input: { id: op.id } });
    expect(canceled.data?.bulkOperationCancel.__typename).toBe('BulkOperationCancelSuccess');
    const message = await stream.next();
    expect(message.data?.data?.bulkOperationFinished).toMatchObject({ id: op.id, status: 'CANCELED', processedCount: 0 });
    expect((await stream.rest()).map((m) => m.event)).toEqual(['complete']);
  });

  it("answers NOT_FOUND for another key's operation, and asks for a key without one", async () => {
    const { op } = await submit('Not yours', 2);
    const other = await createKey(db.prisma, 'ADMIN');
    const { shop } = await sellerShop(db.prisma, 'Seller of its own', { primaryCategoryId: world.categories.beauty });
    const seller = await createKey(db.prisma, 'SELLER', { shopId: shop.id });
    for (const key of [seller.key]) {
      const messages = await (await app.subscribe(key, FINISHED, { id: op.id })).rest();
      expect(messages[0]!.data?.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect(messages[0]!.data?.data ?? null).toBeNull();
    }
    // Administrators reach every operation (as with the bulkOperation query).
    const stream = await app.subscribe(other.key, FINISHED, { id: op.id });
    await testWorker(db).drain();
    expect((await stream.next()).data?.data?.bulkOperationFinished).toMatchObject({ id: op.id, status: 'COMPLETED' });
    stream.close();
    const anonymous = await app.subscribe(null, FINISHED, { id: op.id });
    const [message] = await anonymous.rest();
    expect(message!.data?.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // Nothing left subscribed once the streams ended.
    await new Promise((r) => setTimeout(r, 50));
    expect(app.app.bulkOperationFeed.size).toBe(0);
  });

  it("without id follows every operation of the caller's key that finishes, and none of another key's", async () => {
    const mine = await createKey(db.prisma, 'ADMIN');
    const theirs = await createKey(db.prisma, 'ADMIN');
    const stream = await app.subscribe(mine.key, FINISHED);
    const a = await submit('Mine 1', 2, mine.key);
    const other = await submit('Theirs', 2, theirs.key);
    const b = await submit('Mine 2', 3, mine.key);
    await testWorker(db).drain();
    const seen = [await stream.next(), await stream.next()].map((m) => m.data!.data!.bulkOperationFinished as { id: string; status: string });
    expect(seen.map((o) => o.id).sort()).toEqual([a.op.id, b.op.id].sort());
    expect(seen.every((o) => o.status === 'COMPLETED')).toBe(true);
    // The stream stays open (more may finish); the other key's operation never comes.
    await expect(stream.next(300)).rejects.toThrow('no SSE message in time');
    stream.close();
    expect(other.op.id).not.toBe(a.op.id);
  });

  it('tells an API instance about operations another instance finished', async () => {
    // A second instance: its own client, pool and listener on PostgreSQL; PGlite has one connection, so the same database.
    const second: Database = target === 'postgres' ? await createDatabase(db.target) : db;
    const secondApp = createTestApp(second);
    try {
      const { op } = await submit('Elsewhere', 5);
      const stream = await secondApp.subscribe(world.adminKey, FINISHED, { id: op.id });
      await testWorker(db).drain();
      expect((await stream.next()).data?.data?.bulkOperationFinished).toMatchObject({ id: op.id, status: 'COMPLETED', succeededCount: 5 });
    } finally {
      await secondApp.app.close();
      if (second !== db) await second.close();
    }
  });

  it.runIf(target === 'postgres')('reads again what finished while its listener was disconnected', async () => {
    const stream = await app.subscribe(world.adminKey, FINISHED);
    const { op } = await submit('While away', 2);
    // Drop the feed's LISTEN connection: it reconnects by itself after about a second.
    const killed = await db.prisma.$queryRaw<{ n: number }[]>`
      SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE query = 'LISTEN shopwarden_bulk_operations' AND datname = current_database()`;
    expect(killed[0]!.n).toBe(1);
    await testWorker(db).drain();
    const message = await stream.next(10_000);
    expect(message.data?.data?.bulkOperationFinished).toMatchObject({ id: op.id, status: 'COMPLETED' });
    stream.close();
  });
});

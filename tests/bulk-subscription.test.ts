import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BulkWorker } from '@shopwarden/api';
import { createDatabase, type Database } from '@shopwarden/db';
import { createKey, createWorld, type World } from './support/fixtures.ts';
import { createTestApp, gid } from './support/client.ts';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';
import { CLOCK, createListingRows, sellerShop } from './support/listing-fixtures.ts';
import { CANCEL, RUN, jsonl, testWorker } from './support/bulk-fixtures.ts';

const FINISHED = /* GraphQL */ `
  subscription Finished($id: ID) {
    bulkOperationFinished(id: $id) {
      id
      status
      processedCount
      succeededCount
      failedCount
      result
      finishedAt
    }
  }
`;

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
    const ids = await createListingRows(db.prisma, shop.id, world.categories.skincare, count, {
      status: 'PENDING_REVIEW',
    });
    const res = await app.gql(key, RUN, {
      input: {
        mutation: 'LISTING_REVIEW',
        lines: jsonl(ids.map((id) => ({ listingId: gid('Listing', id), decision: 'APPROVE', expectedVersion: 0 }))),
      },
    });
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
    expect(first.data?.data?.bulkOperationFinished).toMatchObject({
      id: op.id,
      status: 'COMPLETED',
      processedCount: 12,
      succeededCount: 12,
      failedCount: 0,
    });
    expect(first.data!.data!.bulkOperationFinished.result.trim().split('\n')).toHaveLength(ids.length);
    const rest = await stream.rest();
    expect(rest.map((m) => m.event)).toEqual(['complete']);
  });

  it('pushes an operation that finished before the subscription at once', async () => {
    const { op } = await submit('Already done', 3);
    await testWorker(db).drain();
    const messages = await (await app.subscribe(world.adminKey, FINISHED, { id: op.id })).rest();
    expect(messages.map((m) => m.event)).toEqual(['next', 'complete']);
    expect(messages[0]!.data?.data?.bulkOperationFinished).toMatchObject({
      id: op.id,
      status: 'COMPLETED',
      succeededCount: 3,
    });
  });

  it('pushes CANCELED when the operation is canceled', async () => {
    const { op } = await submit('Canceled', 4);
    const stream = await app.subscribe(world.adminKey, FINISHED, { id: op.id });
    const canceled = await app.gql(world.adminKey, CANCEL, { input: { id: op.id } });
    expect(canceled.data?.bulkOperationCancel.__typename).toBe('BulkOperationCancelSuccess');
    const message = await stream.next();
    expect(message.data?.data?.bulkOperationFinished).toMatchObject({
      id: op.id,
      status: 'CANCELED',
      processedCount: 0,
    });
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
    const seen = [await stream.next(), await stream.next()].map(
      (m) => m.data!.data!.bulkOperationFinished as { id: string; status: string },
    );
    expect(seen.map((o) => o.id).sort()).toEqual([a.op.id, b.op.id].sort());
    expect(seen.every((o) => o.status === 'COMPLETED')).toBe(true);
    // The stream stays open (more may finish); the other key's operation never comes.
    await expect(stream.next(300)).rejects.toThrow('no SSE message in time');
    stream.close();
    expect(other.op.id).not.toBe(a.op.id);
  });

  it('without id pushes only what finishes after it started, even while its listener first connects', async () => {
    // A fresh instance: this subscription opens its feed's listener, whose connecting re-reads.
    const fresh = createTestApp(db);
    try {
      await submit('Just before', 1);
      await testWorker(db).drain();
      const stream = await fresh.subscribe(world.adminKey, FINISHED);
      const after = await submit('Just after', 1);
      await testWorker(db).drain();
      expect((await stream.next()).data?.data?.bulkOperationFinished).toMatchObject({
        id: after.op.id,
        status: 'COMPLETED',
      });
      await expect(stream.next(300)).rejects.toThrow('no SSE message in time');
      stream.close();
    } finally {
      await fresh.app.close();
    }
  });

  it('tells an API instance about operations another instance finished', async () => {
    // A second instance: its own client, pool and listener on PostgreSQL; PGlite has one connection, so the same database.
    const second: Database = target === 'postgres' ? await createDatabase(db.target) : db;
    const secondApp = createTestApp(second);
    try {
      const { op } = await submit('Elsewhere', 5);
      const stream = await secondApp.subscribe(world.adminKey, FINISHED, { id: op.id });
      await testWorker(db).drain();
      expect((await stream.next()).data?.data?.bulkOperationFinished).toMatchObject({
        id: op.id,
        status: 'COMPLETED',
        succeededCount: 5,
      });
    } finally {
      await secondApp.app.close();
      if (second !== db) await second.close();
    }
  });

  it.runIf(target === 'postgres')(
    'reads again what finished while its listener was disconnected (PostgreSQL only; skipped on PGlite)',
    async () => {
      const stream = await app.subscribe(world.adminKey, FINISHED);
      const { op } = await submit('While away', 2);
      // Drop the feed's LISTEN connection: it reconnects by itself after about a second.
      const killed = await db.prisma.$queryRaw<{ n: number }[]>`
      SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE query = 'LISTEN shopwarden_bulk_operations' AND datname = current_database()`;
      // (A listener of an instance closed just before may still be listed: at least this one.)
      expect(killed[0]!.n).toBeGreaterThanOrEqual(1);
      await testWorker(db).drain();
      const message = await stream.next(10_000);
      expect(message.data?.data?.bulkOperationFinished).toMatchObject({ id: op.id, status: 'COMPLETED' });
      stream.close();
    },
  );

  it('is priced and charged like a query when it starts: over the limits it is refused, and the bucket pays for it', async () => {
    const { op } = await submit('Priced', 1);
    // The selection costs 1 (one object).
    const tight = createTestApp(db, { MAX_COST: '0' });
    const refused = await (await tight.subscribe(world.adminKey, FINISHED, { id: op.id })).rest();
    expect(refused[0]!.data?.errors?.[0]?.extensions?.code).toBe('LIMIT_EXCEEDED');
    await tight.app.close();
    // A bucket of 1 that does not refill: the first subscription passes, the second is throttled.
    const small = createTestApp(db, { RATE_LIMIT_CAPACITY: '1', RATE_LIMIT_RESTORE_RATE: '0' });
    try {
      const first = await small.subscribe(world.adminKey, FINISHED, { id: op.id });
      const second = await (await small.subscribe(world.adminKey, FINISHED, { id: op.id })).rest();
      expect(second[0]!.data?.errors?.[0]?.extensions?.code).toBe('THROTTLED');
      first.close();
    } finally {
      await small.app.close();
    }
  });

  it('caps the subscriptions a key has open at once (MAX_SUBSCRIPTIONS_PER_KEY), per key', async () => {
    const capped = createTestApp(db, { MAX_SUBSCRIPTIONS_PER_KEY: '1' });
    try {
      const other = await createKey(db.prisma, 'ADMIN');
      const open = await capped.subscribe(world.adminKey, FINISHED);
      const [refused] = await (await capped.subscribe(world.adminKey, FINISHED)).rest();
      expect(refused!.data?.errors?.[0]?.extensions?.code).toBe('LIMIT_EXCEEDED');
      // Another key has its own allowance.
      const theirs = await capped.subscribe(other.key, FINISHED);
      expect(capped.app.bulkOperationFeed.size).toBe(2);
      open.close();
      theirs.close();
    } finally {
      await capped.app.close();
    }
  });

  it('unsubscribes when the client goes away (over HTTP)', async () => {
    const server = createServer(app.yoga);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      // (Streams read in-process by earlier tests may still be counted: compare with before.)
      const before = app.app.bulkOperationFeed.size;
      const abort = new AbortController();
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream',
          authorization: `Bearer ${world.adminKey}`,
        },
        body: JSON.stringify({ query: FINISHED }),
        signal: abort.signal,
      });
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      expect(app.app.bulkOperationFeed.size).toBe(before + 1);
      abort.abort();
      for (let i = 0; i < 250 && app.app.bulkOperationFeed.size > before; i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(app.app.bulkOperationFeed.size).toBe(before);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

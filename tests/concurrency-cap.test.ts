/**
 * The per-key concurrency cap (MAX_CONCURRENT_PER_KEY, 20): with more requests of one key in flight
 * than that, exactly 20 execute and the rest get 429 THROTTLED with Retry-After, in one instance and
 * across instances sharing Redis; slots come back on every path, and a dead instance's slots expire.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MemoryConcurrencyLimiter,
  RedisConcurrencyLimiter,
  SharedConcurrencyLimiter,
  SharedRedis,
  redisOptions,
} from '@shopwarden/api';
import { createKey, createShop, createWorld, type World } from './support/fixtures.ts';
import { createTestApp, type GraphQLResponse } from './support/client.ts';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';
import { holdShops } from './support/hold-database.ts';

const READ = '{ shops(first: 1) { edges { node { name } } } }';
// The key lookup is cached so that, while the shops are held, requests reach execution at once.
const ENV = { RESPONSE_CACHE: 'false', API_KEY_CACHE_TTL_MS: '600000', MAX_CONCURRENT_PER_KEY: '20' };

type App = ReturnType<typeof createTestApp>;

/** Sends `count` requests per app at once while the shops are held; the answers once all are in. */
async function burst(db: TestDatabase, apps: App[], key: string, count: number): Promise<GraphQLResponse[]> {
  const release = await holdShops(db);
  let answered = 0;
  const all = apps.flatMap((app) =>
    Array.from({ length: count }, () =>
      app.gql(key, READ).then((res) => {
        answered++;
        return res;
      }),
    ),
  );
  // The refused answer at once; the others wait for the shops. Give the refusals time to come back.
  const refusals = apps.length * count - 20;
  const deadline = Date.now() + 5_000;
  while (answered < refusals && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await release();
  return Promise.all(all);
}

function expectExactlyCap(responses: GraphQLResponse[], total: number) {
  const statuses = responses.map((r) => r.status);
  expect(statuses.filter((s) => s === 200)).toHaveLength(20);
  expect(statuses.filter((s) => s === 429)).toHaveLength(total - 20);
  for (const refused of responses.filter((r) => r.status === 429)) {
    expect(refused.errors![0]!.extensions!.code).toBe('THROTTLED');
    expect(refused.errors![0]!.message).toMatch(/At most 20 requests per API key/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.data).toBeUndefined();
  }
  for (const served of responses.filter((r) => r.status === 200)) expect(served.data!.shops.edges).toHaveLength(1);
}

describe.each(testTargets())('the per-key concurrency cap (%s)', (target) => {
  let db: TestDatabase;
  let world: World;

  beforeAll(async () => {
    db = await createTestDatabase(target);
    world = await createWorld(db.prisma);
    await createShop(db.prisma, 'Only Shop');
  });
  afterAll(async () => db.drop());

  it('lets exactly 20 of 80 concurrent requests of one key execute; the other 60 get 429 THROTTLED', async () => {
    const app = createTestApp(db, ENV);
    expect((await app.gql(world.adminKey, READ)).status).toBe(200);
    expectExactlyCap(await burst(db, [app], world.adminKey, 80), 80);
    // Every slot came back: the next burst is capped the same way, and another key has its own 20.
    expectExactlyCap(await burst(db, [app], world.adminKey, 30), 30);
    const other = await createKey(db.prisma, 'ADMIN');
    expect((await app.gql(other.key, READ)).status).toBe(200);
  });

  it('gives slots back when the execution fails, is refused later on, or the client goes away', async () => {
    const slots = new MemoryConcurrencyLimiter(20);
    const app = createTestApp(db, ENV, undefined, { slots });
    const key = (await createKey(db.prisma, 'ADMIN')).key;
    expect((await app.gql(key, READ)).status).toBe(200);
    const keyId = (await db.prisma.apiKey.findFirstOrThrow({ orderBy: { id: 'desc' } })).id;
    // An execution error, and a refusal by a plugin after the slot was taken.
    await app.gql(key, '{ node(id: "bm90IGFuIGlk") { id } }');
    const refused = await app.gql(key, 'mutation { __typename }', undefined, { 'idempotency-key': 'k'.repeat(300) });
    expect(refused.errors![0]!.extensions!.code).toBe('VALIDATION_FAILED');
    // Clients that hang up while their requests wait for the database.
    const release = await holdShops(db);
    const aborts = Array.from({ length: 10 }, () => new AbortController());
    const gone = aborts.map(async (abort) => {
      try {
        const res = await app.yoga.fetch('http://localhost/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify({ query: READ }),
          signal: abort.signal,
        });
        return await res.text();
      } catch {
        return 'aborted';
      }
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(slots.inUse(`key:${keyId}`)).toBe(10);
    for (const abort of aborts) abort.abort();
    await Promise.all(gone);
    await release();
    const deadline = Date.now() + 5_000;
    while (slots.inUse(`key:${keyId}`) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(slots.inUse(`key:${keyId}`)).toBe(0);
    expectExactlyCap(await burst(db, [app], key, 40), 40);
  });

  it.skipIf(!process.env.REDIS_URL)(
    'holds across two instances sharing Redis: 20 of 80 execute in all (skipped without REDIS_URL)',
    async () => {
      // Two instances of one deployment: the same namespace, each its own connection.
      const prefix = `sw:test:${Date.now().toString(36)}:`;
      const redises = [0, 1].map(
        () => new SharedRedis(process.env.REDIS_URL!, { prefix, commandTimeoutMs: 1_000, retryMs: 1_000 }),
      );
      const limiters = redises.map((shared) => new SharedConcurrencyLimiter(shared, 20, 10_000));
      try {
        await untilSharing(redises);
        const apps = limiters.map((slots) => createTestApp(db, ENV, undefined, { slots }));
        for (const app of apps) expect((await app.gql(world.adminKey, READ)).status).toBe(200);
        expectExactlyCap(await burst(db, apps, world.adminKey, 40), 80);
        expectExactlyCap(await burst(db, apps, world.adminKey, 20), 40);
      } finally {
        await Promise.all(limiters.map((l) => l.close()));
        await Promise.all(redises.map((r) => r.close()));
      }
    },
  );
});

/** Waits until every instance's connection to Redis is ready (until then each limits on its own). */
async function untilSharing(redises: SharedRedis[]) {
  const deadline = Date.now() + 5_000;
  while (!redises.every((r) => r.sharing) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(redises.every((r) => r.sharing)).toBe(true);
}

describe.skipIf(!process.env.REDIS_URL)('slots in Redis (skipped without REDIS_URL)', () => {
  it("expire when the instance that holds them dies, and an instance's own release frees them at once", async () => {
    const prefix = `sw:test:${Date.now().toString(36)}:lease:`;
    const connections = [0, 1].map(() => new Redis(process.env.REDIS_URL!, redisOptions));
    const [dying, alive] = connections.map((redis) => new RedisConcurrencyLimiter(redis, 3, { prefix, leaseMs: 600 }));
    try {
      const held = await Promise.all([1, 2, 3].map(() => dying!.acquire('key:1')));
      expect(held.every(Boolean)).toBe(true);
      expect(await alive!.acquire('key:1')).toBeNull();
      // Renewed while the holder lives: still taken well past one lease.
      await new Promise((r) => setTimeout(r, 1_000));
      expect(await alive!.acquire('key:1')).toBeNull();
      // The holder dies without releasing (its renewals stop with it).
      await dying!.close();
      connections[0]!.disconnect();
      await new Promise((r) => setTimeout(r, 900));
      const mine = await alive!.acquire('key:1');
      expect(mine).not.toBeNull();
      const more = await Promise.all([alive!.acquire('key:1'), alive!.acquire('key:1')]);
      expect(more.every(Boolean)).toBe(true);
      expect(await alive!.acquire('key:1')).toBeNull();
      mine!.release();
      await new Promise((r) => setTimeout(r, 50));
      expect(await alive!.acquire('key:1')).not.toBeNull();
    } finally {
      await alive!.close();
      await connections[1]!.quit();
    }
  });
});

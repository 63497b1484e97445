import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisRateLimiter, redisOptions } from '@shopwarden/api';
import { createKey, createShop, createWorld, type World } from './support/fixtures.ts';
import { createTestApp } from './support/client.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

const LIST = `{ shops(first: 30) { edges { node { primaryCategory { name } } } } }`; // 1 + 30 × 3 = 91

describe('cost, throttling and shared limits', () => {
  let db: TestDatabase;
  let world: World;

  beforeAll(async () => {
    db = await createTestDatabase('pglite');
    world = await createWorld(db.prisma);
    await createShop(db.prisma, 'Only Shop');
  });
  afterAll(async () => db.drop());

  it('reports the cost and the bucket in every response, and answers 429 THROTTLED with Retry-After when it is spent', async () => {
    const { gql } = createTestApp(db, { RATE_LIMIT_CAPACITY: '200', RATE_LIMIT_RESTORE_RATE: '10' });
    const first = await gql(world.adminKey, LIST);
    expect(first.extensions!.cost).toEqual({
      requestedQueryCost: 91,
      actualQueryCost: 91,
      maximumCost: 1000,
      throttleStatus: { maximumAvailable: 200, currentlyAvailable: 109, restoreRate: 10 },
    });
    await gql(world.adminKey, LIST);
    const third = await gql(world.adminKey, LIST);
    expect(third.status).toBe(429);
    expect(third.errors![0]!.extensions!.code).toBe('THROTTLED');
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(7);
    // Another key has its own bucket.
    const other = await createKey(db.prisma, 'ADMIN');
    expect((await gql(other.key, LIST)).status).toBe(200);
  });

  it('refuses an operation over the cost limit before running it', async () => {
    const { gql } = createTestApp(db);
    const res = await gql(
      world.adminKey,
      `{ shops(first: 100) { edges { node { categorySelections(first: 100) { edges { node { category { name } } } } } } } }`,
    );
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', maxCost: 1000 });
    expect(res.data).toBeUndefined();
  });

  it.skipIf(!process.env.REDIS_URL)(
    'shares one bucket between two instances through Redis (skipped without REDIS_URL)',
    async () => {
      const prefix = `shopwarden:test:${Date.now()}:`;
      const limiterA = new RedisRateLimiter(new Redis(process.env.REDIS_URL!, redisOptions), 200, 1, prefix);
      const limiterB = new RedisRateLimiter(new Redis(process.env.REDIS_URL!, redisOptions), 200, 1, prefix);
      try {
        const a = createTestApp(db, {}, limiterA);
        const b = createTestApp(db, {}, limiterB);
        expect((await a.gql(world.adminKey, LIST)).status).toBe(200);
        expect((await b.gql(world.adminKey, LIST)).status).toBe(200);
        const third = await a.gql(world.adminKey, LIST);
        expect(third.status).toBe(429);
        expect((await b.gql(world.adminKey, LIST)).status).toBe(429);
      } finally {
        await limiterA.close();
        await limiterB.close();
      }
    },
  );
});

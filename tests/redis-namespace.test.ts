/**
 * Two deployments on one Redis: each keeps its keys under its own namespace (REDIS_PREFIX, by
 * default derived from its database), so neither is answered from the other's cache or buckets.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedisStores, loadConfig, type RedisStores } from '@shopwarden/api';
import { createShop, createWorld } from './support/fixtures.ts';
import { createTestApp } from './support/client.ts';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';

const READ = '{ shops(first: 5) { edges { node { name } } } }'; // costs 1 + 5 × 2 = 11
const ENV = { RATE_LIMIT_CAPACITY: '60', RATE_LIMIT_RESTORE_RATE: '1' };

interface Deployment {
  db: TestDatabase;
  stores: RedisStores;
  app: ReturnType<typeof createTestApp>;
  adminKey: string;
}

describe.skipIf(!process.env.REDIS_URL).each(testTargets())(
  'two deployments on one Redis (%s; skipped without REDIS_URL)',
  (target) => {
    const deployments: Deployment[] = [];

    beforeAll(async () => {
      for (const shop of ['Alpha Shop', 'Beta Shop']) {
        const db = await createTestDatabase(target);
        const { adminKey } = await createWorld(db.prisma);
        await createShop(db.prisma, shop);
        // Wired as server.ts wires it: no REDIS_PREFIX, so the namespace comes from the database.
        const config = loadConfig({ NODE_ENV: 'test', ...ENV });
        const stores = connectRedisStores(config, process.env.REDIS_URL!, db.target);
        const app = createTestApp(db, ENV, stores.rateLimiter, { slots: stores.slots, cacheStore: stores.cacheStore });
        deployments.push({ db, stores, app, adminKey });
      }
      const deadline = Date.now() + 5_000;
      while (deployments.some((d) => !d.stores.shared.sharing) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      await Promise.all(deployments.map((d) => d.app.ready));
    });
    afterAll(async () => {
      for (const { stores, app, db } of deployments) {
        await app.app.close();
        await stores.close();
        await db.drop();
      }
    });

    it('keeps every key under its own namespace', () => {
      const [a, b] = deployments.map((d) => d.stores.shared.key(''));
      expect(a).toMatch(/^sw:[0-9a-f]{12}:$/);
      expect(b).not.toBe(a);
    });

    it("answers each deployment from its own database, never from the other's cached response", async () => {
      const [alpha, beta] = deployments as [Deployment, Deployment];
      // The same key id, role and query in both: only the namespace tells the entries apart.
      for (let round = 0; round < 2; round++) {
        const a = await alpha.app.gql(alpha.adminKey, READ);
        const b = await beta.app.gql(beta.adminKey, READ);
        expect(a.data!.shops.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(['Alpha Shop']);
        expect(b.data!.shops.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(['Beta Shop']);
      }
      const redis = new Redis(process.env.REDIS_URL!);
      try {
        for (const { stores } of deployments) {
          expect(await redis.keys(`${stores.shared.key('rc:e:')}*`)).toHaveLength(1);
          expect(await redis.keys(`${stores.shared.key('bucket:')}*`)).not.toHaveLength(0);
        }
      } finally {
        redis.disconnect();
      }
    });

    it("spends each deployment's own buckets", async () => {
      const [alpha, beta] = deployments as [Deployment, Deployment];
      // Alpha's bucket runs dry (60 points, 11 a read, 1 back a second) …
      let status = 200;
      for (let i = 0; i < 10 && status === 200; i++) status = (await alpha.app.gql(alpha.adminKey, READ)).status;
      expect(status).toBe(429);
      // … while Beta's key with the same id still has its own.
      expect((await beta.app.gql(beta.adminKey, READ)).status).toBe(200);
    });

    it('uses REDIS_PREFIX when it is set', () => {
      const config = loadConfig({ NODE_ENV: 'test', REDIS_PREFIX: 'shop-eu:' });
      const stores = connectRedisStores(config, process.env.REDIS_URL!, deployments[0]!.db.target);
      expect(stores.shared.key('bucket:key:1')).toBe('shop-eu:bucket:key:1');
      return stores.close();
    });
  },
);

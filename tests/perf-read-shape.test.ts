import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, createShop, createWorld } from './support/fixtures.ts';
import { createListing, createPolicy } from './support/health-fixtures.ts';
import { countQueries, createTestApp, gid } from './support/client.ts';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';

/** The partner read of issue 8 (bench/scenarios/partner-read.ts), at test size. */
const PARTNER_READ = `query($shops: Int!) {
  shops(first: $shops) { edges { node {
    id name status healthStatus
    listings(first: 3) { edges { node { id title status price { minorUnits currencyCode } } } }
    violations(first: 2) { edges { node { id source points occurredAt } } }
  } } }
}`;

describe.each(testTargets())('the partner read on %s', (target) => {
  let db: TestDatabase;
  let partner: string;
  const shopIds: number[] = [];

  beforeAll(async () => {
    db = await createTestDatabase(target);
    const world = await createWorld(db.prisma);
    const policy = await createPolicy(db.prisma);
    const account = await db.prisma.account.create({ data: { name: 'Matcher', kind: 'PARTNER' } });
    for (let s = 0; s < 4; s++) {
      const shop = await createShop(db.prisma, `Partner shop ${s}`);
      shopIds.push(shop.id);
      await db.prisma.shopAccessGrant.create({
        data: { shopId: shop.id, accountId: account.id, scopes: ['shops:read', 'listings:read', 'health:read'] },
      });
      for (let l = 0; l < 4; l++) await createListing(db.prisma, shop.id, world.categories.skincare, `Item ${s}-${l}`);
      await db.prisma.violation.createMany({
        data: [0, 1, 2].map((v) => ({
          shopId: shop.id,
          policyId: policy.id,
          source: 'OTHER' as const,
          occurredAt: new Date(Date.UTC(2024, 0, 1 + v)),
          points: 1 + v,
        })),
      });
    }
    await createShop(db.prisma, 'Not granted');
    partner = (
      await createKey(db.prisma, 'PARTNER', {
        accountId: account.id,
        scopes: ['shops:read', 'listings:read', 'health:read'],
      })
    ).key;
  });
  afterAll(async () => db.drop());

  it('answers with the default configuration in a number of statements fixed by the query shape', async () => {
    const { gql } = createTestApp(db);
    const counts: number[] = [];
    for (const shops of [1, 4]) {
      const { result, queries } = await countQueries(db, () => gql(partner, PARTNER_READ, { shops }));
      expect(result.errors).toBeUndefined();
      const edges = result.data!.shops.edges as {
        node: {
          id: string;
          listings: { edges: { node: { price: { minorUnits: string } } }[] };
          violations: { edges: { node: { points: number; occurredAt: string } }[] };
        };
      }[];
      expect(edges.map((e) => e.node.id)).toEqual(shopIds.slice(0, shops).map((id) => gid('Shop', id)));
      for (const e of edges) {
        expect(e.node.listings.edges.map((l) => l.node.price.minorUnits)).toEqual(['1999', '1999', '1999']);
        expect(e.node.violations.edges.map((v) => [v.node.points, v.node.occurredAt])).toEqual([
          [3, '2024-01-03T00:00:00.000Z'],
          [2, '2024-01-02T00:00:00.000Z'],
        ]);
      }
      counts.push(queries.length);
    }
    // The key lookup and one statement for shops × listings × violations, whatever the page size.
    expect(counts).toEqual([2, 2]);
  });

  it('with the API-key cache on, a read is one statement; with the response cache too, a repeated read is none', async () => {
    const { gql } = createTestApp(db, { API_KEY_CACHE_TTL_MS: '60000', RESPONSE_CACHE: 'false' });
    await gql(partner, PARTNER_READ, { shops: 4 });
    const { result, queries } = await countQueries(db, () => gql(partner, PARTNER_READ, { shops: 4 }));
    expect(result.data!.shops.edges).toHaveLength(4);
    expect(queries).toHaveLength(1);

    const cached = createTestApp(db, { API_KEY_CACHE_TTL_MS: '60000' });
    await cached.ready;
    await cached.gql(partner, PARTNER_READ, { shops: 3 });
    const again = await countQueries(db, () => cached.gql(partner, PARTNER_READ, { shops: 3 }));
    expect(again.result.data!.shops.edges).toHaveLength(3);
    expect(again.queries).toHaveLength(0);
  });
});

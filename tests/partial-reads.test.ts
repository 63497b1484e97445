/**
 * Partial reads (docs/performance.md#partial-reads) whose deferred fields select only columns the
 * compiled JSON carries: the row is handed to the Prisma plugin as loaded, so such a read costs the
 * compiled statement and the field's own reads, whatever the rows, and answers as the resolvers do.
 */
import { MemoryRateLimiter } from '@shopwarden/api';
import { createDatabase, type Database } from '@shopwarden/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparableErrors, createTestApp, gid } from './support/client.ts';
import { testTargets } from './support/database.ts';
import { createKey, createShop } from './support/fixtures.ts';
import { createListingRows } from './support/listing-fixtures.ts';
import { useSuite, type TestApp } from './support/suite.ts';

const SHOP_READ = (first: number, fields = 'id name effectiveRestriction') => /* GraphQL */ `
  query ($id: ID!) {
    shop(id: $id) {
      id
      name
      listings(first: ${first}) { edges { node { id title category { ${fields} } } } }
    }
  }
`;

describe.each(testTargets())('partial reads on %s', (target) => {
  const { db, world } = useSuite(target);
  let compiled: TestApp;
  let resolvers: TestApp;
  const callers: { name: string; key: string }[] = [];
  const shops: number[] = [];
  const seen: string[] = [];

  beforeAll(async () => {
    const c = world.categories;
    await db.prisma.category.update({ where: { id: c.fashion }, data: { restriction: 'RESTRICTED' } });
    // 100 listings over four categories, a restricted parent's child among them; a second shop with 20.
    const big = await createShop(db.prisma, 'Big "shop"', { primaryCategoryId: c.beauty });
    const small = await createShop(db.prisma, 'Small shop', { primaryCategoryId: null });
    for (const [category, count] of [
      [c.skincare, 40],
      [c.dresses, 30],
      [c.knives, 20],
      [c.home, 10],
    ] as const)
      await createListingRows(db.prisma, big.id, category, count, { status: 'ACTIVE', submittedAt: new Date() });
    await createListingRows(db.prisma, small.id, c.supplements, 20);
    shops.push(big.id, small.id);
    const agency = await db.prisma.account.create({ data: { name: 'Agency', kind: 'AGENCY' } });
    const partner = await db.prisma.account.create({ data: { name: 'Partner', kind: 'PARTNER' } });
    await db.prisma.shopAccessGrant.create({
      data: { shopId: big.id, accountId: agency.id, scopes: ['shops:read', 'listings:read'] },
    });
    await db.prisma.shopAccessGrant.create({
      data: { shopId: small.id, accountId: partner.id, scopes: ['shops:read', 'listings:read'] },
    });
    callers.push(
      { name: 'admin', key: world.adminKey },
      { name: 'seller', key: (await createKey(db.prisma, 'SELLER', { shopId: big.id })).key },
      { name: 'agency', key: (await createKey(db.prisma, 'AGENCY', { accountId: agency.id })).key },
      { name: 'partner', key: (await createKey(db.prisma, 'PARTNER', { accountId: partner.id })).key },
      {
        name: 'partner without listings:read',
        key: (await createKey(db.prisma, 'PARTNER', { accountId: partner.id, scopes: ['shops:read'] })).key,
      },
    );
    // Buckets large enough that throttling never differs between the two apps.
    const unlimited = () => new MemoryRateLimiter(1e12, 1e12);
    compiled = createTestApp(db, { COMPILED_READS: 'true', RESPONSE_CACHE: 'false' }, unlimited());
    resolvers = createTestApp(db, { COMPILED_READS: 'false', RESPONSE_CACHE: 'false' }, unlimited());
    await Promise.all([compiled.ready, resolvers.ready]);
    db.onQuery((q) => seen.push(q.query));
  });
  afterAll(async () => {
    await Promise.all([compiled.app.close(), resolvers.app.close()]);
  });

  /** Prisma reports a statement a moment after its result: wait until the reports stop arriving. */
  async function settle() {
    for (;;) {
      const n = seen.length;
      await new Promise((resolve) => setTimeout(resolve, 15));
      if (n === seen.length) return;
    }
  }

  const partialReads = async () =>
    (await compiled.app.metrics.reads.get()).values.find((v) => v.labels.path === 'partial')?.value ?? 0;

  /** One request: its answer in comparable form, the statements it sent, and whether it was read partially. */
  async function run(app: TestApp, key: string, query: string, variables?: Record<string, unknown>) {
    await settle();
    const from = seen.length;
    const partialBefore = await partialReads();
    const res = await app.gql(key, query, variables);
    await settle();
    return {
      answer: { status: res.status, data: res.data, errors: comparableErrors(res.data, res.errors) },
      statements: seen.slice(from),
      partial: (await partialReads()) > partialBefore,
    };
  }

  async function same(key: string, query: string, variables?: Record<string, unknown>) {
    const a = await run(compiled, key, query, variables);
    const b = await run(resolvers, key, query, variables);
    expect(a.answer, `${query} ${JSON.stringify(variables)}`).toEqual(b.answer);
    // In document order, as graphql-js answers.
    expect(JSON.stringify(a.answer.data)).toBe(JSON.stringify(b.answer.data));
    return a;
  }

  it('reads effectiveRestriction from the row and the cached tree: the compiled statement alone, for 1, 20 and 100 rows', async () => {
    const admin = world.adminKey;
    const id = gid('Shop', shops[0]!);
    // The first read of the process loads the category tree.
    await same(admin, SHOP_READ(1), { id });
    for (const n of [1, 20, 100]) {
      const { partial, statements, answer } = await same(admin, SHOP_READ(n), { id });
      expect(partial, `${n} rows`).toBe(true);
      expect((answer.data as any).shop.listings.edges).toHaveLength(n);
      // The key lookup and the compiled statement.
      expect(statements, `${n} rows:\n${statements.join('\n')}`).toHaveLength(2);
    }
  });

  it('answers as the resolvers for every caller kind, errors and nulls included', async () => {
    for (const caller of callers)
      for (const shop of shops)
        for (const query of [SHOP_READ(10), SHOP_READ(100, 'effectiveRestriction id'), SHOP_READ(5, 'id isTopLevel')])
          await same(caller.key, query, { id: gid('Shop', shop) });
  });

  it('hands over the columns the field selects beyond the id (categoryEligibility): no reload of the shop', async () => {
    const query = /* GraphQL */ `
      query ($id: ID!) {
        shop(id: $id) {
          id
          name
          categoryEligibility {
            status
            reasonCode
          }
        }
      }
    `;
    for (const shop of shops) {
      const { partial, statements } = await same(world.adminKey, query, { id: gid('Shop', shop) });
      expect(partial).toBe(true);
      // Only the compiled statement reads the shop's row.
      expect(statements.filter((q) => /FROM "(public"\.")?Shop"/.test(q))).toHaveLength(1);
    }
  });

  describe('after a category change made elsewhere', () => {
    let other: Database;
    beforeAll(async () => {
      // Another process: its own connections (on PGlite, the one in-memory database).
      other = target === 'postgres' ? await createDatabase(db.target) : db;
    });
    afterAll(async () => {
      if (other !== db) await other.close();
    });

    it('the next read answers the change (the cached tree is forgotten)', async () => {
      const id = gid('Shop', shops[0]!);
      const restrictions = async () => {
        const { answer } = await run(compiled, world.adminKey, SHOP_READ(100), { id });
        return new Set(
          (answer.data as any).shop.listings.edges
            .filter((e: any) => e.node.category.name === 'Knives')
            .map((e: any) => e.node.category.effectiveRestriction),
        );
      };
      expect(await restrictions()).toEqual(new Set(['RESTRICTED']));
      await other.prisma.category.update({ where: { id: world.categories.home }, data: { restriction: 'PROHIBITED' } });
      try {
        await expect.poll(restrictions, { timeout: 5_000 }).toEqual(new Set(['PROHIBITED']));
        await same(world.adminKey, SHOP_READ(100), { id });
      } finally {
        await other.prisma.category.update({ where: { id: world.categories.home }, data: { restriction: 'NONE' } });
      }
      await expect.poll(restrictions, { timeout: 5_000 }).toEqual(new Set(['RESTRICTED']));
    });
  });
});

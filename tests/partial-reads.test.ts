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
import { createCategory, createKey, createShop } from './support/fixtures.ts';
import { createListingRows } from './support/listing-fixtures.ts';
import { useSuite, type TestApp } from './support/suite.ts';

/** `reviewerRole` (no SQL form, `fromRowOnly`) selects only `automatic`, which the compiled text carries: answered in place. */
const SHOP_READ = (
  first: number,
  fields = 'id name effectiveRestriction',
  review = 'decision reviewerRole',
) => /* GraphQL */ `
  query ($id: ID!) {
    shop(id: $id) {
      id
      name
      listings(first: ${first}) { edges { node { id title category { ${fields} } latestReview { ${review} } } } }
    }
  }
`;

/** Compiled whole: `effectiveRestriction` has a SQL form. */
const TREE_READ = (first: number) => /* GraphQL */ `
  query ($id: ID!) {
    shop(id: $id) {
      id
      listings(first: ${first}) {
        edges { node { id category { id name restriction effectiveRestriction parent { effectiveRestriction } } } }
      }
    }
  }
`;

describe.each(testTargets())('partial reads on %s', (target) => {
  const { db, world } = useSuite(target);
  let compiled: TestApp;
  let resolvers: TestApp;
  let cached: TestApp;
  const callers: { name: string; key: string }[] = [];
  const shops: number[] = [];
  /** The 3-level tree's shop, its seller's and partner's keys, and each category's expected effectiveRestriction. */
  const tree = { shop: 0, seller: '', partner: '', expected: new Map<string, string>() };
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
    // Every listing's latest review, automatic or not (reviewerRole SYSTEM or ADMIN).
    const listings = await db.prisma.listing.findMany({ select: { id: true }, orderBy: { id: 'asc' } });
    await db.prisma.listingReview.createMany({
      data: listings.map((l, i) => ({
        listingId: l.id,
        decision: 'APPROVED' as const,
        automatic: i % 3 === 0,
        fromStatus: 'PENDING_REVIEW' as const,
        toStatus: 'ACTIVE' as const,
        listingVersion: 1,
      })),
    });
    // A 3-level tree with a restriction at each level: a NONE child under a RESTRICTED root, a PROHIBITED middle.
    const outdoor = await createCategory(db.prisma, 'Outdoor', null, 'RESTRICTED');
    const camping = await createCategory(db.prisma, 'Camping', outdoor.id);
    const stoves = await createCategory(db.prisma, 'Stoves', camping.id);
    const flares = await createCategory(db.prisma, 'Flares', camping.id, 'PROHIBITED');
    const garden = await createCategory(db.prisma, 'Garden');
    const tools = await createCategory(db.prisma, 'Tools', garden.id, 'PROHIBITED');
    const axes = await createCategory(db.prisma, 'Axes', tools.id, 'RESTRICTED');
    const seeds = await createCategory(db.prisma, 'Seeds', garden.id);
    const bulbs = await createCategory(db.prisma, 'Bulbs', seeds.id, 'RESTRICTED');
    const pots = await createCategory(db.prisma, 'Pots', seeds.id);
    for (const [category, restriction] of [
      [outdoor, 'RESTRICTED'],
      [camping, 'RESTRICTED'],
      [stoves, 'RESTRICTED'],
      [flares, 'PROHIBITED'],
      [garden, 'NONE'],
      [tools, 'PROHIBITED'],
      [axes, 'PROHIBITED'],
      [seeds, 'NONE'],
      [bulbs, 'RESTRICTED'],
      [pots, 'NONE'],
    ] as const)
      tree.expected.set(category.name, restriction);
    const treeShop = await createShop(db.prisma, 'Tree shop', { primaryCategoryId: garden.id });
    for (const category of [outdoor, camping, stoves, flares, garden, tools, axes, seeds, bulbs, pots])
      await createListingRows(db.prisma, treeShop.id, category.id, 2);
    tree.shop = treeShop.id;
    const agency = await db.prisma.account.create({ data: { name: 'Agency', kind: 'AGENCY' } });
    const partner = await db.prisma.account.create({ data: { name: 'Partner', kind: 'PARTNER' } });
    await db.prisma.shopAccessGrant.create({
      data: { shopId: big.id, accountId: agency.id, scopes: ['shops:read', 'listings:read'] },
    });
    await db.prisma.shopAccessGrant.create({
      data: { shopId: small.id, accountId: partner.id, scopes: ['shops:read', 'listings:read'] },
    });
    await db.prisma.shopAccessGrant.create({
      data: { shopId: treeShop.id, accountId: partner.id, scopes: ['shops:read', 'listings:read'] },
    });
    tree.seller = (await createKey(db.prisma, 'SELLER', { shopId: treeShop.id })).key;
    tree.partner = (await createKey(db.prisma, 'PARTNER', { accountId: partner.id })).key;
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
    cached = createTestApp(db, { COMPILED_READS: 'true', RESPONSE_CACHE: 'true' }, unlimited());
    await Promise.all([compiled.ready, resolvers.ready, cached.ready]);
    db.onQuery((q) => seen.push(q.query));
  });
  afterAll(async () => {
    await Promise.all([compiled.app.close(), resolvers.app.close(), cached.app.close()]);
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

  it('answers reviewerRole in place from its row: the compiled statement alone, for 1, 20 and 100 rows', async () => {
    const admin = world.adminKey;
    const id = gid('Shop', shops[0]!);
    await same(admin, SHOP_READ(1), { id });
    for (const n of [1, 20, 100]) {
      const { partial, statements, answer } = await same(admin, SHOP_READ(n), { id });
      // Row-only, a leaf, no arguments: not deferred to graphql-js, its resolver runs on the row the text carries.
      expect(partial, `${n} rows`).toBe(false);
      const edges = (answer.data as any).shop.listings.edges;
      expect(edges).toHaveLength(n);
      expect(new Set(edges.map((e: any) => e.node.latestReview.reviewerRole))).toEqual(
        new Set(n === 1 ? ['SYSTEM'] : ['SYSTEM', 'ADMIN']),
      );
      // The key lookup and the compiled statement.
      expect(statements, `${n} rows:\n${statements.join('\n')}`).toHaveLength(2);
    }
  });

  it('compiles effectiveRestriction: no longer partial, the compiled statement alone for 1, 20 and 100 rows', async () => {
    const id = gid('Shop', shops[0]!);
    for (const n of [1, 20, 100])
      for (const query of [SHOP_READ(n, 'id name effectiveRestriction', 'decision'), TREE_READ(n)]) {
        const { partial, statements, answer } = await same(world.adminKey, query, { id });
        expect(partial, `${n} rows`).toBe(false);
        expect((answer.data as any).shop.listings.edges).toHaveLength(n);
        // The key lookup and the compiled statement.
        expect(statements, `${n} rows:\n${statements.join('\n')}`).toHaveLength(2);
      }
  });

  it('answers effectiveRestriction as the resolvers over a 3-level tree, for admin, seller and partner', async () => {
    const id = gid('Shop', tree.shop);
    for (const key of [world.adminKey, tree.seller, tree.partner]) {
      const { partial, answer } = await same(key, TREE_READ(100), { id });
      expect(partial).toBe(false);
      const edges = (answer.data as any).shop.listings.edges;
      expect(edges).toHaveLength(20);
      for (const { node } of edges) {
        expect(node.category.effectiveRestriction, node.category.name).toBe(tree.expected.get(node.category.name));
      }
    }
  });

  it('answers as the resolvers for every caller kind, errors and nulls included', async () => {
    for (const caller of callers)
      for (const shop of [...shops, tree.shop])
        for (const query of [
          SHOP_READ(10),
          SHOP_READ(100, 'effectiveRestriction id', 'reviewerRole id'),
          SHOP_READ(5, 'id isTopLevel', 'reviewerRole'),
          TREE_READ(100),
        ])
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

  it("takes categoryEligibility's grants and settings from the statement: no statement of their own, answers as the resolvers", async () => {
    const c = world.categories;
    // The big shop (primary: beauty) holds an exception into dresses and an approval for knives; the small one neither.
    const request = await db.prisma.categoryExceptionRequest.create({
      data: { shopId: shops[0]!, comment: 'Seasonal dresses', requestedCategoryIds: [c.dresses] },
    });
    await db.prisma.categoryExceptionGrant.create({
      data: { shopId: shops[0]!, categoryId: c.dresses, requestId: request.id },
    });
    await db.prisma.restrictedCategoryApproval.create({
      data: { shopId: shops[0]!, categoryId: c.knives, status: 'GRANTED' },
    });
    await db.prisma.restrictedCategoryApproval.create({
      data: { shopId: shops[0]!, categoryId: c.supplements, status: 'PENDING' },
    });
    const query = `query ($id: ID!, $c: [ID!]) { shop(id: $id) { id categoryEligibility(categoryIds: $c) { status reasonCode } } }`;
    const categories = [c.dresses, c.knives, c.supplements, c.home, c.skincare].map((id) => gid('Category', id));
    const grantsOrSettings = /"(CategoryExceptionGrant|RestrictedCategoryApproval|PlatformSettings)"/;
    try {
      const statuses: string[][] = [];
      for (const shop of shops)
        for (const caller of callers) {
          const { partial, statements, answer } = await same(caller.key, query, {
            id: gid('Shop', shop),
            c: categories,
          });
          const eligibility = (answer.data as any)?.shop?.categoryEligibility;
          if (!eligibility) continue;
          expect(partial).toBe(true);
          expect(
            statements.filter((q) => grantsOrSettings.test(q)),
            statements.join('\n'),
          ).toHaveLength(1);
          statuses.push(eligibility.map((e: { status: string }) => e.status));
        }
      // The grants decided something: the big shop's dresses and knives differ from the small shop's.
      expect(new Set(statuses.map((s) => s.join()))).not.toEqual(new Set([statuses[0]!.join()]));
    } finally {
      await db.prisma.categoryExceptionGrant.deleteMany({ where: { shopId: shops[0]! } });
      await db.prisma.categoryExceptionRequest.deleteMany({ where: { shopId: shops[0]! } });
      await db.prisma.restrictedCategoryApproval.deleteMany({ where: { shopId: shops[0]! } });
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

    it("the next read answers the change (the resolvers' cached tree is forgotten)", async () => {
      const id = gid('Shop', shops[0]!);
      // categoryEligibility (no SQL form) reads the category tree cached per process.
      const query = `query ($id: ID!, $c: [ID!]) { shop(id: $id) { id categoryEligibility(categoryIds: $c) { status } } }`;
      const variables = { id, c: [gid('Category', world.categories.knives)] };
      const status = async () => {
        const { answer, partial } = await run(compiled, world.adminKey, query, variables);
        expect(partial).toBe(true);
        return (answer.data as any).shop.categoryEligibility[0].status;
      };
      expect(await status()).not.toBe('PROHIBITED');
      const before = await status();
      await other.prisma.category.update({ where: { id: world.categories.home }, data: { restriction: 'PROHIBITED' } });
      try {
        await expect.poll(status, { timeout: 5_000 }).toBe('PROHIBITED');
        await same(world.adminKey, query, variables);
      } finally {
        await other.prisma.category.update({ where: { id: world.categories.home }, data: { restriction: 'NONE' } });
      }
      await expect.poll(status, { timeout: 5_000 }).toBe(before);
    });

    it('with the response cache on, the next compiled read answers the change to an ancestor', async () => {
      const id = gid('Shop', shops[0]!);
      const read = async () => {
        const res = await cached.gql(world.adminKey, SHOP_READ(100, 'name effectiveRestriction', 'decision'), { id });
        return new Set(
          (res.data as any).shop.listings.edges
            .filter((e: any) => e.node.category.name === 'Knives')
            .map((e: any) => e.node.category.effectiveRestriction),
        );
      };
      expect(await read()).toEqual(new Set(['RESTRICTED']));
      // Stored: the repeat is answered without reading.
      await settle();
      const from = seen.length;
      expect(await read()).toEqual(new Set(['RESTRICTED']));
      await settle();
      expect(seen.slice(from).filter((q) => /"Category"/.test(q))).toHaveLength(0);
      await other.prisma.category.update({ where: { id: world.categories.home }, data: { restriction: 'PROHIBITED' } });
      try {
        await expect.poll(read, { timeout: 5_000 }).toEqual(new Set(['PROHIBITED']));
      } finally {
        await other.prisma.category.update({ where: { id: world.categories.home }, data: { restriction: 'NONE' } });
      }
      await expect.poll(read, { timeout: 5_000 }).toEqual(new Set(['RESTRICTED']));
    });
  });
});

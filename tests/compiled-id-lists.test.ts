/**
 * Fields listing the rows whose ids an `int[]` column holds (`compiledRowsByIds`): an event's
 * eligible categories (loaded per id, in the array's order), a creator's niches, a request's
 * categories and an endpoint's shops (found by id, within the caller's reach). The compiled answer
 * must be the resolvers' for every caller, nested selections of the rows included, in one statement:
 * repeated ids, ids without a row, empty and NULL arrays; an array with a NULL element (an id array,
 * or a `text[]` column such as a shop's sites) is the resolvers' to answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gid } from './support/client.ts';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';
import { differential, type Caller, type Differential } from './support/differential.ts';
import { createCategory, createKey, createShop, createWorld, type World } from './support/fixtures.ts';
import { createCreator } from './support/health-fixtures.ts';
import { createSellerEvent } from './support/revenue-fixtures.ts';

type Who = 'admin' | 'seller' | 'agency' | 'partner' | 'partnerWithoutShops' | 'bare';

const CATEGORY = `__typename id name slug depth isTopLevel restriction effectiveRestriction parent { id name } children { id slug }`;

describe.each(testTargets())('compiled lists of rows by an int[] column on %s', (target) => {
  let db: TestDatabase;
  let world: World;
  let diff: Differential;
  const callers = {} as Record<Who, Caller>;
  const shops: number[] = [];
  /** The id of a category and of a shop that no longer exist. */
  let goneCategory = 0;
  let goneShop = 0;

  /** Arrays as the columns may hold them: empty, NULL, repeats, ids without a row, out of order. */
  let categoryLists: (number[] | null)[] = [];

  beforeAll(async () => {
    db = await createTestDatabase(target);
    world = await createWorld(db.prisma);
    const c = world.categories;
    goneCategory = (await createCategory(db.prisma, 'Gone')).id;
    await db.prisma.category.delete({ where: { id: goneCategory } });
    categoryLists = [
      [],
      null,
      [c.knives, c.beauty, c.knives, goneCategory, c.skincare, c.weapons],
      [goneCategory],
      [c.fashion, c.fashion],
      [c.dresses, c.home, c.electronics, c.supplements],
    ];
    for (const name of ['Own shop', 'Agency shop', 'Partner shop']) shops.push((await createShop(db.prisma, name)).id);
    goneShop = (await createShop(db.prisma, 'Gone shop')).id;
    await db.prisma.shop.delete({ where: { id: goneShop } });
    const [own, agencyShop, partnerShop] = shops as [number, number, number];
    const agency = await db.prisma.account.create({ data: { name: 'Agency', kind: 'AGENCY' } });
    const partner = await db.prisma.account.create({ data: { name: 'Partner', kind: 'PARTNER' } });
    const scopes = ['shops:read', 'listings:read', 'webhooks:read', 'creators:read'];
    for (const [accountId, shopId] of [
      [agency.id, agencyShop],
      [partner.id, partnerShop],
      [partner.id, own],
    ] as const)
      await db.prisma.shopAccessGrant.create({ data: { shopId, accountId, scopes } });
    const seller = await createKey(db.prisma, 'SELLER', { shopId: own, scopes });
    const agencyKey = await createKey(db.prisma, 'AGENCY', { accountId: agency.id, scopes });
    const partnerKey = await createKey(db.prisma, 'PARTNER', { accountId: partner.id, scopes });
    const admin = await db.prisma.apiKey.findFirstOrThrow({ where: { role: 'ADMIN' } });
    callers.admin = { name: 'admin', key: world.adminKey };
    callers.seller = { name: 'seller', key: seller.key };
    callers.agency = { name: 'agency', key: agencyKey.key };
    callers.partner = { name: 'partner', key: partnerKey.key };
    callers.partnerWithoutShops = {
      name: 'partner without shops:read',
      key: (
        await createKey(db.prisma, 'PARTNER', {
          accountId: partner.id,
          scopes: ['webhooks:read', 'creators:read'],
        })
      ).key,
    };
    callers.bare = {
      name: 'partner without scopes',
      key: (await createKey(db.prisma, 'PARTNER', { accountId: partner.id, scopes: [] })).key,
    };

    /** Sets an int[] column to a list, or to NULL (what Prisma cannot write). */
    const setIds = async (table: string, column: string, id: number, ids: number[] | null) =>
      db.prisma.$executeRawUnsafe(`UPDATE "${table}" SET "${column}" = $1::int[] WHERE "id" = $2`, ids, id);

    for (const [i, ids] of categoryLists.entries()) {
      const event = await createSellerEvent(db.prisma, { capacity: 2, title: `Event ${i}` });
      await setIds('SellerEvent', 'eligibleCategoryIds', event.id, ids);
      const creator = await createCreator(db.prisma, { handle: `creator${i}` });
      await setIds('Creator', 'nicheCategoryIds', creator.id, ids);
      const request = await db.prisma.categoryExceptionRequest.create({
        data: { shopId: shops[i % shops.length]!, comment: `Request ${i}`, requestedCategoryIds: [] },
      });
      await setIds('CategoryExceptionRequest', 'requestedCategoryIds', request.id, ids);
    }

    // Each owner's endpoints cover shops in and out of its reach, one that no longer exists, repeats.
    const shopLists: (number[] | null)[] = [
      [],
      null,
      [partnerShop, own, goneShop, own, agencyShop],
      [agencyShop],
      [goneShop],
      [own, partnerShop],
    ];
    const owners = [
      { apiKeyId: admin.id, ownerShopId: null, ownerAccountId: null },
      { apiKeyId: seller.id, ownerShopId: own, ownerAccountId: null },
      { apiKeyId: agencyKey.id, ownerShopId: null, ownerAccountId: agency.id },
      { apiKeyId: partnerKey.id, ownerShopId: null, ownerAccountId: partner.id },
    ];
    for (const owner of owners)
      for (const [i, ids] of shopLists.entries()) {
        const endpoint = await db.prisma.webhookEndpoint.create({
          data: { ...owner, url: `https://hooks.example/${owner.apiKeyId}/${i}`, secret: 'whsec_x', eventTypes: [] },
        });
        await setIds('WebhookEndpoint', 'shopIds', endpoint.id, ids);
      }
    diff = differential(db);
  });
  afterAll(async () => db?.drop());

  /** Both paths answer alike for each caller; the ones named compile whole (one statement and the key lookup). */
  async function expectSame(query: string, compiles: Who[], variables?: Record<string, unknown>) {
    const answers = {} as Record<Who, unknown>;
    for (const who of Object.keys(callers) as Who[]) {
      const { path, data } = await diff.same(callers[who], query, variables);
      expect(path === 'compiled', `${who}: ${path}`).toBe(compiles.includes(who));
      answers[who] = data;
    }
    return answers;
  }

  const names = (categories: { name: string }[]) => categories.map((c) => c.name);

  it("lists an event's eligible categories as the loader does: the array's order, repeats, missing ids left out", async () => {
    const query = `{ events(first: 50) { edges { cursor node { title eligibleCategories { ${CATEGORY} } } } } }`;
    const answers = await expectSame(query, ['admin', 'seller', 'agency', 'partner', 'partnerWithoutShops', 'bare']);
    const events = (
      answers.admin as { events: { edges: { node: { title: string; eligibleCategories: { name: string }[] } }[] } }
    ).events.edges.map((e) => e.node);
    expect(events.map((e) => names(e.eligibleCategories))).toEqual([
      [],
      [],
      ['Knives', 'Beauty', 'Knives', 'Skincare', 'Weapons'],
      [],
      ['Fashion', 'Fashion'],
      ['Dresses', 'Home', 'Electronics', 'Supplements'],
    ]);
    // Aliased twice, through a fragment, on a later page.
    await expectSame(
      `query($after: String) { events(first: 3, after: $after) { edges { node { ...E again: eligibleCategories { id } } } } } fragment E on SellerEvent { eligibleCategories { name } }`,
      ['admin', 'seller', 'agency', 'partner', 'partnerWithoutShops', 'bare'],
      { after: (answers.admin as { events: { edges: { cursor?: string }[] } }).events.edges[0]?.cursor ?? null },
    );
  });

  it("lists a creator's niches as its findMany does: each once, by id, for the callers who may read creators", async () => {
    const query = `{ creators(first: 50) { edges { node { handle niches { ${CATEGORY} } } } } }`;
    const answers = await expectSame(query, ['admin', 'seller', 'agency', 'partner', 'partnerWithoutShops']);
    const creators = (
      answers.admin as { creators: { edges: { node: { niches: { id: string; name: string }[] } }[] } }
    ).creators.edges.map((e) => e.node.niches);
    const c = world.categories;
    const byId = (ids: number[]) => [...new Set(ids)].sort((a, b) => a - b).map((id) => gid('Category', id));
    expect(creators.map((n) => n.map((x) => x.id))).toEqual([
      [],
      [],
      byId([c.knives, c.beauty, c.skincare, c.weapons]),
      [],
      byId([c.fashion]),
      byId([c.dresses, c.home, c.electronics, c.supplements]),
    ]);
  });

  it("lists a request's categories as its findMany does, in each caller's shops", async () => {
    const query = `{ categoryExceptionRequests(first: 50) { edges { node { comment shop { name } requestedCategories { ${CATEGORY} } } } } }`;
    const answers = await expectSame(query, ['admin', 'seller', 'agency', 'partner']);
    const seen = (who: Who) =>
      (answers[who] as { categoryExceptionRequests: { edges: unknown[] } }).categoryExceptionRequests.edges.length;
    expect([seen('admin'), seen('seller'), seen('agency'), seen('partner')]).toEqual([6, 2, 2, 4]);
  });

  it("lists an endpoint's shops within the caller's reach, as its resolver does", async () => {
    const query = `{ webhookEndpoints(first: 50) { edges { node { url shops { __typename id name status primaryCategory { name } listings(first: 2) { edges { node { id } } } } } } } }`;
    // Without shops:read the shops are their resolver's to refuse: a partial read.
    const answers = await expectSame(query, ['admin', 'seller', 'agency', 'partner']);
    const [own, agencyShop, partnerShop] = shops as [number, number, number];
    const shopsOf = (who: Who) =>
      (
        answers[who] as { webhookEndpoints: { edges: { node: { shops: { id: string }[] } }[] } }
      ).webhookEndpoints.edges.map((e) => e.node.shops.map((s) => s.id));
    const ids = (...list: number[]) => list.map((id) => gid('Shop', id));
    // Repeats once, by id, the shop that no longer exists left out; the administrator sees every shop.
    expect(shopsOf('admin').slice(0, 6)).toEqual([
      [],
      [],
      ids(own, agencyShop, partnerShop),
      ids(agencyShop),
      [],
      ids(own, partnerShop),
    ]);
    // The partner's reach is its own and the seller's shop: not the agency's.
    expect(shopsOf('partner')).toEqual([[], [], ids(own, partnerShop), [], [], ids(own, partnerShop)]);
    expect(shopsOf('seller')).toEqual([[], [], ids(own), [], [], ids(own)]);
    expect(shopsOf('agency')).toEqual([[], [], ids(agencyShop), ids(agencyShop), [], []]);
  });
  it("leaves a text[] column with a NULL element (a shop's sites) to the resolvers", async () => {
    const own = shops[0]!;
    const { sites } = await db.prisma.shop.findUniqueOrThrow({ where: { id: own } });
    const setSites = (value: (string | null)[]) =>
      db.prisma.$executeRawUnsafe(`UPDATE "Shop" SET "sites" = $1::text[] WHERE "id" = $2`, value, own);
    const query = `query($id: ID!) { shop(id: $id) { name sites } }`;
    const variables = { id: gid('Shop', own) };
    await setSites([...sites, null]);
    try {
      expect((await diff.same(callers.admin, query, variables)).path).toBe('resolvers');
    } finally {
      await setSites(sites);
    }
    expect((await diff.same(callers.admin, query, variables)).path).toBe('compiled');
  });

  it('leaves an array with a NULL element, which Prisma fails to read, to the resolvers', async () => {
    const event = await db.prisma.sellerEvent.findFirstOrThrow({ where: { title: 'Event 5' } });
    const creator = await db.prisma.creator.findFirstOrThrow({ where: { handle: 'creator5' } });
    const endpoint = await db.prisma.webhookEndpoint.findFirstOrThrow({ where: { shopIds: { isEmpty: false } } });
    const rows = [
      ['SellerEvent', 'eligibleCategoryIds', event.id, event.eligibleCategoryIds],
      ['Creator', 'nicheCategoryIds', creator.id, creator.nicheCategoryIds],
      ['WebhookEndpoint', 'shopIds', endpoint.id, endpoint.shopIds],
    ] as const;
    for (const [table, column, id, ids] of rows)
      await db.prisma.$executeRawUnsafe(
        `UPDATE "${table}" SET "${column}" = $1::int[] WHERE "id" = $2`,
        [ids[0] ?? 1, null, ...ids.slice(1)],
        id,
      );
    try {
      for (const query of [
        `{ events(first: 50) { edges { node { title eligibleCategories { name } } } } }`,
        `{ creators(first: 50) { edges { node { handle niches { name } } } } }`,
        `{ webhookEndpoints(first: 50) { edges { node { url shops { name } } } } }`,
      ])
        expect((await diff.same(callers.admin, query)).path, query).toBe('resolvers');
    } finally {
      for (const [table, column, id, ids] of rows)
        await db.prisma.$executeRawUnsafe(`UPDATE "${table}" SET "${column}" = $1::int[] WHERE "id" = $2`, ids, id);
    }
    expect((await diff.same(callers.admin, `{ events(first: 50) { edges { node { title } } } }`)).path).toBe(
      'compiled',
    );
  });
});

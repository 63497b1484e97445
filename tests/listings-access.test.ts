import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, createWorld, type World } from './support/fixtures.ts';
import { createTestApp, gid } from './support/client.ts';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';
import {
  BULK_REVIEW,
  BULK_SUBMIT,
  CREATE,
  REVIEW,
  SUBMIT,
  UPDATE,
  createListingRow,
  sellerShop,
} from './support/listing-fixtures.ts';

describe.each(testTargets())("listing tenancy (no path to another shop's listings) on %s", (target) => {
  let db: TestDatabase;
  let world: World;
  let gql: ReturnType<typeof createTestApp>['gql'];
  let mine: Awaited<ReturnType<typeof sellerShop>>;
  let theirs: Awaited<ReturnType<typeof sellerShop>>;
  let agency: string;
  let partner: string;
  let myListing: number;
  let theirListing: number;
  let theirPending: number;
  let theirReview: number;

  beforeAll(async () => {
    db = await createTestDatabase(target);
    world = await createWorld(db.prisma);
    gql = createTestApp(db).gql;
    mine = await sellerShop(db.prisma, 'Mine', { primaryCategoryId: world.categories.beauty });
    theirs = await sellerShop(db.prisma, 'Theirs', { primaryCategoryId: world.categories.beauty });
    myListing = (await createListingRow(db.prisma, mine.shop.id, world.categories.skincare, { title: 'my serum' })).id;
    theirListing = (
      await createListingRow(db.prisma, theirs.shop.id, world.categories.skincare, { title: 'their serum' })
    ).id;
    theirPending = (
      await createListingRow(db.prisma, theirs.shop.id, world.categories.skincare, { status: 'PENDING_REVIEW' })
    ).id;
    theirReview = (
      await db.prisma.listingReview.create({
        data: {
          listingId: theirPending,
          decision: 'SUBMITTED',
          automatic: true,
          fromStatus: 'DRAFT',
          toStatus: 'PENDING_REVIEW',
          listingVersion: 1,
        },
      })
    ).id;
    const account = await db.prisma.account.create({ data: { name: 'Agency', kind: 'AGENCY' } });
    await db.prisma.shopAccessGrant.create({
      data: { shopId: mine.shop.id, accountId: account.id, scopes: ['shops:read', 'listings:write'] },
    });
    agency = (await createKey(db.prisma, 'AGENCY', { accountId: account.id })).key;
    const partnerAccount = await db.prisma.account.create({ data: { name: 'Partner', kind: 'PARTNER' } });
    await db.prisma.shopAccessGrant.create({
      data: { shopId: mine.shop.id, accountId: partnerAccount.id, scopes: ['shops:read', 'listings:read'] },
    });
    partner = (await createKey(db.prisma, 'PARTNER', { accountId: partnerAccount.id })).key;
  });
  afterAll(async () => db.drop());

  const callers = () =>
    [
      ['seller', mine.key],
      ['agency', agency],
    ] as const;

  it("cannot read another shop's listings through listing, node, nodes, listings or Shop.listings", async () => {
    for (const [, key] of callers()) {
      const other = gid('Listing', theirListing);
      const own = gid('Listing', myListing);
      expect((await gql(key, `query($id: ID!) { listing(id: $id) { id } }`, { id: other })).data!.listing).toBeNull();
      expect((await gql(key, `query($id: ID!) { listing(id: $id) { title } }`, { id: own })).data!.listing).toEqual({
        title: 'my serum',
      });
      expect((await gql(key, `query($id: ID!) { node(id: $id) { id } }`, { id: other })).data!.node).toBeNull();
      expect(
        (await gql(key, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: [own, other] })).data!.nodes,
      ).toEqual([{ id: own }, null]);
      expect(
        (await gql(key, `query($id: ID!) { node(id: $id) { id } }`, { id: gid('ListingReview', theirReview) })).data!
          .node,
      ).toBeNull();
      const titles = (
        await gql(key, `{ listings(first: 100) { edges { node { title shop { name } } } } }`)
      ).data!.listings.edges.map((e: { node: { title: string } }) => e.node.title);
      expect(titles).toEqual(['my serum']);
      const filtered = await gql(
        key,
        `query($f: ListingFilter) { listings(first: 100, filter: $f) { edges { node { id } } } }`,
        { f: { status: 'PENDING_REVIEW' } },
      );
      expect(filtered.data!.listings.edges).toEqual([]);
      expect(
        (
          await gql(
            key,
            `query($id: ID!) { shop(id: $id) { listings { edges { node { id } } } listingCounts { count } } }`,
            { id: theirs.shopGid },
          )
        ).data!.shop,
      ).toBeNull();
      expect(
        (
          await gql(key, `query($id: ID!) { shop(id: $id) { listings { edges { node { id } } } } }`, {
            id: mine.shopGid,
          })
        ).data!.shop.listings.edges,
      ).toEqual([{ node: { id: own } }]);
    }
  });

  // Regression: the relay plugin's resolveNodes callback loads `args.ids`, not the IDs it is given.
  it('nodes keeps an out-of-reach listing null whatever its position in the list', async () => {
    const res = await gql(mine.key, `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Listing { title } } }`, {
      ids: [gid('Listing', theirListing), gid('Listing', myListing)],
    });
    expect(res.data!.nodes).toEqual([null, { id: gid('Listing', myListing), title: 'my serum' }]);
  });

  it("cannot change another shop's listings through any mutation, single or bulk", async () => {
    const before = await db.prisma.listing.findMany({ where: { shopId: theirs.shop.id }, orderBy: { id: 'asc' } });
    for (const [, key] of callers()) {
      const other = gid('Listing', theirListing);
      expect(
        (await gql(key, UPDATE, { input: { listingId: other, title: 'hijacked' } })).data!.listingUpdate.code,
      ).toBe('NOT_FOUND');
      expect(
        (await gql(key, UPDATE, { input: { listingId: other, title: 'hijacked', dryRun: true } })).data!.listingUpdate
          .code,
      ).toBe('NOT_FOUND');
      expect((await gql(key, SUBMIT, { input: { listingId: other } })).data!.listingSubmit.code).toBe('NOT_FOUND');
      expect((await gql(key, SUBMIT, { input: { listingId: other, dryRun: true } })).data!.listingSubmit.code).toBe(
        'NOT_FOUND',
      );
      const create = await gql(key, CREATE, {
        input: {
          shopId: theirs.shopGid,
          title: 'planted',
          categoryId: gid('Category', world.categories.skincare),
          priceAmount: 100,
          currency: 'USD',
          sites: ['GB'],
        },
      });
      expect(create.data!.listingCreate.code).toBe('NOT_FOUND');
      const bulk = await gql(key, BULK_SUBMIT, {
        input: {
          items: [{ listingId: other }, { listingId: gid('Listing', myListing) }],
          errorPolicy: 'REJECT_FAILED_ROWS',
          dryRun: true,
        },
      });
      expect(
        bulk.data!.listingBulkSubmit.results.map((r: { error: { code: string } | null; listing: unknown }) => [
          r.error?.code ?? null,
          r.listing === null,
        ]),
      ).toEqual([
        ['NOT_FOUND', true],
        [null, false],
      ]);
      expect(
        (await gql(key, REVIEW, { input: { listingId: gid('Listing', theirPending), decision: 'APPROVE' } })).data!
          .listingReview.code,
      ).toBe('FORBIDDEN');
      expect(
        (
          await gql(key, BULK_REVIEW, {
            input: { items: [{ listingId: gid('Listing', theirPending), decision: 'APPROVE' }] },
          })
        ).data!.listingBulkReview.code,
      ).toBe('FORBIDDEN');
    }
    expect(await db.prisma.listing.findMany({ where: { shopId: theirs.shop.id }, orderBy: { id: 'asc' } })).toEqual(
      before,
    );
    expect(await db.prisma.listing.count({ where: { title: 'planted' } })).toBe(0);
  });

  it('lets an agency write the shops that granted it access, and keeps partners read-only', async () => {
    const created = await gql(agency, CREATE, {
      input: {
        shopId: mine.shopGid,
        title: 'agency item',
        categoryId: gid('Category', world.categories.skincare),
        priceAmount: 250,
        currency: 'USD',
        sites: ['GB'],
      },
    });
    expect(created.data!.listingCreate.listing).toMatchObject({
      title: 'agency item',
      status: 'DRAFT',
      shop: { name: 'Mine' },
    });
    const id = created.data!.listingCreate.listing.id;
    expect((await gql(partner, SUBMIT, { input: { listingId: id } })).data!.listingSubmit.code).toBe('FORBIDDEN');
    expect((await gql(partner, `query($id: ID!) { listing(id: $id) { title } }`, { id })).data!.listing).toEqual({
      title: 'agency item',
    });
    expect((await gql(agency, SUBMIT, { input: { listingId: id } })).data!.listingSubmit.status).toBe('PENDING_REVIEW');
    const readOnly = await createKey(db.prisma, 'SELLER', {
      shopId: mine.shop.id,
      scopes: ['shops:read', 'listings:read'],
    });
    expect(
      (await gql(readOnly.key, UPDATE, { input: { listingId: gid('Listing', myListing), title: 'x' } })).data!
        .listingUpdate.code,
    ).toBe('FORBIDDEN');
  });
});

import { createDatabase, type Database, type PrismaClient } from '@shopwarden/db';
import { authenticateApiKey, createContext, schema } from '@shopwarden/schema';
import { execute, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countQueries, createTestApp, gid } from './support/client.ts';
import { testTargets } from './support/database.ts';
import { CLOCK, createListingRow, sellerShop } from './support/listing-fixtures.ts';
import { useSuite } from './support/suite.ts';

/** The bench's mutation (bench/scenarios/listing-update.ts). */
const UPDATE_TITLE = /* GraphQL */ `
  mutation ListingUpdate($id: ID!, $title: String!, $categoryId: ID) {
    listingUpdate(input: { listingId: $id, title: $title, categoryId: $categoryId }) {
      __typename
      ... on ListingUpdateSuccess {
        listing {
          id
          title
          status
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`;

const SITES = /* GraphQL */ `
  mutation ($id: ID!, $sites: [CountryCode!]) {
    listingUpdate(input: { listingId: $id, sites: $sites }) {
      __typename
      ... on Error {
        code
        message
      }
    }
  }
`;

const CATEGORY_UPDATE = /* GraphQL */ `
  mutation ($input: CategoryUpdateInput!) {
    categoryUpdate(input: $input) {
      __typename
      ... on Error {
        code
      }
    }
  }
`;

describe.each(testTargets())('the listing update write path on %s', (target) => {
  const { db, world, gql } = useSuite(target);

  it('takes a number of statements fixed by its shape: no category tree, settings or audit statement of its own', async () => {
    const small = await sellerShop(db.prisma, 'Small shop');
    const big = await sellerShop(db.prisma, 'Big shop');
    const one = await createListingRow(db.prisma, small.shop.id, world.categories.skincare);
    for (let i = 0; i < 20; i++) await createListingRow(db.prisma, big.shop.id, world.categories.skincare);
    const another = await createListingRow(db.prisma, big.shop.id, world.categories.skincare);
    const counts: number[] = [];
    for (const [listing, key] of [
      [one, small.key],
      [another, big.key],
      [one, world.adminKey],
    ] as const) {
      const { result, queries } = await countQueries(db, () =>
        gql(key, UPDATE_TITLE, { id: gid('Listing', listing.id), title: `Edited ${listing.id}` }),
      );
      expect(result.data!.listingUpdate).toEqual({
        __typename: 'ListingUpdateSuccess',
        listing: { id: gid('Listing', listing.id), title: `Edited ${listing.id}`, status: 'DRAFT' },
      });
      expect(queries.filter((q) => /"Category"|"PlatformSettings" AS/.test(q) && !/JOIN/.test(q))).toEqual([]);
      expect(queries.filter((q) => /^\s*INSERT INTO "public"\."AuditRecord"/.test(q))).toEqual([]);
      counts.push(queries.length);
    }
    // The key; then the listing chosen, written, its event (at the platform clock) and audit record, returning the payload's row.
    expect(counts).toEqual([2, 2, 2]);
    // Sites are checked against the shop's: the listing with its shop and the clock is read first.
    const { result, queries } = await countQueries(db, () =>
      gql(small.key, SITES, { id: gid('Listing', one.id), sites: ['GB'] }),
    );
    expect(result.data!.listingUpdate.__typename).toBe('ListingUpdateSuccess');
    expect(queries).toHaveLength(3);
    const audit = await db.prisma.auditRecord.findMany({
      where: { operation: 'listingUpdate', outcome: 'SUCCESS' },
      orderBy: { id: 'asc' },
    });
    expect(audit).toHaveLength(4);
    expect(audit[0]).toMatchObject({
      role: 'SELLER',
      shopId: small.shop.id,
      input: { listingId: { id: String(one.id), typename: 'Listing' }, title: `Edited ${one.id}` },
      resultCode: null,
    });
    const events = await db.prisma.outboxEvent.findMany({
      where: { type: 'listing.updated', subjectId: String(one.id) },
      orderBy: { id: 'asc' },
    });
    expect(events.map((e) => e.payload)).toEqual([
      { listingId: one.id, version: 1 },
      { listingId: one.id, version: 2 },
      { listingId: one.id, version: 3 },
    ]);
  });

  it('answers the payload from the written row exactly as a read of the listing right after', async () => {
    const { shop, key } = await sellerShop(db.prisma, 'Payload shop');
    const listing = await createListingRow(db.prisma, shop.id, world.categories.skincare, { title: 'Payload' });
    const selections = [
      'id title status',
      'id version sites submittedAt createdAt price { amount currencyCode minorUnits } __typename',
      '...F',
      'id category { name } shop { name } latestReview { decision }',
    ];
    for (const [i, selection] of selections.entries()) {
      const fragment = selection === '...F' ? 'fragment F on Listing { id title description version }' : '';
      const mutation = `mutation($id: ID!, $title: String!) { listingUpdate(input: { listingId: $id, title: $title }) {
        ... on ListingUpdateSuccess { listing { ${selection} } } ... on Error { code } } } ${fragment}`;
      const written = await gql(key, mutation, { id: gid('Listing', listing.id), title: `Payload ${i}` });
      expect(written.errors).toBeUndefined();
      const read = await gql(key, `query($id: ID!) { listing(id: $id) { ${selection} } } ${fragment}`, {
        id: gid('Listing', listing.id),
      });
      expect(read.errors).toBeUndefined();
      expect(written.data!.listingUpdate.listing).toEqual(read.data!.listing);
    }
  });

  it.runIf(target === 'postgres')(
    'runs the one-statement write as a named prepared statement, parsed and planned once per connection',
    async () => {
      // One pooled connection, so the statements the server keeps prepared are the ones the edit left.
      if (db.target.kind !== 'postgres') throw new Error('PostgreSQL only');
      const single = await createDatabase({ ...db.target, poolSize: 1 });
      const { app, gql: gqlSingle } = createTestApp(single);
      try {
        const { shop, key } = await sellerShop(db.prisma, 'Prepared shop');
        const listing = await createListingRow(db.prisma, shop.id, world.categories.skincare);
        for (const title of ['Prepared 1', 'Prepared 2']) {
          const res = await gqlSingle(key, UPDATE_TITLE, { id: gid('Listing', listing.id), title });
          expect(res.data!.listingUpdate.__typename).toBe('ListingUpdateSuccess');
        }
        const [prepared] = await single.queryText({
          text: `SELECT coalesce(json_agg(json_build_object('name', name, 'statement', statement)), '[]')::text
                 FROM pg_prepared_statements WHERE statement LIKE '%UPDATE "Listing"%'`,
          values: [],
        });
        const statements = JSON.parse(prepared!.toString()) as { name: string; statement: string }[];
        // One statement for both edits: the values are its parameters.
        expect(statements).toHaveLength(1);
        expect(statements[0]!.name).toMatch(/^sw_/);
        expect(statements[0]!.statement).toContain('INSERT INTO "AuditRecord"');
        expect(statements[0]!.statement).not.toContain('Prepared');
      } finally {
        await app.close();
        await single.close();
      }
    },
  );

  const UPDATE_EXPECTING = /* GraphQL */ `
    mutation ($id: ID!, $title: String!, $expectedVersion: Int) {
      listingUpdate(input: { listingId: $id, title: $title, expectedVersion: $expectedVersion }) {
        __typename
        ... on ListingUpdateSuccess {
          listing {
            id
            title
            version
          }
        }
        ... on Error {
          code
          message
        }
      }
    }
  `;

  /**
   * Runs `send` while the listings are locked by another transaction (PostgreSQL), so the first edits
   * wait in the database and the rest queue behind them and share statements; on PGlite, which runs
   * one statement at a time, the edits that arrive during one statement share the next anyway.
   */
  async function withListingsLocked<T>(ids: number[], send: () => Promise<T>): Promise<T> {
    if (target !== 'postgres') return send();
    let release!: () => void;
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = db.prisma.$transaction(async (tx) => {
      await tx.$queryRawUnsafe(`SELECT "id" FROM "Listing" WHERE "id" = ANY($1::int[]) FOR UPDATE`, ids);
      locked();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await isLocked;
    const sent = send();
    // Released once edits wait on the locks (the ones behind them are queued by then).
    await expect
      .poll(
        async () => {
          const [row] = await db.prisma.$queryRawUnsafe<{ n: number }[]>(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%UPDATE "Listing"%'`,
          );
          return row!.n;
        },
        { timeout: 5_000 },
      )
      .toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    await holder;
    return sent;
  }

  it('coalesces concurrent edits into shared statements, each answered, evented and audited on its own', async () => {
    const a = await sellerShop(db.prisma, 'Batch shop A');
    const b = await sellerShop(db.prisma, 'Batch shop B');
    const aListings = await Promise.all(
      [1, 2, 3, 4, 5, 6].map((i) =>
        createListingRow(db.prisma, a.shop.id, world.categories.skincare, { title: `A${i}` }),
      ),
    );
    const b1 = await createListingRow(db.prisma, b.shop.id, world.categories.skincare, { title: 'B1' });
    const pending = await createListingRow(db.prisma, b.shop.id, world.categories.skincare, {
      status: 'PENDING_REVIEW',
      submittedAt: new Date(),
    });
    const [a1, a2, a3, a4, a5, a6] = aListings.map((l) => l.id) as [number, number, number, number, number, number];
    const edits: { key: string; id: number; title: string; expectedVersion?: number; expect: string }[] = [
      { key: a.key, id: a1, title: 'A1 first', expect: 'ListingUpdateSuccess' },
      { key: a.key, id: a2, title: 'A2 edited', expect: 'ListingUpdateSuccess' },
      { key: a.key, id: a3, title: 'A3 edited', expect: 'ListingUpdateSuccess' },
      { key: a.key, id: a4, title: 'A4 edited', expect: 'ListingUpdateSuccess' },
      { key: a.key, id: a5, title: 'A5 edited', expect: 'ListingUpdateSuccess' },
      { key: b.key, id: a6, title: 'Not mine', expect: 'NOT_FOUND' },
      { key: b.key, id: b1.id, title: 'B1 stale', expectedVersion: 5, expect: 'CONFLICT' },
      { key: world.adminKey, id: pending.id, title: 'Under review', expect: 'INVALID_STATE' },
      { key: world.adminKey, id: a6, title: 'A6 by admin', expect: 'ListingUpdateSuccess' },
      { key: a.key, id: a1, title: 'A1 second', expect: 'ListingUpdateSuccess' },
      { key: b.key, id: b1.id, title: 'B1 edited', expectedVersion: 0, expect: 'ListingUpdateSuccess' },
    ];
    const { result, queries } = await countQueries(db, () =>
      withListingsLocked([...aListings.map((l) => l.id), b1.id], () =>
        Promise.all(
          edits.map((e) =>
            gql(e.key, UPDATE_EXPECTING, {
              id: gid('Listing', e.id),
              title: e.title,
              expectedVersion: e.expectedVersion ?? null,
            }),
          ),
        ),
      ),
    );
    const answers = result.map((r) => {
      expect(r.errors).toBeUndefined();
      const payload = r.data!.listingUpdate as { __typename: string; code?: string; listing?: { title: string } };
      return payload.code ?? payload.__typename;
    });
    expect(answers).toEqual(edits.map((e) => e.expect));
    // Each success answers its own edit.
    result.forEach((r, i) => {
      if (edits[i]!.expect === 'ListingUpdateSuccess')
        expect(r.data!.listingUpdate.listing.title).toBe(edits[i]!.title);
    });
    const writes = queries.filter((q) => /UPDATE "Listing"/.test(q));
    if (target === 'postgres') {
      expect(writes.length).toBeLessThan(edits.length);
      // A lone edit takes the one-edit statement; edits that waited together, the batch's.
      expect(writes.filter((q) => q.includes('unnest')).length).toBeGreaterThan(0);
    }
    // The two edits of A1 ran one after the other: both applied, the second last.
    const rows = await db.prisma.listing.findMany({ where: { id: { in: [a1, a6, b1.id, pending.id] } } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect([byId.get(a1)!.title, byId.get(a1)!.version]).toEqual(['A1 second', 2]);
    expect([byId.get(a6)!.title, byId.get(a6)!.version]).toEqual(['A6 by admin', 1]);
    expect([byId.get(b1.id)!.title, byId.get(b1.id)!.version]).toEqual(['B1 edited', 1]);
    expect(byId.get(pending.id)!.version).toBe(0);
    // One event per applied edit, and one audit record of each call with its own outcome and request.
    const ids = [...aListings.map((l) => l.id), b1.id, pending.id];
    const events = await db.prisma.outboxEvent.groupBy({
      by: ['subjectId'],
      where: { type: 'listing.updated', subjectId: { in: ids.map(String) } },
      _count: true,
    });
    expect(Object.fromEntries(events.map((e) => [e.subjectId, e._count]))).toEqual({
      [a1]: 2,
      [a2]: 1,
      [a3]: 1,
      [a4]: 1,
      [a5]: 1,
      [a6]: 1,
      [b1.id]: 1,
    });
    const audit = await db.prisma.auditRecord.findMany({
      where: { operation: 'listingUpdate', requestId: { in: result.map((r) => String(r.extensions!.requestId)) } },
    });
    expect(audit).toHaveLength(edits.length);
    const byRequest = new Map(audit.map((r) => [r.requestId, r]));
    result.forEach((r, i) => {
      const record = byRequest.get(String(r.extensions!.requestId))!;
      const edit = edits[i]!;
      expect(record.outcome).toBe(edit.expect === 'ListingUpdateSuccess' ? 'SUCCESS' : 'ERROR');
      expect((record.input as { title: string }).title).toBe(edit.title);
    });
  });

  it('fails only the edit whose write fails when edits share a statement; the others commit', async () => {
    const good = await sellerShop(db.prisma, 'Batch good shop');
    const bad = await sellerShop(db.prisma, 'Batch refused shop');
    const goodListings = await Promise.all(
      [1, 2, 3].map((i) => createListingRow(db.prisma, good.shop.id, world.categories.skincare, { title: `G${i}` })),
    );
    const refused = await createListingRow(db.prisma, bad.shop.id, world.categories.skincare, { title: 'R' });
    // The refused shop's audit records fail to insert: its edit's whole write must roll back.
    await db.prisma.$executeRawUnsafe(`CREATE FUNCTION "test_refuse_shop_audit"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW."shopId" = ${bad.shop.id} THEN RAISE EXCEPTION 'audit refused'; END IF; RETURN NEW; END $$`);
    await db.prisma.$executeRawUnsafe(
      `CREATE TRIGGER "test_refuse_shop_audit" BEFORE INSERT ON "AuditRecord" FOR EACH ROW EXECUTE FUNCTION "test_refuse_shop_audit"()`,
    );
    try {
      const all = [...goodListings.map((l) => ({ key: good.key, id: l.id })), { key: bad.key, id: refused.id }];
      // Two edits of good listings first (they wait on the locks), then the rest, the refused one among them.
      const results = await withListingsLocked(
        all.map((e) => e.id),
        () =>
          Promise.all(
            [...all, ...all.slice(0, 2)].map((e, i) =>
              gql(e.key, UPDATE_TITLE, { id: gid('Listing', e.id), title: `Edit ${i}` }),
            ),
          ),
      );
      const outcome = (r: (typeof results)[number]) =>
        r.errors?.[0]?.extensions?.code ?? (r.data!.listingUpdate as { __typename: string }).__typename;
      expect(results.map(outcome)).toEqual([
        'ListingUpdateSuccess',
        'ListingUpdateSuccess',
        'ListingUpdateSuccess',
        'INTERNAL',
        'ListingUpdateSuccess',
        'ListingUpdateSuccess',
      ]);
    } finally {
      await db.prisma.$executeRawUnsafe(`DROP TRIGGER "test_refuse_shop_audit" ON "AuditRecord"`);
      await db.prisma.$executeRawUnsafe(`DROP FUNCTION "test_refuse_shop_audit"()`);
    }
    const row = await db.prisma.listing.findUniqueOrThrow({ where: { id: refused.id } });
    expect([row.title, row.version]).toEqual(['R', 0]);
    expect(
      await db.prisma.outboxEvent.count({ where: { subjectId: String(refused.id), type: 'listing.updated' } }),
    ).toBe(0);
    const versions = new Map(
      (await db.prisma.listing.findMany({ where: { id: { in: goodListings.map((l) => l.id) } } })).map((l) => [
        l.id,
        l.version,
      ]),
    );
    expect(goodListings.map((l) => versions.get(l.id))).toEqual([2, 2, 1]);
  });

  it("keeps the write on a transaction's client when the context is inside one, and on Prisma without the direct path", async () => {
    const { shop, key } = await sellerShop(db.prisma, 'Transaction shop');
    const listing = await createListingRow(db.prisma, shop.id, world.categories.skincare, { title: 'Before' });
    const { viewer } = await authenticateApiKey(db.prisma, `Bearer ${key}`);
    const edit = async (prisma: PrismaClient, direct: Database | undefined, title: string) => {
      const res = await execute({
        schema,
        document: parse(UPDATE_TITLE),
        variableValues: { id: gid('Listing', listing.id), title },
        contextValue: createContext({ prisma, database: direct, viewer, requestId: 'tx', production: false }),
      });
      expect(res.errors).toBeUndefined();
      return (res.data as { listingUpdate: { __typename: string } }).listingUpdate.__typename;
    };
    // Rolled back with the transaction: the write ran on it, not on a connection of its own.
    await expect(
      db.prisma.$transaction(async (tx) => {
        expect(await edit(tx as unknown as PrismaClient, db, 'Inside')).toBe('ListingUpdateSuccess');
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await db.prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).title).toBe('Before');
    // A context without the direct path (a worker's, a script's) writes through Prisma.
    const { result, queries } = await countQueries(db, () => edit(db.prisma, undefined, 'Outside'));
    expect(result).toBe('ListingUpdateSuccess');
    expect(queries.filter((q) => /UPDATE "Listing"/.test(q))).toHaveLength(1);
    const row = await db.prisma.listing.findUniqueOrThrow({ where: { id: listing.id } });
    expect([row.title, row.version]).toEqual(['Outside', 1]);
  });

  it("dates the edit's event at the platform clock, read in the write itself", async () => {
    const { shop, key } = await sellerShop(db.prisma, 'Clock shop');
    const listing = await createListingRow(db.prisma, shop.id, world.categories.skincare);
    for (const at of ['2024-03-01T00:00:00.000Z', '2031-06-15T12:00:00.000Z']) {
      await gql(world.adminKey, CLOCK, { now: at });
      const res = await gql(key, UPDATE_TITLE, { id: gid('Listing', listing.id), title: `At ${at}` });
      expect(res.data!.listingUpdate.__typename).toBe('ListingUpdateSuccess');
      const event = await db.prisma.outboxEvent.findFirstOrThrow({
        where: { type: 'listing.updated', subjectId: String(listing.id) },
        orderBy: { id: 'desc' },
      });
      // The sandbox clock advances from when it was set: within a minute of it.
      expect(event.occurredAt.getTime() - new Date(at).getTime()).toBeGreaterThanOrEqual(0);
      expect(event.occurredAt.getTime() - new Date(at).getTime()).toBeLessThan(60_000);
    }
    await gql(world.adminKey, CLOCK, { now: null });
  });

  it('commits the audit record with the change: a failing audit insert writes neither', async () => {
    const { shop, key } = await sellerShop(db.prisma, 'Audit shop');
    const listing = await createListingRow(db.prisma, shop.id, world.categories.skincare, { title: 'Before' });
    await db.prisma.$executeRawUnsafe(`CREATE FUNCTION "test_refuse_audit"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit refused'; END $$`);
    await db.prisma.$executeRawUnsafe(
      `CREATE TRIGGER "test_refuse_audit" BEFORE INSERT ON "AuditRecord" FOR EACH ROW EXECUTE FUNCTION "test_refuse_audit"()`,
    );
    try {
      const res = await gql(key, UPDATE_TITLE, { id: gid('Listing', listing.id), title: 'After' });
      expect(res.data?.listingUpdate ?? null).toBeNull();
      expect(res.errors?.[0]?.extensions?.code).toBe('INTERNAL');
    } finally {
      await db.prisma.$executeRawUnsafe(`DROP TRIGGER "test_refuse_audit" ON "AuditRecord"`);
      await db.prisma.$executeRawUnsafe(`DROP FUNCTION "test_refuse_audit"()`);
    }
    const row = await db.prisma.listing.findUniqueOrThrow({ where: { id: listing.id } });
    expect([row.title, row.version]).toEqual(['Before', 0]);
    expect(
      await db.prisma.outboxEvent.count({ where: { subjectType: 'Listing', subjectId: String(listing.id) } }),
    ).toBe(0);
    // With the audit working again the same edit goes through, audited once.
    const res = await gql(key, UPDATE_TITLE, { id: gid('Listing', listing.id), title: 'After' });
    expect(res.data!.listingUpdate.__typename).toBe('ListingUpdateSuccess');
    expect(
      await db.prisma.auditRecord.count({
        where: { operation: 'listingUpdate', outcome: 'SUCCESS', shopId: shop.id },
      }),
    ).toBe(1);
  });

  it('audits a refused edit outside the write, with its code', async () => {
    const { shop, key } = await sellerShop(db.prisma, 'Refused shop');
    const listing = await createListingRow(db.prisma, shop.id, world.categories.skincare);
    const res = await gql(key, UPDATE_TITLE, { id: gid('Listing', listing.id), title: '' });
    expect(res.data!.listingUpdate.code).toBe('VALIDATION_FAILED');
    const records = await db.prisma.auditRecord.findMany({ where: { operation: 'listingUpdate', shopId: shop.id } });
    expect(records.map((r) => [r.outcome, r.resultCode])).toEqual([['ERROR', 'VALIDATION_FAILED']]);
  });

  describe('the category tree cache', () => {
    let other: Database;
    beforeAll(async () => {
      // Another process: its own connections (on PGlite, the one in-memory database, through another app).
      other = target === 'postgres' ? await createDatabase(db.target) : db;
    });
    afterAll(async () => {
      if (other !== db) await other.close();
    });

    it("sees another process's category change through the change notifications", async () => {
      const here = createTestApp(db);
      const there = createTestApp(other);
      await Promise.all([here.ready, there.ready]);
      const cache = here.app.categories;
      const before = await cache.get(db.prisma);
      expect(before.get(world.categories.skincare)?.restriction).toBe('NONE');
      // Kept: the same tree again, no statement.
      const { result: again, queries } = await countQueries(db, () => cache.get(db.prisma));
      expect(again).toBe(before);
      expect(queries).toEqual([]);
      const changed = await there.gql(world.adminKey, CATEGORY_UPDATE, {
        input: { categoryId: gid('Category', world.categories.skincare), restriction: 'RESTRICTED' },
      });
      expect(changed.data!.categoryUpdate.__typename).toBe('CategoryUpdateSuccess');
      // The process that changed it reads its own write at once.
      expect((await there.app.categories.get(other.prisma)).get(world.categories.skincare)?.restriction).toBe(
        'RESTRICTED',
      );
      await expect
        .poll(async () => (await cache.get(db.prisma)).get(world.categories.skincare)?.restriction, { timeout: 5_000 })
        .toBe('RESTRICTED');
      await there.gql(world.adminKey, CATEGORY_UPDATE, {
        input: { categoryId: gid('Category', world.categories.skincare), restriction: 'NONE' },
      });
      await Promise.all([here.app.close(), there.app.close()]);
    });

    it('accepts a category created a moment ago elsewhere, before its notification arrives', async () => {
      const here = createTestApp(db);
      await here.ready;
      const { shop, key } = await sellerShop(db.prisma, 'New category shop');
      const listing = await createListingRow(db.prisma, shop.id, world.categories.skincare);
      await here.app.categories.get(db.prisma);
      const created = await other.prisma.category.create({
        data: { name: 'Brand new', slug: `brand-new-${Date.now()}`, parentId: world.categories.beauty, depth: 1 },
      });
      await other.prisma.category.update({
        where: { id: created.id },
        data: { rootId: world.categories.beauty },
      });
      const res = await here.gql(key, UPDATE_TITLE, {
        id: gid('Listing', listing.id),
        title: 'Moved',
        categoryId: gid('Category', created.id),
      });
      expect(res.data!.listingUpdate.__typename).toBe('ListingUpdateSuccess');
      const missing = await here.gql(key, UPDATE_TITLE, {
        id: gid('Listing', listing.id),
        title: 'Moved',
        categoryId: gid('Category', 999_999),
      });
      expect(missing.data!.listingUpdate.code).toBe('VALIDATION_FAILED');
      await here.app.close();
    });
  });
});

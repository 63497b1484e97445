import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expediteJob, JobRunner } from '@shopwarden/jobs';
import { jobs, readPlatformNow } from '@shopwarden/schema';
import { createDatabase, type Database, type Prisma } from '@shopwarden/db';
import { createKey, createShop, createWorld, type World } from './support/fixtures.ts';
import { createCreator, createPolicy } from './support/health-fixtures.ts';
import { createListingRow } from './support/listing-fixtures.ts';
import { createTestApp, gid, type SseStream } from './support/client.ts';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';

const FAMILIES = {
  listingReviewed: { types: ['listing.reviewed'], scope: 'listings:read' },
  violationRecorded: { types: ['violation.recorded'], scope: 'health:read' },
  shopHealthChanged: { types: ['shop.health_changed'], scope: 'health:read' },
  shopTierChanged: { types: ['shop.tier_changed'], scope: 'revenue:read' },
  registrationPromoted: { types: ['registration.promoted'], scope: 'events:read' },
  partnershipChanged: { types: ['partnership.proposed', 'partnership.ended'], scope: 'partnerships:read' },
} as const;
type Family = keyof typeof FAMILIES;
// `shops:read` for the events' `shop` field: a type's read scope applies on every path.
const ALL_SCOPES = ['shops:read', ...new Set(Object.values(FAMILIES).map((f) => f.scope))];

const subscription = (field: Family) => /* GraphQL */ `
  subscription Follow($shopId: ID) {
    ${field}(shopId: $shopId) { eventId type occurredAt shopId shop { id } subjectType subjectId data }
  }`;

describe.each(testTargets())('event subscriptions over SSE, fed by the outbox relay, on %s', (target) => {
  let db: TestDatabase;
  let world: World;
  let app: ReturnType<typeof createTestApp>;
  let runner: JobRunner;
  let n = 0;

  const relay = async () => {
    await expediteJob(db.prisma, 'webhooks.relay');
    await runner.drain();
  };
  const event = (type: string, shopId: number, payload: Prisma.InputJsonObject = {}) => ({
    type,
    shopId,
    subjectType: 'Shop',
    subjectId: String(shopId),
    payload,
    occurredAt: new Date('2024-03-01T00:00:00Z'),
  });
  async function seller(scopes: string[] = ALL_SCOPES) {
    n += 1;
    const shop = await createShop(db.prisma, `Sub Shop ${target} ${n}`);
    return { shop, key: (await createKey(db.prisma, 'SELLER', { shopId: shop.id, scopes })).key };
  }
  /** Every `next` message until none comes for a moment. */
  async function drainStream(stream: SseStream) {
    const got: Record<string, any>[] = [];
    for (;;) {
      let m: Awaited<ReturnType<SseStream['next']>>;
      try {
        m = await stream.next(1_500);
      } catch {
        return got;
      }
      expect(m.data?.errors).toBeUndefined();
      got.push(Object.values(m.data!.data!)[0] as Record<string, any>);
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase(target);
    world = await createWorld(db.prisma);
    app = createTestApp(db);
    runner = new JobRunner({ prisma: db.prisma, jobs, now: () => readPlatformNow(db.prisma, false) });
    await relay();
  });
  afterAll(async () => {
    await app.app.close();
    await db.drop();
  });

  it('pushes committed events of its family and shops only, never a rolled-back one, for every family', async () => {
    const a = await seller();
    const b = await seller();
    const streams: { family: Family; who: 'a' | 'b' | 'admin'; stream: SseStream }[] = [];
    for (const family of Object.keys(FAMILIES) as Family[])
      for (const [who, key] of [
        ['a', a.key],
        ['b', b.key],
        ['admin', world.adminKey],
      ] as const) {
        const stream = await app.subscribe(key, subscription(family));
        expect(stream.status).toBe(200);
        streams.push({ family, who, stream });
      }
    const rows = Object.values(FAMILIES).flatMap((f) =>
      f.types.flatMap((type) => [event(type, a.shop.id), event(type, b.shop.id)]),
    );
    await db.prisma.outboxEvent.createMany({ data: rows });
    await db.prisma
      .$transaction(async (tx) => {
        await tx.outboxEvent.create({ data: event('listing.reviewed', a.shop.id, { rolledBack: true }) });
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await relay();
    const received = await Promise.all(streams.map(({ stream }) => drainStream(stream)));
    for (const [i, { family, who, stream }] of streams.entries()) {
      const got = received[i]!;
      stream.close();
      const types = FAMILIES[family].types;
      const shops = who === 'a' ? [a.shop.id] : who === 'b' ? [b.shop.id] : [a.shop.id, b.shop.id];
      const expected = types.flatMap((type) => shops.map((s) => ({ type, shopId: gid('Shop', s) })));
      expect(
        got
          .map((e) => ({ type: e.type, shopId: e.shopId }))
          .sort((x, y) => (x.type + x.shopId).localeCompare(y.type + y.shopId)),
        `${family} for ${who}`,
      ).toEqual(expected.sort((x, y) => (x.type + x.shopId).localeCompare(y.type + y.shopId)));
      for (const e of got) {
        expect(e.eventId).toMatch(/^evt_\d+$/);
        expect(e.data).not.toHaveProperty('rolledBack');
      }
    }
  });

  it('renders the subject for the subscriber, as it is when pushed; null without its read scope or out of reach', async () => {
    const a = await seller();
    const b = await seller();
    const healthOnly = await seller(['health:read']);
    const listing = await createListingRow(db.prisma, a.shop.id, world.categories.home, {
      title: 'Walnut board',
      status: 'PENDING_REVIEW',
    });
    const foreign = await createListingRow(db.prisma, b.shop.id, world.categories.home, { title: 'Not yours' });
    const reviewed = `subscription { listingReviewed {
      subjectId subject { __typename id ... on Listing { status title } } } }`;
    const health = `subscription { shopHealthChanged { subject { id ... on Shop { name listingCounts { status count } } } } }`;
    const mine = await app.subscribe(a.key, reviewed);
    const admin = await app.subscribe(world.adminKey, reviewed);
    const shopOfA = await app.subscribe(a.key, health);
    const noShopScope = await app.subscribe(healthOnly.key, health);
    const listingEvent = (shopId: number, listingId: number) => ({
      ...event('listing.reviewed', shopId),
      subjectType: 'Listing',
      subjectId: String(listingId),
    });
    await db.prisma.listing.update({ where: { id: listing.id }, data: { status: 'ACTIVE' } });
    await db.prisma.outboxEvent.createMany({
      data: [
        listingEvent(a.shop.id, listing.id),
        // A subject of another tenant filed under a's shop: a's subscriber must not see it.
        listingEvent(a.shop.id, foreign.id),
        event('shop.health_changed', a.shop.id),
        event('shop.health_changed', healthOnly.shop.id),
      ],
    });
    await relay();
    const asListing = (id: number, status: string, title: string) => ({
      __typename: 'Listing',
      id: gid('Listing', id),
      status,
      title,
    });
    expect(await drainStream(mine)).toEqual([
      { subjectId: gid('Listing', listing.id), subject: asListing(listing.id, 'ACTIVE', 'Walnut board') },
      { subjectId: gid('Listing', foreign.id), subject: null },
    ]);
    expect((await drainStream(admin)).map((e) => e.subject)).toEqual([
      asListing(listing.id, 'ACTIVE', 'Walnut board'),
      asListing(foreign.id, 'DRAFT', 'Not yours'),
    ]);
    const counted = (e: Record<string, any>) => ({
      ...e.subject,
      listingCounts: Object.fromEntries(
        e.subject.listingCounts.filter((c: { count: number }) => c.count).map((c: any) => [c.status, c.count]),
      ),
    });
    expect((await drainStream(shopOfA)).map(counted)).toEqual([
      { id: gid('Shop', a.shop.id), name: a.shop.name, listingCounts: { ACTIVE: 1 } },
    ]);
    expect(await drainStream(noShopScope)).toEqual([{ subject: null }]);

    // The same subject again, changed since: the subscription reads it afresh for each event.
    await db.prisma.listing.update({ where: { id: listing.id }, data: { status: 'SUSPENDED', title: 'Oak board' } });
    await db.prisma.outboxEvent.createMany({
      data: [listingEvent(a.shop.id, listing.id), event('shop.health_changed', a.shop.id)],
    });
    await relay();
    expect((await drainStream(mine)).map((e) => e.subject)).toEqual([asListing(listing.id, 'SUSPENDED', 'Oak board')]);
    expect((await drainStream(shopOfA)).map((e) => counted(e).listingCounts)).toEqual([{ SUSPENDED: 1 }]);
    await db.prisma.listing.delete({ where: { id: listing.id } });
    await db.prisma.outboxEvent.create({ data: listingEvent(a.shop.id, listing.id) });
    await relay();
    expect((await drainStream(mine)).map((e) => e.subject)).toEqual([null]);
    for (const stream of [mine, admin, shopOfA, noShopScope]) stream.close();
  });

  it('reads the platform clock afresh for each pushed event', async () => {
    const a = await seller();
    const policy = await createPolicy(db.prisma);
    await db.prisma.pointsLedgerEntry.create({
      data: {
        shopId: a.shop.id,
        policyId: policy.id,
        kind: 'VIOLATION_ADDED',
        points: 4,
        effectiveAt: new Date('2024-01-01T00:00:00Z'),
        expiresAt: new Date('2024-06-01T00:00:00Z'),
      },
    });
    const setClock = (at: string | null) =>
      db.prisma.platformSettings.upsert({
        where: { id: 1 },
        create: { id: 1, sandboxNow: at && new Date(at), sandboxSetAt: new Date(), sandboxFrozen: true },
        update: { sandboxNow: at && new Date(at), sandboxSetAt: new Date(), sandboxFrozen: true },
      });
    await setClock('2024-03-01T00:00:00Z');
    try {
      const balance = await app.subscribe(
        a.key,
        `subscription { shopHealthChanged { subject { ... on Shop { pointsBalance } } } }`,
      );
      await db.prisma.outboxEvent.create({ data: event('shop.health_changed', a.shop.id) });
      await relay();
      expect(await drainStream(balance)).toEqual([{ subject: { pointsBalance: 4 } }]);
      // Past the entry's expiry: the same subscription's next event sees the moved clock.
      await setClock('2024-07-01T00:00:00Z');
      await db.prisma.outboxEvent.create({ data: event('shop.health_changed', a.shop.id) });
      await relay();
      expect(await drainStream(balance)).toEqual([{ subject: { pointsBalance: 0 } }]);
      balance.close();
    } finally {
      await setClock(null);
    }
  });

  it('follows one shop with shopId, NOT_FOUND outside reach, FORBIDDEN without the scope', async () => {
    const a = await seller();
    const b = await seller();
    const mine = await app.subscribe(a.key, subscription('shopHealthChanged'), { shopId: gid('Shop', a.shop.id) });
    const adminOne = await app.subscribe(world.adminKey, subscription('shopHealthChanged'), {
      shopId: gid('Shop', b.shop.id),
    });
    const [foreign] = await (
      await app.subscribe(a.key, subscription('shopHealthChanged'), { shopId: gid('Shop', b.shop.id) })
    ).rest();
    expect(foreign!.data?.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const noScope = await seller(['shops:read']);
    const [refused] = await (await app.subscribe(noScope.key, subscription('shopHealthChanged'))).rest();
    expect(refused!.data?.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await db.prisma.outboxEvent.createMany({
      data: [
        event('shop.health_changed', a.shop.id, { toHealth: 'AT_RISK' }),
        event('shop.health_changed', b.shop.id, { toHealth: 'RESTRICTED' }),
      ],
    });
    await relay();
    const got = await drainStream(mine);
    expect(got).toEqual([
      expect.objectContaining({
        type: 'shop.health_changed',
        shopId: gid('Shop', a.shop.id),
        shop: { id: gid('Shop', a.shop.id) },
        subjectType: 'Shop',
        subjectId: gid('Shop', a.shop.id),
        data: { toHealth: 'AT_RISK' },
      }),
    ]);
    expect((await drainStream(adminOne)).map((e) => e.data)).toEqual([{ toHealth: 'RESTRICTED' }]);
    mine.close();
    adminOne.close();
  });

  it('pushes a partnership to the partner app that represents its creator', async () => {
    const a = await seller();
    const account = await db.prisma.account.create({ data: { name: `Sub Partner ${target}`, kind: 'PARTNER' } });
    const creator = await createCreator(db.prisma);
    await db.prisma.creatorRepresentation.create({ data: { creatorId: creator.id, accountId: account.id } });
    const partner = await createKey(db.prisma, 'PARTNER', {
      accountId: account.id,
      scopes: ['partnerships:read', 'shops:read'],
    });
    const stream = await app.subscribe(partner.key, subscription('partnershipChanged'));
    await db.prisma.outboxEvent.createMany({
      data: [
        event('partnership.proposed', a.shop.id, { creatorId: creator.id }),
        event('partnership.proposed', a.shop.id, { creatorId: creator.id + 1000 }),
      ],
    });
    await relay();
    const got = await drainStream(stream);
    stream.close();
    expect(got.map((e) => e.data)).toEqual([{ creatorId: creator.id }]);
    expect(got[0]!.shop).toBeNull();
  });
  it('pushes to a subscriber of another API instance (its own database connection on PostgreSQL)', async () => {
    const a = await seller();
    const other: Database = target === 'postgres' ? await createDatabase(db.target) : (db as Database);
    const second = createTestApp(other);
    try {
      const stream = await second.subscribe(a.key, subscription('violationRecorded'));
      await db.prisma.outboxEvent.create({ data: event('violation.recorded', a.shop.id, { points: 4 }) });
      await relay();
      expect((await drainStream(stream)).map((e) => e.data)).toEqual([{ points: 4 }]);
      stream.close();
    } finally {
      await second.app.close();
      if (other !== db) await other.close();
    }
  });
});

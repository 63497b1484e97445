import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createContext, type Viewer } from '@shopwarden/schema';
import { cancelRegistration, registerForEvent } from '../packages/schema/src/modules/events/event.service.ts';
import { createKey, createShop } from './support/fixtures.ts';
import { countQueries, gid } from './support/client.ts';
import { useSuite } from './support/suite.ts';
import { testTargets } from './support/database.ts';
import { createSellerEvent, createShops, createTiers } from './support/revenue-fixtures.ts';

const CLOCK = /* GraphQL */ `
  mutation Clock($now: DateTime) {
    sandboxClockSet(input: { now: $now }) {
      __typename
      ... on Error {
        code
      }
    }
  }
`;

const REGISTER = /* GraphQL */ `
  mutation Register($input: EventRegisterInput!) {
    eventRegister(input: $input) {
      __typename
      ... on EventRegisterSuccess {
        alreadyRegistered
        registration {
          id
          status
          shop {
            name
          }
          event {
            title
            seatsLeft
          }
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`;

const CANCEL = /* GraphQL */ `
  mutation Cancel($input: EventRegistrationCancelInput!) {
    eventRegistrationCancel(input: $input) {
      __typename
      ... on EventRegistrationCancelSuccess {
        registration {
          status
          cancelledAt
        }
        promoted {
          id
          status
          promotedAt
          shop {
            name
          }
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`;

const CREATE = /* GraphQL */ `
  mutation Create($input: EventCreateInput!) {
    eventCreate(input: $input) {
      __typename
      ... on EventCreateSuccess {
        event {
          id
          title
          capacity
          seatsLeft
          confirmedCount
          waitlistCount
          minTier {
            code
          }
          eligibleCategories {
            name
          }
        }
      }
      ... on Error {
        code
        message
      }
      ... on ValidationError {
        fields {
          path
          message
        }
      }
    }
  }
`;

describe.each(testTargets())('seller events (SPEC §5) on %s', (target) => {
  const { db, world, gql, clock } = useSuite(target);
  let tiers: Awaited<ReturnType<typeof createTiers>>;

  beforeAll(async () => {
    tiers = await createTiers(db.prisma);
    await clock.set('2030-05-01T00:00:00Z');
  });
  let admin: string;
  // A fresh administrator key per test, so one test's cost budget never throttles the next.
  beforeEach(async () => {
    admin = (await createKey(db.prisma, 'ADMIN')).key;
  });

  async function seller(name: string, opts: Parameters<typeof createShop>[2] = {}) {
    const shop = await createShop(db.prisma, name, opts);
    const { key } = await createKey(db.prisma, 'SELLER', { shopId: shop.id, scopes: ['shops:read', 'events:write'] });
    return { shop, key, gid: gid('Shop', shop.id) };
  }

  /** A request context for a seller of `shopId`, as the API builds it, to call the service directly. */
  function sellerContext(shopId: number) {
    const viewer: Viewer = {
      apiKeyId: 0,
      role: 'SELLER',
      scopes: ['events:write'],
      shopId,
      accountId: null,
      shopIds: [shopId],
      representedCreatorIds: [],
    };
    return createContext({ prisma: db.prisma, viewer, requestId: `test-${shopId}`, production: false });
  }

  const input = {
    title: 'Live Selling Masterclass',
    description: 'Scripting, disclosures and moderation.',
    city: 'London',
    venue: 'Shoreditch Studios',
    startsAt: '2030-06-01T09:00:00Z',
    endsAt: '2030-06-01T15:00:00Z',
    capacity: 30,
    registrationClosesAt: '2030-05-29T00:00:00Z',
  };

  it('creates events (administrators only), validating times and capacity', async () => {
    const ok = await gql(admin, CREATE, {
      input: {
        ...input,
        minTierId: gid('Tier', tiers.established),
        eligibleCategoryIds: [gid('Category', world.categories.beauty)],
      },
    });
    expect(ok.data!.eventCreate).toMatchObject({
      __typename: 'EventCreateSuccess',
      event: {
        title: 'Live Selling Masterclass',
        capacity: 30,
        seatsLeft: 30,
        confirmedCount: 0,
        waitlistCount: 0,
        minTier: { code: 'ESTABLISHED' },
        eligibleCategories: [{ name: 'Beauty' }],
      },
    });
    const bad = await gql(admin, CREATE, {
      input: {
        ...input,
        endsAt: '2030-06-01T08:00:00Z',
        registrationClosesAt: '2030-06-02T00:00:00Z',
        capacity: 0,
        eligibleCategoryIds: [gid('Category', world.categories.skincare)],
      },
    });
    expect(bad.data!.eventCreate.code).toBe('VALIDATION_FAILED');
    expect(bad.data!.eventCreate.fields.map((f: any) => f.path)).toEqual([
      ['input', 'endsAt'],
      ['input', 'registrationClosesAt'],
      ['input', 'capacity'],
      ['input', 'eligibleCategoryIds', '0'],
    ]);
    const { key } = await seller('Would-be organiser');
    expect((await gql(key, CREATE, { input })).data!.eventCreate.code).toBe('FORBIDDEN');
  });

  it('confirms while seats remain, then waitlists; a repeat returns the same registration', async () => {
    const event = await createSellerEvent(db.prisma, { capacity: 1 });
    const a = await seller('First');
    const b = await seller('Second');
    const first = await gql(a.key, REGISTER, { input: { eventId: gid('SellerEvent', event.id), shopId: a.gid } });
    expect(first.data!.eventRegister).toMatchObject({
      alreadyRegistered: false,
      registration: { status: 'CONFIRMED', event: { seatsLeft: 0 } },
    });
    const second = await gql(b.key, REGISTER, { input: { eventId: gid('SellerEvent', event.id), shopId: b.gid } });
    expect(second.data!.eventRegister).toMatchObject({
      alreadyRegistered: false,
      registration: { status: 'WAITLISTED' },
    });
    const repeat = await gql(a.key, REGISTER, { input: { eventId: gid('SellerEvent', event.id), shopId: a.gid } });
    expect(repeat.data!.eventRegister).toMatchObject({
      alreadyRegistered: true,
      registration: { id: first.data!.eventRegister.registration.id, status: 'CONFIRMED' },
    });
    expect(await db.prisma.eventRegistration.count({ where: { eventId: event.id } })).toBe(2);
  });

  it('keeps one row when one shop registers 20 times at once', async () => {
    const event = await createSellerEvent(db.prisma, { capacity: 5 });
    const a = await seller('Impatient');
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        gql(a.key, REGISTER, { input: { eventId: gid('SellerEvent', event.id), shopId: a.gid } }),
      ),
    );
    const ids = new Set(results.map((r) => r.data?.eventRegister?.registration?.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.data?.eventRegister?.alreadyRegistered === false)).toHaveLength(1);
    expect(await db.prisma.eventRegistration.count({ where: { eventId: event.id } })).toBe(1);
  });

  it('enforces eligibility, good standing, the closing time and tenancy', async () => {
    const event = await createSellerEvent(db.prisma, {
      capacity: 10,
      minTierId: tiers.established,
      eligibleCategoryIds: [world.categories.beauty],
    });
    const eventId = gid('SellerEvent', event.id);
    const code = async (key: string, shopGid: string, id = eventId) => {
      const r = (await gql(key, REGISTER, { input: { eventId: id, shopId: shopGid } })).data!.eventRegister;
      return r.code ?? r.registration.status;
    };
    const entry = await seller('Entry tier beauty', { primaryCategoryId: world.categories.beauty });
    await db.prisma.shop.update({ where: { id: entry.shop.id }, data: { tierId: tiers.entry } });
    const fashion = await seller('Established fashion', { primaryCategoryId: world.categories.fashion });
    await db.prisma.shop.update({ where: { id: fashion.shop.id }, data: { tierId: tiers.established } });
    const restricted = await seller('Restricted beauty', { primaryCategoryId: world.categories.beauty });
    await db.prisma.shop.update({
      where: { id: restricted.shop.id },
      data: { tierId: tiers.strategic, status: 'RESTRICTED' },
    });
    const good = await seller('Strategic beauty', { primaryCategoryId: world.categories.beauty });
    await db.prisma.shop.update({ where: { id: good.shop.id }, data: { tierId: tiers.strategic } });

    expect(await code(entry.key, entry.gid)).toBe('EVENT_NOT_ELIGIBLE');
    expect(await code(fashion.key, fashion.gid)).toBe('EVENT_NOT_ELIGIBLE');
    expect(await code(restricted.key, restricted.gid)).toBe('INVALID_STATE');
    expect(await code(good.key, entry.gid)).toBe('NOT_FOUND'); // another seller's shop
    expect(await code(good.key, good.gid, gid('SellerEvent', 999_999))).toBe('NOT_FOUND');
    const readOnly = await createKey(db.prisma, 'SELLER', { shopId: good.shop.id, scopes: ['shops:read'] });
    expect(await code(readOnly.key, good.gid)).toBe('FORBIDDEN');
    await gql(admin, CLOCK, { now: '2030-05-31T09:00:00Z' }); // registration closed on 31 May 09:00
    expect(await code(good.key, good.gid)).toBe('REGISTRATION_CLOSED');
    await gql(admin, CLOCK, { now: '2030-05-31T08:59:59Z' });
    expect(await code(good.key, good.gid)).toBe('CONFIRMED');
    await gql(admin, CLOCK, { now: '2030-05-01T00:00:00Z' });
    expect(await db.prisma.eventRegistration.count({ where: { eventId: event.id } })).toBe(1);
  });

  it('promotes exactly the first waitlisted shop when a confirmed one cancels', async () => {
    const event = await createSellerEvent(db.prisma, { capacity: 2 });
    const shops = await Promise.all(['P1', 'P2', 'P3', 'P4'].map((n) => seller(n)));
    const regs: string[] = [];
    for (const s of shops)
      regs.push(
        (await gql(s.key, REGISTER, { input: { eventId: gid('SellerEvent', event.id), shopId: s.gid } })).data!
          .eventRegister.registration.id,
      );

    // Cancelling a waitlisted registration frees no seat.
    const w = await gql(shops[3]!.key, CANCEL, { input: { registrationId: regs[3] } });
    expect(w.data!.eventRegistrationCancel).toMatchObject({ registration: { status: 'CANCELLED' }, promoted: null });

    const c = await gql(shops[0]!.key, CANCEL, { input: { registrationId: regs[0] } });
    expect(c.data!.eventRegistrationCancel).toMatchObject({ registration: { status: 'CANCELLED' }, promoted: null }); // P3's registration is not P1's to see
    const rows = await db.prisma.eventRegistration.findMany({
      where: { eventId: event.id },
      orderBy: { id: 'asc' },
      select: { shop: { select: { name: true } }, status: true, promotedAt: true },
    });
    expect(rows.map((r) => [r.shop.name, r.status, r.promotedAt !== null])).toEqual([
      ['P1', 'CANCELLED', false],
      ['P2', 'CONFIRMED', false],
      ['P3', 'CONFIRMED', true],
      ['P4', 'CANCELLED', false],
    ]);
    const events = await db.prisma.outboxEvent.findMany({
      where: { type: 'registration.promoted', subjectId: { in: rows.map(() => '') } },
    });
    expect(events).toHaveLength(0);
    const promoted = await db.prisma.outboxEvent.findMany({
      where: { type: 'registration.promoted', shopId: shops[2]!.shop.id },
    });
    expect(promoted).toHaveLength(1);
    expect(promoted[0]!.payload).toMatchObject({ eventId: event.id });

    // Cancelling again changes nothing; a cancelled shop may register again, at the back of the queue.
    expect(
      (await gql(shops[0]!.key, CANCEL, { input: { registrationId: regs[0] } })).data!.eventRegistrationCancel.promoted,
    ).toBeNull();
    const back = await gql(shops[0]!.key, REGISTER, {
      input: { eventId: gid('SellerEvent', event.id), shopId: shops[0]!.gid },
    });
    expect(back.data!.eventRegister).toMatchObject({
      alreadyRegistered: false,
      registration: { status: 'WAITLISTED' },
    });
    expect(await db.prisma.eventRegistration.count({ where: { eventId: event.id } })).toBe(4);

    // The administrator sees the promoted registration in the result; other shops' registrations are invisible to a seller.
    const byAdmin = await gql(admin, CANCEL, { input: { registrationId: regs[1] } });
    expect(byAdmin.data!.eventRegistrationCancel.promoted).toMatchObject({ status: 'CONFIRMED', shop: { name: 'P1' } });
    const list = await gql(
      shops[1]!.key,
      `query($id: ID!) { node(id: $id) { ... on SellerEvent { registrations { edges { node { shop { name } status } } } } } }`,
      { id: gid('SellerEvent', event.id) },
    );
    expect(list.data!.node.registrations.edges.map((e: any) => e.node.shop.name)).toEqual(['P2']);
    const all = await gql(
      admin,
      `query($id: ID!) { node(id: $id) { ... on SellerEvent { confirmedCount waitlistCount seatsLeft registrations(status: CONFIRMED) { edges { node { shop { name } } } } } } }`,
      { id: gid('SellerEvent', event.id) },
    );
    expect(all.data!.node).toEqual({
      confirmedCount: 2,
      waitlistCount: 0,
      seatsLeft: 0,
      registrations: { edges: [{ node: { shop: { name: 'P3' } } }, { node: { shop: { name: 'P1' } } }] },
    });
    const otherSeller = await gql(shops[1]!.key, `query($id: ID!) { node(id: $id) { id } }`, { id: regs[2] });
    expect(otherSeller.data!.node).toBeNull();
    expect(
      (await gql(shops[1]!.key, CANCEL, { input: { registrationId: regs[2] } })).data!.eventRegistrationCancel.code,
    ).toBe('NOT_FOUND');
  });

  it('marks attendance (administrators) of confirmed registrations once the event started', async () => {
    const event = await createSellerEvent(db.prisma, { capacity: 1, startsAt: new Date('2030-05-10T09:00:00Z') });
    const a = await seller('Attendee');
    const b = await seller('Waiting');
    const ra = (await gql(a.key, REGISTER, { input: { eventId: gid('SellerEvent', event.id), shopId: a.gid } })).data!
      .eventRegister.registration.id;
    const rb = (await gql(b.key, REGISTER, { input: { eventId: gid('SellerEvent', event.id), shopId: b.gid } })).data!
      .eventRegister.registration.id;
    const MARK = `mutation($input: EventAttendanceMarkInput!) { eventAttendanceMark(input: $input) { __typename ... on EventAttendanceMarkSuccess { registrations { attended attendedAt } } ... on Error { code } ... on ValidationError { fields { path } } } }`;
    expect(
      (await gql(admin, MARK, { input: { registrationIds: [ra], attended: true } })).data!.eventAttendanceMark.code,
    ).toBe('VALIDATION_FAILED'); // not started
    await gql(admin, CLOCK, { now: '2030-05-10T10:00:00Z' });
    expect(
      (await gql(a.key, MARK, { input: { registrationIds: [ra], attended: true } })).data!.eventAttendanceMark.code,
    ).toBe('FORBIDDEN');
    const wrong = await gql(admin, MARK, { input: { registrationIds: [ra, rb], attended: true } });
    expect(wrong.data!.eventAttendanceMark.fields).toEqual([{ path: ['input', 'registrationIds', '1'] }]);
    const ok = await gql(admin, MARK, { input: { registrationIds: [ra], attended: true } });
    expect(ok.data!.eventAttendanceMark.registrations).toEqual([
      { attended: true, attendedAt: '2030-05-10T10:00:00.000Z' },
    ]);
    await gql(admin, CLOCK, { now: '2030-05-01T00:00:00Z' });
  });

  it('lists events with their seat counts in a constant number of queries', async () => {
    const { queries, result } = await countQueries(db, () =>
      gql(
        admin,
        `{ events(first: 50, filter: { includePast: true }) { edges { node { title confirmedCount waitlistCount seatsLeft minTier { code } eligibleCategories { name } } } } }`,
      ),
    );
    expect(result.data!.events.edges.length).toBeGreaterThan(5);
    expect(queries.filter((q) => q.includes('"EventRegistration"'))).toHaveLength(1);
    const sorted = await db.prisma.sellerEvent.findMany({
      orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
      take: 50,
      select: { title: true },
    });
    expect(result.data!.events.edges.map((e: any) => e.node.title)).toEqual(sorted.map((e) => e.title)); // soonest first
  });

  // PGlite is one session running one transaction at a time: a round cannot race, so repeats there prove nothing new.
  const rounds = target === 'postgres' ? 20 : 2;
  it(`never exceeds capacity: 200 shops at once for 50 seats → 50 CONFIRMED, 150 WAITLISTED, ${rounds} times (races only on PostgreSQL)`, async () => {
    const shops = await createShops(db.prisma, 200, { prefix: 'Crowd' });
    for (let round = 0; round < rounds; round++) {
      const event = await createSellerEvent(db.prisma, { capacity: 50, title: `Round ${round}` });
      const outcomes = await Promise.all(
        shops.map((s) => registerForEvent(sellerContext(s.id), { eventId: event.id, shopId: s.id })),
      );
      expect(outcomes.every((o) => !o.alreadyRegistered)).toBe(true);
      const rows = await db.prisma.eventRegistration.findMany({
        where: { eventId: event.id },
        orderBy: { id: 'asc' },
        select: { id: true, status: true },
      });
      expect(rows).toHaveLength(200);
      expect(rows.filter((r) => r.status === 'CONFIRMED')).toHaveLength(50);
      expect(rows.filter((r) => r.status === 'WAITLISTED')).toHaveLength(150);
      // Arrival order: the 50 earliest registrations hold the seats.
      expect(rows.slice(0, 50).every((r) => r.status === 'CONFIRMED')).toBe(true);

      if (round === 0) {
        // Concurrent cancellations of 10 confirmed seats promote exactly the 10 first waitlisted.
        const cancelled = rows.slice(0, 10);
        const byId = await db.prisma.eventRegistration.findMany({
          where: { id: { in: cancelled.map((r) => r.id) } },
          select: { id: true, shopId: true },
        });
        await Promise.all(byId.map((r) => cancelRegistration(sellerContext(r.shopId), { registrationId: r.id })));
        const after = await db.prisma.eventRegistration.findMany({
          where: { eventId: event.id },
          orderBy: { id: 'asc' },
          select: { status: true, promotedAt: true },
        });
        expect(after.filter((r) => r.status === 'CONFIRMED')).toHaveLength(50);
        expect(after.slice(50, 60).every((r) => r.status === 'CONFIRMED' && r.promotedAt !== null)).toBe(true);
        expect(after.slice(60).every((r) => r.status === 'WAITLISTED')).toBe(true);
      }
    }
  }, 240_000);

  it('never exceeds capacity through the API either: 200 seller keys at once', async () => {
    const event = await createSellerEvent(db.prisma, { capacity: 50, title: 'Through the API' });
    const sellers = await Promise.all(Array.from({ length: 200 }, (_, i) => seller(`API crowd ${i}`)));
    const results = await Promise.all(
      sellers.map((s) => gql(s.key, REGISTER, { input: { eventId: gid('SellerEvent', event.id), shopId: s.gid } })),
    );
    const statuses = results.map(
      (r) =>
        r.data?.eventRegister?.registration?.status ?? r.data?.eventRegister?.code ?? r.errors?.[0]?.extensions?.code,
    );
    expect(statuses.filter((s) => s === 'CONFIRMED')).toHaveLength(50);
    expect(statuses.filter((s) => s === 'WAITLISTED')).toHaveLength(150);
    const listed = await gql(
      admin,
      `{ events(first: 100, filter: { city: "london" }) { edges { node { title confirmedCount waitlistCount seatsLeft } } } }`,
    );
    expect(listed.data!.events.edges.map((e: any) => e.node)).toContainEqual({
      title: 'Through the API',
      confirmedCount: 50,
      waitlistCount: 150,
      seatsLeft: 0,
    });
  }, 120_000);
});

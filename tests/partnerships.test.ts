import { beforeAll, describe, expect, it } from 'vitest';
import { JobRunner } from '@shopwarden/jobs';
import { expireDuePartnerships, jobs, readPlatformNow } from '@shopwarden/schema';
import { createKey, createShop } from './support/fixtures.ts';
import { dbId, gid } from './support/client.ts';
import { useSuite } from './support/suite.ts';
import { testTargets } from './support/database.ts';
import { createCreator } from './support/health-fixtures.ts';

const ERR = /* GraphQL */ `... on Error { code message } ... on ValidationError { fields { path message } }`;
const FIELDS = /* GraphQL */ `id status commissionRate commissionRateBps expiresAt startedAt endedAt closedBy closeReason shopName creatorHandle shop { id } creator { id } version`;

const PROPOSE = /* GraphQL */ `
  mutation Propose($input: PartnershipProposeInput!) {
    partnershipPropose(input: $input) { __typename ... on PartnershipProposeSuccess { partnership { ${FIELDS} } } ${ERR} }
  }`;
const ACCEPT = /* GraphQL */ `
  mutation Accept($input: PartnershipAcceptInput!) {
    partnershipAccept(input: $input) { __typename ... on PartnershipAcceptSuccess { partnership { ${FIELDS} } } ${ERR} }
  }`;
const DECLINE = /* GraphQL */ `
  mutation Decline($input: PartnershipDeclineInput!) {
    partnershipDecline(input: $input) { __typename ... on PartnershipDeclineSuccess { partnership { ${FIELDS} } } ${ERR} }
  }`;
const END = /* GraphQL */ `
  mutation End($input: PartnershipEndInput!) {
    partnershipEnd(input: $input) { __typename ... on PartnershipEndSuccess { partnership { ${FIELDS} } } ${ERR} }
  }`;
const NODE = /* GraphQL */ `query Node($id: ID!) { node(id: $id) { ... on Partnership { ${FIELDS} } } }`;
const CLOCK = /* GraphQL */ `
  mutation Clock($now: DateTime) {
    sandboxClockSet(input: { now: $now }) {
      __typename
    }
  }
`;

describe.each(testTargets())('partnerships: life cycle and rules (SPEC §7) on %s', (target) => {
  const { db, world, gql, clock } = useSuite(target, { env: { API_KEY_CACHE_TTL_MS: '0' } });
  let partnerKey: string;
  let partnerAccountId: number;
  let otherPartnerKey: string;

  beforeAll(async () => {
    const scopes = ['creators:read', 'partnerships:read', 'partnerships:write', 'shops:read'];
    const account = await db.prisma.account.create({ data: { name: 'Matchlight', kind: 'PARTNER' } });
    const other = await db.prisma.account.create({ data: { name: 'Other', kind: 'PARTNER' } });
    partnerAccountId = account.id;
    partnerKey = (await createKey(db.prisma, 'PARTNER', { accountId: account.id, scopes })).key;
    otherPartnerKey = (await createKey(db.prisma, 'PARTNER', { accountId: other.id, scopes })).key;
    await clock.set('2024-04-01T00:00:00.000Z');
  });

  let n = 0;
  /** A seller's shop and a creator the partner app represents. */
  async function pair(opts: { represented?: boolean } = {}) {
    n += 1;
    const shop = await createShop(db.prisma, `Partner Shop ${n}`, { primaryCategoryId: world.categories.beauty });
    const seller = await createKey(db.prisma, 'SELLER', {
      shopId: shop.id,
      scopes: ['shops:read', 'creators:read', 'partnerships:read', 'partnerships:write'],
    });
    const creator = await createCreator(db.prisma, { handle: `pair_${target}_${n}` });
    if (opts.represented !== false)
      await db.prisma.creatorRepresentation.create({ data: { creatorId: creator.id, accountId: partnerAccountId } });
    return { shop, seller: seller.key, creator, shopGid: gid('Shop', shop.id), creatorGid: gid('Creator', creator.id) };
  }

  const propose = (key: string, p: { shopGid: string; creatorGid: string }, extra: Record<string, unknown> = {}) =>
    gql(key, PROPOSE, { input: { shopId: p.shopGid, creatorId: p.creatorGid, commissionRate: 12.5, ...extra } }).then(
      (r) => r.data!.partnershipPropose,
    );

  it('proposes with an expiry on the platform clock, audited and in the outbox in the same transaction', async () => {
    const p = await pair();
    const result = await propose(p.seller, p, { message: 'Spring launch?' });
    expect(result).toMatchObject({
      __typename: 'PartnershipProposeSuccess',
      partnership: {
        status: 'PROPOSED',
        commissionRate: 12.5,
        commissionRateBps: 1250,
        expiresAt: '2024-04-15T00:00:00.000Z',
        shopName: p.shop.name,
        creatorHandle: p.creator.handle,
        version: 0,
      },
    });
    const id = dbId(result.partnership.id);
    const events = await db.prisma.outboxEvent.findMany({
      where: { subjectType: 'Partnership', subjectId: String(id) },
    });
    expect(events.map((e) => [e.type, e.payload])).toEqual([
      [
        'partnership.proposed',
        {
          partnershipId: id,
          shopId: p.shop.id,
          creatorId: p.creator.id,
          previousStatus: null,
          status: 'PROPOSED',
          by: 'SHOP',
          reason: null,
          commissionRateBps: 1250,
        },
      ],
    ]);
    expect(await db.prisma.auditRecord.count({ where: { targetType: 'Partnership', targetId: String(id) } })).toBe(1);
  });

  it('refuses a commission outside the settings, with the field path, changing nothing', async () => {
    const p = await pair();
    for (const rate of [0.5, 80.01, 12.345]) {
      const result = await propose(p.seller, p, { commissionRate: rate });
      expect(result.fields).toEqual([{ path: ['input', 'commissionRate'], message: expect.any(String) }]);
    }
    expect(await db.prisma.partnership.count({ where: { shopId: p.shop.id } })).toBe(0);
    expect((await propose(p.seller, p, { commissionRate: 80 })).partnership.commissionRateBps).toBe(8000);
  });

  it('allows one open partnership per pair, also when ten proposals arrive at once', async () => {
    const p = await pair();
    const results = await Promise.all(Array.from({ length: 10 }, () => propose(p.seller, p)));
    expect(results.filter((r) => r.__typename === 'PartnershipProposeSuccess')).toHaveLength(1);
    expect(results.filter((r) => r.code === 'CONFLICT')).toHaveLength(9);
    expect(await db.prisma.partnership.count({ where: { shopId: p.shop.id } })).toBe(1);
    expect(await db.prisma.outboxEvent.count({ where: { type: 'partnership.proposed', shopId: p.shop.id } })).toBe(1);
  });

  it('refuses proposals from RESTRICTED and SUSPENDED shops, and from keys without partnerships:write', async () => {
    const p = await pair();
    for (const status of ['RESTRICTED', 'SUSPENDED'] as const) {
      await db.prisma.shop.update({ where: { id: p.shop.id }, data: { status } });
      expect(await propose(p.seller, p)).toMatchObject({ code: 'INVALID_STATE' });
    }
    await db.prisma.shop.update({ where: { id: p.shop.id }, data: { status: 'ACTIVE' } });
    const narrow = await createKey(db.prisma, 'SELLER', { shopId: p.shop.id, scopes: ['shops:read', 'creators:read'] });
    expect(await propose(narrow.key, p)).toMatchObject({ code: 'FORBIDDEN' });
    // A partner app never proposes for a shop, even one that granted it access.
    await db.prisma.shopAccessGrant.create({
      data: { shopId: p.shop.id, accountId: partnerAccountId, scopes: ['shops:read'] },
    });
    expect(await propose(partnerKey, p)).toMatchObject({ code: 'FORBIDDEN' });
    expect(await db.prisma.partnership.count({ where: { shopId: p.shop.id } })).toBe(0);
  });

  it("lets only the creator's partner app answer: accept once, then either side or an admin ends it", async () => {
    const p = await pair();
    const id = (await propose(p.seller, p)).partnership.id;
    expect((await gql(p.seller, ACCEPT, { input: { partnershipId: id } })).data!.partnershipAccept.code).toBe(
      'FORBIDDEN',
    );
    expect((await gql(otherPartnerKey, ACCEPT, { input: { partnershipId: id } })).data!.partnershipAccept.code).toBe(
      'NOT_FOUND',
    );
    const accepted = await gql(partnerKey, ACCEPT, { input: { partnershipId: id } });
    expect(accepted.data!.partnershipAccept.partnership).toMatchObject({
      status: 'ACTIVE',
      startedAt: '2024-04-01T00:00:00.000Z',
      version: 1,
      shop: null, // the partner app does not reach the shop
      creator: { id: p.creatorGid },
    });
    expect((await gql(partnerKey, ACCEPT, { input: { partnershipId: id } })).data!.partnershipAccept.code).toBe(
      'INVALID_STATE',
    );
    expect((await propose(p.seller, p)).code).toBe('CONFLICT');
    const noReason = await gql(p.seller, END, { input: { partnershipId: id, reason: ' ' } });
    expect(noReason.data!.partnershipEnd.fields[0].path).toEqual(['input', 'reason']);
    const ended = await gql(p.seller, END, { input: { partnershipId: id, reason: 'Season is over' } });
    expect(ended.data!.partnershipEnd.partnership).toMatchObject({
      status: 'ENDED',
      closedBy: 'SHOP',
      closeReason: 'Season is over',
    });
    const types = await db.prisma.outboxEvent.findMany({
      where: { subjectType: 'Partnership', subjectId: String(dbId(id)) },
      orderBy: { id: 'asc' },
    });
    expect(types.map((e) => e.type)).toEqual(['partnership.proposed', 'partnership.accepted', 'partnership.ended']);
    // The pair is free again; the creator's side and an administrator can end the next one.
    const next = (await propose(p.seller, p)).partnership.id;
    await gql(partnerKey, ACCEPT, { input: { partnershipId: next } });
    const byCreator = await gql(partnerKey, END, { input: { partnershipId: next, reason: 'Moving on' } });
    expect(byCreator.data!.partnershipEnd.partnership.closedBy).toBe('CREATOR');
    const third = (await propose(p.seller, p)).partnership.id;
    await gql(partnerKey, ACCEPT, { input: { partnershipId: third } });
    const byAdmin = await gql(world.adminKey, END, { input: { partnershipId: third, reason: 'Policy breach' } });
    expect(byAdmin.data!.partnershipEnd.partnership.closedBy).toBe('ADMIN');
  });

  it('declines with a reason; the shop may propose again', async () => {
    const p = await pair();
    const id = (await propose(p.seller, p)).partnership.id;
    const declined = await gql(partnerKey, DECLINE, { input: { partnershipId: id, reason: 'Not my niche' } });
    expect(declined.data!.partnershipDecline.partnership).toMatchObject({
      status: 'DECLINED',
      closedBy: 'CREATOR',
      closeReason: 'Not my niche',
    });
    expect((await gql(p.seller, END, { input: { partnershipId: id, reason: 'nope' } })).data!.partnershipEnd.code).toBe(
      'INVALID_STATE',
    );
    expect((await propose(p.seller, p)).__typename).toBe('PartnershipProposeSuccess');
  });

  it('expires an unanswered proposal after 14 days: at read time, by the idempotent job, and on a late answer', async () => {
    const p = await pair();
    const id = (await propose(p.seller, p)).partnership.id;
    const q = await pair();
    const lateId = (await propose(q.seller, q)).partnership.id;
    await gql(world.adminKey, CLOCK, { now: '2024-04-14T23:59:59.999Z' });
    expect((await gql(p.seller, NODE, { id })).data!.node.status).toBe('PROPOSED');
    await gql(world.adminKey, CLOCK, { now: '2024-04-15T00:00:00.000Z' });
    // Read time: EXPIRED although nothing has been written yet.
    expect((await gql(p.seller, NODE, { id })).data!.node.status).toBe('EXPIRED');
    expect((await db.prisma.partnership.findUniqueOrThrow({ where: { id: dbId(id) } })).status).toBe('PROPOSED');
    const list = await gql(
      p.seller,
      `query($id: ID!) { shop(id: $id) { proposed: partnerships(status: PROPOSED) { edges { node { id } } } expired: partnerships(status: EXPIRED) { edges { node { id } } } } }`,
      { id: p.shopGid },
    );
    expect(list.data!.shop).toEqual({ proposed: { edges: [] }, expired: { edges: [{ node: { id } }] } });
    // A late answer is refused, and writes the expiry it found.
    const late = await gql(partnerKey, ACCEPT, { input: { partnershipId: lateId } });
    expect(late.data!.partnershipAccept.code).toBe('INVALID_STATE');
    expect((await db.prisma.partnership.findUniqueOrThrow({ where: { id: dbId(lateId) } })).status).toBe('EXPIRED');
    // The job: runs twice, expires once.
    const now = new Date('2024-04-15T00:00:00.000Z');
    const [first, second] = [await expireDuePartnerships(db.prisma, now), await expireDuePartnerships(db.prisma, now)];
    expect(first).toContain(dbId(id));
    expect(second).toEqual([]);
    expect(
      await db.prisma.outboxEvent.count({ where: { type: 'partnership.expired', subjectId: String(dbId(id)) } }),
    ).toBe(1);
    expect((await gql(p.seller, NODE, { id })).data!.node).toMatchObject({ status: 'EXPIRED', closedBy: 'PLATFORM' });
    expect((await propose(p.seller, p)).__typename).toBe('PartnershipProposeSuccess');
    await gql(world.adminKey, CLOCK, { now: '2024-04-01T00:00:00.000Z' });
  });

  it('expires a proposal on the job runner when the platform clock reaches its expiry, once', async () => {
    const p = await pair();
    const id = (await propose(p.seller, p)).partnership.id;
    const accepted = await pair();
    const answeredId = (await propose(accepted.seller, accepted)).partnership.id;
    await gql(partnerKey, ACCEPT, { input: { partnershipId: answeredId } });
    const runner = new JobRunner({
      prisma: db.prisma,
      jobs: jobs.filter((j) => j.name === 'partnerships.expire'),
      now: () => readPlatformNow(db.prisma, false),
      listen: db.listen,
      pollIntervalMs: 60_000,
      leaseMs: 5_000,
    });
    try {
      await runner.drain();
      expect((await db.prisma.partnership.findUniqueOrThrow({ where: { id: dbId(id) } })).status).toBe('PROPOSED');
      await gql(world.adminKey, CLOCK, { now: '2024-04-15T00:00:00.000Z' });
      await runner.drain();
      expect((await db.prisma.partnership.findUniqueOrThrow({ where: { id: dbId(id) } })).status).toBe('EXPIRED');
      expect((await db.prisma.partnership.findUniqueOrThrow({ where: { id: dbId(answeredId) } })).status).toBe(
        'ACTIVE',
      );
      await runner.drain();
      expect(
        await db.prisma.outboxEvent.count({ where: { type: 'partnership.expired', subjectId: String(dbId(id)) } }),
      ).toBe(1);
      const left = await db.prisma.job.findMany({ where: { name: 'partnerships.expire' }, select: { payload: true } });
      expect(left.map((j) => j.payload)).not.toContainEqual({ partnershipId: dbId(id) });
    } finally {
      await runner.stop();
      await gql(world.adminKey, CLOCK, { now: '2024-04-01T00:00:00.000Z' });
    }
  });

  it('shows partnerships only to their two sides, and the content published while active', async () => {
    const p = await pair();
    const id = (await propose(p.seller, p)).partnership.id;
    await gql(partnerKey, ACCEPT, { input: { partnershipId: id } });
    const stranger = await pair();
    const nodes = `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`;
    expect((await gql(stranger.seller, nodes, { ids: [id] })).data!.nodes).toEqual([null]);
    expect((await gql(otherPartnerKey, nodes, { ids: [id] })).data!.nodes).toEqual([null]);
    expect((await gql(partnerKey, nodes, { ids: [id] })).data!.nodes).toEqual([{ id }]);
    const before = new Date('2024-03-20T00:00:00Z');
    const during = new Date('2024-04-01T00:00:00Z');
    for (const publishedAt of [before, during])
      await db.prisma.contentItem.create({
        data: {
          creatorId: p.creator.id,
          shopId: p.shop.id,
          kind: 'VIDEO',
          title: publishedAt.toISOString(),
          publishedAt,
        },
      });
    const read = await gql(
      p.seller,
      `query($id: ID!) { shop(id: $id) { partnerships(status: ACTIVE) { edges { node { id contentItems { edges { node { title } } } } } } } }`,
      { id: p.shopGid },
    );
    expect(read.data!.shop.partnerships.edges).toEqual([
      { node: { id, contentItems: { edges: [{ node: { title: during.toISOString() } }] } } },
    ]);
    const byCreator = await gql(
      partnerKey,
      `query($id: ID!) { node(id: $id) { ... on Creator { partnerships { edges { node { id shop { id } shopName } } } } } }`,
      { id: p.creatorGid },
    );
    expect(byCreator.data!.node.partnerships.edges).toEqual([{ node: { id, shop: null, shopName: p.shop.name } }]);
  });
});

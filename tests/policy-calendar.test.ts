import { afterEach, describe, expect, it } from 'vitest';
import { JobRunner } from '@shopwarden/jobs';
import { jobs, readPlatformNow } from '@shopwarden/schema';
import { createKey } from './support/fixtures.ts';
import { gid } from './support/client.ts';
import { useSuite } from './support/suite.ts';
import { testTargets } from './support/database.ts';
import { createPolicy } from './support/health-fixtures.ts';
import { CLOCK, SUBMIT, createListingRow, sellerShop } from './support/listing-fixtures.ts';
import { createSellerEvent, createTiers, insertOrders } from './support/revenue-fixtures.ts';

const DAY = 86_400_000;
const RECORD = /* GraphQL */ `
  mutation Record($input: ViolationRecordInput!) {
    violationRecord(input: $input) {
      __typename
      ... on ViolationRecordSuccess {
        shop {
          status
        }
      }
      ... on Error {
        code
      }
    }
  }
`;
const ISSUE = /* GraphQL */ `
  mutation Issue($input: HealthReportIssueInput!) {
    healthReportIssue(input: $input) {
      ... on HealthReportIssueSuccess {
        issuedCount
        alreadyIssuedCount
      }
    }
  }
`;
const REGISTER = /* GraphQL */ `
  mutation Register($input: EventRegisterInput!) {
    eventRegister(input: $input) {
      __typename
      ... on EventRegisterSuccess {
        registration {
          status
        }
      }
      ... on Error {
        code
      }
    }
  }
`;

describe.each(testTargets())('the policy calendar runs by itself on %s', (target) => {
  const { db, world, gql } = useSuite(target, { env: { API_KEY_CACHE_TTL_MS: '0' } });
  let runner: JobRunner;

  const clock = (now: string) => gql(world.adminKey, CLOCK, { now });
  const record = async (shopGid: string, policyId: number, occurredAt: string, points: number) => {
    const res = await gql(world.adminKey, RECORD, {
      input: { shopId: shopGid, policyId: gid('Policy', policyId), source: 'OTHER', occurredAt, points },
    });
    expect(res.data!.violationRecord.__typename).toBe('ViolationRecordSuccess');
    return res.data!.violationRecord.shop.status as string;
  };
  const stored = (shopId: number) =>
    db.prisma.shop.findUniqueOrThrow({ where: { id: shopId }, select: { status: true, healthStatus: true } });
  const changes = (shopId: number) =>
    db.prisma.shopStatusChange.findMany({
      where: { shopId },
      orderBy: { id: 'asc' },
      select: { toHealth: true, balance: true, occurredAt: true },
    });
  const healthEvents = (shopId: number) =>
    db.prisma.outboxEvent.findMany({
      where: { shopId, type: 'shop.health_changed' },
      orderBy: { id: 'asc' },
      select: { occurredAt: true },
    });

  afterEach(async () => {
    await runner?.stop();
  });

  const startRunner = (names: string[]) => {
    runner = new JobRunner({
      prisma: db.prisma,
      jobs: jobs.filter((j) => names.includes(j.name)),
      now: () => readPlatformNow(db.prisma, false),
      pollIntervalMs: 60_000,
      leaseMs: 5_000,
    });
    return runner;
  };

  it('changes health and status at the instant points expire, not a second before', async () => {
    await clock('2024-03-01T00:00:00Z');
    const { shop, shopGid } = await sellerShop(db.prisma, 'Expiring', { primaryCategoryId: world.categories.beauty });
    const policy = await createPolicy(db.prisma, { points: 24 });
    expect(await record(shopGid, policy.id, '2024-03-01T00:00:00.000Z', 24)).toBe('RESTRICTED');
    const expiry = new Date(Date.parse('2024-03-01T00:00:00Z') + 90 * DAY);
    const r = startRunner(['health.points-expire']);
    expect(await r.drain()).toBe(0);

    await clock(new Date(expiry.getTime() - 1000).toISOString());
    expect(await r.drain()).toBe(0);
    expect(await stored(shop.id)).toEqual({ status: 'RESTRICTED', healthStatus: 'RESTRICTED' });

    await clock(expiry.toISOString());
    expect(await r.drain()).toBe(1);
    expect(await stored(shop.id)).toEqual({ status: 'ACTIVE', healthStatus: 'HEALTHY' });
    const rows = await changes(shop.id);
    expect(rows.at(-1)).toEqual({ toHealth: 'HEALTHY', balance: 0, occurredAt: expiry });
    expect((await healthEvents(shop.id)).map((e) => e.occurredAt)).toEqual([new Date('2024-03-01T00:00:00Z'), expiry]);
    // Idempotent: the expiry applied, nothing is left to run or to record.
    expect(await r.drain()).toBe(0);
    expect(await changes(shop.id)).toHaveLength(2);
  });

  it('runs everything that fell due during a clock jump in order, each at its own instant', async () => {
    await clock('2024-03-01T00:00:00Z');
    const { shop, shopGid } = await sellerShop(db.prisma, 'Jumping', { primaryCategoryId: world.categories.beauty });
    const policy = await createPolicy(db.prisma, { points: 10 });
    await record(shopGid, policy.id, '2024-03-01T00:00:00.000Z', 30);
    await clock('2024-03-11T00:00:00Z');
    expect(await record(shopGid, policy.id, '2024-03-11T00:00:00.000Z', 20)).toBe('SUSPENDED');
    const r = startRunner(['health.points-expire']);
    await clock('2024-07-01T00:00:00Z');
    expect(await r.drain()).toBe(2);
    expect((await changes(shop.id)).slice(-2)).toEqual([
      { toHealth: 'AT_RISK', balance: 20, occurredAt: new Date(Date.parse('2024-03-01T00:00:00Z') + 90 * DAY) },
      { toHealth: 'HEALTHY', balance: 0, occurredAt: new Date(Date.parse('2024-03-11T00:00:00Z') + 90 * DAY) },
    ]);
    expect(await stored(shop.id)).toEqual({ status: 'ACTIVE', healthStatus: 'HEALTHY' });
  });

  it('lets listing checks and event registration read the status in force before the runner catches up', async () => {
    await clock('2024-03-01T00:00:00Z');
    const { shop, key, shopGid } = await sellerShop(db.prisma, 'Lagging', {
      primaryCategoryId: world.categories.beauty,
    });
    const events = await createKey(db.prisma, 'SELLER', { shopId: shop.id, scopes: ['shops:read', 'events:write'] });
    const policy = await createPolicy(db.prisma, { points: 24 });
    await record(shopGid, policy.id, '2024-03-01T00:00:00.000Z', 24);
    const listing = await createListingRow(db.prisma, shop.id, world.categories.skincare);
    const event = await createSellerEvent(db.prisma, { capacity: 5 });
    const register = async () =>
      (await gql(events.key, REGISTER, { input: { eventId: gid('SellerEvent', event.id), shopId: shopGid } })).data!
        .eventRegister;
    const submit = async () =>
      (await gql(key, SUBMIT, { input: { listingId: gid('Listing', listing.id), dryRun: true } })).data!.listingSubmit;
    expect((await submit()).issues.map((i: { code: string }) => i.code)).toEqual(['SHOP_NOT_ACTIVE']);
    expect((await register()).code).toBe('INVALID_STATE');

    // No runner runs: the checks themselves apply the expiry that fell due, at its instant.
    await clock('2024-06-15T00:00:00Z');
    expect((await submit()).issues).toEqual([]);
    expect((await register()).registration.status).toBe('CONFIRMED');
    expect((await changes(shop.id)).at(-1)).toEqual({
      toHealth: 'HEALTHY',
      balance: 0,
      occurredAt: new Date(Date.parse('2024-03-01T00:00:00Z') + 90 * DAY),
    });
    // The job runs later and changes nothing more.
    expect(await startRunner(['health.points-expire']).drain()).toBe(1);
    expect(await changes(shop.id)).toHaveLength(2);
  });

  it('gives a job to expiries written without one (the seed), from the hourly sweep', async () => {
    await clock('2024-03-01T00:00:00Z');
    const { shop } = await sellerShop(db.prisma, 'Seeded', { primaryCategoryId: world.categories.beauty });
    const policy = await createPolicy(db.prisma, { points: 30 });
    const violation = await db.prisma.violation.create({
      data: {
        shopId: shop.id,
        policyId: policy.id,
        source: 'OTHER',
        occurredAt: new Date('2024-02-20T00:00:00Z'),
        points: 30,
        createdAt: new Date('2024-02-20T00:00:00Z'),
      },
    });
    const expiry = new Date(Date.parse('2024-02-20T00:00:00Z') + 90 * DAY);
    await db.prisma.pointsLedgerEntry.create({
      data: {
        shopId: shop.id,
        policyId: policy.id,
        violationId: violation.id,
        kind: 'VIOLATION_ADDED',
        points: 30,
        effectiveAt: violation.occurredAt,
        expiresAt: expiry,
        createdAt: violation.occurredAt,
      },
    });
    await db.prisma.shop.update({ where: { id: shop.id }, data: { status: 'RESTRICTED', healthStatus: 'RESTRICTED' } });
    const r = startRunner(['health.points-expire', 'health.schedule-expiries']);
    await r.drain();
    await clock('2024-03-01T01:30:00Z');
    await r.drain();
    expect(await db.prisma.job.count({ where: { name: 'health.points-expire', runAt: expiry } })).toBe(1);
    await clock('2024-06-01T00:00:00Z');
    await r.drain();
    expect(await stored(shop.id)).toEqual({ status: 'ACTIVE', healthStatus: 'HEALTHY' });
    expect((await changes(shop.id)).at(-1)?.occurredAt).toEqual(expiry);
  });

  it("issues every shop's weekly report on Monday 00:00 UTC for the week that ended, once", async () => {
    await clock('2024-03-10T12:00:00Z');
    const { shop, shopGid } = await sellerShop(db.prisma, 'Reported weekly');
    const policy = await createPolicy(db.prisma, { points: 3 });
    await record(shopGid, policy.id, '2024-03-05T10:00:00.000Z', 3);
    const r = startRunner(['health.weekly-reports']);
    const week = new Date('2024-03-04T00:00:00Z');
    const monday = new Date('2024-03-11T00:00:00Z');
    expect(await r.drain()).toBe(0);
    await clock('2024-03-10T23:59:59Z');
    expect(await r.drain()).toBe(0);
    expect(await db.prisma.healthReport.count({ where: { weekStart: week } })).toBe(0);

    await clock(monday.toISOString());
    expect(await r.drain()).toBe(1);
    const shops = await db.prisma.shop.count();
    expect(await db.prisma.healthReport.count({ where: { weekStart: week } })).toBe(shops);
    const report = await db.prisma.healthReport.findUniqueOrThrow({
      where: { shopId_weekStart: { shopId: shop.id, weekStart: week } },
    });
    expect(report.issuedAt).toEqual(monday);
    expect(report.data).toMatchObject({ violationCount: 1, pointsAtEnd: 3 });
    // Issuing again, by hand, changes nothing.
    const again = await gql(world.adminKey, ISSUE, { input: { weekStart: week.toISOString() } });
    expect(again.data!.healthReportIssue).toMatchObject({ issuedCount: 0, alreadyIssuedCount: shops });

    // Two Mondays skipped by a jump: each week is issued, in order, as of its own Monday.
    await clock('2024-03-25T08:00:00Z');
    expect(await r.drain()).toBe(2);
    const issued = await db.prisma.healthReport.findMany({
      where: { shopId: shop.id },
      orderBy: { weekStart: 'asc' },
      select: { weekStart: true, issuedAt: true },
    });
    expect(issued).toEqual([
      { weekStart: week, issuedAt: monday },
      { weekStart: new Date('2024-03-11T00:00:00Z'), issuedAt: new Date('2024-03-18T00:00:00Z') },
      { weekStart: new Date('2024-03-18T00:00:00Z'), issuedAt: new Date('2024-03-25T00:00:00Z') },
    ]);
  });

  it('recalculates tiers on the 1st, switching a shop that loses self-shipping to platform fulfilment', async () => {
    const tiers = await createTiers(db.prisma);
    await clock('2024-05-31T12:00:00Z');
    const { shop } = await sellerShop(db.prisma, 'Falling tier');
    await db.prisma.shop.update({
      where: { id: shop.id },
      data: { tierId: tiers.established, fulfilmentMode: 'SELF_SHIPPING' },
    });
    // Established as of 1 June (May's sales), not as of 1 July (nothing sold in June).
    await insertOrders(db.prisma, shop.id, world.categories.beauty, [
      { amount: 100_000_000, placedAt: '2024-05-10T00:00:00Z' },
    ]);
    const r = startRunner(['revenue.monthly-tiers']);
    expect(await r.drain()).toBe(0);
    await clock('2024-06-30T23:59:59Z');
    expect(await r.drain()).toBe(1);
    expect(await db.prisma.shop.findUniqueOrThrow({ where: { id: shop.id } })).toMatchObject({
      tierId: tiers.established,
      fulfilmentMode: 'SELF_SHIPPING',
    });
    await clock('2024-07-01T00:00:00Z');
    expect(await r.drain()).toBe(1);
    expect(await db.prisma.shop.findUniqueOrThrow({ where: { id: shop.id } })).toMatchObject({
      tierId: tiers.entry,
      fulfilmentMode: 'PLATFORM',
    });
    const history = await db.prisma.tierAssignment.findMany({ where: { shopId: shop.id } });
    expect(history).toMatchObject([
      { previousTierId: tiers.established, tierId: tiers.entry, asOf: new Date('2024-07-01T00:00:00Z') },
    ]);
    const events = await db.prisma.outboxEvent.findMany({ where: { shopId: shop.id, type: 'shop.tier_changed' } });
    expect(events.map((e) => e.payload)).toMatchObject([
      { fromTier: 'ESTABLISHED', toTier: 'ENTRY', fulfilmentMode: 'PLATFORM' },
    ]);
    expect(await r.drain()).toBe(0);
  });

  it('lists every job with its last and next run for administrators, and runs a scheduled one on demand', async () => {
    const JOBS = `{ platformJobs { name schedule catchUp lastRunAt lastScheduledFor lastResult nextRunAt pendingCount } }`;
    const RUN = `mutation($input: PlatformJobRunInput!) { platformJobRun(input: $input) {
      __typename ... on PlatformJobRunSuccess { job { name nextRunAt } } ... on Error { code } } }`;
    const seller = await sellerShop(db.prisma, 'Curious seller');
    expect((await gql(seller.key, JOBS)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const forbidden = await gql(seller.key, RUN, { input: { name: 'health.weekly-reports' } });
    expect(forbidden.data!.platformJobRun.code).toBe('FORBIDDEN');

    await clock('2024-03-31T12:00:00Z');
    const r = startRunner(['health.weekly-reports']);
    await r.drain();
    await clock('2024-04-03T12:00:00Z');
    await r.drain();
    const weekly = async () =>
      ((await gql(world.adminKey, JOBS)).data!.platformJobs as { name: string }[]).find(
        (j) => j.name === 'health.weekly-reports',
      );
    const listed = (await gql(world.adminKey, JOBS)).data!.platformJobs as { name: string }[];
    expect(listed.map((j) => j.name)).toEqual(jobs.map((j) => j.name));
    expect(await weekly()).toMatchObject({
      schedule: '0 0 * * 1',
      catchUp: 'EVERY',
      lastRunAt: '2024-04-03T12:00:00.000Z',
      lastScheduledFor: '2024-04-01T00:00:00.000Z',
      lastResult: 'SUCCEEDED',
      nextRunAt: '2024-04-08T00:00:00.000Z',
      pendingCount: 1,
    });

    for (const name of ['health.nope', 'health.points-expire'])
      expect((await gql(world.adminKey, RUN, { input: { name } })).data!.platformJobRun.code).toBe('VALIDATION_FAILED');
    const run = await gql(world.adminKey, RUN, { input: { name: 'health.weekly-reports' } });
    expect(run.data!.platformJobRun).toEqual({
      __typename: 'PlatformJobRunSuccess',
      job: { name: 'health.weekly-reports', nextRunAt: '2024-04-03T12:00:00.000Z' },
    });
    await db.prisma.healthReport.deleteMany({ where: { weekStart: new Date('2024-03-25T00:00:00Z') } });
    expect(await r.drain()).toBe(1);
    // On demand it issues the week that ended last, and the schedule carries on.
    expect(await db.prisma.healthReport.count({ where: { weekStart: new Date('2024-03-25T00:00:00Z') } })).toBe(
      await db.prisma.shop.count(),
    );
    expect(await weekly()).toMatchObject({
      lastScheduledFor: '2024-04-03T12:00:00.000Z',
      nextRunAt: '2024-04-08T00:00:00.000Z',
    });
    expect(await db.prisma.auditRecord.count({ where: { operation: 'platformJobRun' } })).toBeGreaterThanOrEqual(3);
  });
});

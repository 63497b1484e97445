import { beforeEach, describe, expect, it } from 'vitest';
import { createKey, createShop } from './support/fixtures.ts';
import { gid } from './support/client.ts';
import { useSuite } from './support/suite.ts';
import { testTargets } from './support/database.ts';
import {
  createContentItem,
  createCreator,
  createListing,
  createOrder,
  createPolicy,
  createQuiz,
} from './support/health-fixtures.ts';

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

const RECORD = /* GraphQL */ `
  mutation Record($input: ViolationRecordInput!) {
    violationRecord(input: $input) {
      __typename
      ... on ViolationRecordSuccess {
        violation {
          id
          points
          status
          expiresAt
          source
        }
        shop {
          healthStatus
          status
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

const BALANCE = /* GraphQL */ `
  query Balance($id: ID!, $asOf: DateTime) {
    shop(id: $id) {
      pointsBalance(asOf: $asOf)
    }
  }
`;

const APPEAL = /* GraphQL */ `
  mutation Appeal($input: ViolationAppealSubmitInput!) {
    violationAppealSubmit(input: $input) {
      __typename
      ... on ViolationAppealSubmitSuccess {
        appeal {
          id
          status
          violation {
            status
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

const DECIDE = /* GraphQL */ `
  mutation Decide($input: ViolationAppealDecideInput!) {
    violationAppealDecide(input: $input) {
      __typename
      ... on ViolationAppealDecideSuccess {
        pointsRemoved
        appeal {
          status
          violation {
            status
            remainingPoints
          }
        }
        shop {
          healthStatus
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

const REPORT = /* GraphQL */ `
  query Report($id: ID!, $weekOf: DateTime) {
    shop(id: $id) {
      healthReport(weekOf: $weekOf) {
        issued
        weekStart
        weekEnd
        pointsAsOf
        violationCount
        violationPoints
        previousWeekViolationCount
        byPolicy {
          code
          count
          points
        }
        bySource {
          source
          count
          points
        }
        topPolicies {
          code
          count
        }
        liveSessionViolations {
          policyCode
          points
          contentTitle
          creatorHandle
          occurredAt
        }
        videoViolations {
          policyCode
          points
          contentTitle
          creatorHandle
          occurredAt
        }
        pointsAtStart
        pointsAtEnd
        pointsChange
        healthAtEnd
        educationLinks {
          code
          url
        }
        quizzes {
          policyCode
          title
          quizId
        }
      }
    }
  }
`;

const ISSUE = /* GraphQL */ `
  mutation Issue($input: HealthReportIssueInput!) {
    healthReportIssue(input: $input) {
      __typename
      ... on HealthReportIssueSuccess {
        issuedCount
        alreadyIssuedCount
        report {
          id
          weekStart
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`;

describe.each(testTargets())('violations, points ledger and Account Health Report (SPEC §3) on %s', (target) => {
  const { db, world, gql } = useSuite(target);

  beforeEach(async () => {
    await gql(world.adminKey, CLOCK, { now: null });
  });

  const clock = (now: string) => gql(world.adminKey, CLOCK, { now });

  async function sellerShop(name: string) {
    const shop = await createShop(db.prisma, name);
    const { key } = await createKey(db.prisma, 'SELLER', { shopId: shop.id });
    return { shop, key, shopGid: gid('Shop', shop.id) };
  }

  async function record(input: Record<string, unknown>) {
    const res = await gql(world.adminKey, RECORD, { input: { source: 'OTHER', ...input } });
    expect(res.errors).toBeUndefined();
    return res.data!.violationRecord;
  }

  const balance = async (shopGid: string, asOf?: string) =>
    (await gql(world.adminKey, BALANCE, { id: shopGid, asOf })).data!.shop.pointsBalance as number;

  it('sums the ledger at any instant: an entry counts from occurredAt until 1 ms before it expires', async () => {
    const { shop, shopGid } = await sellerShop('Ledger Arithmetic');
    const policy = await createPolicy(db.prisma, { points: 5 });
    await clock('2024-03-10T00:00:00Z');
    const first = await record({
      shopId: shopGid,
      policyId: gid('Policy', policy.id),
      occurredAt: '2024-03-01T10:00:00.000Z',
    });
    expect(first).toMatchObject({
      __typename: 'ViolationRecordSuccess',
      violation: { points: 5, status: 'ACTIVE', expiresAt: '2024-05-30T10:00:00.000Z' },
    });
    const second = await record({
      shopId: shopGid,
      policyId: gid('Policy', policy.id),
      occurredAt: '2024-03-05T00:00:00.000Z',
      points: 7,
    });
    expect(second.violation.points).toBe(7);

    expect(await balance(shopGid, '2024-03-01T09:59:59.999Z')).toBe(0);
    expect(await balance(shopGid, '2024-03-01T10:00:00.000Z')).toBe(5);
    expect(await balance(shopGid, '2024-03-05T00:00:00.000Z')).toBe(12);
    expect(await balance(shopGid)).toBe(12);
    // The exact expiry boundary of the first violation: expiresAt − 1 ms counts, expiresAt does not.
    expect(await balance(shopGid, '2024-05-30T09:59:59.999Z')).toBe(12);
    expect(await balance(shopGid, '2024-05-30T10:00:00.000Z')).toBe(7);
    expect(await balance(shopGid, '2024-06-03T00:00:00.000Z')).toBe(0);

    const entries = await db.prisma.pointsLedgerEntry.findMany({ where: { shopId: shop.id }, orderBy: { id: 'asc' } });
    expect(entries.map((e) => [e.kind, e.points, e.effectiveAt.toISOString(), e.expiresAt?.toISOString()])).toEqual([
      ['VIOLATION_ADDED', 5, '2024-03-01T10:00:00.000Z', '2024-05-30T10:00:00.000Z'],
      ['VIOLATION_ADDED', 7, '2024-03-05T00:00:00.000Z', '2024-06-03T00:00:00.000Z'],
    ]);

    // EXPIRED is computed from the clock, exactly at the boundary.
    const status = async () =>
      (
        await gql(world.adminKey, `query($id: ID!) { node(id: $id) { ... on Violation { status remainingPoints } } }`, {
          id: first.violation.id,
        })
      ).data!.node;
    await clock('2024-05-30T09:59:59.999Z');
    expect(await status()).toEqual({ status: 'ACTIVE', remainingPoints: 5 });
    await clock('2024-05-30T10:00:00.000Z');
    expect(await status()).toEqual({ status: 'EXPIRED', remainingPoints: 0 });
  });

  it('crosses thresholds up and down, recording each change with the balance that caused it', async () => {
    const { shop, key, shopGid } = await sellerShop('Threshold Walker');
    const policy = await createPolicy(db.prisma, { points: 12 });
    const policyId = gid('Policy', policy.id);
    await clock('2024-04-01T00:00:00Z');

    expect((await record({ shopId: shopGid, policyId, occurredAt: '2024-03-01T00:00:00Z' })).shop).toEqual({
      healthStatus: 'AT_RISK',
      status: 'ACTIVE',
    });
    expect((await record({ shopId: shopGid, policyId, occurredAt: '2024-03-02T00:00:00Z' })).shop).toEqual({
      healthStatus: 'RESTRICTED',
      status: 'RESTRICTED',
    });
    const severe = await record({ shopId: shopGid, policyId, occurredAt: '2024-03-03T00:00:00Z', points: 24 });
    expect(severe.shop).toEqual({ healthStatus: 'SUSPENDED', status: 'SUSPENDED' });

    // The shop appeals the severe one; an administrator grants it: the ledger removes its points.
    const appeal = await gql(key, APPEAL, {
      input: { violationId: severe.violation.id, statement: 'The recording shows the disclosure label clearly.' },
    });
    expect(appeal.data!.violationAppealSubmit).toMatchObject({
      __typename: 'ViolationAppealSubmitSuccess',
      appeal: { status: 'PENDING', violation: { status: 'APPEALED' } },
    });
    expect(
      (
        await gql(key, APPEAL, {
          input: { violationId: severe.violation.id, statement: 'Trying a second time to appeal.' },
        })
      ).data!.violationAppealSubmit.code,
    ).toBe('INVALID_STATE');
    const bySeller = await gql(key, DECIDE, {
      input: { appealId: appeal.data!.violationAppealSubmit.appeal.id, decision: 'GRANT' },
    });
    expect(bySeller.data!.violationAppealDecide.code).toBe('FORBIDDEN');
    await clock('2024-04-02T00:00:00Z');
    const granted = await gql(world.adminKey, DECIDE, {
      input: {
        appealId: appeal.data!.violationAppealSubmit.appeal.id,
        decision: 'GRANT',
        note: 'Label visible at 02:14.',
      },
    });
    expect(granted.data!.violationAppealDecide).toMatchObject({
      pointsRemoved: 24,
      appeal: { status: 'GRANTED', violation: { status: 'REMOVED', remainingPoints: 0 } },
      shop: { healthStatus: 'RESTRICTED', status: 'RESTRICTED' },
    });
    const again = await gql(world.adminKey, DECIDE, {
      input: { appealId: appeal.data!.violationAppealSubmit.appeal.id, decision: 'DENY', note: 'Changed my mind.' },
    });
    expect(again.data!.violationAppealDecide.code).toBe('INVALID_STATE');
    // The past stays exact: before the grant the balance was 48.
    expect(await balance(shopGid, '2024-04-01T23:59:59.999Z')).toBe(48);
    expect(await balance(shopGid, '2024-04-02T00:00:00.000Z')).toBe(24);

    // The first violation expires on 2024-05-30: a refresh at that instant drops RESTRICTED → ACTIVE.
    await clock('2024-05-30T00:00:00Z');
    const refresh = await gql(
      world.adminKey,
      `mutation($input: ShopHealthRefreshInput!) { shopHealthRefresh(input: $input) { __typename ... on ShopHealthRefreshSuccess { balance changed shop { healthStatus status } } } }`,
      {
        input: { shopId: shopGid },
      },
    );
    expect(refresh.data!.shopHealthRefresh).toEqual({
      __typename: 'ShopHealthRefreshSuccess',
      balance: 12,
      changed: true,
      shop: { healthStatus: 'AT_RISK', status: 'ACTIVE' },
    });
    const unchanged = await gql(
      world.adminKey,
      `mutation($input: ShopHealthRefreshInput!) { shopHealthRefresh(input: $input) { ... on ShopHealthRefreshSuccess { changed } } }`,
      { input: { shopId: shopGid } },
    );
    expect(unchanged.data!.shopHealthRefresh.changed).toBe(false);

    const changes = await db.prisma.shopStatusChange.findMany({ where: { shopId: shop.id }, orderBy: { id: 'asc' } });
    expect(
      changes.map((c) => [c.fromHealth, c.toHealth, c.fromStatus, c.toStatus, c.balance, c.occurredAt.toISOString()]),
    ).toEqual([
      ['HEALTHY', 'AT_RISK', 'ACTIVE', 'ACTIVE', 12, '2024-04-01T00:00:00.000Z'],
      ['AT_RISK', 'RESTRICTED', 'ACTIVE', 'RESTRICTED', 24, '2024-04-01T00:00:00.000Z'],
      ['RESTRICTED', 'SUSPENDED', 'RESTRICTED', 'SUSPENDED', 48, '2024-04-01T00:00:00.000Z'],
      ['SUSPENDED', 'RESTRICTED', 'SUSPENDED', 'RESTRICTED', 24, '2024-04-02T00:00:00.000Z'],
      ['RESTRICTED', 'AT_RISK', 'RESTRICTED', 'ACTIVE', 12, '2024-05-30T00:00:00.000Z'],
    ]);
    const events = await db.prisma.outboxEvent.findMany({
      where: { shopId: shop.id, type: 'shop.health_changed' },
      orderBy: { id: 'asc' },
    });
    expect(events.map((e) => (e.payload as { balance: number }).balance)).toEqual([12, 24, 48, 24, 12]);
    const removal = await db.prisma.pointsLedgerEntry.findFirstOrThrow({
      where: { shopId: shop.id, kind: 'APPEAL_REMOVAL' },
    });
    expect([removal.points, removal.effectiveAt.toISOString(), removal.expiresAt?.toISOString()]).toEqual([
      -24,
      '2024-04-02T00:00:00.000Z',
      '2024-06-01T00:00:00.000Z',
    ]);
    const shopRow = await db.prisma.shop.findUniqueOrThrow({ where: { id: shop.id } });
    expect([shopRow.healthStatus, shopRow.status]).toEqual(['AT_RISK', 'ACTIVE']);
  });

  it('a denied appeal returns the violation to ACTIVE and keeps its points', async () => {
    const { key, shopGid } = await sellerShop('Denied Appellant');
    const policy = await createPolicy(db.prisma, { points: 3 });
    await clock('2024-04-01T00:00:00Z');
    const v = await record({ shopId: shopGid, policyId: gid('Policy', policy.id), occurredAt: '2024-03-20T00:00:00Z' });
    const appeal = await gql(key, APPEAL, {
      input: { violationId: v.violation.id, statement: 'We disagree with this finding.' },
    });
    const denyNoNote = await gql(world.adminKey, DECIDE, {
      input: { appealId: appeal.data!.violationAppealSubmit.appeal.id, decision: 'DENY' },
    });
    expect(denyNoNote.data!.violationAppealDecide.code).toBe('VALIDATION_FAILED');
    const denied = await gql(world.adminKey, DECIDE, {
      input: {
        appealId: appeal.data!.violationAppealSubmit.appeal.id,
        decision: 'DENY',
        note: 'The claim is not supported.',
      },
    });
    expect(denied.data!.violationAppealDecide).toMatchObject({
      pointsRemoved: 0,
      appeal: { status: 'DENIED', violation: { status: 'ACTIVE', remainingPoints: 3 } },
    });
    expect(await balance(shopGid)).toBe(3);
  });

  it('validates the reference of each source against the same shop and changes nothing on bad input', async () => {
    const { shop, key, shopGid } = await sellerShop('Referenced');
    const other = await createShop(db.prisma, 'Someone Else');
    const policy = await createPolicy(db.prisma);
    const creator = await createCreator(db.prisma);
    const live = await createContentItem(db.prisma, creator.id, shop.id, 'LIVE_SESSION', 'Evening live');
    const otherVideo = await createContentItem(db.prisma, creator.id, other.id, 'VIDEO', 'Not yours');
    const otherListing = await createListing(db.prisma, other.id, world.categories.beauty);
    const myListing = await createListing(db.prisma, shop.id, world.categories.beauty);
    const myOrder = await createOrder(db.prisma, shop.id, world.categories.beauty);
    await clock('2024-04-01T00:00:00Z');
    const base = { shopId: shopGid, policyId: gid('Policy', policy.id), occurredAt: '2024-03-20T00:00:00Z' };

    const cases: [Record<string, unknown>, string][] = [
      [{ source: 'VIDEO' }, 'input.contentItemId'],
      [{ source: 'VIDEO', contentItemId: gid('ContentItem', live.id) }, 'input.contentItemId'],
      [{ source: 'VIDEO', contentItemId: gid('ContentItem', otherVideo.id) }, 'input.contentItemId'],
      [{ source: 'LISTING', listingId: gid('Listing', otherListing.id) }, 'input.listingId'],
      [{ source: 'LISTING', listingId: gid('Order', myOrder.id) }, 'input.listingId'],
      [{ source: 'ORDER' }, 'input.orderId'],
      [{ source: 'OTHER', listingId: gid('Listing', myListing.id) }, 'input.listingId'],
      [{ source: 'OTHER', occurredAt: '2024-05-01T00:00:00Z' }, 'input.occurredAt'],
    ];
    for (const [extra, path] of cases) {
      const res = await record({ ...base, ...extra });
      expect(res.code, JSON.stringify(extra)).toBe('VALIDATION_FAILED');
      expect(res.fields.map((f: { path: string[] }) => f.path.join('.'))).toContain(path);
    }
    expect(await db.prisma.violation.count({ where: { shopId: shop.id } })).toBe(0);
    expect(await db.prisma.pointsLedgerEntry.count({ where: { shopId: shop.id } })).toBe(0);

    expect(
      (await record({ ...base, source: 'LIVE_SESSION', contentItemId: gid('ContentItem', live.id) })).__typename,
    ).toBe('ViolationRecordSuccess');
    expect((await record({ ...base, source: 'LISTING', listingId: gid('Listing', myListing.id) })).__typename).toBe(
      'ViolationRecordSuccess',
    );
    expect((await record({ ...base, source: 'ORDER', orderId: gid('Order', myOrder.id) })).__typename).toBe(
      'ViolationRecordSuccess',
    );
    const bySeller = await gql(key, RECORD, { input: { ...base, source: 'OTHER' } });
    expect(bySeller.data!.violationRecord.code).toBe('FORBIDDEN');
    expect(await db.prisma.violation.count({ where: { shopId: shop.id } })).toBe(3);
  });

  it('builds the weekly report from every source, matching a hand-computed expectation', async () => {
    const { shop, key, shopGid } = await sellerShop('Weekly Reported');
    const claims = await createPolicy(db.prisma, { code: 'T_CLAIMS', points: 4 });
    const pricing = await createPolicy(db.prisma, { code: 'T_PRICING', points: 3 });
    const dispatch = await createPolicy(db.prisma, { code: 'T_DISPATCH', points: 2 });
    const quiz = await createQuiz(db.prisma, claims.id, 'Claims quiz');
    const creator = await createCreator(db.prisma, { handle: 'glowhost' });
    const live = await createContentItem(db.prisma, creator.id, shop.id, 'LIVE_SESSION', 'Friday live');
    const video = await createContentItem(db.prisma, creator.id, shop.id, 'VIDEO', 'Serum unboxing');
    const listing = await createListing(db.prisma, shop.id, world.categories.beauty);
    const order = await createOrder(db.prisma, shop.id, world.categories.beauty);
    await clock('2024-03-20T00:00:00Z');
    const p = (x: { id: number }) => gid('Policy', x.id);
    // Before the week: one expired before it starts, one that expires inside it (2024-03-07T12:00Z), one in the previous week.
    await record({ shopId: shopGid, policyId: p(pricing), occurredAt: '2023-12-01T00:00:00Z' });
    await record({ shopId: shopGid, policyId: p(pricing), occurredAt: '2023-12-08T12:00:00Z' });
    await record({ shopId: shopGid, policyId: p(dispatch), occurredAt: '2024-02-26T09:00:00Z' });
    // The week of Monday 2024-03-04: one violation from every source.
    await record({
      shopId: shopGid,
      policyId: p(claims),
      source: 'LIVE_SESSION',
      contentItemId: gid('ContentItem', live.id),
      occurredAt: '2024-03-04T00:00:00Z',
    });
    await record({
      shopId: shopGid,
      policyId: p(claims),
      source: 'VIDEO',
      contentItemId: gid('ContentItem', video.id),
      occurredAt: '2024-03-05T18:30:00Z',
    });
    await record({
      shopId: shopGid,
      policyId: p(pricing),
      source: 'LISTING',
      listingId: gid('Listing', listing.id),
      occurredAt: '2024-03-06T08:00:00Z',
    });
    await record({
      shopId: shopGid,
      policyId: p(dispatch),
      source: 'ORDER',
      orderId: gid('Order', order.id),
      occurredAt: '2024-03-08T12:00:00Z',
    });
    await record({ shopId: shopGid, policyId: p(claims), occurredAt: '2024-03-10T23:59:59.999Z' });
    // The next week starts at 2024-03-11T00:00Z: not in the week, but in the balance at that instant.
    await record({ shopId: shopGid, policyId: p(pricing), occurredAt: '2024-03-11T00:00:00Z' });

    const res = await gql(key, REPORT, { id: shopGid, weekOf: '2024-03-07T15:00:00Z' });
    expect(res.errors).toBeUndefined();
    const report = res.data!.shop.healthReport;
    expect(report).toEqual({
      issued: false,
      weekStart: '2024-03-04T00:00:00.000Z',
      weekEnd: '2024-03-11T00:00:00.000Z',
      pointsAsOf: '2024-03-11T00:00:00.000Z',
      violationCount: 5,
      violationPoints: 17,
      previousWeekViolationCount: 1,
      byPolicy: [
        { code: 'T_CLAIMS', count: 3, points: 12 },
        { code: 'T_PRICING', count: 1, points: 3 },
        { code: 'T_DISPATCH', count: 1, points: 2 },
      ],
      bySource: [
        { source: 'LIVE_SESSION', count: 1, points: 4 },
        { source: 'VIDEO', count: 1, points: 4 },
        { source: 'LISTING', count: 1, points: 3 },
        { source: 'ORDER', count: 1, points: 2 },
        { source: 'OTHER', count: 1, points: 4 },
      ],
      topPolicies: [
        { code: 'T_CLAIMS', count: 3 },
        { code: 'T_PRICING', count: 1 },
        { code: 'T_DISPATCH', count: 1 },
      ],
      liveSessionViolations: [
        {
          policyCode: 'T_CLAIMS',
          points: 4,
          contentTitle: 'Friday live',
          creatorHandle: 'glowhost',
          occurredAt: '2024-03-04T00:00:00.000Z',
        },
      ],
      videoViolations: [
        {
          policyCode: 'T_CLAIMS',
          points: 4,
          contentTitle: 'Serum unboxing',
          creatorHandle: 'glowhost',
          occurredAt: '2024-03-05T18:30:00.000Z',
        },
      ],
      // start (03-04T00:00): dispatch 2 + pricing 3 (expires 03-07T12:00) + the live violation at exactly 00:00 (4) = 9
      pointsAtStart: 9,
      // end (03-11T00:00): dispatch 2 + 4 + 4 + 3 + 2 + 4 in the week + the 00:00 violation of the next week 3 = 22
      pointsAtEnd: 22,
      pointsChange: 13,
      healthAtEnd: 'AT_RISK',
      educationLinks: [
        { code: 'T_CLAIMS', url: 'https://seller-academy.example.com/policies/t_claims' },
        { code: 'T_PRICING', url: 'https://seller-academy.example.com/policies/t_pricing' },
        { code: 'T_DISPATCH', url: 'https://seller-academy.example.com/policies/t_dispatch' },
      ],
      quizzes: [{ policyCode: 'T_CLAIMS', title: 'Claims quiz', quizId: gid('Quiz', quiz.id) }],
    });
    // The report's figures are the ledger at those instants.
    expect(await balance(shopGid, '2024-03-04T00:00:00Z')).toBe(9);
    expect(await balance(shopGid, '2024-03-11T00:00:00Z')).toBe(22);
    // The previous week's end is this week's start.
    const previous = (await gql(key, REPORT, { id: shopGid, weekOf: '2024-02-28T00:00:00Z' })).data!.shop.healthReport;
    expect(previous.pointsAtEnd).toBe(report.pointsAtStart);

    // The current, unfinished week is computed live up to the clock; a week that has not started is null.
    const current = (await gql(key, REPORT, { id: shopGid })).data!.shop.healthReport;
    expect(current).toMatchObject({
      issued: false,
      weekStart: '2024-03-18T00:00:00.000Z',
      pointsAsOf: '2024-03-20T00:00:00.000Z',
    });
    expect(
      (await gql(key, REPORT, { id: shopGid, weekOf: '2024-03-25T00:00:00Z' })).data!.shop.healthReport,
    ).toBeNull();
  });

  it('issues a week once: the snapshot does not change when later violations arrive for that week', async () => {
    const { shop, key, shopGid } = await sellerShop('Snapshot Keeper');
    const policy = await createPolicy(db.prisma, { points: 5 });
    await clock('2024-06-20T00:00:00Z');
    await record({ shopId: shopGid, policyId: gid('Policy', policy.id), occurredAt: '2024-06-04T10:00:00Z' });

    const notEnded = await gql(world.adminKey, ISSUE, {
      input: { shopId: shopGid, weekStart: '2024-06-17T00:00:00Z' },
    });
    expect(notEnded.data!.healthReportIssue.code).toBe('REPORT_WEEK_NOT_ENDED');
    const notMonday = await gql(world.adminKey, ISSUE, {
      input: { shopId: shopGid, weekStart: '2024-06-04T00:00:00Z' },
    });
    expect(notMonday.data!.healthReportIssue.code).toBe('VALIDATION_FAILED');
    const bySeller = await gql(key, ISSUE, { input: { shopId: shopGid, weekStart: '2024-06-03T00:00:00Z' } });
    expect(bySeller.data!.healthReportIssue.code).toBe('FORBIDDEN');

    const issued = await gql(world.adminKey, ISSUE, { input: { shopId: shopGid, weekStart: '2024-06-03T00:00:00Z' } });
    expect(issued.data!.healthReportIssue).toMatchObject({
      __typename: 'HealthReportIssueSuccess',
      issuedCount: 1,
      alreadyIssuedCount: 0,
      report: { weekStart: '2024-06-03T00:00:00.000Z' },
    });
    const before = (await gql(key, REPORT, { id: shopGid, weekOf: '2024-06-05T00:00:00Z' })).data!.shop.healthReport;
    expect(before).toMatchObject({ issued: true, violationCount: 1, pointsAtEnd: 5 });

    // A late violation for the issued week: the snapshot keeps what was issued; the ledger moves on.
    await record({
      shopId: shopGid,
      policyId: gid('Policy', policy.id),
      occurredAt: '2024-06-05T10:00:00Z',
      points: 9,
    });
    const after = (await gql(key, REPORT, { id: shopGid, weekOf: '2024-06-05T00:00:00Z' })).data!.shop.healthReport;
    expect(after).toEqual(before);
    expect(await balance(shopGid, '2024-06-10T00:00:00Z')).toBe(14);

    const reissued = await gql(world.adminKey, ISSUE, {
      input: { shopId: shopGid, weekStart: '2024-06-03T00:00:00Z' },
    });
    expect(reissued.data!.healthReportIssue).toMatchObject({
      issuedCount: 0,
      alreadyIssuedCount: 1,
      report: { id: issued.data!.healthReportIssue.report.id },
    });
    expect((await gql(key, REPORT, { id: shopGid, weekOf: '2024-06-05T00:00:00Z' })).data!.shop.healthReport).toEqual(
      before,
    );

    await gql(world.adminKey, ISSUE, { input: { shopId: shopGid, weekStart: '2024-06-10T00:00:00Z' } });
    const history = await gql(
      key,
      `query($id: ID!) { shop(id: $id) { healthReports(first: 10) { edges { node { weekStart report { issued violationCount pointsAtEnd } } } } } }`,
      { id: shopGid },
    );
    expect(history.data!.shop.healthReports.edges.map((e: { node: unknown }) => e.node)).toEqual([
      { weekStart: '2024-06-10T00:00:00.000Z', report: { issued: true, violationCount: 0, pointsAtEnd: 14 } },
      { weekStart: '2024-06-03T00:00:00.000Z', report: { issued: true, violationCount: 1, pointsAtEnd: 5 } },
    ]);
    expect(await db.prisma.healthReport.count({ where: { shopId: shop.id } })).toBe(2);
  });

  it('issuing the same week 10 times at once stores one report; issuing for every shop skips issued ones', async () => {
    const { shop, shopGid } = await sellerShop('Concurrent Issue');
    const policy = await createPolicy(db.prisma, { points: 2 });
    await clock('2024-07-20T00:00:00Z');
    await record({ shopId: shopGid, policyId: gid('Policy', policy.id), occurredAt: '2024-07-09T00:00:00Z' });
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        gql(world.adminKey, ISSUE, { input: { shopId: shopGid, weekStart: '2024-07-08T00:00:00Z' } }),
      ),
    );
    for (const r of results) expect(r.data!.healthReportIssue.__typename).toBe('HealthReportIssueSuccess');
    expect(results.reduce((s, r) => s + r.data!.healthReportIssue.issuedCount, 0)).toBe(1);
    expect(new Set(results.map((r) => r.data!.healthReportIssue.report.id)).size).toBe(1);
    expect(
      await db.prisma.healthReport.count({ where: { shopId: shop.id, weekStart: new Date('2024-07-08T00:00:00Z') } }),
    ).toBe(1);

    const shops = await db.prisma.shop.count();
    const all = await gql(world.adminKey, ISSUE, { input: { weekStart: '2024-07-08T00:00:00Z' } });
    expect(all.data!.healthReportIssue).toMatchObject({ issuedCount: shops - 1, alreadyIssuedCount: 1, report: null });
    expect(await db.prisma.healthReport.count({ where: { weekStart: new Date('2024-07-08T00:00:00Z') } })).toBe(shops);
  });

  it('refuses cross-tenant reads and writes', async () => {
    const mine = await sellerShop('Tenant Mine');
    const theirs = await sellerShop('Tenant Theirs');
    const policy = await createPolicy(db.prisma, { points: 3 });
    await clock('2024-04-01T00:00:00Z');
    const theirViolation = await record({
      shopId: theirs.shopGid,
      policyId: gid('Policy', policy.id),
      occurredAt: '2024-03-25T00:00:00Z',
    });
    const myViolation = await record({
      shopId: mine.shopGid,
      policyId: gid('Policy', policy.id),
      occurredAt: '2024-03-25T00:00:00Z',
    });

    expect((await gql(mine.key, BALANCE, { id: theirs.shopGid })).data!.shop).toBeNull();
    expect((await gql(mine.key, REPORT, { id: theirs.shopGid })).data!.shop).toBeNull();
    expect(
      (await gql(mine.key, `query($id: ID!) { node(id: $id) { id } }`, { id: theirViolation.violation.id })).data!.node,
    ).toBeNull();
    const appeal = await gql(mine.key, APPEAL, {
      input: { violationId: theirViolation.violation.id, statement: 'Not my shop but let me try.' },
    });
    expect(appeal.data!.violationAppealSubmit.code).toBe('NOT_FOUND');
    expect((await db.prisma.violation.findFirstOrThrow({ where: { shopId: theirs.shop.id } })).status).toBe('ACTIVE');

    await gql(theirs.key, APPEAL, {
      input: { violationId: theirViolation.violation.id, statement: 'Our own appeal, in good faith.' },
    });
    await gql(mine.key, APPEAL, {
      input: { violationId: myViolation.violation.id, statement: 'Our own appeal, in good faith.' },
    });
    const queue = await gql(
      mine.key,
      `{ violationAppeals(first: 100) { edges { node { violation { shop { name } } } } } }`,
    );
    expect(
      queue.data!.violationAppeals.edges.map(
        (e: { node: { violation: { shop: { name: string } } } }) => e.node.violation.shop.name,
      ),
    ).toEqual(['Tenant Mine']);

    // A partner reads what the shop granted it, and never writes.
    const account = await db.prisma.account.create({ data: { name: 'Partner Tool', kind: 'PARTNER' } });
    await db.prisma.shopAccessGrant.create({
      data: { shopId: mine.shop.id, accountId: account.id, scopes: ['shops:read', 'health:read'] },
    });
    const partner = await createKey(db.prisma, 'PARTNER', {
      accountId: account.id,
      scopes: ['shops:read', 'health:read'],
    });
    expect((await gql(partner.key, BALANCE, { id: mine.shopGid })).data!.shop.pointsBalance).toBe(3);
    expect((await gql(partner.key, BALANCE, { id: theirs.shopGid })).data!.shop).toBeNull();
    const partnerAppeal = await gql(partner.key, DECIDE, {
      input: { appealId: gid('ViolationAppeal', 1), decision: 'GRANT' },
    });
    expect(partnerAppeal.data!.violationAppealDecide.code).toBe('FORBIDDEN');
    const noScope = await createKey(db.prisma, 'SELLER', { shopId: mine.shop.id, scopes: ['shops:read'] });
    const denied = await gql(noScope.key, BALANCE, { id: mine.shopGid });
    // Without health:read the balance is refused (the nullable shop becomes null, with an error).
    expect(denied.data!.shop).toBeNull();
    expect(denied.errors?.length).toBeGreaterThan(0);
  });

  it('serves the policy catalogue, creators and content items to authenticated callers', async () => {
    const { shop, key, shopGid } = await sellerShop('Content Shop');
    const creator = await createCreator(db.prisma, {
      handle: 'catalogue_host',
      regions: ['GB', 'US'],
      nicheCategoryIds: [world.categories.beauty],
    });
    await createContentItem(db.prisma, creator.id, shop.id, 'VIDEO', 'Older video', new Date('2024-01-01T00:00:00Z'));
    await createContentItem(
      db.prisma,
      creator.id,
      shop.id,
      'LIVE_SESSION',
      'Newer live',
      new Date('2024-02-01T00:00:00Z'),
    );
    await createPolicy(db.prisma, { code: 'CATALOGUE_ONE' });

    expect((await gql(null, `{ policies(first: 1) { edges { node { code } } } }`)).data?.policies ?? null).toBeNull();
    const policies = await gql(
      key,
      `{ policies(first: 100, code: "CATALOGUE_ONE") { edges { node { code title defaultPoints educationUrl quizzes { id } } } } }`,
    );
    expect(policies.data!.policies.edges).toEqual([
      {
        node: {
          code: 'CATALOGUE_ONE',
          title: 'Policy CATALOGUE_ONE',
          defaultPoints: 4,
          educationUrl: 'https://seller-academy.example.com/policies/catalogue_one',
          quizzes: [],
        },
      },
    ]);

    const creators = await gql(
      key,
      `{ creators(first: 5, filter: { handleContains: "catalogue_host" }) { edges { node { handle regions followerCount engagementRate engagementRateBps niches { name } } } } }`,
    );
    expect(creators.data!.creators.edges).toEqual([
      {
        node: {
          handle: 'catalogue_host',
          regions: ['GB', 'US'],
          followerCount: 120000,
          engagementRate: 4.25,
          engagementRateBps: 425,
          niches: [{ name: 'Beauty' }],
        },
      },
    ]);
    const items = await gql(
      key,
      `query($id: ID!) { shop(id: $id) { contentItems(first: 10) { edges { node { kind title creator { handle } } } } } }`,
      { id: shopGid },
    );
    expect(items.data!.shop.contentItems.edges.map((e: { node: { title: string } }) => e.node.title)).toEqual([
      'Newer live',
      'Older video',
    ]);

    const account = await db.prisma.account.create({ data: { name: 'Matcher', kind: 'PARTNER' } });
    const without = await createKey(db.prisma, 'PARTNER', { accountId: account.id, scopes: ['shops:read'] });
    const withScope = await createKey(db.prisma, 'PARTNER', {
      accountId: account.id,
      scopes: ['shops:read', 'creators:read'],
    });
    const refused = await gql(without.key, `{ creators(first: 1) { edges { node { handle } } } }`);
    expect(refused.data?.creators ?? null).toBeNull();
    expect(refused.errors?.length).toBeGreaterThan(0);
    // A partner app reaches only the creators it represents.
    const partnerList = () => gql(withScope.key, `{ creators(first: 100) { edges { node { handle } } } }`);
    expect((await partnerList()).data!.creators.edges).toEqual([]);
    await db.prisma.creatorRepresentation.create({ data: { creatorId: creator.id, accountId: account.id } });
    expect((await partnerList()).data!.creators.edges).toEqual([{ node: { handle: 'catalogue_host' } }]);
  });
});

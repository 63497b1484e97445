import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertSuccess,
  createShopWardenClient,
  isError,
  isSuccess,
  type FetchInit,
  type ShopWardenClient,
} from '../packages/sdk/src/index.ts';
import { createKey, createShop, createWorld, type World } from './support/fixtures.ts';
import { createCreator, createPolicy, createQuiz, QUIZ_KEY } from './support/health-fixtures.ts';
import { createFeeCategories, createTiers } from './support/revenue-fixtures.ts';
import { agencyBulkSubmit, parseCsv } from '../packages/sdk/examples/agency-bulk-submit.ts';
import { createTestApp, gid } from './support/client.ts';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';

/** The SDK against every domain module, in-process: listings, health, quizzes, revenue, events, creators. */
describe.each(testTargets())('SDK end to end across modules on %s', (target) => {
  let db: TestDatabase;
  let world: World;
  let app: ReturnType<typeof createTestApp>;
  let admin: ShopWardenClient;

  const clientFor = (apiKey: string) =>
    createShopWardenClient({
      url: 'http://localhost/graphql',
      apiKey,
      fetch: (url: string, init: FetchInit) => app.yoga.fetch(url, init),
    });

  async function sellerShop(name: string, primaryCategoryId: number | null = world.categories.beauty) {
    const shop = await createShop(db.prisma, name, { primaryCategoryId });
    const { key } = await createKey(db.prisma, 'SELLER', { shopId: shop.id, scopes: ['*'] });
    return { shop, key, id: gid('Shop', shop.id), client: clientFor(key) };
  }

  beforeAll(async () => {
    db = await createTestDatabase(target);
    world = await createWorld(db.prisma);
    app = createTestApp(db);
    admin = clientFor(world.adminKey);
  });
  afterAll(async () => db.drop());

  it('listings: create, update, submit through the checks, review, and page through history', async () => {
    const { id: shopId, shop, client } = await sellerShop('SDK Listings');
    const skincare = gid('Category', world.categories.skincare);
    const draft = {
      shopId,
      categoryId: skincare,
      title: 'Vitamin C serum',
      priceAmount: 1999,
      currency: 'USD',
      sites: ['GB'],
    };

    const dry = await client.listings.create({ input: { ...draft, dryRun: true } });
    assertSuccess(dry);
    expect(dry.dryRun).toBe(true);
    expect(await db.prisma.listing.count({ where: { shopId: shop.id } })).toBe(0);

    const created = await client.listings.create({ input: draft });
    assertSuccess(created);
    const listing = created.listing!;
    expect(listing).toMatchObject({
      status: 'DRAFT',
      title: 'Vitamin C serum',
      price: { minorUnits: '1999', currencyCode: 'USD' },
    });

    const updated = await client.listings.update({
      input: { listingId: listing.id, title: 'Vitamin C serum 30 ml', expectedVersion: listing.version },
    });
    assertSuccess(updated);
    expect(updated.listing.title).toBe('Vitamin C serum 30 ml');

    const submitted = await client.listings.submit({ input: { listingId: listing.id } });
    assertSuccess(submitted);
    expect(submitted).toMatchObject({ status: 'PENDING_REVIEW', issues: [] });

    const outside = await client.listings.create({
      input: { ...draft, title: 'Summer dress', categoryId: gid('Category', world.categories.dresses) },
    });
    assertSuccess(outside);
    const rejected = await client.listings.submit({ input: { listingId: outside.listing!.id } });
    assertSuccess(rejected);
    expect(rejected.status).toBe('REJECTED');
    expect(rejected.issues.map((i) => i.code)).toContain('OUTSIDE_PRIMARY_CATEGORY');

    const queue: string[] = [];
    for await (const l of admin.listings.paginateReviewQueue({ first: 1 })) queue.push(l.id);
    expect(queue).toContain(listing.id);
    expect(
      isError(await client.listings.review({ input: { listingId: listing.id, decision: 'APPROVE' } }), 'FORBIDDEN'),
    ).toBe(true);
    const current = await admin.listings.get({ id: listing.id });
    const approved = await admin.listings.review({
      input: { listingId: listing.id, decision: 'APPROVE', expectedVersion: current!.version },
    });
    assertSuccess(approved);
    expect(approved.listing.status).toBe('ACTIVE');
    expect(
      (
        await db.prisma.listing.findUniqueOrThrow({
          where: { id: Number(Buffer.from(listing.id, 'base64').toString().split(':')[1]) },
        })
      ).status,
    ).toBe('ACTIVE');

    const history: string[] = [];
    for await (const r of client.listings.paginateReviews({ id: listing.id, first: 1 }))
      history.push(`${r.fromStatus}->${r.toStatus}`);
    expect(history).toEqual(['DRAFT->PENDING_REVIEW', 'PENDING_REVIEW->ACTIVE']);

    const active: string[] = [];
    for await (const l of client.listings.paginate({ filter: { status: 'ACTIVE' } })) active.push(l.title);
    expect(active).toEqual(['Vitamin C serum 30 ml']);
  });

  it('listings: bulk submit and bulk review with per-item results in input order', async () => {
    const { id: shopId, shop, client } = await sellerShop('SDK Bulk');
    const ids: string[] = [];
    for (const title of ['Toner', 'Cleanser', 'Mask']) {
      const created = await client.listings.create({
        input: {
          shopId,
          categoryId: gid('Category', world.categories.skincare),
          title,
          priceAmount: 999,
          currency: 'GBP',
          sites: ['GB'],
        },
      });
      assertSuccess(created);
      ids.push(created.listing!.id);
    }
    const submitted = await client.listings.bulkSubmit({
      input: {
        items: [...ids, gid('Listing', 999_999)].map((listingId) => ({ listingId })),
        errorPolicy: 'REJECT_FAILED_ROWS',
      },
    });
    assertSuccess(submitted);
    expect(submitted.results.map((r) => [r.index, r.state, r.status])).toEqual([
      [0, 'APPLIED', 'PENDING_REVIEW'],
      [1, 'APPLIED', 'PENDING_REVIEW'],
      [2, 'APPLIED', 'PENDING_REVIEW'],
      [3, 'FAILED', null],
    ]);
    expect(submitted.results[3]!.error?.code).toBe('NOT_FOUND');
    const reviewed = await admin.listings.bulkReview({
      input: { items: ids.map((listingId) => ({ listingId, decision: 'APPROVE' as const })) },
    });
    assertSuccess(reviewed);
    expect(reviewed.appliedCount).toBe(3);
    expect(await db.prisma.listing.count({ where: { shopId: shop.id, status: 'ACTIVE' } })).toBe(3);
  });

  it('listings: a restricted-category approval requested by the seller and granted by an administrator', async () => {
    const { id: shopId, shop, client } = await sellerShop('SDK Restricted');
    const requested = await client.listings.requestRestrictedApproval({
      input: { shopId, categoryId: gid('Category', world.categories.supplements), justification: 'Licensed pharmacy' },
    });
    assertSuccess(requested);
    expect(requested.approval).toMatchObject({ status: 'PENDING', category: { name: 'Supplements' } });
    const pending: string[] = [];
    for await (const a of admin.listings.paginateRestrictedApprovals({ status: 'PENDING' })) pending.push(a.id);
    expect(pending).toContain(requested.approval.id);
    const granted = await admin.listings.decideRestrictedApproval({
      input: { approvalId: requested.approval.id, decision: 'GRANT', note: 'Licence checked' },
    });
    assertSuccess(granted);
    expect(granted.approval.status).toBe('GRANTED');
    expect(await db.prisma.restrictedCategoryApproval.count({ where: { shopId: shop.id, status: 'GRANTED' } })).toBe(1);
  });

  it('health and quizzes: record a violation, appeal it, take a quiz, refresh health, read the report', async () => {
    const policy = await createPolicy(db.prisma, { code: 'SDK_POLICY', points: 6 });
    const quiz = await createQuiz(db.prisma, policy.id, 'SDK quiz');
    const { id: shopId, client } = await sellerShop('SDK Health');
    assertSuccess(await admin.platform.setSandboxClock({ input: { now: '2024-03-20T00:00:00Z' } }));
    try {
      const policies: string[] = [];
      for await (const p of client.health.paginatePolicies({ code: 'SDK_POLICY' })) policies.push(p.code);
      expect(policies).toEqual(['SDK_POLICY']);

      const recorded = await admin.health.recordViolation({
        input: { shopId, policyId: gid('Policy', policy.id), source: 'OTHER', occurredAt: '2024-03-12T10:00:00Z' },
      });
      assertSuccess(recorded);
      expect(recorded.violation).toMatchObject({ points: 6, status: 'ACTIVE', policy: { code: 'SDK_POLICY' } });
      expect(recorded.shop.pointsBalance).toBe(6);
      const again = await admin.health.recordViolation({
        input: {
          shopId,
          policyId: gid('Policy', policy.id),
          source: 'OTHER',
          occurredAt: '2024-03-13T10:00:00Z',
          points: 2,
        },
      });
      assertSuccess(again);

      const violations: number[] = [];
      for await (const v of client.health.paginateViolations({ shopId, first: 1 })) violations.push(v.points);
      expect(violations.sort()).toEqual([2, 6]);

      const appeal = await client.health.submitAppeal({
        input: { violationId: again.violation.id, statement: 'The video was not ours.' },
      });
      assertSuccess(appeal);
      const appeals: string[] = [];
      for await (const a of admin.health.paginateAppeals({ status: 'PENDING' })) appeals.push(a.id);
      expect(appeals).toContain(appeal.appeal.id);
      const decided = await admin.health.decideAppeal({
        input: { appealId: appeal.appeal.id, decision: 'GRANT', note: 'Confirmed' },
      });
      assertSuccess(decided);
      expect(decided).toMatchObject({ pointsRemoved: 2, appeal: { status: 'GRANTED' }, shop: { pointsBalance: 6 } });

      const quizzes: string[] = [];
      for await (const q of client.quizzes.paginate({ policyId: gid('Policy', policy.id) })) quizzes.push(q.title);
      expect(quizzes).toEqual(['SDK quiz']);
      const attempt = await client.quizzes.submitAttempt({
        input: { shopId, quizId: gid('Quiz', quiz.id), answers: [...QUIZ_KEY] },
      });
      assertSuccess(attempt);
      expect(attempt).toMatchObject({ passed: true, correctCount: 3 });
      expect(attempt.newBalance).toBe(6 - attempt.pointsRemoved);

      const refreshed = await admin.health.refreshShop({ input: { shopId } });
      assertSuccess(refreshed);
      expect(refreshed.balance).toBe(attempt.newBalance);

      const report = await client.health.report({ shopId, weekOf: '2024-03-11T00:00:00Z' });
      expect(report?.healthReport).toMatchObject({ weekStart: '2024-03-11T00:00:00.000Z', violationCount: 2 });
      const issued = await admin.health.issueReports({ input: { shopId, weekStart: '2024-03-11T00:00:00Z' } });
      assertSuccess(issued);
      expect(issued.issuedCount).toBe(1);
      const notMonday = await admin.health.issueReports({ input: { shopId, weekStart: '2024-03-12T00:00:00Z' } });
      expect(isSuccess(notMonday)).toBe(false);
    } finally {
      assertSuccess(await admin.platform.setSandboxClock({ input: { now: null } }));
    }
  });

  it('revenue: tiers, fees, a profit estimate, importing orders, standing and a tier recalculation preview', async () => {
    await createTiers(db.prisma);
    await createFeeCategories(db.prisma);
    const { id: shopId, client } = await sellerShop('SDK Revenue');

    const tiers: string[] = [];
    for await (const t of client.revenue.paginateTiers()) tiers.push(t.code);
    expect(tiers).toEqual(['ENTRY', 'ESTABLISHED', 'STRATEGIC']);
    const fees = await client.revenue.listFeeCategories({ codes: ['COMMISSION'] });
    expect(fees.edges.map((e) => [e.node.code, e.node.defaultRateBps])).toEqual([['COMMISSION', 700]]);

    const estimate = await client.revenue.profitEstimate({
      input: {
        categoryId: gid('Category', world.categories.skincare),
        price: { currencyCode: 'USD', minorUnits: 10_000 },
      },
    });
    expect(estimate.price).toEqual({ amount: '100.00', minorUnits: '10000', currencyCode: 'USD' });
    expect(BigInt(estimate.net.minorUnits) + BigInt(estimate.feesTotal.minorUnits)).toBe(10_000n);

    const imported = await admin.revenue.importOrders({
      input: {
        orders: [
          {
            shopId,
            categoryId: gid('Category', world.categories.skincare),
            externalId: 'SDK-1',
            amount: 10_000,
            currency: 'USD',
            placedAt: '2024-03-01T00:00:00Z',
            feeLines: [{ feeCategoryCode: 'COMMISSION', amount: 700 }],
          },
        ],
      },
    });
    assertSuccess(imported);
    expect(imported).toMatchObject({ createdCount: 1, unchangedCount: 0 });
    const orders: string[] = [];
    for await (const o of client.revenue.paginateOrders({ shopId }))
      orders.push(`${o.externalId}:${o.amount.minorUnits}`);
    expect(orders).toEqual(['SDK-1:10000']);

    const standing = await client.revenue.shopStanding({ shopId, asOf: '2024-03-15T00:00:00Z' });
    expect(standing?.metrics.trailingRevenue.currencyCode).toBe('USD');
    const preview = await admin.revenue.recalculateTiers({ input: { dryRun: true, asOf: '2024-04-01T00:00:00Z' } });
    assertSuccess(preview);
    expect(preview).toMatchObject({ dryRun: true, run: null });
    expect(preview.shopsEvaluated).toBeGreaterThan(0);
    const runs = await admin.revenue.listTierRecalculationRuns();
    expect(runs.edges).toEqual([]);
  });

  it('events: create, register, list registrations, mark attendance and cancel', async () => {
    const created = await admin.events.create({
      input: {
        title: 'SDK Workshop',
        description: 'Hands on.',
        city: 'London',
        venue: 'Studio 1',
        capacity: 1,
        startsAt: '2030-06-01T09:00:00Z',
        endsAt: '2030-06-01T13:00:00Z',
        registrationClosesAt: '2030-05-30T00:00:00Z',
      },
    });
    assertSuccess(created);
    expect(created.event).toMatchObject({ title: 'SDK Workshop', capacity: 1, seatsLeft: 1 });
    const first = await sellerShop('SDK Event One');
    const second = await sellerShop('SDK Event Two');
    const confirmed = await first.client.events.register({ input: { eventId: created.event.id, shopId: first.id } });
    assertSuccess(confirmed);
    expect(confirmed.registration.status).toBe('CONFIRMED');
    const waitlisted = await second.client.events.register({ input: { eventId: created.event.id, shopId: second.id } });
    assertSuccess(waitlisted);
    expect(waitlisted.registration.status).toBe('WAITLISTED');

    const events: string[] = [];
    for await (const e of first.client.events.paginate({ filter: { city: 'London' } }))
      events.push(`${e.title}:${e.confirmedCount}/${e.waitlistCount}`);
    expect(events).toContain('SDK Workshop:1/1');

    const cancelled = await first.client.events.cancelRegistration({
      input: { registrationId: confirmed.registration.id },
    });
    assertSuccess(cancelled);
    expect(cancelled.registration.status).toBe('CANCELLED');
    // The promoted registration belongs to another shop: hidden from this seller.
    expect(cancelled.promoted).toBeNull();
    const mine: string[] = [];
    for await (const r of second.client.events.paginateRegistrations({ shopId: second.id })) mine.push(r.status);
    expect(mine).toEqual(['CONFIRMED']);

    const early = await admin.events.markAttendance({
      input: { registrationIds: [waitlisted.registration.id], attended: true },
    });
    if (!isError(early, 'VALIDATION_FAILED')) throw new Error(`expected VALIDATION_FAILED, got ${early.__typename}`);
    expect(early.fields[0]).toMatchObject({
      path: ['input', 'registrationIds', '0'],
      message: 'The event has not started yet.',
    });
    assertSuccess(await admin.platform.setSandboxClock({ input: { now: '2030-06-01T10:00:00Z' } }));
    try {
      const marked = await admin.events.markAttendance({
        input: { registrationIds: [waitlisted.registration.id], attended: true },
      });
      assertSuccess(marked);
      expect(marked.registrations).toEqual([
        expect.objectContaining({
          id: waitlisted.registration.id,
          attended: true,
          attendedAt: '2030-06-01T10:00:00.000Z',
        }),
      ]);
    } finally {
      assertSuccess(await admin.platform.setSandboxClock({ input: { now: null } }));
    }
  });

  it('runs the agency bulk-submit example: a CSV across shops, with progress and per-row outcomes', async () => {
    const account = await db.prisma.account.create({ data: { name: 'SDK Agency', kind: 'AGENCY' } });
    const glow = await createShop(db.prisma, 'Agency Glow', {
      primaryCategoryId: world.categories.beauty,
      sites: ['GB', 'DE', 'FR'],
    });
    const threads = await createShop(db.prisma, 'Agency Threads', { primaryCategoryId: world.categories.fashion });
    const elsewhere = await createShop(db.prisma, 'Not A Client', { primaryCategoryId: world.categories.beauty });
    for (const shop of [glow, threads])
      await db.prisma.shopAccessGrant.create({
        data: { shopId: shop.id, accountId: account.id, scopes: ['shops:read', 'listings:read', 'listings:write'] },
      });
    const { key } = await createKey(db.prisma, 'AGENCY', { accountId: account.id });
    const c = world.categories;
    const csv = [
      'shop_id,title,category_id,price,currency,sites',
      `${gid('Shop', glow.id)},Rose toner,${gid('Category', c.skincare)},12.50,GBP,GB`,
      `${gid('Shop', glow.id)},"Serum, 30 ml",${gid('Category', c.skincare)},19.99,EUR,DE|FR`,
      `${gid('Shop', threads.id)},Linen dress,${gid('Category', c.dresses)},45,GBP,GB`,
      `${gid('Shop', threads.id)},Face cream,${gid('Category', c.skincare)},9.99,GBP,GB`,
      `${gid('Shop', glow.id)},Bad price,${gid('Category', c.skincare)},12.345,GBP,GB`,
      `${gid('Shop', elsewhere.id)},Not ours,${gid('Category', c.skincare)},5,GBP,GB`,
    ].join('\n');
    expect(parseCsv(csv)[2]).toEqual([
      gid('Shop', glow.id),
      'Serum, 30 ml',
      gid('Category', c.skincare),
      '19.99',
      'EUR',
      'DE|FR',
    ]);

    const lines: string[] = [];
    const outcomes = await agencyBulkSubmit({
      url: 'http://localhost/graphql',
      apiKey: key,
      csv,
      fetch: (url, init) => app.yoga.fetch(url, init),
      print: (l) => lines.push(l),
    });
    expect(outcomes.map((o) => [o.line, o.title, o.outcome])).toEqual([
      [2, 'Rose toner', 'PENDING_REVIEW'],
      [3, 'Serum, 30 ml', 'PENDING_REVIEW'],
      [4, 'Linen dress', 'PENDING_REVIEW'],
      [5, 'Face cream', 'REJECTED'],
      [6, 'Bad price', 'INVALID_ROW'],
      [7, 'Not ours', 'CREATE_FAILED'],
    ]);
    expect(outcomes[3]!.detail).toContain('OUTSIDE_PRIMARY_CATEGORY');
    expect(outcomes[5]!.detail).toMatch(/^NOT_FOUND/);
    expect(lines).toEqual(
      expect.arrayContaining(['6 rows, 5 valid, 1 invalid', 'created 5/5', 'submitted chunk 1/1: 4 applied, 0 failed']),
    );
    const rows = await db.prisma.listing.findMany({
      where: { shopId: { in: [glow.id, threads.id, elsewhere.id] } },
      orderBy: { title: 'asc' },
      select: { title: true, status: true, priceAmount: true, currency: true, sites: true },
    });
    // Drafts are created a few at a time, so compare by title rather than by id.
    expect(rows).toEqual([
      expect.objectContaining({ title: 'Face cream', status: 'REJECTED' }),
      expect.objectContaining({ title: 'Linen dress', status: 'PENDING_REVIEW', priceAmount: 4500 }),
      expect.objectContaining({ title: 'Rose toner', status: 'PENDING_REVIEW', priceAmount: 1250, currency: 'GBP' }),
      expect.objectContaining({
        title: 'Serum, 30 ml',
        status: 'PENDING_REVIEW',
        priceAmount: 1999,
        currency: 'EUR',
        sites: ['DE', 'FR'],
      }),
    ]);
  });

  it('creators: partner apps list creators by niche', async () => {
    await createCreator(db.prisma, { handle: 'sdk_glow', nicheCategoryIds: [world.categories.beauty] });
    await createCreator(db.prisma, { handle: 'sdk_style', nicheCategoryIds: [world.categories.fashion] });
    const handles: string[] = [];
    for await (const c of admin.creators.paginate({
      filter: { nicheCategoryId: gid('Category', world.categories.beauty) },
    }))
      handles.push(c.handle);
    expect(handles).toEqual(['sdk_glow']);
  });
});

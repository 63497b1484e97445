import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRunner } from '@shopwarden/jobs';
import { jobs, readPlatformNow } from '@shopwarden/schema';
import { createKey, createWorld, type World } from './support/fixtures.ts';
import { createTiers } from './support/revenue-fixtures.ts';
import { createTestApp, gid } from './support/client.ts';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';
import {
  CLOCK,
  createListingRow,
  grantException,
  grantRestricted,
  sellerShop,
  SUBMIT,
  UPDATE,
} from './support/listing-fixtures.ts';

const ELIGIBILITY = /* GraphQL */ `
  query Eligibility($id: ID!, $categoryIds: [ID!]) {
    shop(id: $id) {
      categoryEligibility(categoryIds: $categoryIds) {
        category {
          id
        }
        status
        reasonCode
        reason
      }
    }
  }
`;

describe.each(testTargets())("the shop's life cycle on %s", (target) => {
  let db: TestDatabase;
  let world: World;
  let gql: ReturnType<typeof createTestApp>['gql'];

  const clock = (now: string | null) => gql(world.adminKey, CLOCK, { now });
  const startRunner = (names: string[]) =>
    new JobRunner({
      prisma: db.prisma,
      jobs: jobs.filter((j) => names.includes(j.name)),
      now: () => readPlatformNow(db.prisma, false),
      pollIntervalMs: 60_000,
      leaseMs: 5_000,
    });

  beforeAll(async () => {
    db = await createTestDatabase(target);
    world = await createWorld(db.prisma);
    gql = createTestApp(db, { API_KEY_CACHE_TTL_MS: '0' }).gql;
  });
  afterAll(async () => db.drop());

  it('gives the same answer in eligibility and the listing checks, for every category, in every phase', async () => {
    const c = world.categories;
    const all = Object.values(c);
    // Three top-level categories in use: the previous policy's limit.
    const crowded = await sellerShop(db.prisma, 'Walk: three categories, no primary');
    for (const categoryId of [c.skincare, c.dresses, c.home])
      await createListingRow(db.prisma, crowded.shop.id, categoryId, { status: 'ACTIVE' });
    const fresh = await sellerShop(db.prisma, 'Walk: fresh, no primary');
    const covered = await sellerShop(db.prisma, 'Walk: primary with grants', { primaryCategoryId: c.beauty });
    await grantException(db.prisma, covered.shop.id, c.home);
    await grantRestricted(db.prisma, covered.shop.id, c.knives);
    const restricted = await sellerShop(db.prisma, 'Walk: restricted', { primaryCategoryId: c.fashion });
    await db.prisma.shop.update({ where: { id: restricted.shop.id }, data: { status: 'RESTRICTED' } });
    const shops = [crowded, fresh, covered, restricted];
    // One draft per category and shop: what a listing submitted now would meet.
    const drafts = new Map<number, Map<number, number>>();
    for (const s of shops) {
      const byCategory = new Map<number, number>();
      for (const categoryId of all)
        byCategory.set(categoryId, (await createListingRow(db.prisma, s.shop.id, categoryId)).id);
      drafts.set(s.shop.id, byCategory);
    }

    const phases = [
      ['2024-01-31T23:59:59.999Z', 'BEFORE_ENFORCEMENT'],
      ['2024-02-01T00:00:00.000Z', 'CONFIRMATION_OPEN'],
      ['2024-02-07T23:59:59.999Z', 'CONFIRMATION_OPEN'],
      ['2024-02-08T00:00:00.000Z', 'AFTER_DEADLINE'],
    ] as const;
    const seen = new Set<string>();
    try {
      for (const [now, phase] of phases) {
        await clock(now);
        const campaign = await gql(world.adminKey, `{ categorySelectionCampaign { phase } }`);
        expect(campaign.data!.categorySelectionCampaign.phase).toBe(phase);
        for (const s of shops) {
          const eligibility = await gql(s.key, ELIGIBILITY, {
            id: s.shopGid,
            categoryIds: all.map((id) => gid('Category', id)),
          });
          const listings = drafts.get(s.shop.id)!;
          // One submission each (a bulk call counts its earlier items as submitted).
          const results: { issues: { code: string }[] }[] = [];
          for (const categoryId of all) {
            const listingId = gid('Listing', listings.get(categoryId)!);
            results.push((await gql(s.key, SUBMIT, { input: { listingId, dryRun: true } })).data!.listingSubmit);
          }
          const answers = eligibility.data!.shop.categoryEligibility as {
            status: string;
            reasonCode: string | null;
          }[];
          expect(answers).toHaveLength(all.length);
          all.forEach((categoryId, i) => {
            const codes = results[i]!.issues.map((issue) => issue.code);
            const where = `${s.shop.name}, category ${categoryId}, ${now}`;
            expect(answers[i]!.reasonCode, where).toBe(codes[0] ?? null);
            expect(answers[i]!.status === 'AVAILABLE', where).toBe(codes.length === 0);
            seen.add(answers[i]!.status);
          });
        }
      }
    } finally {
      await clock(null);
    }
    // The walk met every answer eligibility can give.
    expect([...seen].sort()).toEqual([
      'AVAILABLE',
      'NEEDS_APPROVAL',
      'NOT_PRIMARY_CATEGORY',
      'PRIMARY_CATEGORY_NOT_SET',
      'PROHIBITED',
      'SHOP_NOT_ACTIVE',
      'TOO_MANY_CATEGORIES',
    ]);
    // A shop without a primary category once the policy is in force: not AVAILABLE (it was, wrongly).
    await clock('2024-03-01T00:00:00Z');
    const freshNow = await gql(fresh.key, ELIGIBILITY, { id: fresh.shopGid, categoryIds: [gid('Category', c.beauty)] });
    expect(freshNow.data!.shop.categoryEligibility[0]).toMatchObject({
      status: 'PRIMARY_CATEGORY_NOT_SET',
      reasonCode: 'PRIMARY_CATEGORY_NOT_SET',
    });
    await clock(null);
  }, 240_000);

  const ERR = /* GraphQL */ `... on Error { code message } ... on ValidationError { fields { path message } }`;
  const FULFIL = /* GraphQL */ `mutation($input: ShopFulfilmentModeSetInput!) { shopFulfilmentModeSet(input: $input) {
    __typename ... on ShopFulfilmentModeSetSuccess { changed shop { fulfilmentMode } } ${ERR} } }`;
  const MIGRATE = /* GraphQL */ `mutation($input: ShopBusinessModelMigrateInput!) { shopBusinessModelMigrate(input: $input) {
    __typename ... on ShopBusinessModelMigrateSuccess { shop { businessModel fulfilmentMode status pendingActions { kind } } } ${ERR} } }`;
  const REQUEST = /* GraphQL */ `mutation($input: CategoryExceptionRequestSubmitInput!) { categoryExceptionRequestSubmit(input: $input) {
    __typename ... on CategoryExceptionRequestSubmitSuccess { request { id status comment requestedCategories { name } shop { name } } } ${ERR} } }`;
  const PENDING = /* GraphQL */ `
    query ($id: ID!) {
      shop(id: $id) {
        status
        pendingActions {
          kind
          deadline
          overdue
          message
        }
      }
    }
  `;
  const audits = (operation: string) =>
    db.prisma.auditRecord.findMany({
      where: { operation },
      orderBy: { id: 'asc' },
      select: { outcome: true, resultCode: true },
    });
  const events = (shopId: number, type: string) =>
    db.prisma.outboxEvent.findMany({
      where: { shopId, type },
      orderBy: { id: 'asc' },
      select: { payload: true, occurredAt: true },
    });

  describe('shopFulfilmentModeSet', () => {
    it("allows self-shipping only while the shop's tier grants it, and never for a SELF_OPERATED shop", async () => {
      const tiers = await createTiers(db.prisma);
      const entry = await sellerShop(db.prisma, 'Fulfil: entry tier');
      await db.prisma.shop.update({ where: { id: entry.shop.id }, data: { tierId: tiers.entry } });
      const untiered = await sellerShop(db.prisma, 'Fulfil: no tier yet');
      const established = await sellerShop(db.prisma, 'Fulfil: established');
      await db.prisma.shop.update({ where: { id: established.shop.id }, data: { tierId: tiers.established } });
      const operated = await sellerShop(db.prisma, 'Fulfil: self-operated');
      await db.prisma.shop.update({
        where: { id: operated.shop.id },
        data: { tierId: tiers.established, businessModel: 'SELF_OPERATED' },
      });
      const set = (s: { key: string; shopGid: string }, fulfilmentMode: string) =>
        gql(s.key, FULFIL, { input: { shopId: s.shopGid, fulfilmentMode } }).then((r) => r.data!.shopFulfilmentModeSet);

      expect(await set(entry, 'SELF_SHIPPING')).toMatchObject({ code: 'SELF_SHIPPING_NOT_ALLOWED' });
      expect(await set(untiered, 'SELF_SHIPPING')).toMatchObject({ code: 'SELF_SHIPPING_NOT_ALLOWED' });
      expect(await set(operated, 'SELF_SHIPPING')).toMatchObject({ code: 'PLATFORM_OPERATED' });
      expect(await set(operated, 'PLATFORM')).toMatchObject({ code: 'PLATFORM_OPERATED' });
      // Another seller's shop is out of reach; a partner never writes.
      expect(await set({ key: entry.key, shopGid: established.shopGid }, 'SELF_SHIPPING')).toMatchObject({
        code: 'NOT_FOUND',
      });
      const partner = await createKey(db.prisma, 'PARTNER');
      expect(await set({ key: partner.key, shopGid: established.shopGid }, 'SELF_SHIPPING')).toMatchObject({
        code: 'NOT_FOUND',
      });
      const refused = await db.prisma.shop.findMany({
        where: { id: { in: [entry.shop.id, untiered.shop.id, operated.shop.id, established.shop.id] } },
        select: { fulfilmentMode: true },
      });
      expect(refused.every((s) => s.fulfilmentMode === 'PLATFORM')).toBe(true);

      expect(await set(established, 'SELF_SHIPPING')).toEqual({
        __typename: 'ShopFulfilmentModeSetSuccess',
        changed: true,
        shop: { fulfilmentMode: 'SELF_SHIPPING' },
      });
      expect(await set(established, 'SELF_SHIPPING')).toMatchObject({ changed: false });
      expect(await set(established, 'PLATFORM')).toMatchObject({ changed: true, shop: { fulfilmentMode: 'PLATFORM' } });
      expect((await events(established.shop.id, 'shop.fulfilment_mode_changed')).map((e) => e.payload)).toEqual([
        { fromMode: 'PLATFORM', toMode: 'SELF_SHIPPING', tier: 'ESTABLISHED' },
        { fromMode: 'SELF_SHIPPING', toMode: 'PLATFORM', tier: 'ESTABLISHED' },
      ]);
      expect(await events(entry.shop.id, 'shop.fulfilment_mode_changed')).toEqual([]);
      const rows = await audits('shopFulfilmentModeSet');
      expect(rows.filter((r) => r.outcome === 'SUCCESS')).toHaveLength(3);
      expect(rows.map((r) => r.resultCode)).toEqual(
        expect.arrayContaining(['SELF_SHIPPING_NOT_ALLOWED', 'PLATFORM_OPERATED', 'NOT_FOUND']),
      );
    });
  });

  describe('business-model migration', () => {
    const deadline = new Date('2024-03-10T00:00:00Z');
    const semiShop = async (name: string) => {
      const s = await sellerShop(db.prisma, name, { primaryCategoryId: world.categories.beauty });
      await db.prisma.shop.update({
        where: { id: s.shop.id },
        data: { businessModel: 'SEMI_CLOSED_LOOP', migrationDeadline: deadline },
      });
      const listing = await createListingRow(db.prisma, s.shop.id, world.categories.skincare);
      const submit = async (dryRun = true) =>
        (await gql(s.key, SUBMIT, { input: { listingId: gid('Listing', listing.id), dryRun } })).data!
          .listingSubmit as { issues: { code: string; message: string }[] };
      return { ...s, listing, submit };
    };
    const stored = (shopId: number) =>
      db.prisma.shop.findUniqueOrThrow({ where: { id: shopId }, select: { status: true, businessModel: true } });

    it('shows the deadline, restricts the shop at it (the runner), and lifts it when the shop migrates', async () => {
      await clock('2024-03-01T00:00:00Z');
      const semi = await semiShop('Migrating: on time');
      const runner = startRunner(['shops.migration-deadline', 'shops.schedule-migration-deadlines']);
      try {
        expect((await gql(semi.key, PENDING, { id: semi.shopGid })).data!.shop).toMatchObject({
          status: 'ACTIVE',
          pendingActions: [{ kind: 'MIGRATE_BUSINESS_MODEL', deadline: deadline.toISOString(), overdue: false }],
        });
        // The hourly sweep gives the shop (written without one) its deadline job.
        await runner.drain();
        await clock('2024-03-01T01:30:00Z');
        await runner.drain();
        expect(await db.prisma.job.count({ where: { name: 'shops.migration-deadline', runAt: deadline } })).toBe(1);

        await clock(new Date(deadline.getTime() - 1000).toISOString());
        await runner.drain();
        expect((await stored(semi.shop.id)).status).toBe('ACTIVE');
        expect((await semi.submit()).issues).toEqual([]);

        await clock(deadline.toISOString());
        expect(await runner.drain()).toBeGreaterThanOrEqual(1);
        expect((await stored(semi.shop.id)).status).toBe('RESTRICTED');
        const change = await db.prisma.shopStatusChange.findFirstOrThrow({
          where: { shopId: semi.shop.id },
          orderBy: { id: 'desc' },
        });
        expect(change).toMatchObject({ fromStatus: 'ACTIVE', toStatus: 'RESTRICTED', occurredAt: deadline });
        expect(change.reason).toContain('migration');
        expect((await events(semi.shop.id, 'shop.health_changed')).map((e) => e.occurredAt)).toEqual([deadline]);
        const restricted = await semi.submit();
        expect(restricted.issues.map((i) => i.code)).toEqual(['SHOP_NOT_ACTIVE']);
        expect(restricted.issues[0]!.message).toContain('shopBusinessModelMigrate');
        expect((await gql(semi.key, PENDING, { id: semi.shopGid })).data!.shop).toMatchObject({
          status: 'RESTRICTED',
          pendingActions: [{ kind: 'MIGRATE_BUSINESS_MODEL', overdue: true }],
        });
        // Idempotent: nothing left to run or record.
        await clock('2024-03-20T00:00:00Z');
        await runner.drain();
        expect(await db.prisma.shopStatusChange.count({ where: { shopId: semi.shop.id } })).toBe(1);
      } finally {
        await runner.stop();
      }

      const wrongTarget = await gql(semi.key, MIGRATE, {
        input: { shopId: semi.shopGid, businessModel: 'SEMI_CLOSED_LOOP' },
      });
      expect(wrongTarget.data!.shopBusinessModelMigrate).toMatchObject({ code: 'VALIDATION_FAILED' });
      const migrated = await gql(semi.key, MIGRATE, { input: { shopId: semi.shopGid, businessModel: 'CLOSED_LOOP' } });
      expect(migrated.data!.shopBusinessModelMigrate).toEqual({
        __typename: 'ShopBusinessModelMigrateSuccess',
        shop: { businessModel: 'CLOSED_LOOP', fulfilmentMode: 'PLATFORM', status: 'ACTIVE', pendingActions: [] },
      });
      expect((await semi.submit()).issues).toEqual([]);
      expect((await events(semi.shop.id, 'shop.business_model_migrated')).map((e) => e.payload)).toEqual([
        {
          fromBusinessModel: 'SEMI_CLOSED_LOOP',
          toBusinessModel: 'CLOSED_LOOP',
          fulfilmentMode: 'PLATFORM',
          migrationDeadline: deadline.toISOString(),
          afterDeadline: true,
        },
      ]);
      const again = await gql(semi.key, MIGRATE, { input: { shopId: semi.shopGid, businessModel: 'SELF_OPERATED' } });
      expect(again.data!.shopBusinessModelMigrate).toMatchObject({ code: 'INVALID_STATE' });
      expect((await audits('shopBusinessModelMigrate')).map((a) => a.resultCode)).toEqual([
        'VALIDATION_FAILED',
        null,
        'INVALID_STATE',
      ]);
      await clock(null);
    });

    it('restricts a shop past its deadline in the listing checks before the runner has run', async () => {
      await clock('2024-03-01T00:00:00Z');
      const late = await semiShop('Migrating: runner behind');
      await clock('2024-04-01T00:00:00Z');
      expect((await late.submit()).issues.map((i) => i.code)).toEqual(['SHOP_NOT_ACTIVE']);
      const eligibility = await gql(late.key, ELIGIBILITY, {
        id: late.shopGid,
        categoryIds: [gid('Category', world.categories.beauty)],
      });
      expect(eligibility.data!.shop.categoryEligibility[0]).toMatchObject({
        status: 'SHOP_NOT_ACTIVE',
        reasonCode: 'SHOP_NOT_ACTIVE',
      });
      // A real submission records the restriction, at the deadline instant, before it checks.
      expect((await stored(late.shop.id)).status).toBe('ACTIVE');
      expect((await late.submit(false)).issues.map((i) => i.code)).toEqual(['SHOP_NOT_ACTIVE']);
      expect((await stored(late.shop.id)).status).toBe('RESTRICTED');
      expect(
        await db.prisma.shopStatusChange.findFirst({ where: { shopId: late.shop.id }, select: { occurredAt: true } }),
      ).toEqual({ occurredAt: deadline });
      await clock(null);
    });

    it("makes a SELF_OPERATED shop's prices and fulfilment the platform's", async () => {
      await clock('2024-03-01T00:00:00Z');
      const semi = await semiShop('Migrating: to self-operated');
      await db.prisma.shop.update({ where: { id: semi.shop.id }, data: { fulfilmentMode: 'SELF_SHIPPING' } });
      const res = await gql(semi.key, MIGRATE, { input: { shopId: semi.shopGid, businessModel: 'SELF_OPERATED' } });
      expect(res.data!.shopBusinessModelMigrate.shop).toMatchObject({
        businessModel: 'SELF_OPERATED',
        fulfilmentMode: 'PLATFORM',
        status: 'ACTIVE',
      });
      const listingId = gid('Listing', semi.listing.id);
      const reprice = await gql(semi.key, UPDATE, { input: { listingId, priceAmount: 2599 } });
      expect(reprice.data!.listingUpdate).toMatchObject({ code: 'PLATFORM_OPERATED' });
      const currency = await gql(semi.key, UPDATE, { input: { listingId, currency: 'EUR' } });
      expect(currency.data!.listingUpdate).toMatchObject({ code: 'PLATFORM_OPERATED' });
      expect((await db.prisma.listing.findUniqueOrThrow({ where: { id: semi.listing.id } })).priceAmount).toBe(1999);
      // Other fields, and the same price, are the seller's; the platform (an administrator) sets the price.
      const retitle = await gql(semi.key, UPDATE, { input: { listingId, title: 'Renamed', priceAmount: 1999 } });
      expect(retitle.data!.listingUpdate).toMatchObject({ listing: { title: 'Renamed' } });
      const byPlatform = await gql(world.adminKey, UPDATE, { input: { listingId, priceAmount: 2599 } });
      expect(byPlatform.data!.listingUpdate).toMatchObject({ listing: { price: { amount: '25.99' } } });
      const fulfil = await gql(semi.key, FULFIL, { input: { shopId: semi.shopGid, fulfilmentMode: 'SELF_SHIPPING' } });
      expect(fulfil.data!.shopFulfilmentModeSet).toMatchObject({ code: 'PLATFORM_OPERATED' });
      await clock(null);
    });
  });

  describe('categoryExceptionRequestSubmit', () => {
    it('files a request at any time for a shop with a primary category, however it got it', async () => {
      const c = world.categories;
      const assigned = await sellerShop(db.prisma, 'Exception: auto-assigned', { primaryCategoryId: c.beauty });
      await db.prisma.shop.update({
        where: { id: assigned.shop.id },
        data: { primaryCategorySource: 'AUTO_ASSIGNED' },
      });
      const request = (s: { key: string; shopGid: string }, comment: string, ids: number[]) =>
        gql(s.key, REQUEST, {
          input: { shopId: s.shopGid, comment, requestedCategoryIds: ids.map((id) => gid('Category', id)) },
        }).then((r) => r.data!.categoryExceptionRequestSubmit);

      const bad = await request(assigned, '  ', [c.weapons, c.skincare, c.beauty]);
      expect(bad.code).toBe('VALIDATION_FAILED');
      expect(bad.fields.map((f: { path: string[] }) => f.path.join('.'))).toEqual([
        'input.comment',
        'input.requestedCategoryIds.0',
        'input.requestedCategoryIds.1',
        'input.requestedCategoryIds.2',
      ]);
      expect((await request(assigned, 'Gift sets', [])).code).toBe('VALIDATION_FAILED');
      const none = await sellerShop(db.prisma, 'Exception: no primary yet');
      expect(await request(none, 'Gift sets', [c.home])).toMatchObject({ code: 'PRIMARY_CATEGORY_NOT_SET' });
      const partner = await createKey(db.prisma, 'PARTNER');
      expect(await request({ key: partner.key, shopGid: assigned.shopGid }, 'x', [c.home])).toMatchObject({
        code: 'NOT_FOUND',
      });
      expect(await db.prisma.categoryExceptionRequest.count({ where: { shopId: assigned.shop.id } })).toBe(0);

      const filed = await request(assigned, ' Our candles come in our skincare gift sets ', [c.home, c.home]);
      expect(filed).toMatchObject({
        __typename: 'CategoryExceptionRequestSubmitSuccess',
        request: {
          status: 'PENDING',
          comment: 'Our candles come in our skincare gift sets',
          requestedCategories: [{ name: 'Home' }],
          shop: { name: 'Exception: auto-assigned' },
        },
      });
      expect((await events(assigned.shop.id, 'category_exception.requested')).map((e) => e.payload)).toEqual([
        { requestedCategoryIds: [c.home] },
      ]);
      expect((await audits('categoryExceptionRequestSubmit')).map((a) => a.resultCode)).toEqual([
        'VALIDATION_FAILED',
        'VALIDATION_FAILED',
        'PRIMARY_CATEGORY_NOT_SET',
        'NOT_FOUND',
        null,
      ]);
      // An administrator decides it as any other: the grant then covers Home for this shop.
      const review = await gql(
        world.adminKey,
        `mutation($input: CategoryExceptionRequestReviewInput!) { categoryExceptionRequestReview(input: $input) { __typename } }`,
        { input: { requestId: filed.request.id, decision: 'APPROVE' } },
      );
      expect(review.data!.categoryExceptionRequestReview.__typename).toBe('CategoryExceptionRequestReviewSuccess');
      await clock('2024-03-01T00:00:00Z');
      const eligibility = await gql(assigned.key, ELIGIBILITY, {
        id: assigned.shopGid,
        categoryIds: [gid('Category', c.home)],
      });
      expect(eligibility.data!.shop.categoryEligibility[0].status).toBe('AVAILABLE');
      await clock(null);
    });
  });
});

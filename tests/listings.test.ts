import { beforeEach, describe, expect, it } from 'vitest';
import { createKey, type World } from './support/fixtures.ts';
import { countQueries, gid } from './support/client.ts';
import { useSuite } from './support/suite.ts';
import { testTargets } from './support/database.ts';
import {
  CLOCK,
  CREATE,
  REVIEW,
  SUBMIT,
  UPDATE,
  createListingRow,
  createListingRows,
  grantException,
  sellerShop,
} from './support/listing-fixtures.ts';

const AFTER = '2024-03-01T00:00:00Z';
const BEFORE = '2024-01-15T00:00:00Z';

describe.each(testTargets())('listings and listing review (SPEC §2) on %s', (target) => {
  const { db, world, gql } = useSuite(target);
  const cat = (name: keyof World['categories']) => gid('Category', world.categories[name]);

  beforeEach(async () => {
    await gql(world.adminKey, CLOCK, { now: AFTER });
  });

  async function submit(key: string, listingId: number, dryRun = false) {
    const res = await gql(key, SUBMIT, { input: { listingId: gid('Listing', listingId), dryRun } });
    return res.data!.listingSubmit;
  }
  const codes = (r: { issues: { code: string }[] }) => r.issues.map((i) => i.code);

  it('creates a DRAFT listing with validated fields and a Money price', async () => {
    const { shop, key, shopGid } = await sellerShop(db.prisma, 'Creator', {
      primaryCategoryId: world.categories.beauty,
      sites: ['GB', 'DE'],
    });
    const input = {
      shopId: shopGid,
      title: '  Rose serum  ',
      description: 'Hydrating',
      categoryId: cat('skincare'),
      priceAmount: 1999,
      currency: 'EUR',
      sites: ['DE'],
    };
    const res = await gql(key, CREATE, { input });
    expect(res.data!.listingCreate).toMatchObject({
      __typename: 'ListingCreateSuccess',
      dryRun: false,
      listing: {
        title: 'Rose serum',
        status: 'DRAFT',
        version: 0,
        submittedAt: null,
        sites: ['DE'],
        price: { amount: '19.99', currencyCode: 'EUR', minorUnits: '1999' },
        category: { name: 'Skincare' },
        latestReview: null,
      },
    });
    const bad = await gql(key, CREATE, {
      input: { ...input, title: '', priceAmount: 0, sites: ['US'], categoryId: gid('Category', 999999) },
    });
    expect(bad.data!.listingCreate.code).toBe('VALIDATION_FAILED');
    expect(bad.data!.listingCreate.fields.map((f: { path: string[] }) => f.path.join('.')).sort()).toEqual([
      'input.categoryId',
      'input.priceAmount',
      'input.sites.0',
      'input.title',
    ]);
    const empty = await gql(key, CREATE, { input: { ...input, sites: [] } });
    expect(empty.data!.listingCreate.fields[0].path).toEqual(['input', 'sites']);
    const long = await gql(key, CREATE, { input: { ...input, title: 'x'.repeat(201) } });
    expect(long.data!.listingCreate.code).toBe('VALIDATION_FAILED');
    const badCurrency = await gql(key, CREATE, { input: { ...input, currency: 'eur' } });
    expect(badCurrency.errors?.[0]?.message).toMatch(/CurrencyCode/);

    const dry = await gql(key, CREATE, { input: { ...input, dryRun: true } });
    expect(dry.data!.listingCreate).toEqual({ __typename: 'ListingCreateSuccess', dryRun: true, listing: null });
    expect(await db.prisma.listing.count({ where: { shopId: shop.id } })).toBe(1);
    expect(await db.prisma.outboxEvent.count({ where: { shopId: shop.id, type: 'listing.created' } })).toBe(1);
  });

  it('passes a clean listing to PENDING_REVIEW with an automatic SUBMITTED review and an outbox event', async () => {
    const { shop, key } = await sellerShop(db.prisma, 'Clean', { primaryCategoryId: world.categories.beauty });
    const listing = await createListingRow(db.prisma, shop.id, world.categories.skincare);
    const res = await submit(key, listing.id);
    expect(res).toMatchObject({
      __typename: 'ListingSubmitSuccess',
      status: 'PENDING_REVIEW',
      issues: [],
      listing: { status: 'PENDING_REVIEW', version: 1 },
    });
    const reviews = await db.prisma.listingReview.findMany({ where: { listingId: listing.id } });
    expect(reviews).toEqual([
      expect.objectContaining({
        decision: 'SUBMITTED',
        automatic: true,
        fromStatus: 'DRAFT',
        toStatus: 'PENDING_REVIEW',
        reasons: [],
        listingVersion: 1,
      }),
    ]);
    const row = await db.prisma.listing.findUniqueOrThrow({ where: { id: listing.id } });
    expect(row.submittedAt?.toISOString()).toBe('2024-03-01T00:00:00.000Z');
    expect(
      await db.prisma.outboxEvent.findMany({
        where: { subjectType: 'Listing', subjectId: String(listing.id) },
        select: { type: true },
      }),
    ).toEqual([{ type: 'listing.submitted' }]);
    expect((await submit(key, listing.id)).code).toBe('INVALID_STATE');
  });

  it('runs each automatic check on its own', async () => {
    const suspended = await sellerShop(db.prisma, 'Suspended', { primaryCategoryId: world.categories.beauty });
    await db.prisma.shop.update({ where: { id: suspended.shop.id }, data: { status: 'SUSPENDED' } });
    const a = await createListingRow(db.prisma, suspended.shop.id, world.categories.skincare);
    expect(codes(await submit(suspended.key, a.id))).toEqual(['SHOP_NOT_ACTIVE']);

    const beauty = await sellerShop(db.prisma, 'Beauty shop', { primaryCategoryId: world.categories.beauty });
    const weapons = await createListingRow(db.prisma, beauty.shop.id, world.categories.weapons);
    const weaponsResult = await submit(beauty.key, weapons.id);
    // Weapons is prohibited and also outside Beauty: every reason is recorded, in order.
    expect(codes(weaponsResult)).toEqual(['PROHIBITED_ITEM', 'OUTSIDE_PRIMARY_CATEGORY']);
    expect(weaponsResult.status).toBe('REJECTED');

    const noPrimary = await sellerShop(db.prisma, 'No primary');
    const b = await createListingRow(db.prisma, noPrimary.shop.id, world.categories.skincare);
    expect(codes(await submit(noPrimary.key, b.id))).toEqual(['PRIMARY_CATEGORY_NOT_SET']);

    const dresses = await createListingRow(db.prisma, beauty.shop.id, world.categories.dresses);
    const outside = await submit(beauty.key, dresses.id);
    expect(outside.issues).toEqual([{ code: 'OUTSIDE_PRIMARY_CATEGORY', message: expect.stringContaining('Dresses') }]);

    const supplements = await createListingRow(db.prisma, beauty.shop.id, world.categories.supplements);
    expect(codes(await submit(beauty.key, supplements.id))).toEqual(['RESTRICTED_REQUIRES_APPROVAL']);

    const review = await db.prisma.listingReview.findFirstOrThrow({ where: { listingId: supplements.id } });
    expect(review).toMatchObject({
      decision: 'AUTO_REJECTED',
      automatic: true,
      fromStatus: 'DRAFT',
      toStatus: 'REJECTED',
      reasons: [{ code: 'RESTRICTED_REQUIRES_APPROVAL', message: expect.any(String) }],
    });
    expect(
      await db.prisma.outboxEvent.count({
        where: { subjectType: 'Listing', subjectId: String(supplements.id), type: 'listing.reviewed' },
      }),
    ).toBe(1);
  });

  it('records every reason that applies, in check order', async () => {
    const { shop, key } = await sellerShop(db.prisma, 'Everything wrong', {
      primaryCategoryId: world.categories.beauty,
    });
    await db.prisma.shop.update({ where: { id: shop.id }, data: { status: 'RESTRICTED' } });
    const knives = await createListingRow(db.prisma, shop.id, world.categories.knives);
    expect(codes(await submit(key, knives.id))).toEqual([
      'SHOP_NOT_ACTIVE',
      'OUTSIDE_PRIMARY_CATEGORY',
      'RESTRICTED_REQUIRES_APPROVAL',
    ]);
    const none = await sellerShop(db.prisma, 'No primary, restricted');
    await db.prisma.shop.update({ where: { id: none.shop.id }, data: { status: 'SUSPENDED' } });
    const supplements = await createListingRow(db.prisma, none.shop.id, world.categories.supplements);
    expect(codes(await submit(none.key, supplements.id))).toEqual([
      'SHOP_NOT_ACTIVE',
      'PRIMARY_CATEGORY_NOT_SET',
      'RESTRICTED_REQUIRES_APPROVAL',
    ]);
  });

  it('applies the previous three-category policy before the effective date and the primary-category policy from it', async () => {
    await gql(world.adminKey, CLOCK, { now: BEFORE });
    const { shop, key } = await sellerShop(db.prisma, 'Many categories');
    // Three top-level categories already in use (non-DRAFT listings); drafts do not count.
    await createListingRow(db.prisma, shop.id, world.categories.skincare, { status: 'ACTIVE' });
    await createListingRow(db.prisma, shop.id, world.categories.dresses, { status: 'PENDING_REVIEW' });
    await createListingRow(db.prisma, shop.id, world.categories.home, { status: 'REJECTED' });
    await createListingRow(db.prisma, shop.id, world.categories.electronics, { status: 'DRAFT' });
    const sameRoot = await createListingRow(db.prisma, shop.id, world.categories.beauty);
    const fourth = await createListingRow(db.prisma, shop.id, world.categories.electronics);
    const weapons = await createListingRow(db.prisma, shop.id, world.categories.weapons);
    expect(codes(await submit(key, sameRoot.id))).toEqual([]);
    expect(codes(await submit(key, fourth.id))).toEqual(['TOO_MANY_CATEGORIES']);
    // Prohibited and restricted rules still apply before the date; no primary category is needed.
    expect(codes(await submit(key, weapons.id))).toEqual(['PROHIBITED_ITEM', 'TOO_MANY_CATEGORIES']);

    const small = await sellerShop(db.prisma, 'Small before');
    const knives = await createListingRow(db.prisma, small.shop.id, world.categories.knives);
    expect(codes(await submit(small.key, knives.id))).toEqual(['RESTRICTED_REQUIRES_APPROVAL']);

    // One second before and at the effective date.
    await gql(world.adminKey, CLOCK, { now: '2024-01-31T23:59:59Z' });
    const justBefore = await createListingRow(db.prisma, small.shop.id, world.categories.dresses);
    expect(codes(await submit(small.key, justBefore.id))).toEqual([]);
    await gql(world.adminKey, CLOCK, { now: '2024-02-01T00:00:00Z' });
    const atDate = await createListingRow(db.prisma, small.shop.id, world.categories.dresses);
    expect(codes(await submit(small.key, atDate.id))).toEqual(['PRIMARY_CATEGORY_NOT_SET']);
  });

  it('lets an approved exception cover a category outside the primary one', async () => {
    const { shop, key } = await sellerShop(db.prisma, 'Exception', { primaryCategoryId: world.categories.beauty });
    const before = await createListingRow(db.prisma, shop.id, world.categories.dresses);
    expect(codes(await submit(key, before.id))).toEqual(['OUTSIDE_PRIMARY_CATEGORY']);
    await grantException(db.prisma, shop.id, world.categories.fashion);
    const after = await createListingRow(db.prisma, shop.id, world.categories.dresses);
    expect(await submit(key, after.id)).toMatchObject({ status: 'PENDING_REVIEW', issues: [] });
  });

  it('takes a restricted-category request; a granted approval lets listings through, a denied one can be re-requested', async () => {
    const { shop, key, shopGid } = await sellerShop(db.prisma, 'Supplements seller', {
      primaryCategoryId: world.categories.beauty,
    });
    const REQUEST = `mutation($input: RestrictedCategoryApprovalRequestInput!) { restrictedCategoryApprovalRequest(input: $input) {
      __typename ... on RestrictedCategoryApprovalRequestSuccess { approval { id status justification category { name } } } ... on Error { code } } }`;
    const DECIDE = `mutation($input: RestrictedCategoryApprovalDecideInput!) { restrictedCategoryApprovalDecide(input: $input) {
      __typename ... on RestrictedCategoryApprovalDecideSuccess { approval { status decisionNote decidedAt } } ... on Error { code } } }`;
    expect(
      (await gql(key, REQUEST, { input: { shopId: shopGid, categoryId: cat('skincare'), justification: 'x' } })).data!
        .restrictedCategoryApprovalRequest.code,
    ).toBe('CATEGORY_NOT_ELIGIBLE');
    expect(
      (await gql(key, REQUEST, { input: { shopId: shopGid, categoryId: cat('weapons'), justification: 'x' } })).data!
        .restrictedCategoryApprovalRequest.code,
    ).toBe('CATEGORY_NOT_ELIGIBLE');
    expect(
      (await gql(key, REQUEST, { input: { shopId: shopGid, categoryId: cat('supplements'), justification: '  ' } }))
        .data!.restrictedCategoryApprovalRequest.code,
    ).toBe('VALIDATION_FAILED');

    const requested = await gql(key, REQUEST, {
      input: { shopId: shopGid, categoryId: cat('supplements'), justification: 'Licensed pharmacy' },
    });
    const approval = requested.data!.restrictedCategoryApprovalRequest.approval;
    expect(approval).toMatchObject({
      status: 'PENDING',
      justification: 'Licensed pharmacy',
      category: { name: 'Supplements' },
    });
    expect(
      (await gql(key, REQUEST, { input: { shopId: shopGid, categoryId: cat('supplements'), justification: 'again' } }))
        .data!.restrictedCategoryApprovalRequest.code,
    ).toBe('INVALID_STATE');

    const QUEUE = `{ restrictedCategoryApprovals(status: PENDING) { edges { node { id shop { name } } } } }`;
    expect(
      (await gql(world.adminKey, QUEUE)).data!.restrictedCategoryApprovals.edges.map(
        (e: { node: { id: string } }) => e.node.id,
      ),
    ).toContain(approval.id);
    const other = await sellerShop(db.prisma, 'Other seller');
    expect((await gql(other.key, QUEUE)).data!.restrictedCategoryApprovals.edges).toEqual([]);

    expect(
      (await gql(key, DECIDE, { input: { approvalId: approval.id, decision: 'GRANT' } })).data!
        .restrictedCategoryApprovalDecide.code,
    ).toBe('FORBIDDEN');
    expect(
      (await gql(world.adminKey, DECIDE, { input: { approvalId: approval.id, decision: 'DENY' } })).data!
        .restrictedCategoryApprovalDecide.code,
    ).toBe('VALIDATION_FAILED');
    expect(
      (
        await gql(world.adminKey, DECIDE, {
          input: { approvalId: approval.id, decision: 'DENY', note: 'Send the licence' },
        })
      ).data!.restrictedCategoryApprovalDecide.approval,
    ).toMatchObject({ status: 'DENIED', decisionNote: 'Send the licence' });
    const listing = await createListingRow(db.prisma, shop.id, world.categories.supplements);
    expect(codes(await submit(key, listing.id))).toEqual(['RESTRICTED_REQUIRES_APPROVAL']);

    const again = await gql(key, REQUEST, {
      input: { shopId: shopGid, categoryId: cat('supplements'), justification: 'Licence attached' },
    });
    expect(again.data!.restrictedCategoryApprovalRequest.approval).toMatchObject({
      id: approval.id,
      status: 'PENDING',
      justification: 'Licence attached',
    });
    expect(await db.prisma.restrictedCategoryApproval.count({ where: { shopId: shop.id } })).toBe(1);
    expect(
      (await gql(world.adminKey, DECIDE, { input: { approvalId: approval.id, decision: 'GRANT', note: 'OK' } })).data!
        .restrictedCategoryApprovalDecide.approval.status,
    ).toBe('GRANTED');
    expect(
      (await gql(world.adminKey, DECIDE, { input: { approvalId: approval.id, decision: 'DENY', note: 'no' } })).data!
        .restrictedCategoryApprovalDecide.code,
    ).toBe('INVALID_STATE');

    // The same listing, resubmitted after the grant, passes.
    expect(await submit(key, listing.id)).toMatchObject({ status: 'PENDING_REVIEW', issues: [] });
  });

  it('lets the seller edit a REJECTED listing and resubmit; history keeps every decision', async () => {
    const { shop, key } = await sellerShop(db.prisma, 'Resubmitter', { primaryCategoryId: world.categories.beauty });
    const listing = await createListingRow(db.prisma, shop.id, world.categories.dresses);
    expect((await submit(key, listing.id)).status).toBe('REJECTED');
    const edited = await gql(key, UPDATE, {
      input: {
        listingId: gid('Listing', listing.id),
        categoryId: cat('skincare'),
        title: 'Now a serum',
        expectedVersion: 1,
      },
    });
    expect(edited.data!.listingUpdate.listing).toMatchObject({
      title: 'Now a serum',
      category: { name: 'Skincare' },
      status: 'REJECTED',
      version: 2,
    });
    const stale = await gql(key, UPDATE, {
      input: { listingId: gid('Listing', listing.id), title: 'stale', expectedVersion: 1 },
    });
    expect(stale.data!.listingUpdate.code).toBe('CONFLICT');
    expect((await submit(key, listing.id)).status).toBe('PENDING_REVIEW');
    const notEditable = await gql(key, UPDATE, { input: { listingId: gid('Listing', listing.id), title: 'Too late' } });
    expect(notEditable.data!.listingUpdate.code).toBe('INVALID_STATE');

    const reject = await gql(world.adminKey, REVIEW, {
      input: {
        listingId: gid('Listing', listing.id),
        decision: 'REJECT',
        reasons: [{ code: 'MISLEADING_TITLE', message: 'Say what it is.' }],
        note: 'internal',
      },
    });
    expect(reject.data!.listingReview).toMatchObject({
      status: 'REJECTED',
      issues: [{ code: 'MISLEADING_TITLE', message: 'Say what it is.' }],
    });
    await gql(key, UPDATE, { input: { listingId: gid('Listing', listing.id), title: 'Rose serum 30 ml' } });
    expect((await submit(key, listing.id)).status).toBe('PENDING_REVIEW');
    expect(
      (await gql(world.adminKey, REVIEW, { input: { listingId: gid('Listing', listing.id), decision: 'APPROVE' } }))
        .data!.listingReview.status,
    ).toBe('ACTIVE');

    const HISTORY = `query($id: ID!) { listing(id: $id) { status latestReview { decision } reviews(first: 10) { edges { node { decision automatic fromStatus toStatus listingVersion reviewerRole reviewer { prefix } reasons { code } createdAt } } } } }`;
    const history = (await gql(key, HISTORY, { id: gid('Listing', listing.id) })).data!.listing;
    expect(history.status).toBe('ACTIVE');
    expect(history.latestReview).toEqual({ decision: 'APPROVED' });
    const nodes = history.reviews.edges.map((e: { node: Record<string, unknown> }) => e.node);
    expect(nodes.map((n: { decision: string }) => n.decision)).toEqual([
      'AUTO_REJECTED',
      'SUBMITTED',
      'REJECTED',
      'SUBMITTED',
      'APPROVED',
    ]);
    expect(nodes.map((n: { automatic: boolean }) => n.automatic)).toEqual([true, true, false, true, false]);
    expect(nodes.map((n: { reviewerRole: string }) => n.reviewerRole)).toEqual([
      'SYSTEM',
      'SYSTEM',
      'ADMIN',
      'SYSTEM',
      'ADMIN',
    ]);
    // The seller sees its own key on its submissions, never the administrator's key.
    expect(nodes[0].reviewer).not.toBeNull();
    expect(nodes[2].reviewer).toBeNull();
    expect(nodes[2].reasons).toEqual([{ code: 'MISLEADING_TITLE' }]);
    const adminView = (await gql(world.adminKey, HISTORY, { id: gid('Listing', listing.id) })).data!.listing.reviews
      .edges[2].node;
    expect(adminView.reviewer).not.toBeNull();
  });

  it('enforces review rules: reasons to reject, allowed transitions, admin only, SUSPEND from ACTIVE', async () => {
    const { shop, key } = await sellerShop(db.prisma, 'Reviewed', { primaryCategoryId: world.categories.beauty });
    const pending = await createListingRow(db.prisma, shop.id, world.categories.skincare, { status: 'PENDING_REVIEW' });
    const id = gid('Listing', pending.id);
    expect((await gql(key, REVIEW, { input: { listingId: id, decision: 'APPROVE' } })).data!.listingReview.code).toBe(
      'FORBIDDEN',
    );
    const noReasons = await gql(world.adminKey, REVIEW, { input: { listingId: id, decision: 'REJECT' } });
    expect(noReasons.data!.listingReview).toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: [{ path: ['input', 'reasons'] }],
    });
    const badCode = await gql(world.adminKey, REVIEW, {
      input: { listingId: id, decision: 'REJECT', reasons: [{ code: 'bad code', message: 'x' }] },
    });
    expect(badCode.data!.listingReview.fields[0].path).toEqual(['input', 'reasons', '0', 'code']);
    expect(
      (await gql(world.adminKey, REVIEW, { input: { listingId: id, decision: 'SUSPEND' } })).data!.listingReview.code,
    ).toBe('INVALID_STATE');
    expect(
      (await gql(world.adminKey, REVIEW, { input: { listingId: id, decision: 'APPROVE', expectedVersion: 7 } })).data!
        .listingReview.code,
    ).toBe('CONFLICT');
    const dry = await gql(world.adminKey, REVIEW, { input: { listingId: id, decision: 'APPROVE', dryRun: true } });
    expect(dry.data!.listingReview).toMatchObject({
      dryRun: true,
      status: 'ACTIVE',
      listing: { status: 'PENDING_REVIEW', version: 0 },
    });
    expect(await db.prisma.listingReview.count({ where: { listingId: pending.id } })).toBe(0);
    expect(
      (await gql(world.adminKey, REVIEW, { input: { listingId: id, decision: 'APPROVE', expectedVersion: 0 } })).data!
        .listingReview,
    ).toMatchObject({ status: 'ACTIVE', listing: { version: 1 } });
    expect(
      (
        await gql(world.adminKey, REVIEW, {
          input: { listingId: id, decision: 'REJECT', reasons: [{ code: 'LATE', message: 'x' }] },
        })
      ).data!.listingReview.code,
    ).toBe('INVALID_STATE');
    expect(
      (
        await gql(world.adminKey, REVIEW, {
          input: { listingId: id, decision: 'SUSPEND', reasons: [{ code: 'COUNTERFEIT', message: 'Reported' }] },
        })
      ).data!.listingReview.status,
    ).toBe('SUSPENDED');
    const rows = await db.prisma.listingReview.findMany({ where: { listingId: pending.id }, orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.decision, r.fromStatus, r.toStatus, r.listingVersion])).toEqual([
      ['APPROVED', 'PENDING_REVIEW', 'ACTIVE', 1],
      ['SUSPENDED', 'ACTIVE', 'SUSPENDED', 2],
    ]);
    expect(
      await db.prisma.outboxEvent.count({
        where: { subjectType: 'Listing', subjectId: String(pending.id), type: 'listing.reviewed' },
      }),
    ).toBe(2);
  });

  it('lets exactly one of concurrent decisions on a listing win; the others get CONFLICT', async () => {
    const { shop } = await sellerShop(db.prisma, 'Race', { primaryCategoryId: world.categories.beauty });
    const pending = await createListingRow(db.prisma, shop.id, world.categories.skincare, { status: 'PENDING_REVIEW' });
    const id = gid('Listing', pending.id);
    const admins = await Promise.all([1, 2, 3, 4].map(() => createKey(db.prisma, 'ADMIN')));
    const decisions = await Promise.all(
      admins.map((a, i) =>
        gql(a.key, REVIEW, {
          input: {
            listingId: id,
            expectedVersion: 0,
            decision: i % 2 ? 'APPROVE' : 'REJECT',
            reasons: i % 2 ? [] : [{ code: 'RACE', message: 'x' }],
          },
        }),
      ),
    );
    const outcomes = decisions.map((d) =>
      d.data!.listingReview.__typename === 'ListingReviewSuccess' ? 'WIN' : d.data!.listingReview.code,
    );
    expect(outcomes.filter((o) => o === 'WIN')).toHaveLength(1);
    expect(outcomes.filter((o) => o !== 'WIN').every((o) => o === 'CONFLICT')).toBe(true);
    expect(await db.prisma.listingReview.count({ where: { listingId: pending.id } })).toBe(1);
    expect((await db.prisma.listing.findUniqueOrThrow({ where: { id: pending.id } })).version).toBe(1);
  });

  it('filters and sorts listings with stable pages', async () => {
    const { shop, key, shopGid } = await sellerShop(db.prisma, 'Catalogue', {
      primaryCategoryId: world.categories.beauty,
      sites: ['GB', 'FR'],
    });
    const base = new Date('2024-04-01T00:00:00Z').getTime();
    const made: Awaited<ReturnType<typeof createListingRow>>[] = [];
    for (let i = 0; i < 12; i++) {
      made.push(
        await createListingRow(
          db.prisma,
          shop.id,
          i % 3 === 0 ? world.categories.beauty : i % 3 === 1 ? world.categories.skincare : world.categories.dresses,
          {
            status: i < 2 ? 'DRAFT' : 'PENDING_REVIEW',
            priceAmount: 500 + (i % 4) * 100,
            sites: i % 2 ? ['FR'] : ['GB'],
            submittedAt: i < 2 ? null : new Date(base + (i % 5) * 60_000),
          },
        ),
      );
    }
    const LIST = `query($id: ID!, $filter: ListingFilter, $sort: ListingSort, $after: String) { shop(id: $id) { listings(first: 4, after: $after, filter: $filter, sort: $sort) { edges { node { id } } pageInfo { hasNextPage endCursor } } } }`;
    async function all(filter: object | null, sort: string | null) {
      const ids: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } = (
          await gql(key, LIST, { id: shopGid, filter, sort, after })
        ).data!.shop.listings;
        ids.push(...page.edges.map((e: { node: { id: string } }) => e.node.id));
        if (!page.pageInfo.hasNextPage) return ids;
        after = page.pageInfo.endCursor;
      }
    }
    const expectOrder = (rows: typeof made, key: (l: (typeof made)[number]) => number, dir: 1 | -1) =>
      [...rows].sort((a, b) => dir * (key(a) - key(b)) || dir * (a.id - b.id)).map((l) => gid('Listing', l.id));
    expect(await all(null, 'PRICE_ASC')).toEqual(expectOrder(made, (l) => l.priceAmount, 1));
    expect(await all(null, 'PRICE_DESC')).toEqual(expectOrder(made, (l) => l.priceAmount, -1));
    const submitted = made.filter((l) => l.submittedAt);
    expect(await all(null, 'SUBMITTED_AT_ASC')).toEqual(expectOrder(submitted, (l) => l.submittedAt!.getTime(), 1));
    expect(await all(null, 'SUBMITTED_AT_DESC')).toEqual(expectOrder(submitted, (l) => l.submittedAt!.getTime(), -1));
    expect(await all({ categoryId: cat('beauty') }, 'ID')).toHaveLength(8);
    expect(await all({ categoryId: cat('skincare') }, null)).toEqual(
      made.filter((l) => l.categoryId === world.categories.skincare).map((l) => gid('Listing', l.id)),
    );
    expect(await all({ site: 'FR', status: 'PENDING_REVIEW' }, null)).toHaveLength(5);
    expect(
      await all(
        {
          submittedAfter: new Date(base + 2 * 60_000).toISOString(),
          submittedBefore: new Date(base + 4 * 60_000).toISOString(),
        },
        null,
      ),
    ).toHaveLength(
      submitted.filter(
        (l) => l.submittedAt!.getTime() >= base + 2 * 60_000 && l.submittedAt!.getTime() < base + 4 * 60_000,
      ).length,
    );

    // The same filters on the root connection, tenant-filtered.
    const ROOT = `query($filter: ListingFilter) { listings(first: 100, filter: $filter) { edges { node { id shop { name } } } } }`;
    const mine = (await gql(key, ROOT, { filter: { categoryId: cat('fashion') } })).data!.listings.edges;
    expect(mine).toHaveLength(4);
    expect(mine.every((e: { node: { shop: { name: string } } }) => e.node.shop.name === 'Catalogue')).toBe(true);
  });

  it('filters by rejection reason and counts by status in one statement', async () => {
    const { shop, key, shopGid } = await sellerShop(db.prisma, 'Counter', {
      primaryCategoryId: world.categories.beauty,
    });
    const outside = await createListingRow(db.prisma, shop.id, world.categories.dresses);
    const restricted = await createListingRow(db.prisma, shop.id, world.categories.supplements);
    await createListingRow(db.prisma, shop.id, world.categories.skincare, { status: 'ACTIVE' });
    await createListingRow(db.prisma, shop.id, world.categories.skincare);
    await submit(key, outside.id);
    await submit(key, restricted.id);
    const R = `query($f: ListingFilter) { listings(filter: $f) { edges { node { id } } } }`;
    expect(
      (await gql(key, R, { f: { rejectionReason: 'RESTRICTED_REQUIRES_APPROVAL' } })).data!.listings.edges,
    ).toEqual([{ node: { id: gid('Listing', restricted.id) } }]);
    expect((await gql(key, R, { f: { rejectionReason: 'OUTSIDE_PRIMARY_CATEGORY' } })).data!.listings.edges).toEqual([
      { node: { id: gid('Listing', outside.id) } },
    ]);

    const COUNTS = `query($id: ID!) { shop(id: $id) { listingCounts { status count } } }`;
    const { result, queries } = await countQueries(db, () => gql(key, COUNTS, { id: shopGid }));
    expect(result.data!.shop.listingCounts).toEqual([
      { status: 'DRAFT', count: 1 },
      { status: 'PENDING_REVIEW', count: 0 },
      { status: 'ACTIVE', count: 1 },
      { status: 'REJECTED', count: 2 },
      { status: 'SUSPENDED', count: 0 },
    ]);
    // One statement counts every status (compiled, or the resolvers' one groupBy).
    expect(queries.filter((q) => /"Listing"/.test(q))).toHaveLength(1);
  });

  it('serves the review queue oldest-submitted first in a fixed number of statements (5 vs 20 items)', async () => {
    await db.prisma.listing.updateMany({ where: { status: 'PENDING_REVIEW' }, data: { status: 'ACTIVE' } });
    const shops = await Promise.all(
      [1, 2, 3, 4, 5].map((i) => sellerShop(db.prisma, `Queue ${i}`, { primaryCategoryId: world.categories.beauty })),
    );
    for (const [i, s] of shops.entries()) {
      await createListingRows(
        db.prisma,
        s.shop.id,
        i % 2 ? world.categories.skincare : world.categories.supplements,
        4,
        { status: 'PENDING_REVIEW', submittedAt: new Date(Date.UTC(2024, 2, 10 - i)) },
      );
    }
    const QUEUE = `query($n: Int!) { listingReviewQueue(first: $n) { edges { node { id submittedAt title shop { name status } category { name effectiveRestriction parent { name } } price { amount } } } } }`;
    const five = await countQueries(db, () => gql(world.adminKey, QUEUE, { n: 5 }));
    const twenty = await countQueries(db, () => gql(world.adminKey, QUEUE, { n: 20 }));
    expect(twenty.result.data!.listingReviewQueue.edges).toHaveLength(20);
    expect(twenty.queries.length).toBe(five.queries.length);
    const times = twenty.result.data!.listingReviewQueue.edges.map(
      (e: { node: { submittedAt: string } }) => e.node.submittedAt,
    );
    expect([...times].sort()).toEqual(times);
    expect(twenty.result.data!.listingReviewQueue.edges[0].node.shop.name).toBe('Queue 5');
    const seller = shops[0]!;
    const denied = await gql(seller.key, QUEUE, { n: 5 });
    expect(denied.data?.listingReviewQueue ?? null).toBeNull();
    expect(denied.errors?.length).toBeGreaterThan(0);
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import { createKey, createOrders, createShop } from './support/fixtures.ts';
import { gid } from './support/client.ts';
import { useSuite } from './support/suite.ts';
import { testTargets } from './support/database.ts';

const SELECT = /* GraphQL */ `
  mutation Select($input: ShopSelectPrimaryCategoryInput!) {
    shopSelectPrimaryCategory(input: $input) {
      __typename
      ... on ShopSelectPrimaryCategorySuccess {
        shop {
          id
          primaryCategory {
            name
          }
          primaryCategorySource
          pendingActions {
            kind
          }
        }
        selection {
          source
          answers
        }
        exceptionRequest {
          id
          status
          comment
          requestedCategories {
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

const answers = [
  { key: 'main_products', answer: 'Serums' },
  { key: 'category_share', answer: '90' },
  { key: 'policy_acknowledged', answer: 'yes' },
];

const ELIGIBILITY = /* GraphQL */ `
  query Eligibility($id: ID!, $categoryIds: [ID!]) {
    shop(id: $id) {
      categoryEligibility(categoryIds: $categoryIds) {
        category {
          name
        }
        status
        reasonCode
        reason
      }
    }
  }
`;

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

describe.each(testTargets())('primary category (SPEC §1) on %s', (target) => {
  const { db, world, gql } = useSuite(target);

  beforeEach(async () => {
    await gql(world.adminKey, CLOCK, { now: null });
  });

  async function sellerShop(name: string) {
    const shop = await createShop(db.prisma, name);
    const { key } = await createKey(db.prisma, 'SELLER', { shopId: shop.id });
    return { shop, key, shopGid: gid('Shop', shop.id) };
  }

  it('shows the SELECT_PRIMARY_CATEGORY pending action with the deadline until a category is selected', async () => {
    const { key, shopGid } = await sellerShop('Pending Pop-up');
    await gql(world.adminKey, CLOCK, { now: '2024-02-03T00:00:00Z' });
    const before = await gql(
      key,
      `query($id: ID!) { shop(id: $id) { pendingActions { kind deadline overdue message } } }`,
      { id: shopGid },
    );
    expect(before.data!.shop.pendingActions).toEqual([
      expect.objectContaining({
        kind: 'SELECT_PRIMARY_CATEGORY',
        deadline: '2024-02-07T23:59:59.999Z',
        overdue: false,
      }),
    ]);
    // "Confirm by 7 February": still on time at the day's last millisecond, overdue from the next day.
    await gql(world.adminKey, CLOCK, { now: '2024-02-07T23:59:59.999Z' });
    const lastMs = await gql(key, `query($id: ID!) { shop(id: $id) { pendingActions { overdue } } }`, { id: shopGid });
    expect(lastMs.data!.shop.pendingActions[0].overdue).toBe(false);
    await gql(world.adminKey, CLOCK, { now: '2024-02-10T00:00:00Z' });
    const overdue = await gql(key, `query($id: ID!) { shop(id: $id) { pendingActions { overdue } } }`, { id: shopGid });
    expect(overdue.data!.shop.pendingActions[0].overdue).toBe(true);

    const res = await gql(key, SELECT, {
      input: { shopId: shopGid, categoryId: gid('Category', world.categories.beauty), answers },
    });
    expect(res.data!.shopSelectPrimaryCategory).toMatchObject({
      __typename: 'ShopSelectPrimaryCategorySuccess',
      shop: { primaryCategory: { name: 'Beauty' }, primaryCategorySource: 'SELECTED', pendingActions: [] },
      selection: {
        source: 'SELECTED',
        answers: { main_products: 'Serums', category_share: '90', policy_acknowledged: 'yes' },
      },
      exceptionRequest: null,
    });
  });

  it('reports the campaign phase from the sandbox clock', async () => {
    const phase = async (now: string) => {
      await gql(world.adminKey, CLOCK, { now });
      return (await gql(world.adminKey, `{ categorySelectionCampaign { phase now } }`)).data!.categorySelectionCampaign;
    };
    expect(await phase('2024-01-31T23:59:59Z')).toEqual({
      phase: 'BEFORE_ENFORCEMENT',
      now: '2024-01-31T23:59:59.000Z',
    });
    expect((await phase('2024-02-01T00:00:00Z')).phase).toBe('CONFIRMATION_OPEN');
    expect((await phase('2024-02-07T23:59:59.999Z')).phase).toBe('CONFIRMATION_OPEN');
    expect((await phase('2024-02-08T00:00:00Z')).phase).toBe('AFTER_DEADLINE');
    const dates = await gql(
      world.adminKey,
      `{ categorySelectionCampaign { confirmDeadline confirmDeadlineDay } platformSettings { categoryConfirmDeadline categoryConfirmDeadlineDay } }`,
    );
    expect(dates.data).toEqual({
      categorySelectionCampaign: { confirmDeadline: '2024-02-07T23:59:59.999Z', confirmDeadlineDay: '2024-02-07' },
      platformSettings: {
        categoryConfirmDeadline: '2024-02-07T23:59:59.999Z',
        categoryConfirmDeadlineDay: '2024-02-07',
      },
    });
  });

  it('takes the confirm deadline as a named day from administrators, and refuses one before enforcement', async () => {
    const UPDATE_SETTINGS = `mutation($input: PlatformSettingsUpdateInput!) { platformSettingsUpdate(input: $input) {
      __typename ... on PlatformSettingsUpdateSuccess { settings { categoryConfirmDeadline categoryConfirmDeadlineDay } }
      ... on ValidationError { fields { path } } } }`;
    const set = async (input: object) =>
      (await gql(world.adminKey, UPDATE_SETTINGS, { input })).data!.platformSettingsUpdate;
    try {
      expect(await set({ categoryConfirmDeadlineDay: '2024-02-09' })).toMatchObject({
        settings: { categoryConfirmDeadline: '2024-02-09T23:59:59.999Z', categoryConfirmDeadlineDay: '2024-02-09' },
      });
      // The deprecated instant input names the UTC day it falls on.
      expect(await set({ categoryConfirmDeadline: '2024-02-10T18:30:00Z' })).toMatchObject({
        settings: { categoryConfirmDeadlineDay: '2024-02-10' },
      });
      expect(await set({ categoryConfirmDeadlineDay: '2024-01-30' })).toMatchObject({
        __typename: 'ValidationError',
        fields: [{ path: ['input', 'categoryConfirmDeadlineDay'] }],
      });
      expect(
        (await db.prisma.platformSettings.findUniqueOrThrow({ where: { id: 1 } })).categoryConfirmDeadline,
      ).toEqual(new Date('2024-02-10T00:00:00Z'));
    } finally {
      await set({ categoryConfirmDeadlineDay: '2024-02-07' });
    }
  });

  it('rejects a selection with typed errors and changes nothing', async () => {
    const { shop, key, shopGid } = await sellerShop('Careful Selector');
    const missing = await gql(key, SELECT, {
      input: {
        shopId: shopGid,
        categoryId: gid('Category', world.categories.beauty),
        answers: [{ key: 'nonsense', answer: 'x' }],
      },
    });
    expect(missing.data!.shopSelectPrimaryCategory.code).toBe('VALIDATION_FAILED');
    const paths = missing.data!.shopSelectPrimaryCategory.fields.map((f: { path: string[] }) => f.path.join('.'));
    expect(paths).toContain('input.answers.0.key');
    expect(paths).toContain('input.answers');

    const sub = await gql(key, SELECT, {
      input: { shopId: shopGid, categoryId: gid('Category', world.categories.skincare), answers },
    });
    expect(sub.data!.shopSelectPrimaryCategory.code).toBe('CATEGORY_NOT_ELIGIBLE');
    const prohibited = await gql(key, SELECT, {
      input: { shopId: shopGid, categoryId: gid('Category', world.categories.weapons), answers },
    });
    expect(prohibited.data!.shopSelectPrimaryCategory.code).toBe('CATEGORY_NOT_ELIGIBLE');
    const wrongType = await gql(key, SELECT, { input: { shopId: shopGid, categoryId: gid('Shop', shop.id), answers } });
    expect(wrongType.data!.shopSelectPrimaryCategory.code).toBe('VALIDATION_FAILED');
    expect(wrongType.data!.shopSelectPrimaryCategory.fields).toEqual([
      { path: ['input', 'categoryId'], message: expect.stringMatching(/Category/) },
    ]);

    const after = await db.prisma.shop.findUniqueOrThrow({ where: { id: shop.id } });
    expect(after.primaryCategoryId).toBeNull();
    expect(await db.prisma.primaryCategorySelection.count({ where: { shopId: shop.id } })).toBe(0);
  });

  it('allows one selection; changing it afterwards is an administrator decision with a reason', async () => {
    const { shop, key, shopGid } = await sellerShop('Decided Shop');
    expect(
      (
        await gql(key, SELECT, {
          input: { shopId: shopGid, categoryId: gid('Category', world.categories.fashion), answers },
        })
      ).data!.shopSelectPrimaryCategory.__typename,
    ).toBe('ShopSelectPrimaryCategorySuccess');
    const again = await gql(key, SELECT, {
      input: { shopId: shopGid, categoryId: gid('Category', world.categories.home), answers },
    });
    expect(again.data!.shopSelectPrimaryCategory.code).toBe('PRIMARY_CATEGORY_ALREADY_SET');

    const CHANGE = `mutation($input: ShopChangePrimaryCategoryInput!) { shopChangePrimaryCategory(input: $input) {
      __typename ... on ShopChangePrimaryCategorySuccess { shop { primaryCategory { name } primaryCategorySource } selection { reason previousCategory { name } } }
      ... on Error { code } } }`;
    const bySeller = await gql(key, CHANGE, {
      input: { shopId: shopGid, categoryId: gid('Category', world.categories.home), reason: 'I want to' },
    });
    expect(bySeller.data!.shopChangePrimaryCategory.code).toBe('FORBIDDEN');
    const noReason = await gql(world.adminKey, CHANGE, {
      input: { shopId: shopGid, categoryId: gid('Category', world.categories.home), reason: '  ' },
    });
    expect(noReason.data!.shopChangePrimaryCategory.code).toBe('VALIDATION_FAILED');
    const changed = await gql(world.adminKey, CHANGE, {
      input: { shopId: shopGid, categoryId: gid('Category', world.categories.home), reason: 'Sales moved to homeware' },
    });
    expect(changed.data!.shopChangePrimaryCategory).toMatchObject({
      shop: { primaryCategory: { name: 'Home' }, primaryCategorySource: 'ADMIN_CHANGED' },
      selection: { reason: 'Sales moved to homeware', previousCategory: { name: 'Fashion' } },
    });
    const history = await db.prisma.primaryCategorySelection.findMany({
      where: { shopId: shop.id },
      orderBy: { id: 'asc' },
    });
    expect(history.map((h) => h.source)).toEqual(['SELECTED', 'ADMIN_CHANGED']);
  });

  it('takes a special-circumstances request that an administrator approves, granting extra categories', async () => {
    const { shop, key, shopGid } = await sellerShop('Special Shop');
    const res = await gql(key, SELECT, {
      input: {
        shopId: shopGid,
        categoryId: gid('Category', world.categories.beauty),
        answers,
        specialCircumstances: {
          comment: 'We also make dresses',
          requestedCategoryIds: [gid('Category', world.categories.fashion)],
        },
      },
    });
    const request = res.data!.shopSelectPrimaryCategory.exceptionRequest;
    expect(request).toMatchObject({
      status: 'PENDING',
      comment: 'We also make dresses',
      requestedCategories: [{ name: 'Fashion' }],
    });

    await gql(world.adminKey, CLOCK, { now: '2024-03-01T00:00:00Z' });
    const before = await gql(key, ELIGIBILITY, {
      id: shopGid,
      categoryIds: [gid('Category', world.categories.dresses)],
    });
    expect(before.data!.shop.categoryEligibility[0]).toMatchObject({
      status: 'NOT_PRIMARY_CATEGORY',
      reasonCode: 'OUTSIDE_PRIMARY_CATEGORY',
    });

    const REVIEW = `mutation($input: CategoryExceptionRequestReviewInput!) { categoryExceptionRequestReview(input: $input) {
      __typename ... on CategoryExceptionRequestReviewSuccess { request { status decisionNote grants { category { name } } } } ... on Error { code } } }`;
    expect(
      (await gql(key, REVIEW, { input: { requestId: request.id, decision: 'APPROVE' } })).data!
        .categoryExceptionRequestReview.code,
    ).toBe('FORBIDDEN');
    const approved = await gql(world.adminKey, REVIEW, {
      input: { requestId: request.id, decision: 'APPROVE', note: 'Own-brand manufacturer' },
    });
    expect(approved.data!.categoryExceptionRequestReview.request).toEqual({
      status: 'APPROVED',
      decisionNote: 'Own-brand manufacturer',
      grants: [{ category: { name: 'Fashion' } }],
    });
    const twice = await gql(world.adminKey, REVIEW, { input: { requestId: request.id, decision: 'DENY', note: 'no' } });
    expect(twice.data!.categoryExceptionRequestReview.code).toBe('INVALID_STATE');

    const after = await gql(key, ELIGIBILITY, {
      id: shopGid,
      categoryIds: [gid('Category', world.categories.dresses)],
    });
    expect(after.data!.shop.categoryEligibility[0]).toMatchObject({ status: 'AVAILABLE', reasonCode: null });
    expect(await db.prisma.categoryExceptionGrant.count({ where: { shopId: shop.id } })).toBe(1);
  });

  it('denies a request only with a note, granting nothing', async () => {
    const { shop, key, shopGid } = await sellerShop('Denied Shop');
    const res = await gql(key, SELECT, {
      input: {
        shopId: shopGid,
        categoryId: gid('Category', world.categories.home),
        answers,
        specialCircumstances: {
          comment: 'Please',
          requestedCategoryIds: [gid('Category', world.categories.electronics)],
        },
      },
    });
    const requestId = res.data!.shopSelectPrimaryCategory.exceptionRequest.id;
    const REVIEW = `mutation($input: CategoryExceptionRequestReviewInput!) { categoryExceptionRequestReview(input: $input) { __typename ... on Error { code } ... on CategoryExceptionRequestReviewSuccess { request { status } } } }`;
    expect(
      (await gql(world.adminKey, REVIEW, { input: { requestId, decision: 'DENY' } })).data!
        .categoryExceptionRequestReview.code,
    ).toBe('VALIDATION_FAILED');
    expect(
      (await gql(world.adminKey, REVIEW, { input: { requestId, decision: 'DENY', note: 'Not exceptional' } })).data!
        .categoryExceptionRequestReview.request.status,
    ).toBe('DENIED');
    expect(await db.prisma.categoryExceptionGrant.count({ where: { shopId: shop.id } })).toBe(0);
  });

  it('evaluates each category: available, not the primary category, needs approval, prohibited', async () => {
    const { shop, key, shopGid } = await sellerShop('Eligibility Shop');
    await db.prisma.shop.update({ where: { id: shop.id }, data: { primaryCategoryId: world.categories.beauty } });
    await gql(world.adminKey, CLOCK, { now: '2024-03-01T00:00:00Z' });
    const ids = ['skincare', 'supplements', 'dresses', 'weapons'] as const;
    const res = await gql(key, ELIGIBILITY, {
      id: shopGid,
      categoryIds: ids.map((c) => gid('Category', world.categories[c])),
    });
    expect(
      res.data!.shop.categoryEligibility.map((e: { status: string; reasonCode: string | null }) => [
        e.status,
        e.reasonCode,
      ]),
    ).toEqual([
      ['AVAILABLE', null],
      ['NEEDS_APPROVAL', 'RESTRICTED_REQUIRES_APPROVAL'],
      ['NOT_PRIMARY_CATEGORY', 'OUTSIDE_PRIMARY_CATEGORY'],
      ['PROHIBITED', 'PROHIBITED_ITEM'],
    ]);
    await db.prisma.restrictedCategoryApproval.create({
      data: { shopId: shop.id, categoryId: world.categories.supplements, status: 'GRANTED' },
    });
    const granted = await gql(key, ELIGIBILITY, {
      id: shopGid,
      categoryIds: [gid('Category', world.categories.supplements)],
    });
    expect(granted.data!.shop.categoryEligibility[0].status).toBe('AVAILABLE');

    // Before the effective date the previous policy holds: other categories are not refused for being outside the primary one.
    await gql(world.adminKey, CLOCK, { now: '2024-01-15T00:00:00Z' });
    const before = await gql(key, ELIGIBILITY, {
      id: shopGid,
      categoryIds: [gid('Category', world.categories.dresses), gid('Category', world.categories.weapons)],
    });
    expect(before.data!.shop.categoryEligibility.map((e: { status: string }) => e.status)).toEqual([
      'AVAILABLE',
      'PROHIBITED',
    ]);
  });

  it('keeps exactly one primary category when 20 selections for one shop arrive at once', async () => {
    const { shop, key, shopGid } = await sellerShop('Racing Shop');
    const choices = [
      world.categories.beauty,
      world.categories.fashion,
      world.categories.home,
      world.categories.electronics,
    ];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        gql(key, SELECT, { input: { shopId: shopGid, categoryId: gid('Category', choices[i % 4]!), answers } }),
      ),
    );
    const outcomes = results.map((r) =>
      r.data!.shopSelectPrimaryCategory.__typename === 'ShopSelectPrimaryCategorySuccess'
        ? 'ok'
        : r.data!.shopSelectPrimaryCategory.code,
    );
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'PRIMARY_CATEGORY_ALREADY_SET')).toHaveLength(19);
    const selections = await db.prisma.primaryCategorySelection.findMany({ where: { shopId: shop.id } });
    expect(selections).toHaveLength(1);
    expect((await db.prisma.shop.findUniqueOrThrow({ where: { id: shop.id } })).primaryCategoryId).toBe(
      selections[0]!.categoryId,
    );
  });

  describe('auto-assignment', () => {
    const RUN = /* GraphQL */ `
      mutation Run($dryRun: Boolean) {
        primaryCategoryAutoAssign(input: { dryRun: $dryRun }) {
          __typename
          ... on PrimaryCategoryAutoAssignSuccess {
            dryRun
            runId
            assignedCount
            manualDecisionCount
            entries {
              shop {
                name
              }
              outcome
              category {
                name
              }
              figures {
                category {
                  name
                }
                salesMinor
                sales
                orderCount
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

    it('previews with figures, refuses before the deadline, assigns with tie-breaks, leaves no-sales shops, and is idempotent', async () => {
      // Every shop in this database without a primary category takes part, so start from a known set.
      await db.prisma.shop.updateMany({
        where: { primaryCategoryId: null },
        data: { primaryCategoryId: world.categories.electronics },
      });
      const c = world.categories;
      const clear = await createShop(db.prisma, 'AA Clear Winner');
      await createOrders(db.prisma, clear.id, c.skincare, [
        { amount: 50_000, placedAt: '2023-11-05T10:00:00Z' },
        { amount: 30_000, placedAt: '2023-12-30T23:59:59Z' },
      ]);
      await createOrders(db.prisma, clear.id, c.dresses, [{ amount: 60_000, placedAt: '2023-11-20T00:00:00Z' }]);
      // Outside the window: must not count.
      await createOrders(db.prisma, clear.id, c.dresses, [
        { amount: 900_000, placedAt: '2024-01-01T00:00:00Z' },
        { amount: 900_000, placedAt: '2023-10-31T23:59:59Z' },
      ]);

      const tieOrders = await createShop(db.prisma, 'AA Tie On Sales');
      await createOrders(db.prisma, tieOrders.id, c.home, [
        { amount: 10_000, placedAt: '2023-11-10T00:00:00Z' },
        { amount: 10_000, placedAt: '2023-11-11T00:00:00Z' },
      ]);
      await createOrders(db.prisma, tieOrders.id, c.fashion, [{ amount: 20_000, placedAt: '2023-11-12T00:00:00Z' }]);

      const tieAll = await createShop(db.prisma, 'AA Tie On Everything');
      await createOrders(db.prisma, tieAll.id, c.home, [{ amount: 7_000, placedAt: '2023-12-01T00:00:00Z' }]);
      await createOrders(db.prisma, tieAll.id, c.fashion, [{ amount: 7_000, placedAt: '2023-12-02T00:00:00Z' }]);

      const noSales = await createShop(db.prisma, 'AA No Sales');
      await createOrders(db.prisma, noSales.id, c.home, [{ amount: 99_000, placedAt: '2024-03-01T00:00:00Z' }]);

      await gql(world.adminKey, CLOCK, { now: '2024-02-06T12:00:00Z' });
      const preview = await gql(world.adminKey, RUN, { dryRun: true });
      const p = preview.data!.primaryCategoryAutoAssign;
      expect(p).toMatchObject({ dryRun: true, runId: null, assignedCount: 3, manualDecisionCount: 1 });
      const byName = Object.fromEntries(p.entries.map((e: { shop: { name: string } }) => [e.shop.name, e]));
      expect(byName['AA Clear Winner']).toEqual({
        shop: { name: 'AA Clear Winner' },
        outcome: 'ASSIGN',
        category: { name: 'Beauty' },
        figures: [
          { category: { name: 'Beauty' }, salesMinor: '80000', sales: '800.00', orderCount: 2 },
          { category: { name: 'Fashion' }, salesMinor: '60000', sales: '600.00', orderCount: 1 },
        ],
      });
      expect(byName['AA Tie On Sales'].category.name).toBe('Home'); // same sales, more orders
      expect(byName['AA Tie On Everything'].category.name).toBe(c.fashion < c.home ? 'Fashion' : 'Home'); // smaller id
      expect(byName['AA No Sales']).toMatchObject({ outcome: 'NEEDS_MANUAL_DECISION', category: null, figures: [] });
      expect(await db.prisma.shop.count({ where: { primaryCategoryId: null } })).toBe(4);

      const early = await gql(world.adminKey, RUN, { dryRun: false });
      expect(early.data!.primaryCategoryAutoAssign.code).toBe('INVALID_STATE');

      await gql(world.adminKey, CLOCK, { now: '2024-02-08T00:00:00Z' });
      const run = await gql(world.adminKey, RUN, { dryRun: false });
      expect(run.data!.primaryCategoryAutoAssign).toMatchObject({
        dryRun: false,
        assignedCount: 3,
        manualDecisionCount: 1,
      });
      const shops = await db.prisma.shop.findMany({
        where: { id: { in: [clear.id, tieOrders.id, tieAll.id, noSales.id] } },
        orderBy: { id: 'asc' },
      });
      expect(shops.map((s) => [s.primaryCategoryId, s.primaryCategorySource, s.needsManualCategoryDecision])).toEqual([
        [c.beauty, 'AUTO_ASSIGNED', false],
        [c.home, 'AUTO_ASSIGNED', false],
        [Math.min(c.fashion, c.home), 'AUTO_ASSIGNED', false],
        [null, null, true],
      ]);
      const record = await db.prisma.primaryCategorySelection.findFirstOrThrow({ where: { shopId: clear.id } });
      expect(record).toMatchObject({
        source: 'AUTO_ASSIGNED',
        figures: {
          categories: [
            { categoryId: c.beauty, sales: '80000', orderCount: 2 },
            { categoryId: c.fashion, sales: '60000', orderCount: 1 },
          ],
        },
      });

      const snapshot = async () => ({
        shops: await db.prisma.shop.findMany({
          orderBy: { id: 'asc' },
          select: {
            id: true,
            primaryCategoryId: true,
            primaryCategorySource: true,
            primaryCategorySetAt: true,
            needsManualCategoryDecision: true,
            version: true,
          },
        }),
        selections: await db.prisma.primaryCategorySelection.count(),
      });
      const before = await snapshot();
      const second = await gql(world.adminKey, RUN, { dryRun: false });
      expect(second.data!.primaryCategoryAutoAssign).toMatchObject({ assignedCount: 0, manualDecisionCount: 1 });
      expect(await snapshot()).toEqual(before);

      const manual = await gql(
        world.adminKey,
        `{ shops(first: 10, filter: { needsManualCategoryDecision: true }) { edges { node { name pendingActions { message } } } } }`,
      );
      expect(manual.data!.shops.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(['AA No Sales']);
    });
  });
});

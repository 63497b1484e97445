/**
 * The platform catalogue is administrable (tiers, policies, fee categories, quizzes, categories):
 * administrators only, validated, audited, effective from an instant, and never rewriting what was
 * decided before (a violation's points, an assigned tier's terms, a graded attempt).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JobRunner } from '@shopwarden/jobs';
import { jobs, readPlatformNow } from '@shopwarden/schema';
import { createTestApp, gid } from './support/client.ts';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';
import { createKey, createOrders, createShop, createWorld, type World } from './support/fixtures.ts';
import { QUIZ_KEY, createPolicy, createQuiz } from './support/health-fixtures.ts';
import { createFeeCategories, createTiers } from './support/revenue-fixtures.ts';

const CHANGE = `change { id entity subjectId changes previous effectiveFrom appliedAt }`;
const ERRORS = `... on Error { code message } ... on ValidationError { fields { path message } }`;
const TIER_UPDATE = `mutation($input: TierUpdateInput!) { tierUpdate(input: $input) { __typename
  ... on TierUpdateSuccess { ${CHANGE} tier { code selfShippingAllowed minTrailingRevenue { minorUnits } minLastMonthSales { minorUnits } } } ${ERRORS} } }`;
const POLICY_UPDATE = `mutation($input: PolicyUpdateInput!) { policyUpdate(input: $input) { __typename
  ... on PolicyUpdateSuccess { ${CHANGE} policy { defaultPoints educationUrl active } } ${ERRORS} } }`;
const FEE_UPDATE = `mutation($input: FeeCategoryUpdateInput!) { feeCategoryUpdate(input: $input) { __typename
  ... on FeeCategoryUpdateSuccess { ${CHANGE} feeCategory { code defaultRateBps } } ${ERRORS} } }`;
const QUIZ_UPDATE = `mutation($input: QuizUpdateInput!) { quizUpdate(input: $input) { __typename
  ... on QuizUpdateSuccess { ${CHANGE} quiz { active questions { position prompt choices } } } ${ERRORS} } }`;
const CATEGORY_UPDATE = `mutation($input: CategoryUpdateInput!) { categoryUpdate(input: $input) { __typename
  ... on CategoryUpdateSuccess { ${CHANGE} category { restriction effectiveRestriction } } ${ERRORS} } }`;
const SETTINGS_UPDATE = `mutation($input: PlatformSettingsUpdateInput!) { platformSettingsUpdate(input: $input) { __typename
  ... on PlatformSettingsUpdateSuccess { settings { semiClosedLoopMigrationDays quizQuestionCount } } ${ERRORS} } }`;
const RECORD = `mutation($input: ViolationRecordInput!) { violationRecord(input: $input) { __typename
  ... on ViolationRecordSuccess { violation { id points } } ${ERRORS} } }`;
const RECALCULATE = `mutation { tierRecalculate(input: { dryRun: false }) { __typename } }`;
const ATTEMPT = `mutation($input: QuizAttemptSubmitInput!) { quizAttemptSubmit(input: $input) { __typename
  ... on QuizAttemptSubmitSuccess { passed attempt { id results { position correct } } } ${ERRORS} } }`;
const CLOCK = `mutation($now: DateTime) { sandboxClockSet(input: { now: $now }) { __typename } }`;

describe.each(testTargets())('administering the catalogue on %s', (target) => {
  let db: TestDatabase;
  let world: World;
  let gql: ReturnType<typeof createTestApp>['gql'];
  let tiers: Awaited<ReturnType<typeof createTiers>>;
  let fees: Awaited<ReturnType<typeof createFeeCategories>>;
  let sellerKey: string;
  let agencyKey: string;
  let shopId: number;
  let runner: JobRunner | undefined;
  const clock = (now: string | null) => gql(world.adminKey, CLOCK, { now });

  beforeAll(async () => {
    db = await createTestDatabase(target);
    world = await createWorld(db.prisma);
    gql = createTestApp(db, { API_KEY_CACHE_TTL_MS: '0' }).gql;
    tiers = await createTiers(db.prisma);
    fees = await createFeeCategories(db.prisma);
    const shop = await createShop(db.prisma, 'Catalogue shop', { primaryCategoryId: world.categories.beauty });
    shopId = shop.id;
    sellerKey = (await createKey(db.prisma, 'SELLER', { shopId, scopes: ['*'] })).key;
    const agency = await db.prisma.account.create({ data: { name: 'Agency', kind: 'AGENCY' } });
    await db.prisma.shopAccessGrant.create({
      data: { shopId, accountId: agency.id, scopes: ['shops:read', 'shops:write', 'health:read'] },
    });
    agencyKey = (await createKey(db.prisma, 'AGENCY', { accountId: agency.id })).key;
    await clock('2024-06-03T00:00:00Z');
  });
  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
  });
  afterAll(async () => db.drop());

  const audits = (operation: string) =>
    db.prisma.auditRecord.findMany({
      where: { operation },
      orderBy: { id: 'asc' },
      select: { role: true, outcome: true, resultCode: true },
    });

  it('refuses every catalogue change to sellers and agencies, changing and recording nothing but the audit', async () => {
    const policy = await createPolicy(db.prisma, { points: 4 });
    const quiz = await createQuiz(db.prisma, policy.id);
    const calls: [string, string, Record<string, unknown>][] = [
      [TIER_UPDATE, 'tierUpdate', { tierId: gid('Tier', tiers.entry), selfShippingAllowed: true }],
      [POLICY_UPDATE, 'policyUpdate', { policyId: gid('Policy', policy.id), defaultPoints: 9 }],
      [FEE_UPDATE, 'feeCategoryUpdate', { feeCategoryId: gid('FeeCategory', fees.COMMISSION), defaultRateBps: 1 }],
      [QUIZ_UPDATE, 'quizUpdate', { quizId: gid('Quiz', quiz.id), active: false }],
      [
        CATEGORY_UPDATE,
        'categoryUpdate',
        { categoryId: gid('Category', world.categories.home), restriction: 'PROHIBITED' },
      ],
    ];
    for (const [mutation, field, input] of calls)
      for (const key of [sellerKey, agencyKey]) {
        const res = await gql(key, mutation, { input });
        expect(res.data![field], field).toMatchObject({ __typename: 'ForbiddenError', code: 'FORBIDDEN' });
      }
    expect(await db.prisma.catalogueChange.count()).toBe(0);
    expect((await db.prisma.tier.findUniqueOrThrow({ where: { id: tiers.entry } })).selfShippingAllowed).toBe(false);
    expect((await db.prisma.policy.findUniqueOrThrow({ where: { id: policy.id } })).defaultPoints).toBe(4);
    expect((await db.prisma.quiz.findUniqueOrThrow({ where: { id: quiz.id } })).active).toBe(true);
    expect((await db.prisma.category.findUniqueOrThrow({ where: { id: world.categories.home } })).restriction).toBe(
      'NONE',
    );
    for (const [, field] of calls)
      expect(await audits(field)).toEqual([
        { role: 'SELLER', outcome: 'ERROR', resultCode: 'FORBIDDEN' },
        { role: 'AGENCY', outcome: 'ERROR', resultCode: 'FORBIDDEN' },
      ]);
    // The change history is for administrators only.
    const history = await gql(sellerKey, `{ catalogueChanges(first: 5) { edges { node { id } } } }`);
    expect(history.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('validates each change with typed errors and input paths, changing nothing', async () => {
    const policy = await createPolicy(db.prisma, { points: 4 });
    const quiz = await createQuiz(db.prisma, policy.id);
    const cases: [string, string, Record<string, unknown>, string[]][] = [
      [
        TIER_UPDATE,
        'tierUpdate',
        { tierId: gid('Tier', tiers.established), minTrailingRevenueMinorUnits: '-5' },
        ['input', 'minTrailingRevenueMinorUnits'],
      ],
      // The established tier would need more than the strategic one.
      [
        TIER_UPDATE,
        'tierUpdate',
        { tierId: gid('Tier', tiers.established), minLastMonthSalesMinorUnits: '90000000' },
        ['input', 'minLastMonthSalesMinorUnits'],
      ],
      [
        POLICY_UPDATE,
        'policyUpdate',
        { policyId: gid('Policy', policy.id), defaultPoints: 0 },
        ['input', 'defaultPoints'],
      ],
      [
        POLICY_UPDATE,
        'policyUpdate',
        { policyId: gid('Policy', policy.id), educationUrl: 'javascript:alert(1)' },
        ['input', 'educationUrl'],
      ],
      [POLICY_UPDATE, 'policyUpdate', { policyId: gid('Policy', policy.id) }, ['input']],
      [
        POLICY_UPDATE,
        'policyUpdate',
        { policyId: gid('Policy', policy.id), defaultPoints: 5, effectiveFrom: '2024-06-02T00:00:00Z' },
        ['input', 'effectiveFrom'],
      ],
      [
        FEE_UPDATE,
        'feeCategoryUpdate',
        { feeCategoryId: gid('FeeCategory', fees.COMMISSION), defaultRateBps: 10_001 },
        ['input', 'defaultRateBps'],
      ],
      [
        QUIZ_UPDATE,
        'quizUpdate',
        { quizId: gid('Quiz', quiz.id), questions: [{ prompt: 'Only one?', choices: ['a', 'b'], correctIndex: 0 }] },
        ['input', 'questions'],
      ],
      [
        QUIZ_UPDATE,
        'quizUpdate',
        {
          quizId: gid('Quiz', quiz.id),
          questions: [0, 1, 2].map(() => ({ prompt: 'Q?', choices: ['a', 'b'], correctIndex: 2 })),
        },
        ['input', 'questions', '0', 'correctIndex'],
      ],
    ];
    for (const [mutation, field, input, path] of cases) {
      const res = await gql(world.adminKey, mutation, { input });
      const out = res.data![field];
      expect(out.code, `${field} ${JSON.stringify(input)}`).toBe('VALIDATION_FAILED');
      expect(out.fields.map((f: { path: string[] }) => f.path)).toContainEqual(path);
    }
    const missing = await gql(world.adminKey, FEE_UPDATE, {
      input: { feeCategoryId: gid('FeeCategory', 999_999), defaultRateBps: 5 },
    });
    expect(missing.data!.feeCategoryUpdate.code).toBe('NOT_FOUND');
    expect(await db.prisma.catalogueChange.count()).toBe(0);
    expect((await db.prisma.policy.findUniqueOrThrow({ where: { id: policy.id } })).defaultPoints).toBe(4);
    expect((await audits('tierUpdate')).filter((a) => a.role === 'ADMIN')).toEqual([
      { role: 'ADMIN', outcome: 'ERROR', resultCode: 'VALIDATION_FAILED' },
      { role: 'ADMIN', outcome: 'ERROR', resultCode: 'VALIDATION_FAILED' },
    ]);
  });

  it('changes a policy for the next violation only; an inactive policy takes no new violation', async () => {
    const policy = await createPolicy(db.prisma, { points: 4 });
    const record = () =>
      gql(world.adminKey, RECORD, {
        input: {
          shopId: gid('Shop', shopId),
          policyId: gid('Policy', policy.id),
          source: 'OTHER',
          occurredAt: '2024-06-02T00:00:00Z',
        },
      });
    const before = (await record()).data!.violationRecord;
    expect(before.violation.points).toBe(4);
    const changed = await gql(world.adminKey, POLICY_UPDATE, {
      input: { policyId: gid('Policy', policy.id), defaultPoints: 7, educationUrl: 'https://learn.example.com/p' },
    });
    const out = changed.data!.policyUpdate;
    expect(out.__typename).toBe('PolicyUpdateSuccess');
    expect(out.policy).toEqual({ defaultPoints: 7, educationUrl: 'https://learn.example.com/p', active: true });
    expect(out.change).toMatchObject({
      entity: 'POLICY',
      subjectId: gid('Policy', policy.id),
      changes: { defaultPoints: 7, educationUrl: 'https://learn.example.com/p' },
      previous: { defaultPoints: 4, educationUrl: policy.educationUrl },
      effectiveFrom: '2024-06-03T00:00:00.000Z',
      appliedAt: '2024-06-03T00:00:00.000Z',
    });
    expect((await record()).data!.violationRecord.violation.points).toBe(7);
    // The earlier violation and its ledger entry keep the points they were recorded with.
    const earlier = Number(Buffer.from(before.violation.id, 'base64').toString().split(':')[1]);
    expect((await db.prisma.violation.findUniqueOrThrow({ where: { id: earlier } })).points).toBe(4);
    expect(
      (await db.prisma.pointsLedgerEntry.findFirstOrThrow({ where: { violationId: earlier, kind: 'VIOLATION_ADDED' } }))
        .points,
    ).toBe(4);

    await gql(world.adminKey, POLICY_UPDATE, { input: { policyId: gid('Policy', policy.id), active: false } });
    expect((await record()).data!.violationRecord.code).toBe('INVALID_STATE');
    expect(await db.prisma.violation.count({ where: { policyId: policy.id } })).toBe(2);
    expect(await audits('policyUpdate')).toContainEqual({ role: 'ADMIN', outcome: 'SUCCESS', resultCode: null });
  });

  it('applies a tier change dated later at that instant, for the next recalculation; assigned tiers keep their terms', async () => {
    await clock('2024-06-03T00:00:00Z');
    // 12 months at USD 10,000/month: established tier by the seeded thresholds (1,000,000 and 65,000 USD... in cents).
    const months = Array.from({ length: 12 }, (_, i) => ({
      amount: 10_000_000,
      placedAt: new Date(Date.UTC(2023, 5 + i, 15)).toISOString(),
    }));
    await createOrders(db.prisma, shopId, world.categories.beauty, months);
    expect((await gql(world.adminKey, RECALCULATE)).data!.tierRecalculate.__typename).toBe('TierRecalculateSuccess');
    const shop = () => db.prisma.shop.findUniqueOrThrow({ where: { id: shopId }, select: { tierId: true } });
    expect((await shop()).tierId).toBe(tiers.established);
    const assigned = await db.prisma.tierAssignment.findFirstOrThrow({ where: { shopId }, orderBy: { id: 'desc' } });
    expect(assigned).toMatchObject({ tierMinLastMonthSales: 6_500_000n, tierSelfShippingAllowed: true });

    // Raise the established tier's monthly threshold above the shop's sales, from tomorrow.
    const res = await gql(world.adminKey, TIER_UPDATE, {
      input: {
        tierId: gid('Tier', tiers.established),
        minLastMonthSalesMinorUnits: '20000000',
        effectiveFrom: '2024-06-04T00:00:00Z',
      },
    });
    const out = res.data!.tierUpdate;
    expect(out.change).toMatchObject({ entity: 'TIER', appliedAt: null, previous: null });
    expect(out.tier.minLastMonthSales.minorUnits).toBe('6500000');
    const pending = await gql(
      world.adminKey,
      `{ catalogueChanges(first: 5, pending: true) { edges { node { entity } } } }`,
    );
    expect(pending.data!.catalogueChanges.edges).toEqual([{ node: { entity: 'TIER' } }]);

    runner = new JobRunner({
      prisma: db.prisma,
      jobs: jobs.filter((j) => j.name === 'platform.catalogue-apply'),
      now: () => readPlatformNow(db.prisma, false),
      pollIntervalMs: 60_000,
      leaseMs: 5_000,
    });
    await clock('2024-06-03T23:59:59Z');
    expect(await runner.drain()).toBe(0);
    expect((await db.prisma.tier.findUniqueOrThrow({ where: { id: tiers.established } })).minLastMonthSales).toBe(
      6_500_000n,
    );
    await clock('2024-06-04T00:00:00Z');
    expect(await runner.drain()).toBe(1);
    expect((await db.prisma.tier.findUniqueOrThrow({ where: { id: tiers.established } })).minLastMonthSales).toBe(
      20_000_000n,
    );
    const applied = await db.prisma.catalogueChange.findFirstOrThrow({ where: { entity: 'TIER' } });
    expect(applied).toMatchObject({
      appliedAt: new Date('2024-06-04T00:00:00Z'),
      previous: { minLastMonthSales: '6500000' },
    });
    expect(await runner.drain()).toBe(0);

    // The shop keeps its tier until the next recalculation, which then uses the new threshold.
    expect((await shop()).tierId).toBe(tiers.established);
    await gql(world.adminKey, RECALCULATE);
    expect((await shop()).tierId).toBe(tiers.entry);
    const history = await gql(
      world.adminKey,
      `query($id: ID!) { shop(id: $id) { tierHistory(first: 5) { edges { node { tier { code } terms { minLastMonthSales { minorUnits } selfShippingAllowed } } } } } }`,
      { id: gid('Shop', shopId) },
    );
    expect(history.data!.shop.tierHistory.edges.map((e: { node: unknown }) => e.node)).toEqual([
      { tier: { code: 'ENTRY' }, terms: { minLastMonthSales: { minorUnits: '0' }, selfShippingAllowed: false } },
      {
        tier: { code: 'ESTABLISHED' },
        terms: { minLastMonthSales: { minorUnits: '6500000' }, selfShippingAllowed: true },
      },
    ]);
  });

  it('replaces a quiz question set for the next attempts; earlier attempts keep their questions and grades', async () => {
    const policy = await createPolicy(db.prisma, { points: 4 });
    const quiz = await createQuiz(db.prisma, policy.id);
    const attempt = (answers: number[]) =>
      gql(sellerKey, ATTEMPT, { input: { quizId: gid('Quiz', quiz.id), shopId: gid('Shop', shopId), answers } });
    const first = (await attempt([...QUIZ_KEY])).data!.quizAttemptSubmit;
    expect(first.passed).toBe(true);
    const questions = ['One?', 'Two?', 'Three?'].map((prompt) => ({ prompt, choices: ['yes', 'no'], correctIndex: 1 }));
    const res = await gql(world.adminKey, QUIZ_UPDATE, { input: { quizId: gid('Quiz', quiz.id), questions } });
    expect(res.data!.quizUpdate.quiz.questions).toEqual(
      questions.map((q, i) => ({ position: i + 1, prompt: q.prompt, choices: q.choices })),
    );
    // The old key now fails and the new one passes; the first attempt is still graded against its own questions.
    expect((await attempt([1, 2, 0])).data!.quizAttemptSubmit.code).toBe('VALIDATION_FAILED');
    expect((await attempt([1, 1, 1])).data!.quizAttemptSubmit.passed).toBe(true);
    const reread = await gql(
      world.adminKey,
      `query($id: ID!) { node(id: $id) { ... on QuizAttempt { results { correct } } } }`,
      {
        id: first.attempt.id,
      },
    );
    expect(reread.data!.node.results).toEqual([{ correct: true }, { correct: true }, { correct: true }]);

    await gql(world.adminKey, QUIZ_UPDATE, { input: { quizId: gid('Quiz', quiz.id), active: false } });
    expect((await attempt([1, 1, 1])).data!.quizAttemptSubmit.code).toBe('NOT_FOUND');
  });

  it('changes a fee category rate and a category restriction, kept in the history with the values before', async () => {
    const fee = await gql(world.adminKey, FEE_UPDATE, {
      input: { feeCategoryId: gid('FeeCategory', fees.COMMISSION), defaultRateBps: 800 },
    });
    expect(fee.data!.feeCategoryUpdate.feeCategory).toEqual({ code: 'COMMISSION', defaultRateBps: 800 });
    expect(fee.data!.feeCategoryUpdate.change.previous).toEqual({ defaultRateBps: 700 });
    const category = await gql(world.adminKey, CATEGORY_UPDATE, {
      input: { categoryId: gid('Category', world.categories.home), restriction: 'PROHIBITED' },
    });
    expect(category.data!.categoryUpdate.category).toEqual({
      restriction: 'PROHIBITED',
      effectiveRestriction: 'PROHIBITED',
    });
    const knives = await gql(
      world.adminKey,
      `query($id: ID!) { node(id: $id) { ... on Category { effectiveRestriction } } }`,
      {
        id: gid('Category', world.categories.knives),
      },
    );
    expect(knives.data!.node.effectiveRestriction).toBe('PROHIBITED');
    const history = await gql(
      world.adminKey,
      `{ catalogueChanges(first: 2, entity: CATEGORY) { edges { node { changes previous } } } }`,
    );
    expect(history.data!.catalogueChanges.edges).toEqual([
      { node: { changes: { restriction: 'PROHIBITED' }, previous: { restriction: 'NONE' } } },
    ]);
    expect(await audits('categoryUpdate')).toContainEqual({ role: 'ADMIN', outcome: 'SUCCESS', resultCode: null });
  });

  it('sets the semi-closed-loop migration days and the quiz question count', async () => {
    const res = await gql(world.adminKey, SETTINGS_UPDATE, {
      input: { semiClosedLoopMigrationDays: 90, quizQuestionCount: 4 },
    });
    expect(res.data!.platformSettingsUpdate.settings).toEqual({
      semiClosedLoopMigrationDays: 90,
      quizQuestionCount: 4,
    });
    const bad = await gql(world.adminKey, SETTINGS_UPDATE, {
      input: { semiClosedLoopMigrationDays: 0, quizQuestionCount: 21 },
    });
    expect(bad.data!.platformSettingsUpdate.fields.map((f: { path: string[] }) => f.path)).toEqual([
      ['input', 'semiClosedLoopMigrationDays'],
      ['input', 'quizQuestionCount'],
    ]);
    const denied = await gql(sellerKey, SETTINGS_UPDATE, { input: { quizQuestionCount: 5 } });
    expect(denied.data!.platformSettingsUpdate.code).toBe('FORBIDDEN');
    expect(await db.prisma.platformSettings.findUniqueOrThrow({ where: { id: 1 } })).toMatchObject({
      semiClosedLoopMigrationDays: 90,
      quizQuestionCount: 4,
    });
    await gql(world.adminKey, SETTINGS_UPDATE, { input: { semiClosedLoopMigrationDays: 180, quizQuestionCount: 3 } });
  });
});

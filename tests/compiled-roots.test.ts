/**
 * Root fields of the catalogue and of a caller's own records answered in one statement: the
 * compiled answer equals the resolvers' (data and errors) for every kind of caller, page by page,
 * with each root's filters, and the statement count is one plus the key lookup.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gid } from './support/client.ts';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';
import { differential, type Caller, type Differential } from './support/differential.ts';
import { createKey, createShop, createWorld, type World } from './support/fixtures.ts';
import { createCreator, createPolicy, createQuiz } from './support/health-fixtures.ts';
import { createFeeCategories, createSellerEvent, createTiers } from './support/revenue-fixtures.ts';

const PAGE = `pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`;

describe.each(testTargets())('compiled root fields on %s', (target) => {
  let db: TestDatabase;
  let world: World;
  let diff: Differential;
  const callers: Record<'admin' | 'seller' | 'agency' | 'partner' | 'bare', Caller> = {} as never;
  const shopIds: number[] = [];
  const policyIds: number[] = [];

  beforeAll(async () => {
    db = await createTestDatabase(target);
    world = await createWorld(db.prisma);
    for (let i = 0; i < 5; i++)
      policyIds.push(
        (await createPolicy(db.prisma, { code: `P_${i}`, title: i === 1 ? 'Quote " and \\ backslash' : `Policy ${i}` }))
          .id,
      );
    await db.prisma.policy.update({ where: { id: policyIds[3]! }, data: { active: false } });
    for (const [i, policyId] of [policyIds[0]!, policyIds[0]!, policyIds[2]!, policyIds[4]!].entries()) {
      const quiz = await createQuiz(db.prisma, policyId, `Quiz ${i}`);
      if (i === 1) await db.prisma.quiz.update({ where: { id: quiz.id }, data: { active: false } });
    }
    await createFeeCategories(db.prisma);
    for (let s = 0; s < 3; s++) shopIds.push((await createShop(db.prisma, `Shop ${s}`)).id);
    const agency = await db.prisma.account.create({ data: { name: 'Agency', kind: 'AGENCY' } });
    const partner = await db.prisma.account.create({ data: { name: 'Partner', kind: 'PARTNER' } });
    for (const [accountId, shopId] of [
      [agency.id, shopIds[1]!],
      [partner.id, shopIds[0]!],
      [partner.id, shopIds[2]!],
    ] as const)
      await db.prisma.shopAccessGrant.create({
        data: { shopId, accountId, scopes: ['shops:read', 'listings:read', 'health:read'] },
      });
    callers.admin = { name: 'admin', key: world.adminKey };
    callers.seller = { name: 'seller', key: (await createKey(db.prisma, 'SELLER', { shopId: shopIds[0]! })).key };
    callers.agency = { name: 'agency', key: (await createKey(db.prisma, 'AGENCY', { accountId: agency.id })).key };
    callers.partner = {
      name: 'partner',
      key: (
        await createKey(db.prisma, 'PARTNER', {
          accountId: partner.id,
          scopes: ['shops:read', 'listings:read', 'health:read', 'webhooks:read'],
        })
      ).key,
    };
    callers.bare = {
      name: 'partner without scopes',
      key: (await createKey(db.prisma, 'PARTNER', { accountId: partner.id, scopes: [] })).key,
    };
    const tiers = await createTiers(db.prisma);
    // Events around 2024-06-01 (the sandbox clock below): ended, running, open, closed for registration.
    const at = (iso: string) => new Date(iso);
    for (const [i, [startsAt, closes, city]] of (
      [
        ['2024-05-01T09:00:00Z', '2024-04-30T00:00:00Z', 'Leeds'],
        ['2024-06-01T08:00:00Z', '2024-05-31T00:00:00Z', 'leeds'],
        ['2024-06-10T09:00:00Z', '2024-06-05T00:00:00Z', 'London'],
        ['2024-06-10T09:00:00Z', '2024-05-20T00:00:00Z', 'LEEDS'],
        ['2024-07-01T09:00:00Z', '2024-06-30T00:00:00Z', 'Le_ds'],
        ['2030-01-01T09:00:00Z', '2029-12-01T00:00:00Z', 'London'],
      ] as const
    ).entries()) {
      const event = await createSellerEvent(db.prisma, {
        capacity: 1 + (i % 3),
        startsAt: at(startsAt),
        registrationClosesAt: at(closes),
        minTierId: i % 2 ? tiers.established : null,
        title: `Event ${i}`,
      });
      await db.prisma.sellerEvent.update({ where: { id: event.id }, data: { city } });
      for (const [s, shopId] of shopIds.entries())
        if ((i + s) % 2 === 0)
          await db.prisma.eventRegistration.create({
            data: { eventId: event.id, shopId, status: s === 2 ? 'WAITLISTED' : 'CONFIRMED' },
          });
    }
    // Endpoints, keys and appeals of each owner: the seller's shop, the agency, the partner, none.
    const owners = [
      { ownerShopId: shopIds[0]!, ownerAccountId: null },
      { ownerShopId: shopIds[1]!, ownerAccountId: null },
      { ownerShopId: null, ownerAccountId: agency.id },
      { ownerShopId: null, ownerAccountId: partner.id },
      { ownerShopId: null, ownerAccountId: null },
    ];
    for (const [i, owner] of [...owners, ...owners].entries())
      await db.prisma.webhookEndpoint.create({
        data: {
          ...owner,
          url: `https://hooks.example.com/${i}?q="x"`,
          description: i % 3 ? null : `Endpoint ${i}`,
          secret: 'whsec_test',
          eventTypes: i % 2 ? ['listing.reviewed'] : [],
          apiKeyId: 1,
          enabled: i % 4 !== 3,
          disabledAt: i % 4 === 3 ? new Date('2024-05-01T00:00:00Z') : null,
        },
      });
    for (const [i, shopId] of [shopIds[0]!, shopIds[0]!, shopIds[1]!].entries()) {
      const { id } = await createKey(db.prisma, 'SELLER', { shopId });
      if (i === 0)
        await db.prisma.apiKey.update({ where: { id }, data: { revokedAt: new Date('2024-05-01T00:00:00Z') } });
    }
    for (const accountId of [agency.id, partner.id]) {
      const { id } = await createKey(db.prisma, 'PARTNER', { accountId, expiresAt: new Date('2031-01-01T00:00:00Z') });
      await db.prisma.apiKey.update({ where: { id }, data: { revokedAt: new Date('2024-05-02T00:00:00Z') } });
    }
    for (const [i, shopId] of [shopIds[0]!, shopIds[1]!, shopIds[2]!, shopIds[0]!, shopIds[2]!].entries()) {
      const violation = await db.prisma.violation.create({
        data: {
          shopId,
          policyId: policyIds[i % 3]!,
          source: 'LISTING',
          occurredAt: new Date('2024-05-01T00:00:00Z'),
          points: 2 + i,
        },
      });
      await db.prisma.violationAppeal.create({
        data: {
          violationId: violation.id,
          statement: `Appeal "${i}"`,
          status: (['PENDING', 'GRANTED', 'DENIED'] as const)[i % 3],
          decisionNote: i % 3 ? 'Decided' : null,
          decidedAt: i % 3 ? new Date('2024-05-03T00:00:00Z') : null,
        },
      });
    }
    // A tier created last between two ranks: the rank order is not the id order.
    await db.prisma.tier.update({ where: { id: tiers.strategic }, data: { rank: 10 } });
    await db.prisma.tier.create({
      data: {
        code: 'MID',
        name: 'Mid "tier"',
        rank: 5,
        minTrailingRevenue: 500_000_000n,
        minLastMonthSales: 9n,
        supportLevel: 'STANDARD',
        selfShippingAllowed: true,
      },
    });
    for (let i = 0; i < 3; i++)
      await db.prisma.tierRecalculationRun.create({
        data: { asOf: new Date(Date.UTC(2024, i, 1)), shopsEvaluated: 10 + i, changedCount: i },
      });
    const entities = ['TIER', 'POLICY', 'FEE_CATEGORY', 'QUIZ', 'CATEGORY'] as const;
    for (const [i, entity] of [...entities, 'TIER' as const].entries())
      await db.prisma.catalogueChange.create({
        data: {
          entity,
          entityId: 1 + i * 123_456,
          changes: { defaultPoints: i, note: 'a "quoted" value' },
          previous: i % 2 ? { defaultPoints: i - 1 } : undefined,
          effectiveFrom: new Date(Date.UTC(2024, 5, 1 + i)),
          appliedAt: i % 2 ? new Date(Date.UTC(2024, 5, 1 + i)) : null,
        },
      });
    const codes: [string, Partial<{ expiresAt: Date; usedByShopId: number; usedAt: Date; revokedAt: Date }>][] = [
      ['GB-AAAA-0001', {}],
      ['GB-AAAA-0002', { expiresAt: new Date('2024-06-01T12:00:00.000Z') }],
      ['GB-AAAA-0003', { expiresAt: new Date('2024-07-01T00:00:00Z') }],
      ['FR-AAAA-0004', { usedByShopId: shopIds[1]!, usedAt: new Date('2024-05-01T00:00:00Z') }],
      ['FR-AAAA-0005', { revokedAt: new Date('2024-05-02T00:00:00Z'), expiresAt: new Date('2024-05-03T00:00:00Z') }],
    ];
    for (const [code, rest] of codes)
      await db.prisma.invitationCode.create({ data: { code, site: code.slice(0, 2), ...rest } });
    const cats = world.categories;
    for (const [i, [shopId, categoryId]] of [
      [shopIds[0]!, cats.supplements],
      [shopIds[1]!, cats.knives],
      [shopIds[2]!, cats.supplements],
      [shopIds[0]!, cats.knives],
      [shopIds[2]!, cats.knives],
    ].entries()) {
      await db.prisma.restrictedCategoryApproval.create({
        data: {
          shopId: shopId!,
          categoryId: categoryId!,
          status: (['PENDING', 'GRANTED', 'DENIED'] as const)[i % 3],
          justification: i % 2 ? null : 'Licensed',
          // Two at the same instant: the id breaks the tie.
          createdAt: new Date(Date.UTC(2024, 4, 1 + (i % 2))),
        },
      });
      await db.prisma.categoryExceptionRequest.create({
        data: {
          shopId: shopId!,
          comment: `Seasonal "${i}"`,
          requestedCategoryIds: [cats.fashion, cats.home],
          status: (['PENDING', 'APPROVED', 'DENIED'] as const)[i % 3],
        },
      });
    }
    diff = differential(db);
  });

  /** Sets the sandbox clock, frozen at `now` (null: the real time). */
  async function setClock(now: string | null) {
    const data = { sandboxNow: now === null ? null : new Date(now), sandboxSetAt: null, sandboxFrozen: true };
    await db.prisma.platformSettings.upsert({ where: { id: 1 }, create: { id: 1, ...data }, update: data });
  }
  afterAll(async () => db?.drop());

  const all = () => Object.values(callers);

  /** Every caller agrees with the resolvers; the ones in `compiled` take the one-statement path. */
  async function agree(query: string, variables: Record<string, unknown> | undefined, compiled: string[]) {
    for (const caller of all()) {
      const { path } = await diff.same(caller, query, variables);
      if (compiled.includes(caller.name)) expect(path, `${caller.name}: ${query}`).toBe('compiled');
    }
  }

  /** Walks a connection forwards by `size` and back from its end, every page on both paths. */
  async function walk(caller: Caller, root: string, args: string, node: string, size = 2) {
    const forward = `query($first: Int, $after: String) { ${root}(first: $first, after: $after${args}) { edges { cursor node { ${node} } } ${PAGE} } }`;
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const { path, data } = await diff.same(caller, forward, { first: size, after });
      expect(path).toBe('compiled');
      const info = (data as Record<string, { pageInfo: { hasNextPage: boolean; endCursor: string | null } }>)[root]!
        .pageInfo;
      pages++;
      if (!info.hasNextPage || pages > 20) break;
      after = info.endCursor;
    }
    const backward = `query($last: Int, $before: String) { ${root}(last: $last, before: $before${args}) { edges { cursor node { ${node} } } ${PAGE} } }`;
    expect((await diff.same(caller, backward, { last: size, before: after })).path).toBe('compiled');
    return pages;
  }

  it('policies: the catalogue by id or one code, with its active quizzes', async () => {
    const node = `__typename id code title description defaultPoints educationUrl active quizzes { id title active policy { code } }`;
    await agree(`{ policies { edges { cursor node { ${node} } } ${PAGE} } }`, undefined, ['admin', 'seller', 'bare']);
    await agree(`query($code: String) { policies(code: $code) { edges { node { id code } } } }`, { code: 'P_2' }, [
      'partner',
    ]);
    await agree(`query($code: String) { policies(code: $code) { edges { node { id } } } }`, { code: 'nope' }, []);
    await agree(`{ policies(first: 0) { edges { node { id } } ${PAGE} } }`, undefined, []);
    await agree(`{ policies(first: 101) { edges { node { id } } } }`, undefined, []);
    expect(await walk(callers.seller, 'policies', '', 'id code')).toBe(3);
  });

  it('categories: the top level, one category’s children, by restriction', async () => {
    const node = `id name slug description depth isTopLevel restriction parent { id name } root { id name } children { id name }`;
    await agree(`{ categories { edges { cursor node { ${node} } } ${PAGE} } }`, undefined, ['admin', 'agency']);
    const children = `query($p: ID, $r: CategoryRestriction) { categories(parentId: $p, restriction: $r) { edges { node { id name restriction } } } }`;
    for (const [p, r] of [
      [gid('Category', world.categories.beauty), null],
      [gid('Category', world.categories.beauty), 'RESTRICTED'],
      [null, 'PROHIBITED'],
      [gid('Category', 999_999), null],
      [gid('Policy', policyIds[0]!), null],
      ['not a global id', null],
    ] as const)
      await agree(children, { p, r }, []);
    expect(await walk(callers.partner, 'categories', '', 'id name')).toBe(3);
  });

  it('feeCategories: the fee catalogue by id, narrowed to codes', async () => {
    const node = `id code name description defaultRateBps`;
    await agree(`{ feeCategories { edges { cursor node { ${node} } } ${PAGE} } }`, undefined, ['admin', 'bare']);
    const byCodes = `query($c: [String!]) { feeCategories(codes: $c) { edges { node { id code } } } }`;
    for (const c of [['COMMISSION', 'SHIPPING_LABEL'], [], ['NOPE'], null]) await agree(byCodes, { c }, ['seller']);
    expect(await walk(callers.agency, 'feeCategories', '', node)).toBe(3);
  });

  it('quizzes: the active quizzes, narrowed to one policy', async () => {
    const node = `id title description active policy { id code title } questions { position prompt choices }`;
    await agree(`{ quizzes { edges { cursor node { ${node} } } ${PAGE} } }`, undefined, ['admin', 'seller', 'bare']);
    const byPolicy = `query($p: ID) { quizzes(policyId: $p) { edges { node { id title } } } }`;
    for (const p of [gid('Policy', policyIds[0]!), gid('Policy', policyIds[1]!), gid('Policy', 999_999)])
      await agree(byPolicy, { p }, ['partner']);
    await agree(byPolicy, { p: gid('Category', world.categories.beauty) }, []);
    expect(await walk(callers.admin, 'quizzes', '', 'id', 1)).toBe(3);
  });

  it('events: by the platform clock when the statement runs, filtered, soonest first', async () => {
    const node = `id title city venue startsAt endsAt registrationClosesAt capacity confirmedCount waitlistCount seatsLeft createdAt minTier { id code name }`;
    const list = `query($f: SellerEventFilter) { events(filter: $f) { edges { cursor node { ${node} } } ${PAGE} } }`;
    try {
      await setClock('2024-06-01T12:00:00Z');
      await agree(list, {}, ['admin', 'seller', 'agency', 'partner', 'bare']);
      for (const f of [
        { includePast: true },
        { openForRegistration: true },
        { includePast: true, openForRegistration: true },
        { city: 'LEEDS' },
        { city: 'le_ds', includePast: true },
        { city: 'Le%' },
        { startsAfter: '2024-06-10T09:00:00.000Z', startsBefore: '2030-01-01T09:00:00.000Z' },
        { includePast: true, startsBefore: '2024-06-01T08:00:00.001Z' },
      ])
        await agree(list, { f }, ['admin']);
      await agree(list, { f: { startsAfter: 'not a date' } }, []);
      expect(await walk(callers.partner, 'events', ', filter: { includePast: true }', 'id startsAt', 2)).toBe(3);
      // One plan, three clocks: the same document answers by the clock of each execution.
      const answers: unknown[] = [];
      for (const clock of ['2024-06-01T12:00:00Z', '2024-06-20T00:00:00Z', '2024-06-01T12:00:00Z']) {
        await setClock(clock);
        expect((await diff.same(callers.seller, list, { f: { openForRegistration: true } })).path).toBe('compiled');
        answers.push(
          (await diff.post('compiled', callers.seller.key, list, { f: { openForRegistration: true } })).data,
        );
      }
      expect(answers[1]).not.toEqual(answers[0]);
      expect(answers[2]).toEqual(answers[0]);
    } finally {
      await setClock(null);
    }
    // By the real clock, only the 2030 event has not ended.
    const { data } = await diff.same(callers.admin, list, {});
    expect(JSON.stringify(data).match(/"title":"Event \d"/g)).toEqual(['"title":"Event 5"']);
  });

  it('webhookEndpoints: the caller’s owner’s endpoints, oldest first; webhooks:read needed', async () => {
    const node = `id url description eventTypes enabled disabledAt disabledReason failingSince previousSecretExpiresAt createdAt updatedAt`;
    await agree(`{ webhookEndpoints { edges { cursor node { ${node} } } ${PAGE} } }`, undefined, ['admin', 'partner']);
    await agree(`{ webhookEndpoints(first: 1) { edges { node { id shops { id } } } } }`, undefined, [
      'admin',
      'partner',
    ]);
    const seller = {
      name: 'seller with webhooks:read',
      key: (await createKey(db.prisma, 'SELLER', { shopId: shopIds[0]!, scopes: ['webhooks:read'] })).key,
    };
    expect((await diff.same(seller, `{ webhookEndpoints { edges { node { id url } } } }`)).path).toBe('compiled');
    expect(await walk(callers.admin, 'webhookEndpoints', '', 'id url', 3)).toBe(4);
  });

  it('apiKeys: the caller’s keys (all for administrators), revoked ones when asked', async () => {
    const node = `id name prefix role scopes createdAt expiresAt revokedAt trustedDocumentsOnly shop { id name } account { id name kind }`;
    const list = `query($r: Boolean) { apiKeys(includeRevoked: $r) { edges { cursor node { ${node} } } ${PAGE} } }`;
    for (const r of [null, false, true]) await agree(list, { r }, ['admin', 'seller', 'agency', 'partner', 'bare']);
    expect(await walk(callers.admin, 'apiKeys', ', includeRevoked: true', 'id', 3)).toBeGreaterThan(2);
  });

  it('violationAppeals: appeals in the caller’s shops, oldest first, by status; health:read needed', async () => {
    const node = `id status statement decisionNote createdAt decidedAt violation { id points status policy { code title } shop { id name } }`;
    const list = `query($s: ViolationAppealStatus) { violationAppeals(status: $s) { edges { cursor node { ${node} } } ${PAGE} } }`;
    for (const s of [null, 'PENDING', 'GRANTED', 'DENIED']) await agree(list, { s }, ['admin', 'seller', 'partner']);
    expect(await walk(callers.partner, 'violationAppeals', '', 'id', 1)).toBe(4);
  });

  it('tiers: lowest rank first, paged by the rank', async () => {
    const node = `id code name rank selfShippingAllowed supportLevel minLastMonthSales { amount minorUnits currencyCode } minTrailingRevenue { amount minorUnits currencyCode }`;
    await agree(`{ tiers { edges { cursor node { ${node} } } ${PAGE} } }`, undefined, ['admin', 'seller', 'bare']);
    expect(await walk(callers.seller, 'tiers', '', 'id rank', 1)).toBe(4);
    expect(await walk(callers.admin, 'tiers', '', 'id rank', 3)).toBe(2);
  });

  it('tierRecalculationRuns: newest first, administrators only', async () => {
    const node = `id asOf createdAt shopsEvaluated changedCount`;
    await agree(`{ tierRecalculationRuns { edges { cursor node { ${node} } } ${PAGE} } }`, undefined, ['admin']);
    expect(await walk(callers.admin, 'tierRecalculationRuns', '', node, 2)).toBe(2);
  });

  it('catalogueChanges: newest first, by entity and whether applied, with the subject’s global ID', async () => {
    const node = `id entity subjectId effectiveFrom appliedAt createdAt`;
    const list = `query($e: CatalogueEntity, $p: Boolean) { catalogueChanges(entity: $e, pending: $p) { edges { cursor node { ${node} } } ${PAGE} } }`;
    for (const [e, p] of [
      [null, null],
      ['TIER', null],
      [null, true],
      ['QUIZ', false],
    ])
      await agree(list, { e, p }, ['admin']);
    expect(
      (await diff.same(callers.admin, `{ catalogueChanges { edges { node { id changes previous } } } }`)).path,
    ).toBe('compiled');
    expect(await walk(callers.admin, 'catalogueChanges', '', node, 4)).toBe(2);
  });

  it('invitationCodes: newest first, by site, code and state on the platform clock', async () => {
    const node = `id code site status expiresAt usedAt usedBy { id name } revokedAt createdAt`;
    const list = `query($site: CountryCode, $s: InvitationCodeStatus, $c: String) { invitationCodes(site: $site, status: $s, code: $c) { edges { cursor node { ${node} } } ${PAGE} } }`;
    try {
      for (const clock of ['2024-06-01T11:59:59.999Z', '2024-06-01T12:00:00.000Z', '2024-08-01T00:00:00Z']) {
        await setClock(clock);
        for (const s of [null, 'UNUSED', 'USED', 'EXPIRED', 'REVOKED']) await agree(list, { s }, ['admin']);
      }
      await agree(list, { site: 'FR', c: null }, ['admin']);
      await agree(list, { c: 'GB-AAAA-0003' }, ['admin']);
      expect(await walk(callers.admin, 'invitationCodes', '', node, 2)).toBe(3);
    } finally {
      await setClock(null);
    }
  });

  it('restrictedCategoryApprovals: requests in the caller’s shops, oldest first, by status and shop', async () => {
    const node = `id status justification decisionNote createdAt decidedAt category { id name } shop { id name }`;
    const list = `query($s: RestrictedCategoryApprovalStatus, $shop: ID) { restrictedCategoryApprovals(status: $s, shopId: $shop) { edges { cursor node { ${node} } } ${PAGE} } }`;
    for (const [s, shop] of [
      [null, null],
      ['PENDING', null],
      [null, gid('Shop', shopIds[2]!)],
      ['DENIED', gid('Shop', shopIds[2]!)],
      [null, gid('Shop', 999_999)],
    ])
      await agree(list, { s, shop }, ['admin', 'seller', 'agency', 'partner']);
    expect(await walk(callers.partner, 'restrictedCategoryApprovals', '', 'id createdAt', 1)).toBe(4);
  });

  it('categoryExceptionRequests: requests in the caller’s shops, oldest first, by status', async () => {
    const node = `id status comment createdAt decidedAt decisionNote shop { id name }`;
    const list = `query($s: ExceptionRequestStatus) { categoryExceptionRequests(status: $s) { edges { cursor node { ${node} } } ${PAGE} } }`;
    for (const s of [null, 'PENDING', 'APPROVED', 'DENIED'])
      await agree(list, { s }, ['admin', 'seller', 'agency', 'partner']);
    await agree(
      `{ categoryExceptionRequests { edges { node { id requestedCategories { id name } grants { createdAt } } } } }`,
      undefined,
      ['admin', 'seller', 'agency', 'partner'],
    );
    expect(await walk(callers.admin, 'categoryExceptionRequests', '', 'id', 2)).toBe(3);
  });

  it('bulkOperations and bulkOperation: the caller’s key’s own, never through another key’s plan', async () => {
    const a = await createKey(db.prisma, 'SELLER', { shopId: shopIds[1]! });
    const b = await createKey(db.prisma, 'SELLER', { shopId: shopIds[1]! });
    const admin = await createKey(db.prisma, 'ADMIN');
    const ops: number[] = [];
    for (const [i, apiKeyId] of [a.id, a.id, b.id, admin.id, a.id].entries())
      ops.push(
        (
          await db.prisma.bulkOperation.create({
            data: {
              apiKeyId,
              mutation: i % 2 ? 'LISTING_REVIEW' : 'LISTING_SUBMIT',
              status: (['CREATED', 'RUNNING', 'COMPLETED', 'FAILED', 'RUNNING'] as const)[i],
              lineCount: [0, 3, 10, 7, 10_000][i]!,
              processedCount: [0, 1, 10, 2, 1][i]!,
              succeededCount: i,
              failedCount: 1,
              errorCode: [null, '', null, 'UNAUTHENTICATED', 'SOMETHING_ELSE'][i],
              result: i === 2 ? '{"line":1,"ok":true}\n' : null,
            },
          })
        ).id,
      );
    const keys = [
      { name: 'seller key A', key: a.key },
      { name: 'seller key B', key: b.key },
      { name: 'admin key', key: admin.key },
      callers.admin,
    ];
    const node = `id mutation status lineCount processedCount succeededCount failedCount progress errorCode createdAt startedAt finishedAt`;
    const list = `query($s: BulkOperationStatus, $first: Int) { bulkOperations(status: $s, first: $first) { edges { cursor node { ${node} } } ${PAGE} } }`;
    // Key A first, so its plan exists when key B (the same caller shape) asks the same.
    for (const v of [{}, { s: 'RUNNING' }, { first: 1 }, { first: 2 }])
      for (const caller of keys) expect((await diff.same(caller, list, v)).path, caller.name).toBe('compiled');
    const one = `query($id: ID!) { bulkOperation(id: $id) { ${node} } }`;
    for (const id of ops)
      for (const caller of keys)
        expect((await diff.same(caller, one, { id: gid('BulkOperation', id) })).path, caller.name).toBe('compiled');
    await diff.same(keys[1]!, one, { id: gid('Shop', shopIds[1]!) });
    const withResult = `query($id: ID!) { bulkOperation(id: $id) { id status result } }`;
    for (const caller of keys) await diff.same(caller, withResult, { id: gid('BulkOperation', ops[2]!) });
    const seen = await diff.post('compiled', b.key, list, {});
    expect(JSON.stringify(seen.data).match(/"id":"[^"]+"/g)).toEqual([`"id":"${gid('BulkOperation', ops[2]!)}"`]);
  });

  it('creators: the directory (a partner’s represented creators, with creators:read), filtered', async () => {
    const cats = world.categories;
    const ids: number[] = [];
    for (const [i, handle] of ['glow_a', 'GLOW_b', 'tech%c', 'home_d'].entries()) {
      const c = await createCreator(db.prisma, {
        handle,
        regions: i % 2 ? ['GB', 'DE'] : ['US'],
        nicheCategoryIds: i % 2 ? [cats.beauty] : [cats.home, cats.beauty],
      });
      await db.prisma.creator.update({
        where: { id: c.id },
        data: { followerCount: 1000 * i, engagementRateBps: [425, 3, 1000, 7][i]! },
      });
      ids.push(c.id);
    }
    const account = await db.prisma.account.create({ data: { name: 'Represents', kind: 'PARTNER' } });
    for (const creatorId of [ids[1]!, ids[3]!])
      await db.prisma.creatorRepresentation.create({ data: { accountId: account.id, creatorId } });
    const partner = {
      name: 'partner with creators:read',
      key: (await createKey(db.prisma, 'PARTNER', { accountId: account.id, scopes: ['creators:read'] })).key,
    };
    const list = `query($f: CreatorFilter) { creators(filter: $f) { edges { cursor node { id handle displayName followerCount engagementRate engagementRateBps regions } } ${PAGE} } }`;
    for (const f of [
      null,
      { region: 'GB' },
      { nicheCategoryId: gid('Category', cats.home) },
      { handleContains: 'glow' },
      { minFollowers: 1500 },
    ]) {
      await agree(list, { f }, ['admin', 'seller', 'agency']);
      expect((await diff.same(partner, list, { f })).path).toBe('compiled');
    }
    await agree(list, { f: { handleContains: 'h%' } }, []);
    expect((await diff.same(partner, `{ creators { edges { node { id niches { id name } } } } }`)).path).toBe(
      'compiled',
    );
    expect(await walk(callers.seller, 'creators', '', 'id handle', 3)).toBe(2);
  });
});

/**
 * Compiled reads (one SQL statement per query operation) must answer exactly what the resolvers
 * answer: the same app with COMPILED_READS on and off, on the same database, for every caller,
 * for hand-written operations and for random ones (fast-check) over the compiled fields, with
 * pagination in both directions, filters, sorts, fragments, aliases, directives and awkward text.
 */
import fc from 'fast-check';
import { parse } from 'graphql';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, loadConfig, MemoryRateLimiter } from '@shopwarden/api';
import type { ListingStatus, ReviewDecision, ViolationSource } from '@shopwarden/db';
import { authenticateApiKey, compileRead, createContext, executionValues, schema } from '@shopwarden/schema';
import { createKey, createShop, createWorld, type World } from './support/fixtures.ts';
import { createPolicy } from './support/health-fixtures.ts';
import { createTiers, insertOrders } from './support/revenue-fixtures.ts';
import { comparableErrors, gid } from './support/client.ts';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';

const AWKWARD = [
  'Plain',
  'Quote " and backslash \\',
  'Line\nbreak\ttab',
  'Ünïcødé — 日本語 🧴',
  'Control \u0001 char',
  "Apostrophe's",
  '<b>html</b> & ampersand',
  '   spaces   ',
  '%_wild_%',
];
const STATUSES: ListingStatus[] = ['DRAFT', 'PENDING_REVIEW', 'ACTIVE', 'REJECTED', 'SUSPENDED'];
const SOURCES: ViolationSource[] = ['LIVE_SESSION', 'VIDEO', 'LISTING', 'ORDER', 'OTHER'];

interface Caller {
  name: string;
  key: string;
}

const DAY_MS = 86_400_000;

function cursorOf(id: number): string {
  return Buffer.from(`GPC:N:${id}`).toString('base64');
}

describe.each(testTargets())('compiled reads on %s', (target) => {
  let db: TestDatabase;
  let world: World;
  const callers: Caller[] = [];
  const shopIds: number[] = [];
  const listingIds: number[] = [];
  const violationIds: number[] = [];
  const categoryIds: number[] = [];
  let compiledApp: ReturnType<typeof createApp>;
  let resolverApp: ReturnType<typeof createApp>;
  let statements = 0;
  const seen: string[] = [];

  /** A violation's ledger: its addition (some never expire), removals (one beyond its points) and stored statuses. */
  async function ledgerFor(
    v: { id: number; shopId: number; policyId: number; points: number; occurredAt: Date },
    n: number,
  ) {
    const at = (days: number) => new Date(v.occurredAt.getTime() + days * DAY_MS);
    const expiresAt = n % 5 === 4 ? null : at(90);
    const entry = (kind: 'VIOLATION_ADDED' | 'QUIZ_REMOVAL' | 'APPEAL_REMOVAL', points: number, from: Date) =>
      db.prisma.pointsLedgerEntry.create({
        data: { shopId: v.shopId, policyId: v.policyId, violationId: v.id, kind, points, effectiveAt: from, expiresAt },
      });
    await entry('VIOLATION_ADDED', v.points, v.occurredAt);
    if (n % 3 === 1) await entry('QUIZ_REMOVAL', -1, at(10));
    const status = n % 4 === 2 ? 'REMOVED' : n % 6 === 5 ? 'APPEALED' : n % 7 === 3 ? 'EXPIRED' : null;
    if (status === 'REMOVED') await entry('APPEAL_REMOVAL', -(v.points + 2), at(20));
    if (status) await db.prisma.violation.update({ where: { id: v.id }, data: { status } });
  }

  /**
   * Tiers (0 / 1,000,000 and 65,000 / 10,000,000 and 800,000 USD) and orders placed on the edges of
   * the metric windows as of TIER_AS_OF: at the trailing start (out) and just after it (in), at asOf
   * (in) and just after (out), at the last month's first instant (in) and at its end (trailing only).
   */
  async function ordersAroundTiers() {
    const tiers = await createTiers(db.prisma);
    const category = world.categories.beauty;
    const [none, exact, top, below, edges, placed] = shopIds as [number, number, number, number, number, number];
    void none;
    await insertOrders(db.prisma, exact, category, [
      { amount: 6_500_000, placedAt: '2024-02-01T00:00:00.000Z' },
      { amount: 93_499_999, placedAt: '2023-03-31T12:00:00.001Z' },
      { amount: 1, placedAt: '2024-03-31T12:00:00.000Z' },
      { amount: 50_000_000, placedAt: '2023-03-31T12:00:00.000Z' },
      { amount: 7_000_000, placedAt: '2024-03-31T12:00:00.001Z' },
      { amount: 9_999, placedAt: '2024-02-10T00:00:00.000Z', currency: 'EUR' },
    ]);
    await insertOrders(db.prisma, top, category, [{ amount: 1_000_000_000, placedAt: '2024-02-15T08:00:00.000Z' }]);
    await insertOrders(db.prisma, below, category, [
      { amount: 6_500_000, placedAt: '2024-02-29T23:59:59.999Z' },
      { amount: 93_498_999, placedAt: '2023-06-01T00:00:00.000Z' },
      { amount: 1_000, placedAt: '2024-03-01T00:00:00.000Z' },
    ]);
    await insertOrders(db.prisma, edges, category, [
      { amount: 80_000_000, placedAt: '2024-01-31T23:59:59.999Z' },
      { amount: 120_000_000, placedAt: '2023-02-28T00:00:00.000Z' },
      { amount: 3_000, placedAt: '2023-02-28T00:00:00.001Z' },
      { amount: 70_000_000, placedAt: '2024-02-29T00:00:00.000Z' },
    ]);
    await insertOrders(db.prisma, placed, category, [{ amount: 12_345, placedAt: '2024-03-15T00:00:00.000Z' }]);
    await db.prisma.shop.update({ where: { id: placed }, data: { tierId: tiers.strategic } });
    await db.prisma.shop.update({ where: { id: top }, data: { tierId: tiers.entry } });
  }

  /**
   * Decisions before a listing's current status: none for a draft never submitted, a submission
   * (and an approval, then a suspension) for the others, some by the administrator's key. Some
   * created out of id order, so the latest review is the highest id, not the latest `createdAt`.
   */
  async function reviewHistory(listingId: number, status: ListingStatus, n: number) {
    if (status === 'DRAFT' || (status === 'REJECTED' && n % 2 === 0)) return;
    const admin = await db.prisma.apiKey.findFirstOrThrow({ where: { role: 'ADMIN' }, select: { id: true } });
    const steps: [ReviewDecision, ListingStatus, ListingStatus][] = [['SUBMITTED', 'DRAFT', 'PENDING_REVIEW']];
    if (status === 'ACTIVE' || status === 'SUSPENDED') steps.push(['APPROVED', 'PENDING_REVIEW', 'ACTIVE']);
    if (status === 'SUSPENDED') steps.push(['SUSPENDED', 'ACTIVE', 'SUSPENDED']);
    for (const [i, [decision, fromStatus, toStatus]] of steps.entries()) {
      await db.prisma.listingReview.create({
        data: {
          listingId,
          decision,
          automatic: decision === 'SUBMITTED',
          fromStatus,
          toStatus,
          reasons: [],
          note: decision === 'SUSPENDED' ? AWKWARD[n % AWKWARD.length]! : null,
          reviewerApiKeyId: decision === 'SUBMITTED' ? null : admin.id,
          listingVersion: i + 1,
          createdAt: new Date(Date.UTC(2024, 2, 10, 12, 0, n % 2 ? 60 - i : i)),
        },
      });
    }
  }

  /** Sets the sandbox clock: frozen at `now`, or advancing from it since `setAgoMs` before the real time. */
  async function setClock(now: string | null, setAgoMs: number | null = null) {
    const data = {
      sandboxNow: now === null ? null : new Date(now),
      sandboxSetAt: setAgoMs === null ? null : new Date(Date.now() - setAgoMs),
      sandboxFrozen: setAgoMs === null,
    };
    await db.prisma.platformSettings.upsert({ where: { id: 1 }, create: { id: 1, ...data }, update: data });
  }

  beforeAll(async () => {
    db = await createTestDatabase(target);
    world = await createWorld(db.prisma);
    categoryIds.push(...Object.values(world.categories));
    const policies = [
      await createPolicy(db.prisma, { code: 'P_ONE', title: 'First "policy"' }),
      await createPolicy(db.prisma, { code: 'P_TWO', title: 'Second' }),
    ];
    const sitesChoices = [['GB'], ['US', 'GB'], ['DE'], []];
    for (let s = 0; s < 6; s++) {
      const shop = await createShop(db.prisma, AWKWARD[s % AWKWARD.length]!, {
        sites: sitesChoices[s % sitesChoices.length],
        businessModel: s % 3 === 0 ? 'SEMI_CLOSED_LOOP' : 'CLOSED_LOOP',
        primaryCategoryId: s % 2 === 0 ? world.categories.beauty : null,
      });
      if (s === 4)
        await db.prisma.shop.update({
          where: { id: shop.id },
          data: {
            status: 'RESTRICTED',
            healthStatus: 'RESTRICTED',
            needsManualCategoryDecision: true,
            migrationDeadline: new Date('2024-06-30T23:59:59.999Z'),
          },
        });
      shopIds.push(shop.id);
      const listingCount = [0, 7, 13, 3, 9, 1][s]!;
      const own: number[] = [];
      for (let l = 0; l < listingCount; l++) {
        const status = STATUSES[(s + l) % STATUSES.length]!;
        const listing = await db.prisma.listing.create({
          data: {
            shopId: shop.id,
            categoryId: categoryIds[(s * 7 + l) % categoryIds.length]!,
            title: `${AWKWARD[(s + l) % AWKWARD.length]} #${l}`,
            description: l % 2 ? AWKWARD[l % AWKWARD.length]! : '',
            // Repeated prices and submission times, so the id tie-breakers matter.
            priceAmount: [1999, 500, 1999, 0, 123456, 7][l % 6]!,
            currency: l % 4 === 3 ? 'EUR' : 'USD',
            sites: sitesChoices[(s + l) % sitesChoices.length]!,
            status,
            version: l % 3,
            submittedAt:
              status === 'DRAFT' ? null : new Date(Date.UTC(2024, 2, 1 + (l % 3), 10, 0, 0, l % 2 ? 250 : 0)),
            createdAt: new Date(Date.UTC(2024, 1, 1, 0, 0, l)),
          },
        });
        listingIds.push(listing.id);
        own.push(listing.id);
        await reviewHistory(listing.id, status, l);
        if (status === 'REJECTED') {
          await db.prisma.listingReview.create({
            data: {
              listingId: listing.id,
              decision: 'REJECTED',
              automatic: l % 2 === 0,
              fromStatus: 'PENDING_REVIEW',
              toStatus: 'REJECTED',
              reasons: [{ code: l % 2 ? 'OUTSIDE_PRIMARY_CATEGORY' : 'BLURRY_PHOTOS', message: 'x' }],
              listingVersion: 1,
            },
          });
        }
      }
      for (let v = 0; v < [5, 0, 8, 2, 11, 3][s]!; v++) {
        const violation = await db.prisma.violation.create({
          data: {
            shopId: shop.id,
            policyId: policies[v % 2]!.id,
            source: SOURCES[(s + v) % SOURCES.length]!,
            // Several violations at the same instant, so (occurredAt desc, id desc) must break ties.
            occurredAt: new Date(Date.UTC(2024, 0, 1 + Math.floor(v / 2), 12)),
            points: 1 + (v % 4),
            note: v % 3 === 0 ? AWKWARD[v % AWKWARD.length]! : null,
            listingId: v % 2 === 0 && own.length ? own[v % own.length]! : null,
          },
        });
        violationIds.push(violation.id);
        await ledgerFor(violation, violationIds.length);
      }
      // Points without a violation count on their own.
      if (s === 2)
        await db.prisma.pointsLedgerEntry.create({
          data: {
            shopId: shop.id,
            policyId: policies[0]!.id,
            kind: 'VIOLATION_ADDED',
            points: 3,
            effectiveAt: new Date('2024-01-05T00:00:00.000Z'),
            expiresAt: new Date('2024-02-20T00:00:00.000Z'),
          },
        });
    }
    await ordersAroundTiers();
    const agency = await db.prisma.account.create({ data: { name: 'Agency', kind: 'AGENCY' } });
    const partner = await db.prisma.account.create({ data: { name: 'Partner', kind: 'PARTNER' } });
    for (const [account, shops] of [
      [agency.id, [shopIds[1]!, shopIds[2]!]],
      [partner.id, [shopIds[0]!, shopIds[2]!, shopIds[4]!]],
    ] as const) {
      for (const shopId of shops)
        await db.prisma.shopAccessGrant.create({
          data: { shopId, accountId: account, scopes: ['shops:read', 'listings:read', 'health:read', 'revenue:read'] },
        });
    }
    // A revoked grant must not count.
    await db.prisma.shopAccessGrant.create({
      data: { shopId: shopIds[5]!, accountId: partner.id, scopes: ['shops:read'], revokedAt: new Date() },
    });
    callers.push(
      { name: 'admin', key: world.adminKey },
      { name: 'seller', key: (await createKey(db.prisma, 'SELLER', { shopId: shopIds[2]! })).key },
      { name: 'agency', key: (await createKey(db.prisma, 'AGENCY', { accountId: agency.id })).key },
      {
        name: 'partner',
        key: (
          await createKey(db.prisma, 'PARTNER', {
            accountId: partner.id,
            scopes: ['shops:read', 'listings:read', 'health:read', 'revenue:read'],
          })
        ).key,
      },
      {
        name: 'partner without health:read',
        key: (await createKey(db.prisma, 'PARTNER', { accountId: partner.id })).key,
      },
    );
    const logger = pino({ level: 'silent' });
    // Buckets large enough that throttling never differs between the two apps.
    const unlimited = () => new MemoryRateLimiter(1e12, 1e12);
    // The response cache is off here: every request must run, so both paths are compared each time.
    compiledApp = createApp({
      db,
      config: loadConfig({ NODE_ENV: 'test', COMPILED_READS: 'true', RESPONSE_CACHE: 'false' }),
      logger,
      rateLimiter: unlimited(),
    });
    resolverApp = createApp({
      db,
      config: loadConfig({ NODE_ENV: 'test', COMPILED_READS: 'false' }),
      logger,
      rateLimiter: unlimited(),
    });
    db.onQuery((q) => {
      statements++;
      seen.push(q.query);
    });
  });
  afterAll(async () => db.drop());

  /** Prisma reports a statement a moment after its result: wait until the reports stop arriving. */
  async function settle() {
    for (;;) {
      const n = statements;
      await new Promise((resolve) => setTimeout(resolve, 15));
      if (n === statements) return;
    }
  }

  async function post(
    app: ReturnType<typeof createApp>,
    key: string,
    query: string,
    variables?: Record<string, unknown>,
  ) {
    await settle();
    const before = statements;
    const res = await app.yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
    const text = await res.text();
    await settle();
    const body = JSON.parse(text) as { data?: unknown; errors?: unknown; extensions?: Record<string, unknown> };
    expect(body.extensions?.cost, `cost is reported on both paths: ${text.slice(0, 300)}`).toBeDefined();
    return { status: res.status, text, data: body.data, errors: body.errors, statements: statements - before };
  }

  const pathCount = async (path: 'compiled' | 'partial') => {
    const metric = await compiledApp.metrics.reads.get();
    return metric.values.find((v) => v.labels.path === path)?.value ?? 0;
  };
  const compiledCount = () => pathCount('compiled');
  /** The path and statements of the compiled app's last request (`same`). */
  const last = { path: 'resolvers' as 'compiled' | 'partial' | 'resolvers', statements: 0 };

  /** One plan read at clock `a`, `b`, then `a` again: each equals the resolvers, and only `b` differs. */
  async function expectClockFollowed(
    caller: Caller,
    query: string,
    variables: Record<string, unknown>,
    a: string,
    b: string,
  ) {
    const answers: unknown[] = [];
    try {
      for (const clock of [a, b, a]) {
        await setClock(clock);
        expect(await same(caller, query, variables)).toBe(true);
        answers.push((await post(compiledApp, caller.key, query, variables)).data);
      }
    } finally {
      await setClock(null);
    }
    expect(answers[1]).not.toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
  }
  /** Runs one operation on both paths; returns whether the compiled app took the compiled path. */
  async function same(caller: Caller, query: string, variables?: Record<string, unknown>): Promise<boolean> {
    const before = await compiledCount();
    const partialBefore = await pathCount('partial');
    const a = await post(compiledApp, caller.key, query, variables);
    const compiled = (await compiledCount()) > before;
    last.path = compiled ? 'compiled' : (await pathCount('partial')) > partialBefore ? 'partial' : 'resolvers';
    last.statements = a.statements;
    const b = await post(resolverApp, caller.key, query, variables);
    expect(
      { status: a.status, data: a.data, errors: comparableErrors(a.data, a.errors) },
      `${caller.name}: ${query} ${JSON.stringify(variables ?? {})}`,
    ).toEqual({ status: b.status, data: b.data, errors: comparableErrors(b.data, b.errors) });
    if (compiled)
      expect(
        a.statements,
        `a compiled read is one statement (plus the key lookup): ${seen.slice(-4, -1).join('\n')}`,
      ).toBe(2);
    return compiled;
  }

  const PARTNER_READ = `{ shops(first: 20) { edges { node {
    id name status healthStatus
    listings(first: 10) { edges { node { id title status price { minorUnits currencyCode } } } }
    violations(first: 5) { edges { node { id source points occurredAt } } }
  } } } }`;

  it('answers the partner read in one statement, with the same data as the resolvers, for every caller', async () => {
    for (const caller of callers) {
      const compiled = await same(caller, PARTNER_READ);
      // Violations need health:read (agency keys and one partner key lack it): the operation then
      // runs through the resolvers and gets their error.
      expect(compiled, caller.name).toBe(['admin', 'seller', 'partner'].includes(caller.name));
    }
    const partner = await post(compiledApp, callers[3]!.key, PARTNER_READ);
    const seen = (partner.data as { shops: { edges: { node: { id: string } }[] } }).shops.edges.map((e) => e.node.id);
    expect(seen).toEqual([shopIds[0]!, shopIds[2]!, shopIds[4]!].map((id) => gid('Shop', id)));
  });

  it('agrees on every field, argument and page of the compiled types (hand-written operations)', async () => {
    const listingFields = `__typename id title description sites status version submittedAt createdAt
      price { amount currencyCode minorUnits __typename } category { id name slug description depth restriction isTopLevel } shop { id name }`;
    const operations: [string, Record<string, unknown>?][] = [
      [
        `{ shops { pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id name sites businessModel fulfilmentMode status healthStatus migrationDeadline primaryCategorySetAt primaryCategorySource needsManualCategoryDecision createdAt primaryCategory { id name depth } } } } }`,
      ],
      [
        `query($f: ShopFilter) { shops(first: 3, filter: $f) { edges { node { id name } } pageInfo { hasNextPage endCursor } } }`,
        { f: { hasPrimaryCategory: true } },
      ],
      [
        `query($f: ShopFilter) { shops(filter: $f) { edges { node { id } } } }`,
        { f: { site: 'US', businessModel: 'CLOSED_LOOP' } },
      ],
      [
        `query($f: ShopFilter) { shops(filter: $f) { edges { node { id } } } }`,
        { f: { nameContains: 'QUOTE', status: 'ACTIVE' } },
      ],
      [
        `query($f: ShopFilter) { shops(filter: $f) { edges { node { id } } } }`,
        { f: { needsManualCategoryDecision: true } },
      ],
      [`query($f: ShopFilter) { shops(filter: $f) { edges { node { id } } } }`, { f: { nameContains: '%_wild' } }],
      [
        `query($id: ID!) { shop(id: $id) { id name listings(last: 4) { pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { ${listingFields} } } } } }`,
        { id: gid('Shop', shopIds[2]!) },
      ],
      [`query($id: ID!) { shop(id: $id) { id } }`, { id: gid('Shop', 999_999) }],
      [`query($id: ID!) { shop(id: $id) { id } }`, { id: gid('Listing', listingIds[0]!) }],
      [`query($id: ID!) { shop(id: $id) { id } }`, { id: 'not a global id' }],
      [
        `{ listings(first: 50) { edges { cursor node { ${listingFields} } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`,
      ],
      [
        `{ listingReviewQueue(first: 5) { edges { cursor node { id title submittedAt shop { id name } category { id name } } } pageInfo { hasNextPage endCursor } } }`,
      ],
      [`query($l: ID!) { listing(id: $l) { ${listingFields} } }`, { l: gid('Listing', listingIds[5]!) }],
      [
        `fragment S on Shop { id ... on Node { id } name } query Q($skip: Boolean!) { a: shops(first: 2) { edges { node { ...S n2: name @skip(if: $skip) } } } b: shops(first: 1) { __typename edges { __typename node { id } } } __typename }`,
        { skip: true },
      ],
      [
        `query($inc: Boolean!) { shops(first: 2) { edges { node { id listings(first: 2) @include(if: $inc) { edges { node { id } } } } } } }`,
        { inc: false },
      ],
      [
        `{ shops(first: 100) { edges { node { id violations(first: 3, source: LISTING) { pageInfo { hasNextPage } edges { cursor node { id source points occurredAt note createdAt listingId orderId policy { id code title description defaultPoints educationUrl } } } } } } } }`,
      ],
      [`{ shops(first: 0) { edges { node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`],
      [`{ shops(first: 2) { edges { node { id pointsBalance } } } }`],
      [
        `{ shops(first: 100) { edges { node { id listingCounts { __typename status count } c: listingCounts { count } listings(first: 2) { edges { node { id } } } } } } }`,
      ],
      [`query($id: ID!) { shop(id: $id) { listingCounts { status count } } }`, { id: gid('Shop', shopIds[0]!) }],
      [`{ shops(first: -1) { edges { node { id } } } }`],
      [`{ shops(first: 1, last: 1) { edges { node { id } } } }`],
      [`query($a: String) { shops(after: $a) { edges { node { id } } } }`, { a: 'garbage' }],
      [`query($a: String) { shops(after: $a) { edges { node { id } } } }`, { a: cursorOf(999_999) }],
    ];
    for (const sort of ['ID', 'SUBMITTED_AT_ASC', 'SUBMITTED_AT_DESC', 'PRICE_ASC', 'PRICE_DESC']) {
      operations.push([
        `query($s: ListingSort) { listings(sort: $s, first: 4) { edges { cursor node { id priceAmount: price { minorUnits } submittedAt } } pageInfo { hasNextPage endCursor } } }`,
        { s: sort },
      ]);
    }
    const filters = [
      { status: 'ACTIVE' },
      { categoryId: gid('Category', world.categories.beauty) },
      { site: 'GB' },
      { rejectionReason: 'OUTSIDE_PRIMARY_CATEGORY' },
      { submittedAfter: '2024-03-02T00:00:00.000Z', submittedBefore: '2024-03-03T10:00:00.250Z' },
      { status: 'REJECTED', categoryId: gid('Category', world.categories.home) },
    ];
    for (const filter of filters) {
      operations.push([
        `query($f: ListingFilter) { listings(first: 100, filter: $f) { edges { node { id status } } } }`,
        { f: filter },
      ]);
      operations.push([
        `query($f: ListingFilter) { shops(first: 100) { edges { node { id listings(first: 100, filter: $f, sort: PRICE_DESC) { edges { node { id } } } } } } }`,
        { f: filter },
      ]);
    }
    let compiled = 0;
    for (const [query, variables] of operations) {
      for (const caller of callers) if (await same(caller, query, variables)) compiled++;
    }
    // Most of these compile (the rest check the fallback answers identically).
    expect(compiled).toBeGreaterThan(operations.length * 2);
  });

  it('answers node and nodes in one statement, with the reach and read scopes of the resolvers', async () => {
    const fields = `__typename id
      ... on Listing { title listingStatus: status price { minorUnits } shop { id name } }
      ... on Shop { name status listings(first: 2) { edges { node { id } } } }
      ... on Violation { points source policy { code } }
      ... on Category { name depth }
      ... on Policy { code }
      ... on ListingReview { decision }`;
    const ids = [
      gid('Listing', listingIds[0]!),
      gid('Listing', listingIds[9]!),
      gid('Shop', shopIds[2]!),
      gid('Shop', shopIds[5]!),
      gid('Violation', violationIds[0]!),
      gid('Violation', violationIds[violationIds.length - 1]!),
      gid('Category', world.categories.beauty),
      gid('Policy', 1),
      gid('Listing', 999_999),
      gid('Listing', listingIds[0]!),
    ];
    const review = await db.prisma.listingReview.findFirst({ select: { id: true } });
    ids.push(gid('ListingReview', review!.id));
    const single = `query($id: ID!) { node(id: $id) { ${fields} } }`;
    const many = `query($ids: [ID!]!) { nodes(ids: $ids) { ${fields} } }`;
    for (const caller of callers) {
      for (const id of ids) {
        // Compiled for every type with a reach in SQL (the answer then one statement, for an administrator too).
        const compiled = await same(caller, single, { id });
        if (caller.name === 'admin') expect(compiled, Buffer.from(id, 'base64').toString()).toBe(true);
      }
      for (const list of [ids, [], ids.slice(0, 3).reverse(), [ids[0]!, ids[0]!]]) {
        const compiled = await same(caller, many, { ids: list });
        if (caller.name === 'admin') expect(compiled).toBe(true);
      }
    }
    // Types whose reach has no SQL form, IDs the input guard refuses, ids beyond the column's range and too many ids: the resolvers answer.
    const order = await db.prisma.order.findFirst({ select: { id: true } });
    const fallbacks: Record<string, unknown>[] = [
      { id: gid('Listing', 2 ** 40) },
      { id: gid('Nope', 1) },
      ...(order ? [{ id: gid('Order', order.id) }] : []),
    ];
    for (const variables of fallbacks) expect(await same(callers[0]!, single, variables)).toBe(false);
    expect(await same(callers[0]!, many, { ids: Array.from({ length: 101 }, () => ids[0]!) })).toBe(false);
  });

  const planLookups = async () => {
    const metric = await compiledApp.metrics.plans.get();
    const of = (result: string) => metric.values.find((v) => v.labels.result === result)?.value ?? 0;
    return { compiled: of('compiled'), reused: of('reused') };
  };

  it('reuses one plan per caller shape for new variables every request, answering as the resolvers', async () => {
    // The varying-variables bench document: shops in and out of each caller's reach, page sizes 1–10.
    const query = `query ShopPage($id: ID!, $l: Int!, $v: Int!) {
      shop(id: $id) { id name status
        listings(first: $l) { edges { node { id title status price { minorUnits currencyCode } } } }
        violations(first: $v) { edges { node { id source points occurredAt } } }
      }
    }`;
    const ids = [...shopIds, 999_999].map((id) => gid('Shop', id));
    for (const caller of callers) {
      const before = await planLookups();
      const runs = ids.length * 2;
      for (let i = 0; i < runs; i++)
        await same(caller, query, { id: ids[i % ids.length], l: 1 + (i % 10), v: 1 + ((i * 3) % 10) });
      const after = await planLookups();
      // Callers without health:read fall back to the resolvers, whose plans are kept per value.
      if (['admin', 'seller', 'partner'].includes(caller.name)) {
        expect(after.compiled - before.compiled, caller.name).toBe(1);
        expect(after.reused - before.reused, caller.name).toBe(runs - 1);
      }
    }
    // Another typename, a node of each type, cursors and null page sizes: each still answers as the resolvers.
    const admin = callers[0]!;
    await same(admin, query, { id: gid('Listing', listingIds[0]!), l: 2, v: 2 });
    await same(admin, query, { id: gid('Shop', shopIds[1]!), l: 101, v: 0 });
    const page = `query($n: Int, $a: String, $s: ListingSort) { listings(first: $n, after: $a, sort: $s) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`;
    for (const caller of callers)
      for (const [n, a, s] of [
        [3, null, 'PRICE_ASC'],
        [5, null, 'PRICE_ASC'],
        [null, null, 'ID'],
        [2, cursorOf(listingIds[3]!), 'ID'],
        [4, cursorOf(listingIds[5]!), 'ID'],
        [4, cursorOf(999_999), 'PRICE_DESC'],
      ] as const)
        await same(caller, page, { n, a, s });
  });

  it('agrees on random variable values through one plan cache (property test)', async () => {
    const documents = [
      `query($id: ID!, $l: Int!, $v: Int) { shop(id: $id) { id name listings(first: $l) { edges { node { id title } } pageInfo { hasNextPage } } violations(last: $v) { edges { node { id points } } } } }`,
      `query($id: ID!) { node(id: $id) { __typename id ... on Shop { name } ... on Listing { title shop { id } } ... on Violation { points } } }`,
      `query($id: ID!, $n: Int) { listing(id: $id) { id title shop { id listings(first: $n) { edges { node { id } } } } } }`,
      `query($n: Int, $s: ListingSort, $st: ListingStatus) { listings(first: $n, sort: $s, filter: { status: $st }) { edges { node { id status } } pageInfo { hasNextPage } } }`,
      `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`,
    ];
    const id = fc.oneof(
      fc.constantFrom(...shopIds).map((n) => gid('Shop', n)),
      fc.constantFrom(...listingIds).map((n) => gid('Listing', n)),
      fc.constantFrom(...violationIds).map((n) => gid('Violation', n)),
      fc.constantFrom(gid('Shop', 999_999), gid('Listing', 2 ** 31 - 1), gid('Shop', '07'), 'garbage'),
    );
    const size = fc.oneof(fc.integer({ min: 1, max: 12 }), fc.constantFrom(0, 100, 150, null));
    const values = fc.record({
      id,
      l: fc.integer({ min: 1, max: 12 }),
      v: size,
      n: size,
      s: fc.constantFrom('ID', 'PRICE_ASC', 'SUBMITTED_AT_DESC', null),
      st: fc.constantFrom(...STATUSES, null),
      ids: fc.array(id, { maxLength: 4 }),
    });
    const before = await planLookups();
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...documents),
        fc.constantFrom(...callers),
        values,
        async (query, caller, vars) => {
          runs++;
          await same(caller, query, vars);
        },
      ),
      { numRuns: 150, seed: 20261207 },
    );
    const after = await planLookups();
    // Plans were bound to new values, not compiled for each (most draws here are new kinds: typenames, nulls, enums).
    expect(after.reused - before.reused).toBeGreaterThan(10);
    expect(after.compiled - before.compiled).toBeLessThan(runs);
  });

  it('counts listings by status inside the one statement (every status, zeros included)', async () => {
    const query = `{ shops(first: 100) { edges { node { id listingCounts { status count } } } } }`;
    for (const caller of callers) await same(caller, query);
    // Compiled (then one statement, which `same` checks) for a caller with listings:read.
    expect(await same(callers[0]!, query)).toBe(true);
    expect(await same(callers[3]!, query)).toBe(true);
  });

  it('sums points balances and tells violation status as of the clock or asOf, in the one statement', async () => {
    const query = `query($at: DateTime) { shops(first: 6) { edges { node { id now: pointsBalance at: pointsBalance(asOf: $at)
      violations(first: 12) { edges { node { id points status expiresAt remainingPoints } } } } } } }`;
    // Around the entries: before any, an addition's instant, mid-removal, an expiry's instant, after all.
    const instants = [
      '2023-12-31T00:00:00.000Z',
      '2024-01-02T12:00:00.000Z',
      '2024-01-20T00:00:00.000Z',
      '2024-03-31T12:00:00.000Z',
      '2024-04-02T12:00:00.000Z',
      '2030-01-01T00:00:00.000Z',
    ];
    const answers = new Set<string>();
    try {
      for (const clock of [instants[2]!, instants[4]!, instants[5]!]) {
        await setClock(clock);
        for (const at of [null, instants[0]!, instants[1]!, instants[3]!, instants[5]!]) {
          for (const caller of callers) {
            const compiled = await same(caller, query, { at });
            // Without health:read the resolvers answer, with their error.
            expect(compiled, caller.name).toBe(['admin', 'seller', 'partner'].includes(caller.name));
          }
          const { data } = await post(compiledApp, callers[0]!.key, query, { at });
          answers.add(JSON.stringify(data));
        }
      }
      // An advancing sandbox clock (set an hour ago), and no sandbox clock at all (the real time).
      for (const [clock, ago] of [
        [instants[2]!, 3_600_000],
        [null, null],
      ] as const) {
        await setClock(clock, ago);
        for (const caller of callers)
          expect(await same(caller, query, { at: null })).toBe(
            caller.name !== 'agency' && caller.name !== 'partner without health:read',
          );
      }
    } finally {
      await setClock(null);
    }
    // The instants chosen give different answers (the comparison above is not of zeros), every status among them.
    expect(answers.size).toBeGreaterThan(8);
    const statuses = new Set([...answers].flatMap((json) => [...json.matchAll(/"status":"(\w+)"/g)].map((m) => m[1])));
    expect([...statuses].sort()).toEqual(['ACTIVE', 'APPEALED', 'EXPIRED', 'REMOVED']);
  });

  it('reads the clock when the statement runs: a moved sandbox clock changes the next answer of the same plan', async () => {
    const admin = callers[0]!;
    const query = `query($id: ID!) { shop(id: $id) { pointsBalance violations(first: 20) { edges { node { id status remainingPoints } } } } }`;
    await expectClockFollowed(
      admin,
      query,
      { id: gid('Shop', shopIds[4]!) },
      '2024-01-20T00:00:00.000Z',
      '2024-04-02T12:00:00.000Z',
    );
  });

  it('tells tier standing and the distance to the next tier as of the clock or asOf, in the one statement', async () => {
    const money = '{ amount minorUnits currencyCode }';
    const tierFields = `id code name rank supportLevel selfShippingAllowed minTrailingRevenue ${money} minLastMonthSales ${money}`;
    const query = `query($at: DateTime) { shops(first: 6) { edges { node { id tier { code } tierPrivileges { supportLevel selfShippingAllowed }
      metrics(asOf: $at) { __typename asOf trailingRevenue ${money} trailingWindowStart lastMonthSales ${money} lastMonthStart lastMonthEnd qualifyingTier { ${tierFields} } }
      now: metrics { asOf trailingWindowStart qualifyingTier { code } }
      distanceToNextTier(asOf: $at) { __typename tier { ${tierFields} } trailingRevenueNeeded ${money} lastMonthSalesNeeded ${money} }
      next: distanceToNextTier { tier { code } trailingRevenueNeeded { minorUnits } } } } } }`;
    // The windows' edges (TIER_AS_OF; 29 February, whose trailing start is clamped to 28 February 2023; a month's first instant), before and after every order.
    const instants = [
      '2024-03-31T12:00:00.000Z',
      '2024-02-29T00:00:00.000Z',
      '2024-03-01T00:00:00.000Z',
      '2024-02-01T00:00:00.000Z',
      '2023-01-01T00:00:00.000Z',
      '2026-01-01T00:00:00.000Z',
    ];
    const byShop = (data: unknown) =>
      (data as { shops: { edges: { node: Record<string, unknown> }[] } }).shops.edges.map((e) => e.node);
    const answers = new Set<string>();
    try {
      for (const clock of [instants[0]!, instants[2]!]) {
        await setClock(clock);
        for (const at of [null, ...instants]) {
          for (const caller of callers) {
            const compiled = await same(caller, query, { at });
            // Without revenue:read the resolvers answer, with their error.
            expect(compiled, caller.name).toBe(['admin', 'partner'].includes(caller.name));
          }
          answers.add(JSON.stringify((await post(compiledApp, callers[0]!.key, query, { at })).data));
        }
      }
      // Exactly at the established tier's thresholds, the top tier (no next tier), one cent short, no revenue.
      await setClock(instants[0]!);
      const shops = byShop((await post(compiledApp, callers[0]!.key, query, { at: null })).data);
      expect(shops.map((s) => (s.metrics as { qualifyingTier: { code: string } }).qualifyingTier.code)).toEqual([
        'ENTRY',
        'ESTABLISHED',
        'STRATEGIC',
        'ENTRY',
        'ESTABLISHED',
        'ENTRY',
      ]);
      expect(shops[1]!.metrics).toMatchObject({
        trailingRevenue: { minorUnits: '100000000' },
        lastMonthSales: { minorUnits: '6500000' },
      });
      expect(shops[2]!.distanceToNextTier).toBeNull();
      expect(shops[3]!.distanceToNextTier).toMatchObject({
        tier: { code: 'ESTABLISHED' },
        trailingRevenueNeeded: { amount: '0.01' },
        lastMonthSalesNeeded: { amount: '0.00' },
      });
      expect(shops[5]!.tierPrivileges).toEqual({ supportLevel: 'DEDICATED', selfShippingAllowed: true });
      // An advancing sandbox clock and the real time: the windows move by the millisecond, so only the sums are compared.
      const sums = `{ shops(first: 6) { edges { node { id metrics { trailingRevenue { minorUnits } lastMonthSales { minorUnits } qualifyingTier { code } }
        distanceToNextTier { tier { code } trailingRevenueNeeded { amount } lastMonthSalesNeeded { amount } } } } } }`;
      for (const [clock, ago] of [
        [instants[0]!, 3_600_000],
        [null, null],
      ] as const) {
        await setClock(clock, ago);
        for (const caller of callers) expect(await same(caller, sums)).toBe(['admin', 'partner'].includes(caller.name));
      }
    } finally {
      await setClock(null);
    }
    expect(answers.size).toBeGreaterThan(6);
  });

  it('reads the clock for the tier metrics when the statement runs, on one plan', async () => {
    const admin = callers[0]!;
    const query = `query($id: ID!) { shop(id: $id) { metrics { asOf lastMonthSales { minorUnits } qualifyingTier { code } } distanceToNextTier { tier { code } } } }`;
    await expectClockFollowed(
      admin,
      query,
      { id: gid('Shop', shopIds[1]!) },
      '2024-03-31T12:00:00.000Z',
      '2024-05-01T00:00:00.000Z',
    );
  });

  /** How many scans of `table` the plan of the admin's compiled `query` has (EXPLAIN of the statement). */
  async function scansIn(query: string, variables: Record<string, unknown>, table: string): Promise<number> {
    const { viewer } = await authenticateApiKey(db.prisma, `Bearer ${callers[0]!.key}`);
    const context = createContext({ prisma: db.prisma, viewer, requestId: 'explain', production: false });
    const result = await compileRead({ schema, document: parse(query), variableValues: variables, context });
    if (!result.ok) throw new Error(result.reason);
    const plan = await db.queryText({ text: `EXPLAIN ${result.read.text}`, values: executionValues(result.read) });
    // A scan node's line names its table: `Index Scan using … on "Order" sw_o`.
    return plan.filter((line) => line.toString('utf8').includes(` on "${table}" `)).length;
  }

  it('sums the orders once per shop for metrics and distanceToNextTier together, answering as the resolvers', async () => {
    const both = `query($id: ID!, $at: DateTime) { shop(id: $id) {
      metrics { trailingRevenue { amount } lastMonthSales { amount } qualifyingTier { code } }
      distanceToNextTier { tier { code } trailingRevenueNeeded { amount } lastMonthSalesNeeded { amount } }
      again: metrics { asOf trailingWindowStart }
      at: metrics(asOf: $at) { trailingRevenue { minorUnits } } } }`;
    const answers = new Set<string>();
    try {
      for (const clock of ['2024-03-31T12:00:00.000Z', '2024-02-29T00:00:00.000Z']) {
        await setClock(clock);
        for (const id of shopIds) {
          const variables = { id: gid('Shop', id), at: '2024-03-01T00:00:00.000Z' };
          // Without revenue:read the resolvers answer these fields, with their error.
          for (const caller of callers)
            expect(await same(caller, both, variables), caller.name).toBe(['admin', 'partner'].includes(caller.name));
          answers.add(JSON.stringify((await post(compiledApp, callers[0]!.key, both, variables)).data));
        }
      }
    } finally {
      await setClock(null);
    }
    expect(answers.size).toBeGreaterThan(6);
    // The two fields as of the clock share one sum over the shop's orders; metrics(asOf:) has its own.
    const variables = { id: gid('Shop', shopIds[1]!), at: '2024-03-01T00:00:00.000Z' };
    expect(await scansIn(both, variables, 'Order')).toBe(2);
    // The platform clock is computed once per statement, not once per use.
    expect(await scansIn(both, variables, 'PlatformSettings')).toBe(1);
  });

  it('tells the pending actions as the resolvers do while the settings row does not exist yet', async () => {
    const query = `{ shops(first: 6) { edges { node { id primaryCategory { id } pendingActions { __typename kind deadline overdue message } } } } }`;
    const row = await db.prisma.platformSettings.findUniqueOrThrow({ where: { id: 1 } });
    try {
      for (const caller of callers) {
        // The resolvers create the row: delete it before each comparison.
        await db.prisma.platformSettings.deleteMany({});
        expect(await same(caller, query), caller.name).toBe(true);
      }
      await db.prisma.platformSettings.deleteMany({});
      const { data } = await post(compiledApp, callers[0]!.key, query);
      expect(JSON.stringify(data)).toContain('SELECT_PRIMARY_CATEGORY');
    } finally {
      await db.prisma.platformSettings.deleteMany({});
      await db.prisma.platformSettings.create({ data: row });
    }
  });

  it("tells a shop's pending actions and whether they are overdue by the clock, in the one statement", async () => {
    const query = `{ shops(first: 6) { edges { node { id businessModel migrationDeadline
      pendingActions { __typename kind deadline overdue message } } } } }`;
    // Around the confirm deadline (the end of 7 February) and a SEMI_CLOSED_LOOP shop's migration deadline.
    const clocks = [
      '2024-01-01T00:00:00.000Z',
      '2024-02-07T23:59:59.999Z',
      '2024-02-08T00:00:00.000Z',
      '2024-06-30T23:59:59.998Z',
      '2024-06-30T23:59:59.999Z',
    ];
    const answers = new Set<string>();
    await db.prisma.shop.update({ where: { id: shopIds[5]! }, data: { needsManualCategoryDecision: true } });
    const semiClosed = { where: { id: shopIds[3]! } };
    await db.prisma.shop.update({ ...semiClosed, data: { migrationDeadline: new Date('2024-06-30T23:59:59.999Z') } });
    try {
      for (const clock of clocks) {
        await setClock(clock);
        for (const caller of callers) expect(await same(caller, query), caller.name).toBe(true);
        answers.add(JSON.stringify((await post(compiledApp, callers[0]!.key, query)).data));
      }
    } finally {
      await setClock(null);
      await db.prisma.shop.update({ where: { id: shopIds[5]! }, data: { needsManualCategoryDecision: false } });
      await db.prisma.shop.update({ ...semiClosed, data: { migrationDeadline: null } });
    }
    const all = [...answers].join();
    // Each deadline's last millisecond answers as the clock before it; the millisecond after, not.
    expect(answers.size).toBe(3);
    for (const text of [
      'MIGRATE_BUSINESS_MODEL',
      'SELECT_PRIMARY_CATEGORY',
      'policy team will decide',
      '"overdue":true',
    ])
      expect(all).toContain(text);
  });

  it("counts an event's seats across every shop's registrations, in the one statement", async () => {
    const events = [];
    for (const capacity of [2, 5]) {
      events.push(
        await db.prisma.sellerEvent.create({
          data: {
            title: `Workshop for ${capacity}`,
            description: 'x',
            city: 'Leeds',
            venue: 'Hall',
            startsAt: new Date('2024-06-01T09:00:00Z'),
            endsAt: new Date('2024-06-01T17:00:00Z'),
            capacity,
            registrationClosesAt: new Date('2024-05-25T00:00:00Z'),
          },
        }),
      );
    }
    const statuses = ['CONFIRMED', 'CONFIRMED', 'WAITLISTED', 'CANCELLED', 'WAITLISTED', 'CONFIRMED'] as const;
    for (const [i, shopId] of shopIds.entries()) {
      for (const [e, event] of events.entries()) {
        // The second event: shop 0 cancelled and shop 5 not registered.
        if (e === 1 && i === 5) continue;
        const status = e === 1 && i === 0 ? 'CANCELLED' : statuses[i]!;
        await db.prisma.eventRegistration.create({ data: { eventId: event.id, shopId, status } });
      }
    }
    const query = `query($id: ID!) { shop(id: $id) { eventRegistrations(first: 5) { edges { node { status
      event { id capacity confirmedCount waitlistCount seatsLeft } } } } } }`;
    const counts = new Set<string>();
    for (const shopId of shopIds) {
      for (const caller of callers) {
        const compiled = await same(caller, query, { id: gid('Shop', shopId) });
        if (caller.name === 'admin') expect(compiled).toBe(true);
      }
      const { data } = await post(compiledApp, callers[0]!.key, query, { id: gid('Shop', shopId) });
      for (const m of JSON.stringify(data).matchAll(/"confirmedCount":\d+,"waitlistCount":\d+,"seatsLeft":\d+/g))
        counts.add(m[0]);
    }
    // One event over its capacity (0 left, never negative), one with seats left.
    expect([...counts].sort()).toEqual([
      '"confirmedCount":1,"waitlistCount":2,"seatsLeft":4',
      '"confirmedCount":3,"waitlistCount":2,"seatsLeft":0',
    ]);
  });

  const REPORT =
    'healthReport(weekOf: "2024-01-03T00:00:00.000Z") { issued healthAtEnd pointsAtEnd byPolicy { code count } }';

  it('compiles what has a SQL form and resolves only the rest, with the data and errors of the resolvers', async () => {
    const operations: [string, Record<string, unknown>?][] = [
      [
        `{ shops(first: 100) { edges { node { id name ${REPORT} listings(first: 10) { edges { node { id title latestReview { decision automatic toStatus reasons { code } } } } } } } } }`,
      ],
      [
        `query($id: ID!) { shop(id: $id) { id name metrics(asOf: "2024-03-01T00:00:00.000Z") { asOf } listings(first: 10) { edges { node { id category { name effectiveRestriction } } } } } }`,
        { id: gid('Shop', shopIds[2]!) },
      ],
      [
        `{ policies(first: 2) { edges { node { code } } } shops(first: 3) { edges { node { id primaryCategory { id effectiveRestriction } } } } }`,
      ],
      [
        `{ listings(first: 20, sort: PRICE_DESC) { pageInfo { hasNextPage } edges { cursor node { id price { minorUnits } latestReview { id decision } shop { id r: ${REPORT} } } } } }`,
      ],
      [`{ viewer { role } a: shops(first: 2) { edges { node { id } } } }`],
      [
        `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Listing { title latestReview { decision } } } }`,
        { ids: listingIds.slice(0, 8).map((id) => gid('Listing', id)) },
      ],
      // A root without a SQL form beside one with: partial (administrators), else the root's error.
      [`{ platformJobs { name } policies(first: 1) { edges { node { code } } } }`],
    ];
    const paths = new Set<string>();
    for (const [query, variables] of operations) {
      for (const caller of callers) {
        await same(caller, query, variables);
        paths.add(`${caller.name}:${last.path}`);
      }
    }
    // Every caller reads most of these partially (a partner without health:read too: its reports are errors).
    for (const caller of callers) expect(paths.has(`${caller.name}:partial`), caller.name).toBe(true);
  });

  const LATEST =
    'latestReview { __typename id decision automatic fromStatus toStatus note listingVersion createdAt listing { id status } }';
  /** The decision of each status's latest review (reviewHistory and the rejections): none for a draft. */
  const LATEST_DECISION: Record<ListingStatus, string | null> = {
    DRAFT: null,
    PENDING_REVIEW: 'SUBMITTED',
    ACTIVE: 'APPROVED',
    REJECTED: 'REJECTED',
    SUSPENDED: 'SUSPENDED',
  };

  it("reads a listing's latest review in the one statement: the highest id of several, null for a draft never submitted", async () => {
    const listingsRead = `{ listings(first: 100) { edges { node { id status ${LATEST} } } } }`;
    const operations: [string, Record<string, unknown>?][] = [
      [listingsRead],
      [
        `query($id: ID!) { shop(id: $id) { id listings(first: 10, sort: PRICE_DESC) { edges { node { id ${LATEST} } } } } }`,
        { id: gid('Shop', shopIds[2]!) },
      ],
      [
        `query($id: ID!) { listing(id: $id) { id l: latestReview { decision } latestReview { toStatus ... on Node { id } } } }`,
        { id: gid('Listing', listingIds[1]!) },
      ],
      [
        `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Listing { ${LATEST} } } }`,
        { ids: listingIds.slice(0, 12).map((id) => gid('Listing', id)) },
      ],
      [`{ listings(first: 5) { edges { node { latestReview { listing { latestReview { id decision } } } } } } }`],
    ];
    const partner = await db.prisma.account.findFirstOrThrow({ where: { kind: 'PARTNER' }, select: { id: true } });
    const withoutScope = {
      name: 'partner without listings:read',
      key: (await createKey(db.prisma, 'PARTNER', { accountId: partner.id, scopes: ['shops:read'] })).key,
    };
    for (const [query, variables] of operations) {
      for (const caller of callers) expect(await same(caller, query, variables), caller.name).toBe(true);
      // Without listings:read the resolvers refuse as before; `nodes` answers null for a Listing ID in the statement.
      expect(await same(withoutScope, query, variables)).toBe(query.includes('nodes('));
    }
    const { data } = await post(compiledApp, callers[0]!.key, listingsRead);
    const nodes = (
      data as { listings: { edges: { node: { status: ListingStatus; latestReview: { decision: string } | null } }[] } }
    ).listings.edges.map((e) => e.node);
    expect(nodes.map((n) => n.latestReview?.decision ?? null)).toEqual(nodes.map((n) => LATEST_DECISION[n.status]));
    expect(nodes.filter((n) => n.status === 'SUSPENDED').length).toBeGreaterThan(0);
  });

  it('reads the latest review of every row in the one statement, whatever the rows', async () => {
    const admin = callers[0]!;
    for (const n of [1, 20, 100]) {
      // The key lookup and the compiled statement (`same` counts them).
      expect(await same(admin, `{ listings(first: ${n}) { edges { node { id title ${LATEST} } } } }`)).toBe(true);
    }
    // The bench read's shape (latest-review), over 1 to every shop.
    for (const n of [1, 2, 6]) {
      const shops = `{ shops(first: ${n}) { edges { node { id listings(first: 10) { edges { node { id latestReview { decision toStatus } } } } } } } }`;
      expect(await same(admin, shops)).toBe(true);
    }
  });

  it('resolves a field without a SQL form once per request, not once per row (statements fixed by the shape)', async () => {
    const admin = callers[0]!;
    const count = async (query: string) => {
      await same(admin, query);
      expect(last.path, query).toBe('partial');
      return last.statements;
    };
    // The key lookup and the compiled statement, which carries the deferred field's rows, the grants and the settings its resolver takes.
    const listings = (n: number, fields: string) =>
      `{ listings(first: ${n}) { edges { node { id title ${fields} } } } }`;
    // The shop is in the statement; its category eligibility (no SQL form) is reloaded for every shop at once.
    const eligibility = 'shop { id categoryEligibility { status } }';
    // Once first: the category index is then cached, as after any request.
    await count(listings(1, eligibility));
    for (const n of [1, 20, 100]) expect(await count(listings(n, eligibility)), `${n} rows`).toBe(2);
    const shops = (n: number) =>
      `{ shops(first: ${n}) { edges { node { id categoryEligibility { status } listings(first: 10) { edges { node { id } } } } } } }`;
    expect(await count(shops(2))).toBe(2);
    expect(await count(shops(6))).toBe(2);
    // A shop many rows reach has its live health report computed once, not once per row.
    const { data } = await post(compiledApp, admin.key, `{ listings(first: 1) { edges { node { shop { id } } } } }`);
    const shopId = (data as { listings: { edges: { node: { shop: { id: string } } }[] } }).listings.edges[0]!.node.shop
      .id;
    const report = (n: number) =>
      `{ shop(id: "${shopId}") { listings(first: ${n}) { edges { node { id shop { id healthReport { violationCount } } } } } } }`;
    const once = await count(report(1));
    for (const n of [20, 100]) expect(await count(report(n)), `${n} rows`).toBe(once);
  });

  it('walks every connection page by page, forwards and backwards, to the same rows', async () => {
    const admin = callers[0]!;
    for (const sort of ['ID', 'PRICE_ASC', 'SUBMITTED_AT_DESC']) {
      let after: string | null = null;
      const forward: string[] = [];
      for (let page = 0; page < 40; page++) {
        const query = `query($a: String, $s: ListingSort) { listings(first: 3, after: $a, sort: $s) { edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
        expect(await same(admin, query, { a: after, s: sort })).toBe(true);
        const { data } = await post(compiledApp, admin.key, query, { a: after, s: sort });
        const conn = (
          data as {
            listings: {
              edges: { node: { id: string } }[];
              pageInfo: { hasNextPage: boolean; endCursor: string | null };
            };
          }
        ).listings;
        forward.push(...conn.edges.map((e) => e.node.id));
        if (!conn.pageInfo.hasNextPage) break;
        after = conn.pageInfo.endCursor;
      }
      let before: string | null = null;
      const backward: string[] = [];
      for (let page = 0; page < 40; page++) {
        const query = `query($b: String, $s: ListingSort) { listings(last: 4, before: $b, sort: $s) { edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
        expect(await same(admin, query, { b: before, s: sort })).toBe(true);
        const { data } = await post(compiledApp, admin.key, query, { b: before, s: sort });
        const conn = (
          data as {
            listings: {
              edges: { node: { id: string } }[];
              pageInfo: { hasPreviousPage: boolean; startCursor: string | null };
            };
          }
        ).listings;
        backward.unshift(...conn.edges.map((e) => e.node.id));
        if (!conn.pageInfo.hasPreviousPage) break;
        before = conn.pageInfo.startCursor;
      }
      expect(new Set(forward).size).toBe(forward.length);
      expect(backward).toEqual(forward);
    }
  });

  // The same seed on both: PGlite runs the first 60 of the 200 operations PostgreSQL runs (all 200 alone).
  const propertyRuns = target === 'pglite' && testTargets().includes('postgres') ? 60 : 200;
  it(`agrees on random operations over the compiled fields (property test, ${propertyRuns} runs)`, async () => {
    const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);
    const some = (xs: readonly string[]) => fc.subarray([...xs], { minLength: 1 }).map((f) => f.join(' '));
    const cursorArb = fc.oneof(
      pick([...listingIds, ...violationIds, ...shopIds, 999_999]).map(cursorOf),
      fc.constant('bad'),
    );
    const pageArb = fc.oneof(
      fc.constant(''),
      fc.integer({ min: 0, max: 6 }).map((n) => `first: ${n}`),
      fc.integer({ min: 0, max: 6 }).map((n) => `last: ${n}`),
      fc.tuple(fc.integer({ min: 1, max: 6 }), cursorArb).map(([n, c]) => `first: ${n}, after: "${c}"`),
      fc.tuple(fc.integer({ min: 1, max: 6 }), cursorArb).map(([n, c]) => `last: ${n}, before: "${c}"`),
    );
    const pageInfoArb = fc.option(
      some(['hasNextPage', 'hasPreviousPage', 'startCursor', 'endCursor', '__typename']).map(
        (f) => `pageInfo { ${f} }`,
      ),
      { nil: '' },
    );
    const category = some([
      'id',
      'name',
      'slug',
      'description',
      'depth',
      'restriction',
      'isTopLevel',
      '__typename',
      'effectiveRestriction',
    ]).map((f) => `{ ${f} }`);
    const listingNode = fc
      .tuple(
        some([
          'id',
          'title',
          'description',
          'sites',
          'status',
          'version',
          'submittedAt',
          'createdAt',
          '__typename',
          'price { amount minorUnits currencyCode }',
          'latestReview { decision automatic reasons { code } }',
          'latestReview { id decision fromStatus toStatus note listingVersion createdAt listing { id status } }',
        ]),
        fc.option(category, { nil: undefined }),
        fc.boolean(),
      )
      .map(([f, c, shop]) => `${f} ${c ? `category ${c}` : ''} ${shop ? 'shop { id name }' : ''}`);
    const connection = (node: fc.Arbitrary<string>) =>
      fc
        .tuple(node, pageInfoArb, fc.boolean())
        .map(([n, pi, cursor]) => `{ edges { ${cursor ? 'cursor' : ''} node { ${n} } } ${pi} }`);
    const listingArgs = fc
      .tuple(
        pageArb,
        fc.option(pick(['ID', 'SUBMITTED_AT_ASC', 'SUBMITTED_AT_DESC', 'PRICE_ASC', 'PRICE_DESC']), { nil: undefined }),
        fc.option(pick(STATUSES), { nil: undefined }),
      )
      .map(([p, s, st]) =>
        [p, s ? `sort: ${s}` : '', st ? `filter: { status: ${st} }` : ''].filter(Boolean).join(', '),
      );
    const violationNode = some([
      'id',
      'source',
      'points',
      'occurredAt',
      'note',
      'createdAt',
      'listingId',
      'orderId',
      'policy { id code title }',
      'status',
      'expiresAt',
      'remainingPoints',
    ]);
    const shopNode = fc
      .tuple(
        some([
          'id',
          'name',
          'sites',
          'businessModel',
          'fulfilmentMode',
          'status',
          'healthStatus',
          'migrationDeadline',
          'primaryCategorySetAt',
          'primaryCategorySource',
          'needsManualCategoryDecision',
          'createdAt',
          'listingCounts { status count }',
          'listingCounts { __typename count }',
          'pointsBalance',
          'asOf: pointsBalance(asOf: "2024-01-20T00:00:00.000Z")',
          'tier { code } tierPrivileges { supportLevel selfShippingAllowed }',
          'pendingActions { kind deadline overdue }',
          'metrics(asOf: "2024-03-31T12:00:00.000Z") { trailingRevenue { amount } lastMonthStart qualifyingTier { code rank } }',
          'distanceToNextTier(asOf: "2024-02-29T00:00:00.000Z") { tier { id name } lastMonthSalesNeeded { minorUnits currencyCode } }',
          REPORT,
        ]),
        fc.option(fc.tuple(listingArgs, connection(listingNode)), { nil: undefined }),
        fc.option(fc.tuple(pageArb, fc.option(pick(SOURCES), { nil: undefined }), connection(violationNode)), {
          nil: undefined,
        }),
        fc.option(category, { nil: undefined }),
      )
      .map(([f, l, v, c]) =>
        [
          f,
          l ? `listings${l[0] ? `(${l[0]})` : ''} ${l[1]}` : '',
          v
            ? `violations${v[0] || v[1] ? `(${[v[0], v[1] ? `source: ${v[1]}` : ''].filter(Boolean).join(', ')})` : ''} ${v[2]}`
            : '',
          c ? `primaryCategory ${c}` : '',
        ].join(' '),
      );
    const nodeIdArb = fc.oneof(
      pick(listingIds).map((id) => gid('Listing', id)),
      pick(shopIds).map((id) => gid('Shop', id)),
      pick(violationIds).map((id) => gid('Violation', id)),
      pick([999_999, ...listingIds.slice(0, 2)]).map((id) => gid(['Listing', 'Shop', 'Violation'][id % 3]!, id)),
    );
    const nodeFragment = fc.oneof(
      listingNode.map((f) => `... on Listing { ${f} }`),
      shopNode.map((f) => `... on Shop { ${f} }`),
      violationNode.map((f) => `... on Violation { ${f} }`),
    );
    const root = fc.oneof(
      fc.tuple(pageArb, connection(shopNode)).map(([p, c]) => `shops${p ? `(${p})` : ''} ${c}`),
      fc.tuple(pick(shopIds), shopNode).map(([id, n]) => `shop(id: "${gid('Shop', id)}") { ${n} }`),
      fc.tuple(listingArgs, connection(listingNode)).map(([a, c]) => `listings${a ? `(${a})` : ''} ${c}`),
      fc.tuple(pageArb, connection(listingNode)).map(([p, c]) => `listingReviewQueue${p ? `(${p})` : ''} ${c}`),
      fc.tuple(pick(listingIds), listingNode).map(([id, n]) => `listing(id: "${gid('Listing', id)}") { ${n} }`),
      // One type's fragment per node: fields of different types under one name would conflict.
      fc.tuple(nodeIdArb, nodeFragment).map(([id, f]) => `node(id: "${id}") { __typename ${f} }`),
      fc
        .tuple(fc.array(nodeIdArb, { maxLength: 6 }), nodeFragment)
        .map(([ids, f]) => `nodes(ids: ${JSON.stringify(ids)}) { id ${f} }`),
      // A root computed from the caller (compiledFromContext), and a catalogue.
      fc.constantFrom('viewer { role reachableShopCount }', 'policies(first: 2) { edges { node { code title } } }'),
    );
    let compiled = 0;
    let partial = 0;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(root, { minLength: 1, maxLength: 2 }), pick(callers), async (roots, caller) => {
        const query = `{ ${roots.map((r, i) => `r${i}: ${r}`).join(' ')} }`;
        runs++;
        if (await same(caller, query)) compiled++;
        if (last.path === 'partial') partial++;
      }),
      { numRuns: propertyRuns, seed: 20261201 },
    );
    // A good share compiles, wholly or partly; the rest checks that the fallback answers identically.
    expect((compiled + partial) / runs).toBeGreaterThan(0.3);
    expect(partial).toBeGreaterThan(0);
  });
});

/**
 * The response cache (apps/api/src/response-cache.ts): repeated compiled reads are answered without
 * a read, per caller only, invalidated by the database's change notifications (through the API or
 * not), with read-your-writes after a mutation, charged like any request, and shared through Redis.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, loadConfig, MemoryRateLimiter } from '@shopwarden/api';
import { DocumentRecord, MemoryCacheStore, RedisCacheStore, ResponseCache } from '../apps/api/src/response-cache.ts';
import { redisOptions } from '../apps/api/src/redis-options.ts';
import { createKey, createShop, createWorld, type World } from './support/fixtures.ts';
import { createCreator, createPolicy } from './support/health-fixtures.ts';
import { comparableErrors, gid } from './support/client.ts';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';
import { createTiers, insertOrders } from './support/revenue-fixtures.ts';

type App = ReturnType<typeof createApp>;

const SHOP_PAGE = `query($id: ID!) { shop(id: $id) { id name listings(first: 5) { edges { node { id title status } } } violations(first: 3) { edges { node { id points } } } } }`;
const SHOPS = `{ shops(first: 10) { edges { node { id name listings(first: 3) { edges { node { id title price { amount currencyCode } } } } } } } }`;

describe.each(testTargets())('the response cache on %s', (target) => {
  let db: TestDatabase;
  let world: World;
  const shops: { id: number; gid: string; sellerKey: string; listingId: number }[] = [];
  const keys: Record<string, string> = {};
  let statements = 0;
  const logger = pino({ level: 'silent' });
  const apps: App[] = [];

  const newApp = (env: Record<string, string> = {}, extra: Partial<Parameters<typeof createApp>[0]> = {}) => {
    const app = createApp({
      db,
      config: loadConfig({ NODE_ENV: 'test', ...env }),
      logger,
      rateLimiter: new MemoryRateLimiter(1e12, 1e12),
      ...extra,
    });
    apps.push(app);
    return app;
  };

  beforeAll(async () => {
    db = await createTestDatabase(target);
    world = await createWorld(db.prisma);
    const policy = await createPolicy(db.prisma);
    for (let s = 0; s < 4; s++) {
      const shop = await createShop(db.prisma, `Cached shop ${s}`);
      const listing = await db.prisma.listing.create({
        data: {
          shopId: shop.id,
          categoryId: world.categories.skincare,
          title: `Item ${s}`,
          priceAmount: 1000 + s,
          currency: 'USD',
          sites: ['GB'],
        },
      });
      await db.prisma.violation.create({
        data: {
          shopId: shop.id,
          policyId: policy.id,
          source: 'OTHER',
          occurredAt: new Date('2024-01-02T00:00:00Z'),
          points: 2,
        },
      });
      shops.push({
        id: shop.id,
        gid: gid('Shop', shop.id),
        sellerKey: (await createKey(db.prisma, 'SELLER', { shopId: shop.id })).key,
        listingId: listing.id,
      });
    }
    const one = await db.prisma.account.create({ data: { name: 'Partner one', kind: 'PARTNER' } });
    const two = await db.prisma.account.create({ data: { name: 'Partner two', kind: 'PARTNER' } });
    for (const [account, granted] of [
      [one.id, [0, 1]],
      [two.id, [2]],
    ] as const) {
      for (const i of granted)
        await db.prisma.shopAccessGrant.create({
          data: { shopId: shops[i]!.id, accountId: account, scopes: ['shops:read', 'listings:read', 'health:read'] },
        });
    }
    const scopes = ['shops:read', 'listings:read', 'health:read'];
    keys.admin = world.adminKey;
    keys.partnerOne = (await createKey(db.prisma, 'PARTNER', { accountId: one.id, scopes })).key;
    keys.partnerOneNarrow = (await createKey(db.prisma, 'PARTNER', { accountId: one.id })).key;
    keys.partnerTwo = (await createKey(db.prisma, 'PARTNER', { accountId: two.id, scopes })).key;
    keys.seller0 = shops[0]!.sellerKey;
    db.onQuery(() => statements++);
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await db.drop();
  });

  /** Prisma reports statements a moment after their results: wait until the reports stop. */
  async function settle() {
    for (;;) {
      const n = statements;
      await new Promise((resolve) => setTimeout(resolve, 15));
      if (n === statements) return;
    }
  }

  async function post(app: App, key: string, query: string, variables?: Record<string, unknown>) {
    await settle();
    const before = statements;
    const res = await app.yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: any; errors?: any; extensions?: any };
    await settle();
    // One statement is the key lookup (no key cache under NODE_ENV=test); a read adds one more.
    return { status: res.status, body, reads: statements - before - 1 };
  }

  /** Freezes the sandbox clock at `now` (null: the real time), as an administrator's setting would. */
  const setClock = (now: string | null) =>
    db.prisma.platformSettings.upsert({
      where: { id: 1 },
      create: { id: 1, sandboxNow: now && new Date(now), sandboxFrozen: true },
      update: { sandboxNow: now && new Date(now), sandboxSetAt: null, sandboxFrozen: true },
    });

  async function until<T>(fn: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const value = await fn();
      if (ok(value) || Date.now() > deadline) return value;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('answers a repeated compiled read without reading, with the same data and fresh extensions', async () => {
    const app = newApp();
    await app.ready;
    expect(app.cache?.active).toBe(true);
    const first = await post(app, keys.admin!, SHOPS);
    const second = await post(app, keys.admin!, SHOPS);
    expect(first.reads).toBe(1);
    expect(second.reads).toBe(0);
    expect(second.body.data).toEqual(first.body.data);
    expect(second.body.extensions.requestId).not.toBe(first.body.extensions.requestId);
    expect(second.body.extensions.cost).toMatchObject({
      requestedQueryCost: first.body.extensions.cost.requestedQueryCost,
    });
    // Operations whose resolvers read what no tag names (the category object beneath) are never cached.
    const computed = `{ shops(first: 2) { edges { node { id categoryEligibility(categoryIds: ["${gid('Category', world.categories.skincare)}"]) { status category { name } } } } } }`;
    await post(app, keys.admin!, computed);
    expect((await post(app, keys.admin!, computed)).reads).toBeGreaterThan(0);
  });

  it("never answers one caller with another caller's entry (random interleavings against the uncached API)", async () => {
    const cached = newApp();
    const uncached = newApp({ RESPONSE_CACHE: 'false' });
    await cached.ready;
    const queries = [SHOPS, ...shops.map((s) => [SHOP_PAGE, { id: s.gid }] as const)];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(keys)), fc.constantFrom(...queries), async (who, q) => {
        const [query, variables] = typeof q === 'string' ? [q, undefined] : [q[0], { ...q[1] }];
        const a = await post(cached, keys[who]!, query, variables);
        const b = await post(uncached, keys[who]!, query, variables);
        expect(
          { status: a.status, data: a.body.data, errors: comparableErrors(a.body.data, a.body.errors) },
          who,
        ).toEqual({
          status: b.status,
          data: b.body.data,
          errors: comparableErrors(b.body.data, b.body.errors),
        });
      }),
      { numRuns: 60, seed: 8 },
    );
    // The same query, three callers, three answers.
    const seen = await Promise.all(
      ['partnerOne', 'partnerTwo', 'seller0'].map(async (who) =>
        (await post(cached, keys[who]!, SHOPS)).body.data.shops.edges.map((e: { node: { id: string } }) => e.node.id),
      ),
    );
    expect(seen).toEqual([[shops[0]!.gid, shops[1]!.gid], [shops[2]!.gid], [shops[0]!.gid]]);
  });

  it('never stores a partial read: what its resolvers read is tagged nowhere', async () => {
    const app = newApp();
    await app.ready;
    const partial = async () => {
      const metric = await app.metrics.reads.get();
      return metric.values.find((v) => v.labels.path === 'partial')?.value ?? 0;
    };
    // `categoryEligibility` has no SQL form; its declared reads cover its leaves, not the category object beneath.
    const READ = `query($id: ID!, $c: [ID!]) { shop(id: $id) { id categoryEligibility(categoryIds: $c) { status category { name } } } }`;
    const variables = { id: shops[3]!.gid, c: [gid('Category', world.categories.skincare)] };
    const read = () => post(app, keys.admin!, READ, variables);
    const status = (r: Awaited<ReturnType<typeof read>>) => r.body.data.shop.categoryEligibility[0].status;
    const before = await partial();
    const first = status(await read());
    expect(first).not.toBe('PROHIBITED');
    const again = await read();
    expect(await partial()).toBe(before + 2);
    // Read again: the statement (which brings the grants and settings its resolver takes), not the cache.
    expect(again.reads).toBeGreaterThan(0);
    // A restriction on the category, which no entry's tags name, shows in the next answer.
    const category = { where: { id: world.categories.skincare } };
    await db.prisma.category.update({ ...category, data: { restriction: 'PROHIBITED' } });
    try {
      expect(status(await read())).toBe('PROHIBITED');
    } finally {
      await db.prisma.category.update({ ...category, data: { restriction: 'NONE' } });
    }
  });

  it('stores categoryEligibility (declared reads) until the shop, a grant or a category changes, or the policy takes effect', async () => {
    const app = newApp();
    await app.ready;
    const shop = shops[1]!;
    const c = world.categories;
    const READ = `query($id: ID!, $c: [ID!]) { shop(id: $id) { id categoryEligibility(categoryIds: $c) { status reasonCode } } }`;
    const read = () =>
      post(app, keys.admin!, READ, { id: shop.gid, c: [gid('Category', c.knives), gid('Category', c.skincare)] });
    const statuses = (r: Awaited<ReturnType<typeof read>>) =>
      (r.body.data.shop.categoryEligibility as { status: string }[]).map((e) => e.status).join();
    const stored = async (expected: string) => {
      const changed = await until(read, (r) => statuses(r) === expected);
      expect(statuses(changed)).toBe(expected);
      const again = await until(read, (r) => r.reads === 0);
      expect(again.reads).toBe(0);
      expect(statuses(again)).toBe(expected);
    };
    const settings = { where: { id: 1 } };
    try {
      // The policy in force and no primary category.
      await stored('PRIMARY_CATEGORY_NOT_SET,PRIMARY_CATEGORY_NOT_SET');
      // The shop's own row: Home as its primary; Knives (under Home) is restricted.
      await db.prisma.shop.update({ where: { id: shop.id }, data: { primaryCategoryId: c.home } });
      await stored('NEEDS_APPROVAL,NOT_PRIMARY_CATEGORY');
      // An approval of the shop's (the statement hands the resolver its grants).
      await db.prisma.restrictedCategoryApproval.create({
        data: { shopId: shop.id, categoryId: c.knives, status: 'GRANTED' },
      });
      await stored('AVAILABLE,NOT_PRIMARY_CATEGORY');
      // A category, through the process's category tree.
      await db.prisma.category.update({ where: { id: c.skincare }, data: { restriction: 'PROHIBITED' } });
      await stored('AVAILABLE,PROHIBITED');
      await db.prisma.category.update({ where: { id: c.skincare }, data: { restriction: 'NONE' } });
      // The policy taking effect in 2.5 s: before it, the previous policy (Skincare allowed); the answer
      // is kept no longer than until then, with no row changing.
      const takesEffect = new Date(Date.now() + 2_500);
      await db.prisma.platformSettings.upsert({
        ...settings,
        create: { id: 1, categoryEnforcementAt: takesEffect },
        update: { categoryEnforcementAt: takesEffect },
      });
      await stored('AVAILABLE,AVAILABLE');
      await new Promise((resolve) => setTimeout(resolve, takesEffect.getTime() - Date.now() + 100));
      expect(statuses(await read())).toBe('AVAILABLE,NOT_PRIMARY_CATEGORY');
    } finally {
      await db.prisma.platformSettings.update({
        ...settings,
        data: { categoryEnforcementAt: new Date('2024-02-01T00:00:00Z') },
      });
      await db.prisma.category.update({ where: { id: c.skincare }, data: { restriction: 'NONE' } });
      await db.prisma.restrictedCategoryApproval.deleteMany({ where: { shopId: shop.id } });
      await db.prisma.shop.update({ where: { id: shop.id }, data: { primaryCategoryId: null } });
    }
  });

  it("stores a category's effectiveRestriction (compiled) until a category changes", async () => {
    const app = newApp();
    await app.ready;
    const READ = `query($id: ID!) { shop(id: $id) { id listings(first: 5) { edges { node { id category { effectiveRestriction } } } } } }`;
    const read = () => post(app, keys.admin!, READ, { id: shops[3]!.gid });
    const restriction = (r: Awaited<ReturnType<typeof read>>) =>
      r.body.data.shop.listings.edges[0].node.category.effectiveRestriction;
    expect(restriction(await read())).toBe('NONE');
    const again = await until(read, (r) => r.reads === 0);
    expect(again.reads).toBe(0);
    // The parent's restriction, set through another client, covers the listing's category.
    const parent = { where: { id: world.categories.beauty } };
    await db.prisma.category.update({ ...parent, data: { restriction: 'RESTRICTED' } });
    try {
      const changed = await until(read, (r) => restriction(r) !== 'NONE');
      expect(restriction(changed)).toBe('RESTRICTED');
    } finally {
      await db.prisma.category.update({ ...parent, data: { restriction: 'NONE' } });
    }
  });

  it("stores a listing's latest review (compiled) until a review is added", async () => {
    const app = newApp();
    await app.ready;
    const READ = `query($id: ID!) { shop(id: $id) { id listings(first: 5) { edges { node { id latestReview { decision } } } } } }`;
    const read = () => post(app, keys.admin!, READ, { id: shops[3]!.gid });
    const latest = (r: Awaited<ReturnType<typeof read>>) => r.body.data.shop.listings.edges[0].node.latestReview;
    expect(latest(await read())).toBeNull();
    const again = await until(read, (r) => r.reads === 0);
    expect(again.reads).toBe(0);
    await db.prisma.listingReview.create({
      data: {
        listingId: shops[3]!.listingId,
        decision: 'REJECTED',
        automatic: true,
        fromStatus: 'PENDING_REVIEW',
        toStatus: 'REJECTED',
        reasons: [],
        listingVersion: 1,
      },
    });
    const changed = await until(read, (r) => latest(r) !== null);
    expect(latest(changed)).toEqual({ decision: 'REJECTED' });
  });

  it('stores a read with a row-only field answered in place (reviewerRole) until a review is added', async () => {
    const app = newApp();
    await app.ready;
    const review = (automatic: boolean) =>
      db.prisma.listingReview.create({
        data: {
          listingId: shops[2]!.listingId,
          decision: 'REJECTED',
          automatic,
          fromStatus: 'PENDING_REVIEW',
          toStatus: 'REJECTED',
          reasons: [],
          listingVersion: 1,
        },
      });
    await review(true);
    const READ = `query($id: ID!) { shop(id: $id) { id listings(first: 5) { edges { node { id latestReview { decision reviewerRole } } } } } }`;
    const read = () => post(app, keys.admin!, READ, { id: shops[2]!.gid });
    const role = (r: Awaited<ReturnType<typeof read>>) =>
      r.body.data.shop.listings.edges[0].node.latestReview.reviewerRole;
    const compiled = async () =>
      (await app.metrics.reads.get()).values.find((v) => v.labels.path === 'compiled')?.value ?? 0;
    const before = await compiled();
    const first = await read();
    expect(role(first)).toBe('SYSTEM');
    expect(await compiled()).toBe(before + 1);
    const again = await until(read, (r) => r.reads === 0);
    expect(again.reads).toBe(0);
    expect(again.body.data).toEqual(first.body.data);
    // A newer review, decided by the policy team, replaces the stored answer.
    await review(false);
    const changed = await until(read, (r) => role(r) !== 'SYSTEM');
    expect(role(changed)).toBe('ADMIN');
  });

  it('invalidates what a mutation changed, and only that, before answering it (read your writes)', async () => {
    const app = newApp();
    await app.ready;
    const page = (i: number) => post(app, keys.partnerOne!, SHOP_PAGE, { id: shops[i]!.gid });
    await page(0);
    await page(1);
    expect((await page(0)).reads).toBe(0);
    expect((await page(1)).reads).toBe(0);
    const title = `Renamed ${randomBytes(3).toString('hex')}`;
    const update = await post(
      app,
      shops[0]!.sellerKey,
      `mutation($input: ListingUpdateInput!) { listingUpdate(input: $input) { __typename } }`,
      {
        input: { listingId: gid('Listing', shops[0]!.listingId), title },
      },
    );
    expect(update.body.data.listingUpdate.__typename).toBe('ListingUpdateSuccess');
    // No waiting: the mutation answered only after its change reached the cache.
    const after = await page(0);
    expect(after.reads).toBe(1);
    expect(after.body.data.shop.listings.edges[0].node.title).toBe(title);
    // A change in shop 0 leaves shop 1's entry alone.
    expect((await page(1)).reads).toBe(0);
  });

  it('lets mutations that wait together share one marker, sent after each of them was made', async () => {
    const cache = new ResponseCache(new MemoryCacheStore(), { ttlMs: 60_000, maxEntryBytes: 1e6 });
    await cache.start(db);
    expect(cache.active).toBe(true);
    const markers: string[] = [];
    const queryText = db.queryText.bind(db);
    const counting = {
      ...db,
      queryText: (q: Parameters<typeof db.queryText>[0]) => (markers.push(q.text), queryText(q)),
    };
    try {
      // Ten at once: the first sends its marker; the nine that wait for it share the next one.
      await Promise.all(Array.from({ length: 10 }, () => cache.sync(counting)));
      expect(markers.filter((t) => t.includes('pg_notify'))).toHaveLength(2);
      // One alone sends its own: a marker already back says nothing of a later change.
      await cache.sync(counting);
      expect(markers.filter((t) => t.includes('pg_notify'))).toHaveLength(3);
      expect(cache.active).toBe(true);
    } finally {
      await cache.stop();
    }
  });

  it('invalidates on writes made outside the API, and not on rolled-back ones (dry runs)', async () => {
    const app = newApp();
    await app.ready;
    const page = () => post(app, keys.partnerOne!, SHOP_PAGE, { id: shops[1]!.gid });
    await page();
    expect((await page()).reads).toBe(0);
    const dry = await post(
      app,
      shops[1]!.sellerKey,
      `mutation($input: ListingUpdateInput!) { listingUpdate(input: $input) { __typename } }`,
      {
        input: { listingId: gid('Listing', shops[1]!.listingId), title: 'Never written', dryRun: true },
      },
    );
    expect(dry.body.errors).toBeUndefined();
    expect((await page()).reads).toBe(0);
    await db.prisma.$executeRaw`UPDATE "Listing" SET "title" = 'Changed by SQL' WHERE "id" = ${shops[1]!.listingId}`;
    const changed = await until(page, (r) => r.body.data.shop.listings.edges[0].node.title === 'Changed by SQL');
    expect(changed.body.data.shop.listings.edges[0].node.title).toBe('Changed by SQL');
    await db.prisma.$executeRaw`UPDATE "Violation" SET "points" = 7 WHERE "shopId" = ${shops[1]!.id}`;
    const points = await until(page, (r) => r.body.data.shop.violations.edges[0].node.points === 7);
    expect(points.body.data.shop.violations.edges[0].node.points).toBe(7);
  });

  it("invalidates a shop's listing counts when one of its listings changes status", async () => {
    const app = newApp();
    await app.ready;
    const COUNTS = `query($id: ID!) { shop(id: $id) { listingCounts { status count } } }`;
    const counts = () => post(app, keys.partnerOne!, COUNTS, { id: shops[1]!.gid });
    const suspended = (r: Awaited<ReturnType<typeof counts>>) =>
      (r.body.data.shop.listingCounts as { status: string; count: number }[]).find((c) => c.status === 'SUSPENDED')!
        .count;
    const before = suspended(await counts());
    expect((await counts()).reads).toBe(0);
    await db.prisma.$executeRaw`UPDATE "Listing" SET "status" = 'SUSPENDED' WHERE "id" = ${shops[1]!.listingId}`;
    const after = await until(counts, (r) => suspended(r) !== before);
    expect(suspended(after)).toBe(before + 1);
  });

  it('stores a balance as of the clock until the clock moves; as of a given instant until the ledger changes', async () => {
    const app = newApp();
    await app.ready;
    const violation = await db.prisma.violation.findFirstOrThrow({ where: { shopId: shops[2]!.id } });
    await db.prisma.pointsLedgerEntry.create({
      data: {
        shopId: violation.shopId,
        policyId: violation.policyId,
        violationId: violation.id,
        kind: 'VIOLATION_ADDED',
        points: 5,
        effectiveAt: new Date('2024-01-02T00:00:00Z'),
        expiresAt: new Date('2024-04-01T00:00:00Z'),
      },
    });
    const BALANCE = `query($id: ID!, $at: DateTime) { shop(id: $id) { id pointsBalance(asOf: $at) } }`;
    const balance = (at: string | null) => post(app, keys.partnerTwo!, BALANCE, { id: shops[2]!.gid, at });
    const points = (r: Awaited<ReturnType<typeof balance>>) => r.body.data.shop.pointsBalance;
    try {
      await setClock('2024-03-01T00:00:00Z');
      // The setup's own notifications may still be arriving (an answer they overtake is not stored).
      const stored = await until(
        () => balance('2024-03-01T00:00:00.000Z'),
        (r) => r.reads === 0,
      );
      expect(stored.reads).toBe(0);
      expect(points(stored)).toBe(5);
      for (const [clock, expected] of [
        ['2024-03-01T00:00:00Z', 5],
        ['2024-05-01T00:00:00Z', 0],
        ['2024-03-01T00:00:00Z', 5],
      ] as const) {
        await setClock(clock);
        // Moving the clock drops what was stored as of the clock (its settings row changed)…
        const moved = await until(
          () => balance(null),
          (r) => points(r) === expected,
        );
        expect(points(moved), clock).toBe(expected);
        // …and the answer as of the new instant is stored until the clock moves again.
        const again = await until(
          () => balance(null),
          (r) => r.reads === 0,
        );
        expect(again.reads, `${clock}: stored`).toBe(0);
        expect(points(again), clock).toBe(expected);
      }
    } finally {
      await setClock(null);
    }
  });

  it('stores a balance as of the real clock no longer than until its next ledger entry expires', async () => {
    const app = newApp();
    await app.ready;
    const shop = shops[1]!;
    const violation = await db.prisma.violation.findFirstOrThrow({ where: { shopId: shop.id } });
    const BALANCE = `query($id: ID!) { shop(id: $id) { id pointsBalance } }`;
    const balance = () => post(app, keys.admin!, BALANCE, { id: shop.gid });
    const before = (await balance()).body.data.shop.pointsBalance as number;
    const expiresAt = new Date(Date.now() + 3_000);
    await db.prisma.pointsLedgerEntry.create({
      data: {
        shopId: shop.id,
        policyId: violation.policyId,
        violationId: violation.id,
        kind: 'VIOLATION_ADDED',
        points: 7,
        effectiveAt: new Date(Date.now() - 60_000),
        expiresAt,
      },
    });
    const stored = await until(balance, (r) => r.reads === 0);
    expect(stored.reads).toBe(0);
    expect(stored.body.data.shop.pointsBalance).toBe(before + 7);
    await new Promise((resolve) => setTimeout(resolve, expiresAt.getTime() - Date.now() + 50));
    // Nothing changed in the database: only time passed the entry's expiry, which bounded the entry.
    const expired = await balance();
    expect(expired.reads).toBe(1);
    expect(expired.body.data.shop.pointsBalance).toBe(before);
  });

  it('stores partnership and code statuses and pending actions as of the real clock until the next deadline', async () => {
    const app = newApp();
    await app.ready;
    const shop = shops[0]!;
    const original = await db.prisma.shop.findUniqueOrThrow({ where: { id: shop.id } });
    const deadline = new Date(Date.now() + 3_000);
    const creator = await createCreator(db.prisma);
    const partnership = await db.prisma.partnership.create({
      data: { shopId: shop.id, creatorId: creator.id, commissionRateBps: 1_000, expiresAt: deadline },
    });
    const code = `HORIZON${randomBytes(3).toString('hex')}`;
    await db.prisma.invitationCode.create({ data: { code, site: 'GB', expiresAt: deadline } });
    await db.prisma.shop.update({
      where: { id: shop.id },
      data: { businessModel: 'SEMI_CLOSED_LOOP', migrationDeadline: deadline },
    });
    // One read per field, so that each field's own next change bounds its answer.
    const reads = {
      overdue: [
        `query($id: ID!) { shop(id: $id) { id pendingActions { kind overdue } } }`,
        (data: any) =>
          data.shop.pendingActions.find((a: { kind: string }) => a.kind === 'MIGRATE_BUSINESS_MODEL')?.overdue,
      ],
      partnership: [
        `query($id: ID!) { shop(id: $id) { id partnerships(first: 10) { edges { node { id status } } } } }`,
        (data: any) =>
          data.shop.partnerships.edges.find(
            (e: { node: { id: string } }) => e.node.id === gid('Partnership', partnership.id),
          )?.node.status,
      ],
      code: [
        `query($code: String) { invitationCodes(first: 1, code: $code) { edges { node { code status } } } }`,
        (data: any) => data.invitationCodes.edges[0]?.node.status,
      ],
    } as const;
    const read = (query: string) => post(app, keys.admin!, query, { id: shop.gid, code });
    try {
      for (const [name, [query, value]] of Object.entries(reads)) {
        const stored = await until(
          () => read(query),
          (r) => r.reads === 0,
        );
        expect(stored.reads, name).toBe(0);
        expect(value(stored.body.data), name).toBe({ overdue: false, partnership: 'PROPOSED', code: 'UNUSED' }[name]);
      }
      await new Promise((resolve) => setTimeout(resolve, deadline.getTime() - Date.now() + 50));
      // Only time passed: each deadline bounded how long its answer was kept.
      for (const [name, [query, value]] of Object.entries(reads)) {
        const after = await read(query);
        expect(after.reads, name).toBe(1);
        expect(value(after.body.data), name).toBe({ overdue: true, partnership: 'EXPIRED', code: 'EXPIRED' }[name]);
      }
    } finally {
      await db.prisma.shop.update({
        where: { id: shop.id },
        data: { businessModel: original.businessModel, migrationDeadline: original.migrationDeadline },
      });
    }
  });

  it('stores tier metrics as of the clock until it moves, never with the instant they are computed for', async () => {
    const app = newApp();
    await app.ready;
    const shop = shops[3]!;
    await createTiers(db.prisma);
    await insertOrders(db.prisma, shop.id, world.categories.skincare, [
      { amount: 7_000_000, placedAt: '2024-02-10T00:00:00Z' },
    ]);
    const METRICS = `query($id: ID!, $at: DateTime) { shop(id: $id) { id metrics(asOf: $at) { lastMonthSales { minorUnits } }
      distanceToNextTier(asOf: $at) { tier { code } lastMonthSalesNeeded { minorUnits } } } }`;
    const metrics = (at: string | null) => post(app, keys.admin!, METRICS, { id: shop.gid, at });
    const sales = (r: Awaited<ReturnType<typeof metrics>>) => r.body.data.shop.metrics.lastMonthSales.minorUnits;
    try {
      const stored = await until(
        () => metrics('2024-03-01T00:00:00.000Z'),
        (r) => r.reads === 0,
      );
      expect(stored.reads).toBe(0);
      expect(sales(stored)).toBe('7000000');
      for (const [clock, minor] of [
        ['2024-03-01T00:00:00Z', '7000000'],
        ['2024-04-01T00:00:00Z', '0'],
        ['2024-03-01T00:00:00Z', '7000000'],
      ] as const) {
        await setClock(clock);
        const moved = await until(
          () => metrics(null),
          (r) => sales(r) === minor,
        );
        expect(sales(moved), clock).toBe(minor);
        const again = await until(
          () => metrics(null),
          (r) => r.reads === 0,
        );
        expect(again.reads, `${clock}: stored`).toBe(0);
        expect(sales(again), clock).toBe(minor);
      }
      // With the instant itself selected the answer changes with the clock: read every time.
      await setClock('2024-03-01T00:00:00Z');
      const AS_OF = `query($id: ID!) { shop(id: $id) { id metrics { asOf lastMonthSales { minorUnits } } } }`;
      await until(
        () => post(app, keys.admin!, AS_OF, { id: shop.gid }),
        (r) => r.body.data.shop.metrics.asOf === '2024-03-01T00:00:00.000Z',
      );
      for (let i = 0; i < 2; i++) expect((await post(app, keys.admin!, AS_OF, { id: shop.gid })).reads).toBe(1);
      await insertOrders(db.prisma, shop.id, world.categories.skincare, [
        { amount: 5, placedAt: '2024-02-11T00:00:00Z' },
      ]);
      const fresh = await until(
        () => metrics('2024-03-01T00:00:00.000Z'),
        (r) => sales(r) !== '7000000',
      );
      expect(sales(fresh)).toBe('7000005');
    } finally {
      await setClock(null);
    }
  });

  it('invalidates a page chosen by a filter over another table when that table changes', async () => {
    const app = newApp();
    await app.ready;
    const rejected = await Promise.all(
      [0, 1].map((i) =>
        db.prisma.listing.create({
          data: {
            shopId: shops[3]!.id,
            categoryId: world.categories.skincare,
            title: `Rejected ${i}`,
            priceAmount: 100,
            currency: 'USD',
            sites: ['GB'],
            status: 'REJECTED',
            submittedAt: new Date(),
          },
        }),
      ),
    );
    const review = (listingId: number) =>
      db.prisma.listingReview.create({
        data: {
          listingId,
          decision: 'REJECTED',
          automatic: false,
          fromStatus: 'PENDING_REVIEW',
          toStatus: 'REJECTED',
          reasons: [{ code: 'CACHE_TEST_REASON', message: 'x' }],
          listingVersion: 1,
        },
      });
    await review(rejected[0]!.id);
    const query = `{ listings(first: 10, filter: { rejectionReason: "CACHE_TEST_REASON" }) { edges { node { id } } } }`;
    const ids = async () =>
      ((await post(app, keys.admin!, query)).body.data.listings.edges as { node: { id: string } }[]).map(
        (e) => e.node.id,
      );
    expect(await ids()).toEqual([gid('Listing', rejected[0]!.id)]);
    // The setup's own notifications may still be arriving (an answer they overtake is not stored).
    expect(
      (
        await until(
          () => post(app, keys.admin!, query),
          (r) => r.reads === 0,
        )
      ).reads,
    ).toBe(0);
    // A review row alone (the listing row untouched) changes which listings the filter selects.
    await review(rejected[1]!.id);
    // (The two listings were created at once: which comes first in the page is not the point.)
    expect((await until(ids, (v) => v.length === 2)).sort()).toEqual(rejected.map((l) => gid('Listing', l.id)).sort());
  });

  it('charges a hit like any request and throttles it when the bucket is empty', async () => {
    const limiter = new MemoryRateLimiter(300, 0.001);
    const app = newApp({}, { rateLimiter: limiter });
    await app.ready;
    const first = await post(app, keys.partnerTwo!, SHOPS);
    const cost = first.body.extensions.cost.requestedQueryCost as number;
    expect(cost).toBeGreaterThan(100);
    expect(cost).toBeLessThan(150);
    const hit = await post(app, keys.partnerTwo!, SHOPS);
    expect(hit.reads).toBe(0);
    expect(hit.body.extensions.cost.throttleStatus.currentlyAvailable).toBe(300 - 2 * cost);
    const refused = await post(app, keys.partnerTwo!, SHOPS);
    expect(refused.status).toBe(429);
    expect(refused.body.errors[0].extensions.code).toBe('THROTTLED');
  });

  it('stores answers nobody asks for again only now and then (new variables every request)', async () => {
    const app = newApp();
    await app.ready;
    const store = app.cache!.store as MemoryCacheStore;
    const read = async (i: number) => {
      const res = await app.yoga.fetch('http://localhost/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.admin}` },
        // An undeclared variable changes the key and nothing else.
        body: JSON.stringify({ query: SHOP_PAGE, variables: { id: shops[i % 4]!.gid, request: i } }),
      });
      expect(res.status).toBe(200);
    };
    for (let i = 0; i < 64; i++) await read(i);
    expect(store.size).toBe(64);
    for (let i = 64; i < 64 + 48; i++) await read(i);
    expect(store.size).toBe(64 + 3);
    // Each entry a buffer of its own, not a slice of a shared pool slab that it would keep alive.
    const entry = (await store.get(
      (store as unknown as { entries: Map<string, unknown> }).entries.keys().next().value!,
    ))!;
    expect(entry.buffer.byteLength).toBe(entry.length);
  });

  it.runIf(!!process.env.REDIS_URL)('is shared by instances through Redis (skipped without REDIS_URL)', async () => {
    const prefix = `sw:rc:test:${randomBytes(4).toString('hex')}:`;
    // The production client options (auto-pipelined).
    const redis = () => new Redis(process.env.REDIS_URL!, redisOptions);
    const one = newApp({}, { cacheStore: new RedisCacheStore(redis(), prefix) });
    const two = newApp({}, { cacheStore: new RedisCacheStore(redis(), prefix) });
    await Promise.all([one.ready, two.ready]);
    expect([one.cache?.active, two.cache?.active]).toEqual([true, true]);
    const page = (app: App) => post(app, keys.partnerOne!, SHOP_PAGE, { id: shops[0]!.gid });
    expect((await page(one)).reads).toBe(1);
    expect((await page(two)).reads).toBe(0);
    const title = `Shared ${randomBytes(3).toString('hex')}`;
    await post(
      one,
      shops[0]!.sellerKey,
      `mutation($input: ListingUpdateInput!) { listingUpdate(input: $input) { __typename } }`,
      { input: { listingId: gid('Listing', shops[0]!.listingId), title } },
    );
    const fresh = await page(two);
    expect(fresh.reads).toBe(1);
    expect(fresh.body.data.shop.listings.edges[0].node.title).toBe(title);
  });
});

describe('ResponseCache bookkeeping', () => {
  const viewer = {
    apiKeyId: 1,
    role: 'PARTNER' as const,
    scopes: ['shops:read'],
    shopId: null,
    accountId: 1,
    shopIds: [1, 2],
    representedCreatorIds: [] as number[],
  };
  const read = {
    text: '',
    values: [],
    models: new Set(['Shop', 'Listing']),
    dependencies: [
      { model: 'Shop', table: 'Shop', scope: 'reach' as const },
      { model: 'Listing', table: 'Listing', scope: 'rows' as const },
    ],
    returnsShops: true,
    clock: null,
    partial: false,
    resolverReads: false,
    inPlace: [],
    clockBounded: false,
  };

  async function activeCache() {
    const cache = new ResponseCache(new MemoryCacheStore(), { ttlMs: 60_000, maxEntryBytes: 1e6 });
    let status: (ok: boolean) => void = () => {};
    const db = {
      listen: async (_c: string, _m: unknown, onStatus: (ok: boolean) => void) => (
        (status = onStatus),
        status(true),
        async () => {}
      ),
    };
    await cache.start(db as never);
    await new Promise((resolve) => setTimeout(resolve, 0));
    return { cache, setListening: (ok: boolean) => status(ok) };
  }

  it('tags by table, as the change notifications name them (a mapped model)', () => {
    const cache = new ResponseCache(new MemoryCacheStore(), { ttlMs: 1, maxEntryBytes: 1 });
    const mapped = { ...read, dependencies: [{ model: 'Listing', table: 'listings', scope: 'rows' as const }] };
    expect(cache.tags(mapped, viewer, ['2']).sort()).toEqual(['listings@2', 'listings@bulk']);
  });

  it("tags an entry with the rows it read: the reach for root pages, the root rows' shops below them", () => {
    const cache = new ResponseCache(new MemoryCacheStore(), { ttlMs: 1, maxEntryBytes: 1 });
    expect(cache.tags(read, viewer, ['2']).sort()).toEqual([
      'Listing@2',
      'Listing@bulk',
      'Shop@1',
      'Shop@2',
      'Shop@bulk',
    ]);
    expect(cache.tags(read, { ...viewer, shopIds: null }, ['2']).sort()).toEqual([
      'Listing@2',
      'Listing@bulk',
      'Shop@changed',
    ]);
  });

  it('does not store a read that a change overtook, and stores the next one', async () => {
    const { cache } = await activeCache();
    const tags = cache.tags(read, viewer, ['2']);
    const before = cache.snapshot();
    cache.onChange('Listing|2');
    await cache.put('k', { json: Buffer.from('{}'), cost: 1 }, tags, before);
    expect(await cache.get('k')).toBeNull();
    const unrelated = cache.snapshot();
    cache.onChange('Listing|9');
    await cache.put('k', { json: Buffer.from('{"a":1}'), cost: 3 }, tags, unrelated);
    const stored = await cache.get('k');
    expect([stored?.json.toString(), stored?.cost]).toEqual(['{"a":1}', 3]);
    cache.onChange('Shop|*');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(await cache.get('k')).toBeNull();
  });

  it('serves nothing while the change listener is down, and starts empty when it is back', async () => {
    const { cache, setListening } = await activeCache();
    await cache.put('k', { json: Buffer.from('{}'), cost: 1 }, ['Shop@1'], cache.snapshot());
    expect(await cache.get('k')).not.toBeNull();
    setListening(false);
    expect(cache.active).toBe(false);
    expect(await cache.get('k')).toBeNull();
    setListening(true);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(cache.active).toBe(true);
    expect(await cache.get('k')).toBeNull();
  });

  it("admits a document's answers while new or hit, else one in 16; looks up never-stored reads one in 16", () => {
    const record = new DocumentRecord('hash');
    const admitted = (n: number) => {
      let count = 0;
      for (let i = 0; i < n; i++) {
        if (!record.admit()) continue;
        count++;
        record.outcome(true);
      }
      return count;
    };
    expect(admitted(64)).toBe(64);
    expect(admitted(160)).toBe(10);
    // Hit once for every 16 stored: every answer stored again.
    for (let i = 0; i < 5; i++) record.hit();
    for (let i = 0; i < 20; i++) {
      record.hit();
      expect(record.admit()).toBe(true);
      record.outcome(true);
    }
    const clock = new DocumentRecord('clock');
    for (let i = 0; i < 64; i++) {
      expect(clock.lookup()).toBe(true);
      clock.outcome(false);
    }
    expect(Array.from({ length: 160 }, () => clock.lookup()).filter(Boolean)).toHaveLength(10);
    clock.outcome(true);
    expect(clock.lookup()).toBe(true);
  });

  it('keys differ for every difference of caller, reach, scopes, document or variables', () => {
    const cache = new ResponseCache(new MemoryCacheStore(), { ttlMs: 1, maxEntryBytes: 1 });
    const op = { query: '{ shops { edges { node { id } } } }', variables: { a: 1 } };
    const base = cache.key(viewer, op);
    expect(cache.key(viewer, { ...op })).toBe(base);
    for (const other of [
      cache.key({ ...viewer, apiKeyId: 2 }, op),
      cache.key({ ...viewer, shopIds: [1] }, op),
      cache.key({ ...viewer, representedCreatorIds: [7] }, op),
      cache.key({ ...viewer, scopes: ['shops:read', 'health:read'] }, op),
      cache.key({ ...viewer, role: 'AGENCY' }, op),
      cache.key(viewer, { ...op, variables: { a: 2 } }),
      cache.key(viewer, { ...op, query: `${op.query} ` }),
      cache.key(viewer, { ...op, operationName: 'X' }),
    ]) {
      expect(other).not.toBe(base);
    }
    expect(cache.key(null, op)).toBeNull();
  });
});

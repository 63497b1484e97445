import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { ApiKeyCache } from '../apps/api/src/api-key-cache.ts';
import { createApp, loadConfig } from '@shopwarden/api';
import { createKey, createShop, createWorld } from './support/fixtures.ts';
import { countQueries, createTestApp, gid } from './support/client.ts';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';

const SHOPS = `{ shops(first: 10) { edges { node { name } } } }`;
const lookups = (queries: string[]) => queries.filter((q) => q.includes('"ApiKey"')).length;

describe.each(testTargets())('the in-process API-key cache on %s', (target) => {
  let db: TestDatabase;
  let gql: ReturnType<typeof createTestApp>['gql'];
  let admin: string;
  let seller: string;
  let partner: string;
  let partnerAccountId: number;
  let mineId: number;
  let sharedId: number;

  beforeAll(async () => {
    db = await createTestDatabase(target);
    await createWorld(db.prisma);
    // A long TTL, so only the invalidation rules can make a change visible within a test.
    gql = createTestApp(db, { API_KEY_CACHE_TTL_MS: '600000' }).gql;
    const mine = await createShop(db.prisma, 'Mine');
    const shared = await createShop(db.prisma, 'Shared With Partner');
    mineId = mine.id;
    sharedId = shared.id;
    const account = await db.prisma.account.create({ data: { name: 'Partner', kind: 'PARTNER' } });
    partnerAccountId = account.id;
    await db.prisma.shopAccessGrant.create({
      data: { shopId: shared.id, accountId: account.id, scopes: ['shops:read'] },
    });
    admin = (await createKey(db.prisma, 'ADMIN', { scopes: ['*'] })).key;
    seller = (await createKey(db.prisma, 'SELLER', { shopId: mine.id })).key;
    partner = (await createKey(db.prisma, 'PARTNER', { accountId: account.id, scopes: ['shops:read'] })).key;
  });
  afterAll(async () => db.drop());

  const names = async (key: string) => {
    const r = await gql(key, SHOPS);
    if (!r.data) throw new Error(JSON.stringify(r.errors));
    return (r.data.shops.edges as { node: { name: string } }[]).map((e) => e.node.name);
  };

  it('looks a key up once, and every key keeps its own tenant while cached', async () => {
    const first = await countQueries(db, () => names(seller));
    expect(first.result).toEqual(['Mine']);
    expect(lookups(first.queries)).toBe(1);
    const again = await countQueries(db, () => names(seller));
    expect(again.result).toEqual(['Mine']);
    expect(lookups(again.queries)).toBe(0);
    // Interleaved callers, all cached: nobody ever gets another caller's shops.
    for (let i = 0; i < 3; i++) {
      expect(await names(partner)).toEqual(['Shared With Partner']);
      expect(await names(seller)).toEqual(['Mine']);
      expect(await names(admin)).toEqual(expect.arrayContaining(['Mine', 'Shared With Partner']));
    }
  });

  it('shares one lookup between the requests that arrive while it runs', async () => {
    // Prisma itself merges identical lookups of one tick, so count them at the client, with a
    // lookup held open until every request has arrived.
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const row = await db.prisma.apiKey.findFirstOrThrow({
      where: { shopId: mineId },
      select: {
        id: true,
        role: true,
        scopes: true,
        shopId: true,
        accountId: true,
        prefix: true,
        expiresAt: true,
        revokedAt: true,
      },
    });
    const prisma = {
      apiKey: { findUnique: async () => (calls++, await gate, { ...row, account: null }) },
    } as unknown as Parameters<ApiKeyCache['authenticate']>[0];
    const cache = new ApiKeyCache(60_000);
    const header = `Bearer ${seller}`;
    const waiting: Promise<unknown>[] = [];
    for (let i = 0; i < 20; i++) {
      waiting.push(cache.authenticate(prisma, header));
      await new Promise((resolve) => setImmediate(resolve));
    }
    release();
    const results = (await Promise.all(waiting)) as { viewer: { shopId: number } | null }[];
    expect(results.map((r) => r.viewer?.shopId)).toEqual(Array(20).fill(mineId));
    expect(calls).toBe(1);
    // A clear while a lookup runs: later requests do not join the old lookup.
    const stale = cache.authenticate(prisma, `${header} `);
    cache.clear();
    const fresh = cache.authenticate(prisma, `${header} `);
    await Promise.all([stale, fresh]);
    expect(calls).toBe(3);
  });

  it('does not cache unknown keys', async () => {
    const bad = 'sw_sel_notarealkeyatallnotarealkey00';
    for (let i = 0; i < 2; i++) {
      const { result, queries } = await countQueries(db, () => gql(bad, SHOPS));
      expect(result.status).toBe(401);
      expect(lookups(queries)).toBe(1);
    }
  });

  it('a revoke through the API takes effect at once in this process', async () => {
    const doomed = await createKey(db.prisma, 'SELLER', { shopId: mineId });
    expect(await names(doomed.key)).toEqual(['Mine']);
    expect(lookups((await countQueries(db, () => names(doomed.key))).queries)).toBe(0); // cached
    const REVOKE = `mutation($id: ID!) { apiKeyRevoke(input: { id: $id }) { __typename } }`;
    expect((await gql(admin, REVOKE, { id: gid('ApiKey', doomed.id) })).data!.apiKeyRevoke.__typename).toBe(
      'ApiKeyRevokeSuccess',
    );
    const after = await gql(doomed.key, SHOPS);
    expect(after.status).toBe(401);
    expect(after.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
  });

  it('a listing mutation keeps the keys cached; any other mutation beside it clears them', async () => {
    const listing = await db.prisma.listing.create({
      data: {
        shopId: mineId,
        categoryId: (await db.prisma.category.findFirstOrThrow({ where: { parentId: { not: null } } })).id,
        title: 'Kept',
        priceAmount: 100,
        currency: 'USD',
        sites: ['GB'],
      },
    });
    const UPDATE = `mutation($id: ID!) { listingUpdate(input: { listingId: $id, title: "Kept too" }) { __typename } }`;
    await names(seller);
    const edit = await countQueries(db, () => gql(seller, UPDATE, { id: gid('Listing', listing.id) }));
    expect(edit.result.data!.listingUpdate.__typename).toBe('ListingUpdateSuccess');
    expect(lookups(edit.queries)).toBe(0);
    expect(lookups((await countQueries(db, () => names(seller))).queries)).toBe(0);
    const MIXED = `mutation($id: ID!) {
      listingUpdate(input: { listingId: $id, title: "Mixed" }) { __typename }
      apiKeyRevoke(input: { id: "${gid('ApiKey', 999_999)}" }) { __typename }
    }`;
    await gql(seller, MIXED, { id: gid('Listing', listing.id) });
    expect(lookups((await countQueries(db, () => names(seller))).queries)).toBe(1);
  });

  it('a revoked shop grant takes effect at once for a cached partner key', async () => {
    expect(await names(partner)).toEqual(['Shared With Partner']);
    const REVOKE = `mutation($input: ShopAccessRevokeInput!) { shopAccessRevoke(input: $input) { __typename } }`;
    const res = await gql(admin, REVOKE, {
      input: { shopId: gid('Shop', sharedId), accountId: gid('Account', partnerAccountId) },
    });
    expect(res.data!.shopAccessRevoke.__typename).toBe('ShopAccessRevokeSuccess');
    expect(await names(partner)).toEqual([]);
    expect(await db.prisma.shopAccessGrant.count({ where: { accountId: partnerAccountId, revokedAt: null } })).toBe(0);
  });

  it('never keeps a key that expires within the TTL', async () => {
    const soon = await createKey(db.prisma, 'SELLER', { shopId: mineId, expiresAt: new Date(Date.now() + 60_000) });
    for (let i = 0; i < 2; i++) {
      const { result, queries } = await countQueries(db, () => names(soon.key));
      expect(result).toEqual(['Mine']);
      expect(lookups(queries)).toBeGreaterThanOrEqual(1);
    }
  });

  it('is off under NODE_ENV=test unless configured, and 5 s by default otherwise', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).apiKeyCacheTtlMs).toBe(0);
    expect(loadConfig({ NODE_ENV: 'production' }).apiKeyCacheTtlMs).toBe(5000);
    expect(loadConfig({ NODE_ENV: 'production', API_KEY_CACHE_TTL_MS: '0' }).apiKeyCacheTtlMs).toBe(0);
  });

  it('a change written straight to the database is seen once the TTL has passed, and a lookup racing a clear is not stored', async () => {
    let now = Date.now();
    const cache = new ApiKeyCache(5_000, 100, () => now);
    const key = await createKey(db.prisma, 'SELLER', { shopId: mineId });
    const header = `Bearer ${key.key}`;
    expect((await cache.authenticate(db.prisma, header)).viewer?.shopId).toBe(mineId);
    await db.prisma.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
    expect((await cache.authenticate(db.prisma, header)).viewer?.shopId).toBe(mineId); // stale within the TTL (documented)
    now += 5_001;
    expect(await cache.authenticate(db.prisma, header)).toEqual({ viewer: null, reason: 'REVOKED' });

    const fresh = await createKey(db.prisma, 'SELLER', { shopId: mineId });
    const pending = cache.authenticate(db.prisma, `Bearer ${fresh.key}`);
    cache.clear(); // e.g. a mutation finished while the lookup was in flight
    expect((await pending).viewer?.shopId).toBe(mineId);
    expect(cache.size).toBe(0);
  });

  it('createApp exposes the cache it uses', () => {
    const { apiKeys } = createApp({
      db,
      config: loadConfig({ NODE_ENV: 'production', API_KEY_CACHE_TTL_MS: '1234' }),
      logger: pino({ level: 'silent' }),
    });
    expect(apiKeys.ttlMs).toBe(1234);
  });
});

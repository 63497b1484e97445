import { createHash } from 'node:crypto';
import { parse, print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, createShop, createWorld, type World } from './support/fixtures.ts';
import { createTestApp, gid } from './support/client.ts';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';

const CREATE = `mutation($input: ApiKeyCreateInput!) { apiKeyCreate(input: $input) { __typename ... on ApiKeyCreateSuccess { secret apiKey { id } } ... on Error { code } } }`;

describe.each(testTargets())('Idempotency-Key on %s', (target) => {
  let db: TestDatabase;
  let world: World;
  let seller: string;
  let sellerKeyId: number;
  let shopId: number;
  let gql: ReturnType<typeof createTestApp>['gql'];

  beforeAll(async () => {
    db = await createTestDatabase(target);
    world = await createWorld(db.prisma);
    const shop = await createShop(db.prisma, 'Idem Shop');
    shopId = shop.id;
    ({ key: seller, id: sellerKeyId } = await createKey(db.prisma, 'SELLER', { shopId: shop.id }));
    gql = createTestApp(db).gql;
  });
  afterAll(async () => db.drop());

  it('replays the stored response for the same key and body: one effect', async () => {
    const input = { input: { name: 'retry me', role: 'SELLER', scopes: ['shops:read'] } };
    const first = await gql(seller, CREATE, input, { 'idempotency-key': 'k-1' });
    const again = await gql(seller, CREATE, input, { 'idempotency-key': 'k-1' });
    expect(again.data).toEqual(first.data);
    expect(again.extensions!.idempotentReplay).toBe(true);
    expect(await db.prisma.apiKey.count({ where: { name: 'retry me' } })).toBe(1);
  });

  it('replays the very text first sent, its fields in the order the operation asked for them', async () => {
    const { yoga } = createTestApp(db);
    // Shorter names first is how jsonb stores an object's keys; this asks for the longest first.
    const query = `mutation($input: ApiKeyCreateInput!) { apiKeyCreate(input: $input) { __typename ... on ApiKeyCreateSuccess { secret apiKey { scopes prefix name role id } } } }`;
    const send = async () => {
      const res = await yoga.fetch('http://localhost/graphql', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${seller}`,
          'idempotency-key': 'k-order',
        },
        body: JSON.stringify({
          query,
          variables: { input: { name: 'ordered', role: 'SELLER', scopes: ['shops:read'] } },
        }),
      });
      const text = await res.text();
      return { text, body: JSON.parse(text) as { data: Record<string, any>; extensions: Record<string, unknown> } };
    };
    const first = await send();
    const again = await send();
    expect(again.body.extensions.idempotentReplay).toBe(true);
    expect(Object.keys(first.body.data.apiKeyCreate)).toEqual(['__typename', 'secret', 'apiKey']);
    expect(Object.keys(first.body.data.apiKeyCreate.apiKey)).toEqual(['scopes', 'prefix', 'name', 'role', 'id']);
    const dataText = (text: string) => text.slice(0, text.indexOf(',"extensions":'));
    expect(dataText(first.text)).toMatch(/^\{"data":\{"apiKeyCreate":\{"__typename":"ApiKeyCreateSuccess","secret":/);
    expect(dataText(again.text)).toBe(dataText(first.text));
    expect(await db.prisma.apiKey.count({ where: { name: 'ordered' } })).toBe(1);
  });

  it('refuses the same key with a different body, and a repeat while the first still runs', async () => {
    await gql(
      seller,
      CREATE,
      { input: { name: 'first body', role: 'SELLER', scopes: ['shops:read'] } },
      { 'idempotency-key': 'k-2' },
    );
    const reused = await gql(
      seller,
      CREATE,
      { input: { name: 'second body', role: 'SELLER', scopes: ['shops:read'] } },
      { 'idempotency-key': 'k-2' },
    );
    expect(reused.status).toBe(422);
    expect(reused.errors![0]!.extensions!.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await db.prisma.apiKey.count({ where: { name: 'second body' } })).toBe(0);

    const keyRow = await db.prisma.apiKey.findFirstOrThrow({ where: { name: 'first body' } });
    const variables = { input: { name: 'still running', role: 'SELLER', scopes: ['shops:read'] } };
    const requestHash = createHash('sha256')
      .update(JSON.stringify([print(parse(CREATE)), null, variables]))
      .digest('hex');
    await db.prisma.idempotencyRecord.create({
      data: {
        apiKeyId: keyRow.createdByApiKeyId!,
        key: 'k-running',
        requestHash,
        expiresAt: new Date(Date.now() + 60_000),
      },
    });
    const running = await gql(seller, CREATE, variables, { 'idempotency-key': 'k-running' });
    expect(running.status).toBe(409);
    expect(running.errors![0]!.extensions!.code).toBe('CONFLICT');
    expect(await db.prisma.apiKey.count({ where: { name: 'still running' } })).toBe(0);
  });

  const hashOf = (query: string, variables: unknown) =>
    createHash('sha256')
      .update(JSON.stringify([print(parse(query)), null, variables]))
      .digest('hex');
  /** The record a request left when its process died or the database went away mid-request. */
  const leftBehind = (key: string, query: string, variables: unknown, appliedAt: Date | null) =>
    db.prisma.idempotencyRecord.create({
      data: {
        apiKeyId: sellerKeyId,
        key,
        requestHash: hashOf(query, variables),
        expiresAt: new Date(Date.now() + 60_000),
        leaseUntil: new Date(Date.now() - 1_000),
        appliedAt,
      },
    });

  it('runs a retry once more when the request that held the key ended without storing its effect', async () => {
    const variables = { input: { name: 'orphaned', role: 'SELLER', scopes: ['shops:read'] } };
    await leftBehind('k-orphaned', CREATE, variables, null);
    const retry = await gql(seller, CREATE, variables, { 'idempotency-key': 'k-orphaned' });
    expect(retry.data!.apiKeyCreate.__typename).toBe('ApiKeyCreateSuccess');
    const again = await gql(seller, CREATE, variables, { 'idempotency-key': 'k-orphaned' });
    expect(again.extensions!.idempotentReplay).toBe(true);
    expect(await db.prisma.apiKey.count({ where: { name: 'orphaned' } })).toBe(1);
  });

  it('tells a retry whose first attempt stored its effect (but lost its response) so, and runs nothing', async () => {
    const variables = { input: { name: 'applied once', role: 'SELLER', scopes: ['shops:read'] } };
    await leftBehind('k-applied', CREATE, variables, new Date());
    const retry = await gql(seller, CREATE, variables, { 'idempotency-key': 'k-applied' });
    expect(retry.status).toBe(409);
    expect(retry.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', applied: true });
    expect(await db.prisma.apiKey.count({ where: { name: 'applied once' } })).toBe(0);
  });

  it("stamps the record in the mutation's own transaction: committed with the effect, rolled back with it", async () => {
    const LISTING = `mutation($input: ListingCreateInput!) { listingCreate(input: $input) { __typename } }`;
    const input = (dryRun: boolean) => ({
      input: {
        shopId: gid('Shop', shopId),
        title: `stamped ${dryRun}`,
        categoryId: gid('Category', world.categories.skincare),
        priceAmount: 100,
        currency: 'USD',
        sites: ['GB'],
        dryRun,
      },
    });
    for (const dryRun of [false, true]) {
      const key = `k-stamp-${dryRun}`;
      const res = await gql(seller, LISTING, input(dryRun), { 'idempotency-key': key });
      expect(res.data!.listingCreate.__typename).toBe('ListingCreateSuccess');
      const record = await db.prisma.idempotencyRecord.findUniqueOrThrow({
        where: { apiKeyId_key: { apiKeyId: sellerKeyId, key } },
      });
      expect(record.state).toBe('COMPLETED');
      expect(record.appliedAt === null).toBe(dryRun);
    }
    expect(await db.prisma.listing.count({ where: { title: { startsWith: 'stamped' } } })).toBe(1);
  });

  it('scopes keys per API key, and leaves requests without a key alone', async () => {
    const input = { input: { name: 'per key', role: 'SELLER', scopes: ['shops:read'], shopId: null } };
    await gql(seller, CREATE, input, { 'idempotency-key': 'shared' });
    const admin = await gql(
      world.adminKey,
      `mutation { accountCreate(input: { name: "Agency X", kind: AGENCY }) { __typename } }`,
      undefined,
      { 'idempotency-key': 'shared' },
    );
    expect(admin.data!.accountCreate.__typename).toBe('AccountCreateSuccess');
    await gql(seller, CREATE, { input: { name: 'no key', role: 'SELLER', scopes: ['shops:read'] } });
    await gql(seller, CREATE, { input: { name: 'no key', role: 'SELLER', scopes: ['shops:read'] } });
    expect(await db.prisma.apiKey.count({ where: { name: 'no key' } })).toBe(2);
  });
});

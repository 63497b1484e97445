import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '@shopwarden/db';
import { createKey, createShop, createWorld, type World } from './support/fixtures.ts';
import { createTestApp, gid } from './support/client.ts';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';

describe.each(testTargets())('who may do what on %s', (target) => {
  let db: TestDatabase;
  let world: World;
  let gql: ReturnType<typeof createTestApp>['gql'];
  let mine: { id: number; gid: string; key: string };
  let other: { id: number; gid: string };
  let agency: { key: string; accountId: number };
  let partner: { key: string; accountId: number };

  beforeAll(async () => {
    db = await createTestDatabase(target);
    world = await createWorld(db.prisma);
    gql = createTestApp(db).gql;
    const a = await createShop(db.prisma, 'Mine');
    const b = await createShop(db.prisma, 'Theirs', { primaryCategoryId: world.categories.fashion });
    const c = await createShop(db.prisma, 'Agency Client', { primaryCategoryId: world.categories.home });
    mine = { id: a.id, gid: gid('Shop', a.id), key: (await createKey(db.prisma, 'SELLER', { shopId: a.id })).key };
    other = { id: b.id, gid: gid('Shop', b.id) };
    const agencyAccount = await db.prisma.account.create({ data: { name: 'Agency', kind: 'AGENCY' } });
    const partnerAccount = await db.prisma.account.create({ data: { name: 'Partner', kind: 'PARTNER' } });
    await db.prisma.shopAccessGrant.create({
      data: { shopId: c.id, accountId: agencyAccount.id, scopes: ['shops:read', 'shops:write'] },
    });
    await db.prisma.shopAccessGrant.create({
      data: { shopId: c.id, accountId: partnerAccount.id, scopes: ['shops:read'] },
    });
    agency = {
      key: (await createKey(db.prisma, 'AGENCY', { accountId: agencyAccount.id })).key,
      accountId: agencyAccount.id,
    };
    partner = {
      key: (await createKey(db.prisma, 'PARTNER', { accountId: partnerAccount.id })).key,
      accountId: partnerAccount.id,
    };
  });
  afterAll(async () => db.drop());

  it('a seller cannot see another shop through shop, node, nodes or a connection', async () => {
    expect(
      (await gql(mine.key, `query($id: ID!) { shop(id: $id) { name } }`, { id: other.gid })).data!.shop,
    ).toBeNull();
    expect((await gql(mine.key, `query($id: ID!) { node(id: $id) { id } }`, { id: other.gid })).data!.node).toBeNull();
    expect(
      (await gql(mine.key, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: [mine.gid, other.gid] })).data!
        .nodes,
    ).toEqual([{ id: mine.gid }, null]);
    // Whatever the position: an out-of-reach ID first must not shift another object into its slot.
    expect(
      (
        await gql(mine.key, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, {
          ids: [other.gid, mine.gid, other.gid],
        })
      ).data!.nodes,
    ).toEqual([null, { id: mine.gid }, null]);
    const list = await gql(mine.key, `{ shops(first: 100) { edges { node { name } } } }`);
    expect(list.data!.shops.edges).toEqual([{ node: { name: 'Mine' } }]);
    // A caller filter cannot widen the tenant restriction.
    const filtered = await gql(
      mine.key,
      `{ shops(first: 100, filter: { nameContains: "Theirs" }) { edges { node { name } } } }`,
    );
    expect(filtered.data!.shops.edges).toEqual([]);
    // An out-of-reach shop looks exactly like a missing one.
    const missing = await gql(mine.key, `query($id: ID!) { shop(id: $id) { name } }`, { id: gid('Shop', 999_999) });
    expect(missing.data!.shop).toBeNull();
  });

  it('a seller cannot change another shop, and the attempt changes nothing', async () => {
    const res = await gql(
      mine.key,
      `mutation($input: ShopSelectPrimaryCategoryInput!) { shopSelectPrimaryCategory(input: $input) { __typename ... on Error { code } } }`,
      {
        input: {
          shopId: gid('Shop', (await db.prisma.shop.findFirstOrThrow({ where: { name: 'Agency Client' } })).id),
          categoryId: gid('Category', world.categories.beauty),
          answers: [],
        },
      },
    );
    expect(['NOT_FOUND', 'VALIDATION_FAILED']).toContain(res.data!.shopSelectPrimaryCategory.code);
    const attempt = await gql(
      mine.key,
      `mutation($input: ShopSelectPrimaryCategoryInput!) { shopSelectPrimaryCategory(input: $input) { __typename ... on Error { code } } }`,
      {
        input: {
          shopId: other.gid,
          categoryId: gid('Category', world.categories.beauty),
          answers: [
            { key: 'main_products', answer: 'x' },
            { key: 'category_share', answer: '1' },
            { key: 'policy_acknowledged', answer: 'yes' },
          ],
        },
      },
    );
    expect(attempt.data!.shopSelectPrimaryCategory.code).toBe('NOT_FOUND');
    expect((await db.prisma.shop.findUniqueOrThrow({ where: { id: other.id } })).primaryCategoryId).toBe(
      world.categories.fashion,
    );
  });

  it('agencies and partners reach only the shops that granted them access; partners never write', async () => {
    const names = async (key: string) =>
      (await gql(key, `{ shops(first: 100) { edges { node { name } } } }`)).data!.shops.edges.map(
        (e: { node: { name: string } }) => e.node.name,
      );
    expect(await names(agency.key)).toEqual(['Agency Client']);
    expect(await names(partner.key)).toEqual(['Agency Client']);
    expect(
      (await gql(agency.key, `query($id: ID!) { node(id: $id) { id } }`, { id: other.gid })).data!.node,
    ).toBeNull();

    const client = await db.prisma.shop.findFirstOrThrow({ where: { name: 'Agency Client' } });
    const CHANGE_KEY = `mutation($input: ApiKeyCreateInput!) { apiKeyCreate(input: $input) { __typename ... on Error { code } } }`;
    expect(
      (
        await gql(partner.key, CHANGE_KEY, {
          input: { name: 'x', role: 'SELLER', scopes: ['shops:read'], shopId: gid('Shop', client.id) },
        })
      ).data!.apiKeyCreate.code,
    ).toBe('FORBIDDEN');
  });

  it('admin sees every shop; unauthenticated callers get nothing', async () => {
    const all = await gql(world.adminKey, `{ shops(first: 100) { edges { node { name } } } }`);
    expect(all.data!.shops.edges.length).toBeGreaterThanOrEqual(3);
    const anon = await gql(null, `{ shops(first: 5) { edges { node { name } } } }`);
    expect(anon.data).toBeNull();
    expect(anon.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect((await gql(null, `{ viewer { role } }`)).data!.viewer).toBeNull();
  });

  it('issues hashed, prefixed keys, shows the secret once, and revokes them at once', async () => {
    const CREATE = `mutation($input: ApiKeyCreateInput!) { apiKeyCreate(input: $input) { __typename
      ... on ApiKeyCreateSuccess { secret apiKey { id prefix role scopes shop { name } } } ... on Error { code message } ... on ValidationError { fields { path } } } }`;
    const created = await gql(mine.key, CREATE, { input: { name: 'CI bot', role: 'SELLER', scopes: ['shops:read'] } });
    const { secret, apiKey } = created.data!.apiKeyCreate;
    expect(secret).toMatch(/^sw_sel_[A-Za-z0-9]{32}$/);
    expect(apiKey).toMatchObject({
      prefix: secret.slice(0, 12),
      role: 'SELLER',
      scopes: ['shops:read'],
      shop: { name: 'Mine' },
    });
    const row = await db.prisma.apiKey.findFirstOrThrow({ where: { prefix: apiKey.prefix } });
    expect(row.hash).toBe(hashApiKey(secret));
    expect(JSON.stringify(row)).not.toContain(secret);

    expect((await gql(secret, `{ viewer { role shop { name } } }`)).data!.viewer).toEqual({
      role: 'SELLER',
      shop: { name: 'Mine' },
    });

    // A seller cannot mint an admin key, widen its own scopes, or issue keys for another shop.
    expect(
      (await gql(mine.key, CREATE, { input: { name: 'x', role: 'ADMIN', scopes: ['*'] } })).data!.apiKeyCreate.code,
    ).toMatch(/FORBIDDEN|VALIDATION_FAILED/);
    expect(
      (await gql(mine.key, CREATE, { input: { name: 'x', role: 'SELLER', scopes: ['revenue:write'] } })).data!
        .apiKeyCreate.code,
    ).toBe('FORBIDDEN');
    expect(
      (await gql(mine.key, CREATE, { input: { name: 'x', role: 'SELLER', scopes: ['shops:read'], shopId: other.gid } }))
        .data!.apiKeyCreate.code,
    ).toBe('NOT_FOUND');
    expect(
      (await gql(mine.key, CREATE, { input: { name: 'x', role: 'SELLER', scopes: ['nope:read'] } })).data!.apiKeyCreate
        .fields[0].path,
    ).toEqual(['input', 'scopes', '0']);

    const REVOKE = `mutation($id: ID!) { apiKeyRevoke(input: { id: $id }) { __typename ... on ApiKeyRevokeSuccess { apiKey { revokedAt } } ... on Error { code } } }`;
    expect((await gql(mine.key, REVOKE, { id: apiKey.id })).data!.apiKeyRevoke.apiKey.revokedAt).toBeTruthy();
    const revoked = await gql(secret, `{ viewer { role } }`);
    expect(revoked.status).toBe(401);
    expect(revoked.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    expect((await gql(mine.key, REVOKE, { id: apiKey.id })).data!.apiKeyRevoke.code).toBe('INVALID_STATE');
  });

  it('rejects expired and unknown keys with 401', async () => {
    const expired = await createKey(db.prisma, 'SELLER', { shopId: mine.id, expiresAt: new Date(Date.now() - 1000) });
    const res = await gql(expired.key, `{ viewer { role } }`);
    expect(res.status).toBe(401);
    expect(res.errors![0]!.message).toMatch(/expired/);
    expect((await gql('sw_sel_notarealkeyatallnotarealkey00', `{ viewer { role } }`)).status).toBe(401);
  });

  it('lets a seller grant an agency access, and withdraw it', async () => {
    const GRANT = `mutation($input: ShopAccessGrantInput!) { shopAccessGrant(input: $input) { __typename ... on ShopAccessGrantSuccess { grant { scopes account { name } } } ... on Error { code } } }`;
    const names = async () =>
      (await gql(agency.key, `{ shops(first: 100) { edges { node { name } } } }`)).data!.shops.edges.map(
        (e: { node: { name: string } }) => e.node.name,
      );
    const granted = await gql(mine.key, GRANT, {
      input: { shopId: mine.gid, accountId: gid('Account', agency.accountId), scopes: ['shops:read'] },
    });
    expect(granted.data!.shopAccessGrant.grant).toEqual({ scopes: ['shops:read'], account: { name: 'Agency' } });
    expect(await names()).toEqual(['Mine', 'Agency Client']);
    const partnerWrite = await gql(mine.key, GRANT, {
      input: { shopId: mine.gid, accountId: gid('Account', partner.accountId), scopes: ['shops:write'] },
    });
    expect(partnerWrite.data!.shopAccessGrant.code).toBe('VALIDATION_FAILED');
    const REVOKE = `mutation($input: ShopAccessRevokeInput!) { shopAccessRevoke(input: $input) { __typename ... on Error { code } } }`;
    expect(
      (await gql(mine.key, REVOKE, { input: { shopId: mine.gid, accountId: gid('Account', agency.accountId) } })).data!
        .shopAccessRevoke.__typename,
    ).toBe('ShopAccessRevokeSuccess');
    expect(await names()).toEqual(['Agency Client']);
  });

  it('writes an audit record for every mutation, successful or not', async () => {
    const before = await db.prisma.auditRecord.count();
    await gql(mine.key, `mutation { sandboxClockSet(input: { now: null }) { __typename } }`);
    await gql(world.adminKey, `mutation { sandboxClockSet(input: { now: null }) { __typename } }`);
    const records = await db.prisma.auditRecord.findMany({ orderBy: { id: 'desc' }, take: 2 });
    expect(await db.prisma.auditRecord.count()).toBe(before + 2);
    expect(records.map((r) => [r.operation, r.role, r.outcome, r.resultCode])).toEqual([
      ['sandboxClockSet', 'ADMIN', 'SUCCESS', null],
      ['sandboxClockSet', 'SELLER', 'ERROR', 'FORBIDDEN'],
    ]);
    expect(records[0]!.requestId).toBeTruthy();
  });
});

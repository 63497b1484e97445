/**
 * Invitation codes are issued, listed with their use and revoked by administrators; verification
 * documents are read back by administrators and the shop's own seller only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, gid } from './support/client.ts';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';
import { createKey, createShop, createWorld, type World } from './support/fixtures.ts';

const ERRORS = `... on Error { code message } ... on ValidationError { fields { path message } }`;
const ISSUE = `mutation($input: InvitationCodesIssueInput!) { invitationCodesIssue(input: $input) { __typename
  ... on InvitationCodesIssueSuccess { codes { id code site status expiresAt } } ${ERRORS} } }`;
const REVOKE = `mutation($input: InvitationCodeRevokeInput!) { invitationCodeRevoke(input: $input) { __typename
  ... on InvitationCodeRevokeSuccess { invitationCode { status revokedAt } } ${ERRORS} } }`;
const LIST = `query($site: CountryCode, $status: InvitationCodeStatus, $first: Int) {
  invitationCodes(site: $site, status: $status, first: $first) { edges { node { code status usedBy { name } usedAt } } } }`;
const ONBOARD = `mutation($input: ShopOnboardInput!) { shopOnboard(input: $input) { __typename
  ... on ShopOnboardSuccess { secret shop { id } } ${ERRORS} } }`;
const SETTINGS = `mutation($input: PlatformSettingsUpdateInput!) { platformSettingsUpdate(input: $input) { __typename } }`;
const CLOCK = `mutation($now: DateTime) { sandboxClockSet(input: { now: $now }) { __typename } }`;
const DOCUMENTS = `query($id: ID!) { shop(id: $id) { verificationDocuments { id type reference } } }`;

interface Code {
  id: string;
  code: string;
  site: string;
  status: string;
  expiresAt: string | null;
}

describe.each(testTargets())('invitation codes and verification documents on %s', (target) => {
  let db: TestDatabase;
  let world: World;
  let gql: ReturnType<typeof createTestApp>['gql'];
  let sellerKey: string;

  beforeAll(async () => {
    db = await createTestDatabase(target);
    world = await createWorld(db.prisma);
    gql = createTestApp(db, { API_KEY_CACHE_TTL_MS: '0' }).gql;
    const shop = await createShop(db.prisma, 'Some seller');
    sellerKey = (await createKey(db.prisma, 'SELLER', { shopId: shop.id })).key;
    await gql(world.adminKey, CLOCK, { now: '2024-06-03T00:00:00Z' });
    await gql(world.adminKey, SETTINGS, { input: { inviteOnlySites: ['FR'] } });
  });
  afterAll(async () => db.drop());

  const issue = async (input: Record<string, unknown>, key = world.adminKey) =>
    (await gql(key, ISSUE, { input })).data!.invitationCodesIssue;
  const onboard = async (name: string, invitationCode: string, sites = ['FR']) =>
    (await gql(world.adminKey, ONBOARD, { input: { name, sites, invitationCode, createSellerKey: false } })).data!
      .shopOnboard;

  it('issues single codes and batches, with an expiry, to administrators only', async () => {
    const one = await issue({ site: 'FR' });
    expect(one.codes).toHaveLength(1);
    expect(one.codes[0]).toMatchObject({ site: 'FR', status: 'UNUSED', expiresAt: null });
    expect(one.codes[0].code).toMatch(/^FR-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    const batch = await issue({ site: 'FR', count: 50, expiresAt: '2024-07-01T00:00:00Z' });
    expect(new Set(batch.codes.map((c: Code) => c.code)).size).toBe(50);
    expect(batch.codes.every((c: Code) => c.expiresAt === '2024-07-01T00:00:00.000Z')).toBe(true);

    expect(await issue({ site: 'FR' }, sellerKey)).toMatchObject({ code: 'FORBIDDEN' });
    const invalid = await issue({ site: 'FR', count: 251, expiresAt: '2024-06-02T00:00:00Z' });
    expect(invalid.fields.map((f: { path: string[] }) => f.path)).toEqual([
      ['input', 'count'],
      ['input', 'expiresAt'],
    ]);
    expect((await issue({ site: 'FR', count: 0 })).code).toBe('VALIDATION_FAILED');
    expect(await db.prisma.invitationCode.count()).toBe(51);
    const audit = await db.prisma.auditRecord.findMany({
      where: { operation: 'invitationCodesIssue' },
      select: { role: true, outcome: true, resultCode: true },
      orderBy: { id: 'asc' },
    });
    expect(audit.map((a) => `${a.role} ${a.outcome} ${a.resultCode}`)).toEqual([
      'ADMIN SUCCESS null',
      'ADMIN SUCCESS null',
      'SELLER ERROR FORBIDDEN',
      'ADMIN ERROR VALIDATION_FAILED',
      'ADMIN ERROR VALIDATION_FAILED',
    ]);
  });

  it('lists codes with their use, filtered by site and state; a used code is final', async () => {
    const [code] = (await issue({ site: 'FR' })).codes as Code[];
    expect((await onboard('Invited', code!.code)).__typename).toBe('ShopOnboardSuccess');
    expect((await onboard('Second use', code!.code)).code).toBe('INVITATION_REQUIRED');

    const used = await gql(world.adminKey, LIST, { status: 'USED', first: 10 });
    expect(used.data!.invitationCodes.edges).toEqual([
      { node: { code: code!.code, status: 'USED', usedBy: { name: 'Invited' }, usedAt: '2024-06-03T00:00:00.000Z' } },
    ]);
    const unused = await gql(world.adminKey, LIST, { site: 'FR', status: 'UNUSED', first: 100 });
    expect(unused.data!.invitationCodes.edges).toHaveLength(51);
    expect((await gql(world.adminKey, LIST, { site: 'DE', first: 10 })).data!.invitationCodes.edges).toEqual([]);
    // Codes with an expiry are EXPIRED once the platform clock passes it.
    await gql(world.adminKey, CLOCK, { now: '2024-07-01T00:00:00Z' });
    const expired = await gql(world.adminKey, LIST, { status: 'EXPIRED', first: 100 });
    expect(expired.data!.invitationCodes.edges).toHaveLength(50);
    await gql(world.adminKey, CLOCK, { now: '2024-06-03T00:00:00Z' });

    const refused = await gql(sellerKey, LIST, { first: 1 });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const node = await gql(sellerKey, `query($id: ID!) { node(id: $id) { id } }`, { id: code!.id });
    expect(node.data!.node).toBeNull();
  });

  it('revokes unused codes only: a revoked code cannot be used, a used one cannot be revoked', async () => {
    const [a, b] = (await issue({ site: 'FR', count: 2 })).codes as Code[];
    const revoke = async (id: string, key = world.adminKey) =>
      (await gql(key, REVOKE, { input: { invitationCodeId: id } })).data!.invitationCodeRevoke;
    expect(await revoke(a!.id, sellerKey)).toMatchObject({ code: 'FORBIDDEN' });
    expect(await revoke(a!.id)).toMatchObject({
      __typename: 'InvitationCodeRevokeSuccess',
      invitationCode: { status: 'REVOKED', revokedAt: '2024-06-03T00:00:00.000Z' },
    });
    expect(await revoke(a!.id)).toMatchObject({ code: 'INVALID_STATE' });
    expect((await onboard('With revoked', a!.code)).code).toBe('INVITATION_REQUIRED');

    expect((await onboard('With b', b!.code)).__typename).toBe('ShopOnboardSuccess');
    expect(await revoke(b!.id)).toMatchObject({ __typename: 'InvalidStateError', code: 'INVITATION_CODE_USED' });
    const stored = await db.prisma.invitationCode.findUniqueOrThrow({ where: { code: b!.code } });
    expect(stored.revokedAt).toBeNull();
    expect(await revoke(gid('InvitationCode', 999_999))).toMatchObject({ code: 'NOT_FOUND' });
    const audit = await db.prisma.auditRecord.findMany({
      where: { operation: 'invitationCodeRevoke' },
      select: { outcome: true, resultCode: true },
      orderBy: { id: 'asc' },
    });
    expect(audit.map((r) => r.resultCode)).toEqual([
      'FORBIDDEN',
      null,
      'INVALID_STATE',
      'INVITATION_CODE_USED',
      'NOT_FOUND',
    ]);
  });

  it("reads verification documents back as administrator and as the shop's seller, never as anyone else", async () => {
    const res = await gql(world.adminKey, ONBOARD, {
      input: {
        name: 'Verified',
        sites: ['US'],
        verificationDocument: { type: 'PASSPORT', reference: 'P-1234567' },
      },
    });
    const { secret, shop } = res.data!.shopOnboard;
    const expected = [{ id: expect.any(String), type: 'PASSPORT', reference: 'P-1234567' }];
    const admin = await gql(world.adminKey, DOCUMENTS, { id: shop.id });
    expect(admin.data!.shop.verificationDocuments).toEqual(expected);
    const own = await gql(secret, DOCUMENTS, { id: shop.id });
    expect(own.errors).toBeUndefined();
    expect(own.data!.shop.verificationDocuments).toEqual(expected);
    const docId = admin.data!.shop.verificationDocuments[0].id as string;
    const byNode = `query($id: ID!) { node(id: $id) { ... on VerificationDocument { reference } } }`;
    expect((await gql(secret, byNode, { id: docId })).data!.node).toEqual({ reference: 'P-1234567' });

    // Another shop's seller does not reach the shop, nor the document.
    const foreign = await gql(sellerKey, DOCUMENTS, { id: shop.id });
    expect(foreign.data!.shop).toBeNull();
    expect((await gql(sellerKey, byNode, { id: docId })).data!.node).toBeNull();

    // A partner app and an agency granted every read scope on the shop are refused the documents.
    const shopId = Number(Buffer.from(shop.id, 'base64').toString().split(':')[1]);
    for (const kind of ['PARTNER', 'AGENCY'] as const) {
      const account = await db.prisma.account.create({ data: { name: `${kind} app`, kind } });
      await db.prisma.shopAccessGrant.create({
        data: { shopId, accountId: account.id, scopes: ['shops:read', 'listings:read', 'health:read'] },
      });
      const key = (await createKey(db.prisma, kind, { accountId: account.id, scopes: ['shops:read', 'listings:read'] }))
        .key;
      const refused = await gql(key, DOCUMENTS, { id: shop.id });
      expect(refused.errors?.map((e) => [e.extensions?.code, e.path?.join('.')])).toEqual([
        ['FORBIDDEN', 'shop.verificationDocuments'],
      ]);
      expect(JSON.stringify(refused.data)).not.toContain('P-1234567');
      expect((await gql(key, byNode, { id: docId })).data!.node).toBeNull();
      // The grant cannot name the scope, and a key cannot carry it.
      const grant = await gql(
        secret,
        `mutation($input: ShopAccessGrantInput!) { shopAccessGrant(input: $input) { __typename ... on Error { code } } }`,
        { input: { shopId: shop.id, accountId: gid('Account', account.id), scopes: ['verification:read'] } },
      );
      expect(grant.data?.shopAccessGrant?.code ?? grant.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    }
  });
});

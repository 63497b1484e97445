import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '@shopwarden/db';
import { createKey, createWorld, type World } from './support/fixtures.ts';
import { createTestApp } from './support/client.ts';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';

const ONBOARD = /* GraphQL */ `
  mutation Onboard($input: ShopOnboardInput!) {
    shopOnboard(input: $input) {
      __typename
      ... on ShopOnboardSuccess {
        secret
        shop {
          id
          name
          sites
          businessModel
          migrationDeadline
          status
        }
        apiKey {
          prefix
          role
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

describe.each(testTargets())('shop onboarding (SPEC §1) on %s', (target) => {
  let db: TestDatabase;
  let world: World;
  let gql: ReturnType<typeof createTestApp>['gql'];
  const clock = (now: string | null) =>
    gql(world.adminKey, `mutation($now: DateTime) { sandboxClockSet(input: { now: $now }) { __typename } }`, { now });

  beforeAll(async () => {
    db = await createTestDatabase(target);
    world = await createWorld(db.prisma);
    gql = createTestApp(db).gql;
  });
  afterAll(async () => db.drop());

  it('onboards a closed-loop shop with its first seller key, shown once', async () => {
    const res = await gql(world.adminKey, ONBOARD, { input: { name: 'Fresh Threads', sites: ['GB', 'DE'] } });
    const out = res.data!.shopOnboard;
    expect(out.shop).toMatchObject({
      name: 'Fresh Threads',
      sites: ['GB', 'DE'],
      businessModel: 'CLOSED_LOOP',
      status: 'ACTIVE',
      migrationDeadline: null,
    });
    expect(out.apiKey).toEqual({ prefix: out.secret.slice(0, 12), role: 'SELLER' });
    expect(await db.prisma.apiKey.count({ where: { hash: hashApiKey(out.secret) } })).toBe(1);
    expect((await gql(out.secret, `{ viewer { shop { name } } }`)).data!.viewer.shop.name).toBe('Fresh Threads');
  });

  it('requires one verification document for the US site', async () => {
    const before = await db.prisma.shop.count();
    const res = await gql(world.adminKey, ONBOARD, { input: { name: 'US Shop', sites: ['US'] } });
    expect(res.data!.shopOnboard.code).toBe('VERIFICATION_REQUIRED');
    expect(await db.prisma.shop.count()).toBe(before);
    const ok = await gql(world.adminKey, ONBOARD, {
      input: { name: 'US Shop', sites: ['US'], verificationDocument: { type: 'PASSPORT', reference: 'X1234567' } },
    });
    expect(ok.data!.shopOnboard.__typename).toBe('ShopOnboardSuccess');
    const badType = await gql(world.adminKey, ONBOARD, {
      input: { name: 'US Shop', sites: ['US'], verificationDocument: { type: 'LIBRARY_CARD', reference: 'x' } },
    });
    expect(badType.errors?.[0]?.message).toMatch(/LIBRARY_CARD/);
  });

  it('needs a valid unused invitation code while a site is invite-only, and a code works once', async () => {
    await gql(world.adminKey, `mutation { platformSettingsUpdate(input: { inviteOnlySites: ["FR"] }) { __typename } }`);
    await db.prisma.invitationCode.createMany({
      data: [
        { code: 'FR-WELCOME-1', site: 'FR' },
        { code: 'FR-EXPIRED', site: 'FR', expiresAt: new Date('2020-01-01T00:00:00Z') },
        { code: 'ES-ONLY', site: 'ES' },
      ],
    });
    const attempt = (invitationCode?: string) =>
      gql(world.adminKey, ONBOARD, { input: { name: 'Paris Shop', sites: ['FR'], invitationCode } });
    expect((await attempt()).data!.shopOnboard.code).toBe('INVITATION_REQUIRED');
    expect((await attempt('NOPE')).data!.shopOnboard.code).toBe('INVITATION_REQUIRED');
    expect((await attempt('FR-EXPIRED')).data!.shopOnboard.code).toBe('INVITATION_REQUIRED');
    expect((await attempt('ES-ONLY')).data!.shopOnboard.code).toBe('INVITATION_REQUIRED');
    const shopsBefore = await db.prisma.shop.count({ where: { name: 'Paris Shop' } });
    expect(shopsBefore).toBe(0);

    const racers = await Promise.all(Array.from({ length: 5 }, () => attempt('FR-WELCOME-1')));
    expect(racers.filter((r) => r.data!.shopOnboard.__typename === 'ShopOnboardSuccess')).toHaveLength(1);
    expect(await db.prisma.shop.count({ where: { name: 'Paris Shop' } })).toBe(1);
    const code = await db.prisma.invitationCode.findUniqueOrThrow({ where: { code: 'FR-WELCOME-1' } });
    expect(code.usedByShopId).not.toBeNull();
    await gql(world.adminKey, `mutation { platformSettingsUpdate(input: { inviteOnlySites: [] }) { __typename } }`);
  });

  it('refuses SEMI_CLOSED_LOOP from its retirement date and gives earlier ones a migration deadline', async () => {
    await clock('2023-09-12T00:00:00Z');
    const retired = await gql(world.adminKey, ONBOARD, {
      input: { name: 'Plug-in Shop', sites: ['GB'], businessModel: 'SEMI_CLOSED_LOOP' },
    });
    expect(retired.data!.shopOnboard.code).toBe('BUSINESS_MODEL_RETIRED');
    await clock('2023-09-11T23:59:59Z');
    const allowed = await gql(world.adminKey, ONBOARD, {
      input: { name: 'Plug-in Shop', sites: ['GB'], businessModel: 'SEMI_CLOSED_LOOP' },
    });
    expect(allowed.data!.shopOnboard.shop).toMatchObject({
      businessModel: 'SEMI_CLOSED_LOOP',
      migrationDeadline: '2024-03-10T00:00:00.000Z',
    });
    await clock(null);
  });

  it('validates names and sites with field paths, and only administrators onboard', async () => {
    const res = await gql(world.adminKey, ONBOARD, { input: { name: ' ', sites: ['GB', 'GB'] } });
    expect(res.data!.shopOnboard.code).toBe('VALIDATION_FAILED');
    expect(res.data!.shopOnboard.fields.map((f: { path: string[] }) => f.path.join('.'))).toEqual([
      'input.name',
      'input.sites',
    ]);
    const badSite = await gql(world.adminKey, ONBOARD, { input: { name: 'x', sites: ['gb'] } });
    expect(badSite.errors?.[0]?.message).toMatch(/CountryCode/);
    const shop = await db.prisma.shop.findFirstOrThrow();
    const seller = await createKey(db.prisma, 'SELLER', { shopId: shop.id });
    const before = await db.prisma.shop.count();
    expect((await gql(seller.key, ONBOARD, { input: { name: 'Sneaky', sites: ['GB'] } })).data!.shopOnboard.code).toBe(
      'FORBIDDEN',
    );
    expect(await db.prisma.shop.count()).toBe(before);
  });
});

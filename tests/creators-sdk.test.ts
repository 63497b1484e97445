import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertSuccess, createShopWardenClient, isError } from '@shopwarden/sdk';
import { influencerMatching } from '../packages/sdk/examples/influencer-matching.ts';
import { createKey, createShop, createWorld, type World } from './support/fixtures.ts';
import { createTestApp, gid } from './support/client.ts';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';

const URL_IN_PROCESS = 'http://localhost/graphql';

describe.each(testTargets())('SDK: creators, partnerships and matching on %s', (target) => {
  let db: TestDatabase;
  let world: World;
  let app: ReturnType<typeof createTestApp>;
  const fetch = (url: string, init: { method: string; headers: Record<string, string>; body: string }) =>
    app.yoga.fetch(url, init);

  beforeAll(async () => {
    db = await createTestDatabase(target);
    world = await createWorld(db.prisma);
    app = createTestApp(db, { RATE_LIMIT_CAPACITY: '100000', RATE_LIMIT_RESTORE_RATE: '100000' });
  });
  afterAll(async () => db.drop());

  it('runs the influencer-matching example: rank, propose to the best represented creator, follow the answer', async () => {
    const shop = await createShop(db.prisma, 'Example Beauty', {
      sites: ['GB', 'US'],
      primaryCategoryId: world.categories.beauty,
    });
    const seller = await createKey(db.prisma, 'SELLER', {
      shopId: shop.id,
      scopes: ['shops:read', 'listings:read', 'creators:read', 'partnerships:read', 'partnerships:write'],
    });
    const account = await db.prisma.account.create({ data: { name: 'Example Matcher', kind: 'PARTNER' } });
    const partner = await createKey(db.prisma, 'PARTNER', {
      accountId: account.id,
      // The SDK's partnership fields include the shop and its scope listings, each under its own read scope.
      scopes: [
        'shops:read',
        'listings:read',
        'creators:read',
        'creators:write',
        'partnerships:read',
        'partnerships:write',
      ],
    });
    const admin = createShopWardenClient({ url: URL_IN_PROCESS, apiKey: world.adminKey, fetch });
    const creatorSide = createShopWardenClient({ url: URL_IN_PROCESS, apiKey: partner.key, fetch });

    // The partner app creates the creators it represents; an administrator creates one it does not.
    const beauty = gid('Category', world.categories.beauty);
    for (const [handle, followers, client] of [
      ['sdk_star', 900_000, creatorSide],
      ['sdk_rising', 40_000, creatorSide],
      ['sdk_unrepresented', 2_000_000, admin],
    ] as const) {
      const created = await client.creators.create({
        input: {
          handle,
          displayName: handle,
          regions: ['GB'],
          nicheCategoryIds: [beauty],
          followerCount: followers,
          engagementRate: 4,
        },
      });
      assertSuccess(created);
    }
    const taken = await creatorSide.creators.create({
      input: {
        handle: 'sdk_star',
        displayName: 'x',
        regions: ['GB'],
        nicheCategoryIds: [beauty],
        followerCount: 1,
        engagementRate: 1,
      },
    });
    expect(isError(taken, 'CONFLICT')).toBe(true);

    const lines: string[] = [];
    const result = await influencerMatching({
      url: URL_IN_PROCESS,
      shopKey: seller.key,
      creatorKey: partner.key,
      fetch,
      print: (line) => lines.push(line),
    });
    expect(result).toMatchObject({ outcome: 'ACCEPTED', status: 'ACTIVE' });
    // The unrepresented creator ranks first for the shop, but only a represented one can answer.
    expect(lines[0]).toContain('@sdk_unrepresented');
    expect(lines.some((l) => l.startsWith('Proposed to @sdk_star at 12.5 %'))).toBe(true);
    expect(lines.at(-1)).toBe('@sdk_star answered: ACTIVE');

    const shopSide = createShopWardenClient({ url: URL_IN_PROCESS, apiKey: seller.key, fetch });
    const active = [];
    for await (const p of shopSide.partnerships.paginateForShop({ shopId: gid('Shop', shop.id), status: 'ACTIVE' }))
      active.push(p.creatorHandle);
    expect(active).toEqual(['sdk_star']);
    const shops = await creatorSide.matching.listShopsForCreator({
      creatorId: (await creatorSide.creators.list())!.edges[0]!.node.id,
    });
    expect(shops && 'shopMatches' in shops ? shops.shopMatches.edges : null).toEqual([]); // no shop granted it access
  });
});

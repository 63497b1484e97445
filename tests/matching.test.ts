import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchParts, scoreOf, type MatchInput, type MatchWeights } from '@shopwarden/schema';
import { createKey, createShop, createWorld, type World } from './support/fixtures.ts';
import { countQueries, createTestApp, gid } from './support/client.ts';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';
import { createPolicy } from './support/health-fixtures.ts';
import { createCreators, type CreatorSpec } from './support/matching-fixtures.ts';

const NOW = new Date('2024-06-01T00:00:00.000Z');
const DEFAULTS: MatchWeights = {
  matchWeightPrimaryNiche: 35,
  matchWeightGrantedNiche: 15,
  matchWeightRegion: 20,
  matchWeightAudience: 25,
  matchWeightEngagement: 20,
  matchPenaltyPerPoint: 3,
  matchAlreadyPartneredPenalty: 20,
};

const MATCHES = /* GraphQL */ `
  query Matches($id: ID!, $first: Int, $after: String, $last: Int, $before: String, $filter: CreatorMatchFilter) {
    shop(id: $id) {
      creatorMatches(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
        edges {
          cursor
          node {
            score
            standing
            creator {
              handle
              followerCount
            }
            reasons {
              code
              points
              message
            }
          }
        }
        pageInfo {
          hasNextPage
          hasPreviousPage
          endCursor
          startCursor
        }
      }
    }
  }
`;

interface Edge {
  cursor: string;
  node: {
    score: number;
    standing: string;
    creator: { handle: string; followerCount: number };
    reasons: { code: string; points: number; message: string }[];
  };
}

describe.each(testTargets())('matching (SPEC §7) on %s', (target) => {
  let db: TestDatabase;
  let world: World;
  let gql: ReturnType<typeof createTestApp>['gql'];
  let shopGid: string;
  let shopId: number;
  let policyId: number;

  beforeAll(async () => {
    db = await createTestDatabase(target);
    world = await createWorld(db.prisma);
    gql = createTestApp(db, {
      LOG_LEVEL: 'error',
      RATE_LIMIT_CAPACITY: '1000000',
      RATE_LIMIT_RESTORE_RATE: '1000000',
    }).gql;
    await gql(world.adminKey, `mutation { sandboxClockSet(input: { now: "${NOW.toISOString()}" }) { __typename } }`);
    const c = world.categories;
    const shop = await createShop(db.prisma, 'Glow Lab', { sites: ['GB', 'US'], primaryCategoryId: c.beauty });
    shopId = shop.id;
    shopGid = gid('Shop', shop.id);
    const request = await db.prisma.categoryExceptionRequest.create({
      data: { shopId, comment: 'We also sell scarves', requestedCategoryIds: [c.dresses], status: 'APPROVED' },
    });
    await db.prisma.categoryExceptionGrant.create({ data: { shopId, categoryId: c.dresses, requestId: request.id } });
    policyId = (await createPolicy(db.prisma, { points: 4 })).id;
    const specs: CreatorSpec[] = [
      { handle: 'maya', niches: [c.beauty], regions: ['US'], followers: 1_240_000, bps: 520 },
      { handle: 'amara', niches: [c.fashion], regions: ['GB', 'US'], followers: 640_000, bps: 480 },
      {
        handle: 'danny',
        niches: [c.beauty, c.electronics],
        regions: ['US'],
        followers: 2_050_000,
        bps: 210,
        violations: [
          { points: 4, daysAgo: 50 },
          { points: 2, daysAgo: 10 },
        ],
      },
      { handle: 'claire', niches: [c.home], regions: ['GB'], followers: 158_000, bps: 730 },
      {
        handle: 'sam',
        niches: [c.beauty],
        regions: ['GB', 'US'],
        followers: 900_000,
        bps: 400,
        violations: [{ points: 13, daysAgo: 20 }],
      },
      { handle: 'ollie', niches: [c.beauty], regions: ['GB'], followers: 275_000, bps: 890 },
    ];
    const ids = await createCreators(db.prisma, specs, { shopId, policyId, now: NOW });
    await db.prisma.partnership.create({
      data: {
        shopId,
        creatorId: ids.get('ollie')!,
        status: 'ACTIVE',
        commissionRateBps: 1000,
        openPairKey: `${shopId}:${ids.get('ollie')}`,
      },
    });
  });
  afterAll(async () => db.drop());

  const page = async (vars: Record<string, unknown>, key = world.adminKey) => {
    const res = await gql(key, MATCHES, { id: shopGid, ...vars });
    expect(res.errors).toBeUndefined();
    return res.data!.shop.creatorMatches as { edges: Edge[]; pageInfo: Record<string, unknown> };
  };

  it('ranks the worked example of the guide, with reasons whose points add up to the score', async () => {
    const { edges } = await page({ first: 10 });
    expect(edges.map((e) => [e.node.creator.handle, e.node.score, e.node.standing])).toEqual([
      ['maya', 80, 'GOOD'],
      ['amara', 64, 'GOOD'],
      ['ollie', 57, 'GOOD'],
      ['danny', 50, 'WATCH'],
      ['claire', 39, 'GOOD'],
    ]);
    const danny = edges[3]!.node;
    expect(danny.reasons.map((r) => [r.code, r.points])).toEqual([
      ['NICHE_MATCHES_PRIMARY_CATEGORY', 35],
      ['REGION_OVERLAP', 10],
      ['AUDIENCE_SIZE', 25],
      ['ENGAGEMENT', 4],
      ['COMPLIANCE_PENALTY', -24],
    ]);
    expect(danny.reasons[4]!.message).toBe(
      "6 violation points on the creator's content in the last 90 days, 2 of them in the last 30 days (counted twice).",
    );
    expect(edges[1]!.node.reasons[0]).toMatchObject({ code: 'NICHE_IN_GRANTED_CATEGORY', points: 15 });
    expect(edges[2]!.node.reasons.at(-1)).toMatchObject({ code: 'ALREADY_PARTNERED', points: -20 });
    for (const e of edges) expect(e.node.reasons.reduce((sum, r) => sum + r.points, 0)).toBe(e.node.score);
  });

  it('leaves POOR creators out unless asked, and applies the filters', async () => {
    const all = await page({ first: 10, filter: { includePoor: true } });
    const sam = all.edges.find((e) => e.node.creator.handle === 'sam')!;
    expect(sam.node.standing).toBe('POOR');
    expect(
      (await page({ first: 10, filter: { region: 'GB', minFollowers: 200_000 } })).edges.map(
        (e) => e.node.creator.handle,
      ),
    ).toEqual(['amara', 'ollie']);
  });

  it('pages forward and backward over a stable order with no row repeated or missing', async () => {
    const full = (await page({ first: 100, filter: { includePoor: true } })).edges.map((e) => e.node.creator.handle);
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const p = await page({ first: 2, after, filter: { includePoor: true } });
      seen.push(...p.edges.map((e) => e.node.creator.handle));
      if (!p.pageInfo.hasNextPage) break;
      after = p.pageInfo.endCursor as string;
    }
    expect(seen).toEqual(full);
    const tail = await page({ last: 2, filter: { includePoor: true } });
    expect(tail.edges.map((e) => e.node.creator.handle)).toEqual(full.slice(-2));
    const before = await page({ last: 2, before: tail.pageInfo.startCursor, filter: { includePoor: true } });
    expect(before.edges.map((e) => e.node.creator.handle)).toEqual(full.slice(-4, -2));
    const bad = await gql(world.adminKey, MATCHES, { id: shopGid, after: 'bm90LWEtY3Vyc29y' });
    expect(bad.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
  });

  it('computes a page in one SQL statement, however many creators it holds', async () => {
    const { queries } = await countQueries(db, () => page({ first: 100, filter: { includePoor: true } }));
    expect(queries.filter((q) => /"Creator"|"Violation"|"Partnership"/.test(q))).toHaveLength(1);
  });

  it('follows the weights in the settings', async () => {
    const SET = `mutation($input: CreatorSettingsUpdateInput!) { creatorSettingsUpdate(input: $input) { __typename ... on ValidationError { fields { path } } } }`;
    const defaults = { matchWeightAudience: 25, matchWeightEngagement: 20, matchAlreadyPartneredPenalty: 20 };
    try {
      await gql(world.adminKey, SET, {
        input: { matchWeightAudience: 0, matchWeightEngagement: 45, matchAlreadyPartneredPenalty: 0 },
      });
      const { edges } = await page({ first: 2 });
      // ollie: 35 + 10 + 40 (8.9 % of 45) = 85; maya: 35 + 10 + 23 (5.2 % of 45) = 68.
      expect(edges.map((e) => [e.node.creator.handle, e.node.score])).toEqual([
        ['ollie', 85],
        ['maya', 68],
      ]);
      const refused = await gql(world.adminKey, SET, { input: { matchWeightGrantedNiche: 35 } });
      expect(refused.data!.creatorSettingsUpdate.fields[0].path).toEqual(['input', 'matchWeightGrantedNiche']);
    } finally {
      await gql(world.adminKey, SET, { input: defaults });
    }
  });

  it('never raises a score when a violation is added to the creator’s content', async () => {
    const before = await page({ first: 10, filter: { includePoor: true } });
    const claire = await db.prisma.creator.findUniqueOrThrow({ where: { handle: 'claire' } });
    await createCreators(db.prisma, [], { shopId, policyId, now: NOW });
    const item = await db.prisma.contentItem.create({
      data: { creatorId: claire.id, shopId, kind: 'LIVE_SESSION', title: 'Live', publishedAt: NOW },
    });
    await db.prisma.violation.create({
      data: {
        shopId,
        policyId,
        source: 'LIVE_SESSION',
        contentItemId: item.id,
        occurredAt: new Date(NOW.getTime() - 86_400_000),
        points: 2,
      },
    });
    const after = await page({ first: 10, filter: { includePoor: true } });
    const scoreOfHandle = (p: typeof before, handle: string) =>
      p.edges.find((e) => e.node.creator.handle === handle)!.node.score;
    expect(scoreOfHandle(after, 'claire')).toBe(scoreOfHandle(before, 'claire') - 12);
    for (const e of before.edges) expect(scoreOfHandle(after, e.node.creator.handle)).toBeLessThanOrEqual(e.node.score);
  });

  it('ranks only the creators a partner app represents, and only the shops it reaches', async () => {
    const account = await db.prisma.account.create({ data: { name: 'Matcher', kind: 'PARTNER' } });
    const key = (
      await createKey(db.prisma, 'PARTNER', { accountId: account.id, scopes: ['shops:read', 'creators:read'] })
    ).key;
    await db.prisma.shopAccessGrant.create({ data: { shopId, accountId: account.id, scopes: ['shops:read'] } });
    expect((await page({ first: 10 }, key)).edges).toEqual([]);
    const amara = await db.prisma.creator.findUniqueOrThrow({ where: { handle: 'amara' } });
    await db.prisma.creatorRepresentation.create({ data: { creatorId: amara.id, accountId: account.id } });
    expect((await page({ first: 10 }, key)).edges.map((e) => e.node.creator.handle)).toEqual(['amara']);
    const other = await createShop(db.prisma, 'Unreached', {
      sites: ['GB'],
      primaryCategoryId: world.categories.fashion,
    });
    const SHOPS = `query($id: ID!) { node(id: $id) { ... on Creator { shopMatches(first: 10) { edges { node { score shop { name } reasons { code points } } } } } } }`;
    const forPartner = await gql(key, SHOPS, { id: gid('Creator', amara.id) });
    expect(
      forPartner.data!.node.shopMatches.edges.map((e: { node: { shop: { name: string } } }) => e.node.shop.name),
    ).toEqual(['Glow Lab']);
    const forAdmin = await gql(world.adminKey, SHOPS, { id: gid('Creator', amara.id) });
    const names = forAdmin.data!.node.shopMatches.edges.map(
      (e: { node: { shop: { name: string } } }) => e.node.shop.name,
    );
    expect(names.slice(0, 2)).toEqual(['Unreached', 'Glow Lab']); // primary niche Fashion beats a granted one
    expect(other.id).toBeGreaterThan(0);
    const noScope = (await createKey(db.prisma, 'SELLER', { shopId, scopes: ['shops:read'] })).key;
    const refused = await gql(noScope, MATCHES, { id: shopGid, first: 1 });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('agrees with the documented formula on random creators (SQL against the reference)', async () => {
    const c = world.categories;
    const niches = [c.beauty, c.fashion, c.home, c.electronics];
    const shop = await createShop(db.prisma, 'Random Shop', { sites: ['GB', 'US', 'DE'], primaryCategoryId: c.home });
    const gen = fc.array(
      fc.record({
        niches: fc.uniqueArray(fc.constantFrom(...niches), { minLength: 1, maxLength: 3 }),
        regions: fc.uniqueArray(fc.constantFrom('GB', 'US', 'DE', 'FR'), { minLength: 1, maxLength: 4 }),
        followers: fc.integer({ min: 0, max: 3_000_000 }),
        bps: fc.integer({ min: 0, max: 1500 }),
        violations: fc.array(
          fc.record({ points: fc.integer({ min: 1, max: 6 }), daysAgo: fc.integer({ min: 0, max: 120 }) }),
          { maxLength: 3 },
        ),
      }),
      { minLength: 20, maxLength: 20 },
    );
    const sample = fc.sample(gen, { numRuns: 1, seed: 25 })[0]!;
    const specs = sample.map((s, i) => ({ ...s, handle: `rand_${i}` }));
    await createCreators(db.prisma, specs, { shopId: shop.id, policyId, now: NOW });
    const res = await gql(world.adminKey, MATCHES, {
      id: gid('Shop', shop.id),
      first: 100,
      filter: { includePoor: true },
    });
    const got = new Map(
      (res.data!.shop.creatorMatches.edges as Edge[]).map((e) => [e.node.creator.handle, e.node.score]),
    );
    for (const s of specs) {
      const inWindow = s.violations.filter((v) => v.daysAgo < 90);
      const input: MatchInput = {
        nicheCategoryIds: s.niches,
        regions: s.regions,
        followerCount: s.followers,
        engagementRateBps: s.bps,
        points: inWindow.reduce((sum, v) => sum + v.points, 0),
        recentPoints: inWindow.filter((v) => v.daysAgo < 30).reduce((sum, v) => sum + v.points, 0),
        openPartnership: false,
        shopPrimaryCategoryId: c.home,
        shopGrantedRootIds: [],
        shopSites: ['GB', 'US', 'DE'],
      };
      expect([s.handle, got.get(s.handle)]).toEqual([s.handle, scoreOf(matchParts(input, DEFAULTS))]);
    }
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)(
  'matching on PGlite and PostgreSQL (skipped without TEST_DATABASE_URL)',
  () => {
    it('ranks the same random world identically, ties included, page by page', async () => {
      const sample = fc.sample(
        fc.record({
          niche: fc.integer({ min: 0, max: 3 }),
          regions: fc.uniqueArray(fc.constantFrom('GB', 'US', 'DE', 'FR'), { minLength: 1, maxLength: 4 }),
          followers: fc.constantFrom(5_000, 60_000, 250_000, 750_000, 2_000_000),
          bps: fc.constantFrom(100, 350, 520, 990, 1200),
          violations: fc.array(
            fc.record({ points: fc.integer({ min: 1, max: 5 }), daysAgo: fc.integer({ min: 0, max: 100 }) }),
            { maxLength: 2 },
          ),
        }),
        { numRuns: 300, seed: 2025 },
      );
      const rankings: string[][] = [];
      for (const target of ['pglite', 'postgres'] as const) {
        const db = await createTestDatabase(target);
        try {
          const world = await createWorld(db.prisma);
          const { gql } = createTestApp(db, { RATE_LIMIT_CAPACITY: '1000000', RATE_LIMIT_RESTORE_RATE: '1000000' });
          await gql(
            world.adminKey,
            `mutation { sandboxClockSet(input: { now: "${NOW.toISOString()}" }) { __typename } }`,
          );
          const c = world.categories;
          const niches = [c.beauty, c.fashion, c.home, c.electronics];
          const shop = await createShop(db.prisma, 'Same Shop', { sites: ['GB', 'US'], primaryCategoryId: c.beauty });
          const policy = await createPolicy(db.prisma, { points: 3 });
          const specs = sample.map((x, i) => ({ ...x, niches: [niches[x.niche]!], handle: `same_${i}` }));
          await createCreators(db.prisma, specs, { shopId: shop.id, policyId: policy.id, now: NOW });
          const order: string[] = [];
          let after: string | null = null;
          for (;;) {
            const res = await gql(world.adminKey, MATCHES, {
              id: gid('Shop', shop.id),
              first: 40,
              after,
              filter: { includePoor: true },
            });
            const conn = res.data!.shop.creatorMatches as {
              edges: Edge[];
              pageInfo: { hasNextPage: boolean; endCursor: string };
            };
            order.push(...conn.edges.map((e) => `${e.node.creator.handle}:${e.node.score}`));
            if (!conn.pageInfo.hasNextPage) break;
            after = conn.pageInfo.endCursor;
          }
          rankings.push(order);
        } finally {
          await db.drop();
        }
      }
      expect(rankings[0]).toHaveLength(300);
      expect(rankings[1]).toEqual(rankings[0]);
    });
  },
);

describe('the matching formula (properties)', () => {
  const weights = fc
    .record({
      matchWeightPrimaryNiche: fc.integer({ min: 1, max: 40 }),
      matchWeightGrantedNiche: fc.integer({ min: 0, max: 39 }),
      matchWeightRegion: fc.integer({ min: 0, max: 20 }),
      matchWeightAudience: fc.integer({ min: 0, max: 20 }),
      matchWeightEngagement: fc.integer({ min: 0, max: 20 }),
      matchPenaltyPerPoint: fc.integer({ min: 0, max: 100 }),
      matchAlreadyPartneredPenalty: fc.integer({ min: 0, max: 100 }),
    })
    .filter((w) => w.matchWeightGrantedNiche < w.matchWeightPrimaryNiche);
  const input: fc.Arbitrary<MatchInput> = fc
    .record({
      nicheCategoryIds: fc.uniqueArray(fc.integer({ min: 1, max: 6 }), { maxLength: 4 }),
      regions: fc.uniqueArray(fc.constantFrom('GB', 'US', 'DE', 'FR', 'ID'), { maxLength: 5 }),
      followerCount: fc.integer({ min: 0, max: 2_000_000_000 }),
      engagementRateBps: fc.integer({ min: 0, max: 10_000 }),
      points: fc.integer({ min: 0, max: 200 }),
      recentPoints: fc.constant(0),
      openPartnership: fc.boolean(),
      shopPrimaryCategoryId: fc.option(fc.integer({ min: 1, max: 6 })),
      shopGrantedRootIds: fc.uniqueArray(fc.integer({ min: 1, max: 6 }), { maxLength: 3 }),
      shopSites: fc.uniqueArray(fc.constantFrom('GB', 'US', 'DE', 'FR', 'ID'), { minLength: 1, maxLength: 5 }),
    })
    .chain((i) => fc.integer({ min: 0, max: i.points }).map((recentPoints) => ({ ...i, recentPoints })));

  it('keeps every score within 0–100, the sum of its parts', () => {
    fc.assert(
      fc.property(weights, input, (w, i) => {
        const score = scoreOf(matchParts(i, w));
        return score >= 0 && score <= 100;
      }),
    );
  });

  it('never raises a score when a violation is added', () => {
    fc.assert(
      fc.property(weights, input, fc.integer({ min: 1, max: 50 }), fc.boolean(), (w, i, points, recent) => {
        const worse = { ...i, points: i.points + points, recentPoints: i.recentPoints + (recent ? points : 0) };
        return scoreOf(matchParts(worse, w)) <= scoreOf(matchParts(i, w));
      }),
    );
  });

  it('ranks a creator whose niche is the primary category above an otherwise identical one whose niche is not', () => {
    fc.assert(
      fc.property(weights, input, fc.integer({ min: 1, max: 6 }), (w, i, primary) => {
        const shop = { ...i, shopPrimaryCategoryId: primary };
        const inNiche = { ...shop, nicheCategoryIds: [...new Set([...i.nicheCategoryIds, primary])] };
        const outside = { ...shop, nicheCategoryIds: i.nicheCategoryIds.filter((n) => n !== primary) };
        return scoreOf(matchParts(inNiche, w)) > scoreOf(matchParts(outside, w));
      }),
    );
  });
});

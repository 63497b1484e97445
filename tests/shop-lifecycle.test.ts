import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, type World } from './support/fixtures.ts';
import { createTestApp, gid } from './support/client.ts';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';
import {
  CLOCK,
  createListingRow,
  grantException,
  grantRestricted,
  sellerShop,
  SUBMIT,
} from './support/listing-fixtures.ts';

const ELIGIBILITY = /* GraphQL */ `
  query Eligibility($id: ID!, $categoryIds: [ID!]) {
    shop(id: $id) {
      categoryEligibility(categoryIds: $categoryIds) {
        category {
          id
        }
        status
        reasonCode
        reason
      }
    }
  }
`;

describe.each(testTargets())("the shop's life cycle on %s", (target) => {
  let db: TestDatabase;
  let world: World;
  let gql: ReturnType<typeof createTestApp>['gql'];

  const clock = (now: string | null) => gql(world.adminKey, CLOCK, { now });

  beforeAll(async () => {
    db = await createTestDatabase(target);
    world = await createWorld(db.prisma);
    gql = createTestApp(db, { API_KEY_CACHE_TTL_MS: '0' }).gql;
  });
  afterAll(async () => db.drop());

  it('gives the same answer in eligibility and the listing checks, for every category, in every phase', async () => {
    const c = world.categories;
    const all = Object.values(c);
    // Three top-level categories in use: the previous policy's limit.
    const crowded = await sellerShop(db.prisma, 'Walk: three categories, no primary');
    for (const categoryId of [c.skincare, c.dresses, c.home])
      await createListingRow(db.prisma, crowded.shop.id, categoryId, { status: 'ACTIVE' });
    const fresh = await sellerShop(db.prisma, 'Walk: fresh, no primary');
    const covered = await sellerShop(db.prisma, 'Walk: primary with grants', { primaryCategoryId: c.beauty });
    await grantException(db.prisma, covered.shop.id, c.home);
    await grantRestricted(db.prisma, covered.shop.id, c.knives);
    const restricted = await sellerShop(db.prisma, 'Walk: restricted', { primaryCategoryId: c.fashion });
    await db.prisma.shop.update({ where: { id: restricted.shop.id }, data: { status: 'RESTRICTED' } });
    const shops = [crowded, fresh, covered, restricted];
    // One draft per category and shop: what a listing submitted now would meet.
    const drafts = new Map<number, Map<number, number>>();
    for (const s of shops) {
      const byCategory = new Map<number, number>();
      for (const categoryId of all)
        byCategory.set(categoryId, (await createListingRow(db.prisma, s.shop.id, categoryId)).id);
      drafts.set(s.shop.id, byCategory);
    }

    const phases = [
      ['2024-01-31T23:59:59.999Z', 'BEFORE_ENFORCEMENT'],
      ['2024-02-01T00:00:00.000Z', 'CONFIRMATION_OPEN'],
      ['2024-02-07T23:59:59.999Z', 'CONFIRMATION_OPEN'],
      ['2024-02-08T00:00:00.000Z', 'AFTER_DEADLINE'],
    ] as const;
    const seen = new Set<string>();
    try {
      for (const [now, phase] of phases) {
        await clock(now);
        const campaign = await gql(world.adminKey, `{ categorySelectionCampaign { phase } }`);
        expect(campaign.data!.categorySelectionCampaign.phase).toBe(phase);
        for (const s of shops) {
          const eligibility = await gql(s.key, ELIGIBILITY, {
            id: s.shopGid,
            categoryIds: all.map((id) => gid('Category', id)),
          });
          const listings = drafts.get(s.shop.id)!;
          // One submission each (a bulk call counts its earlier items as submitted).
          const results: { issues: { code: string }[] }[] = [];
          for (const categoryId of all) {
            const listingId = gid('Listing', listings.get(categoryId)!);
            results.push((await gql(s.key, SUBMIT, { input: { listingId, dryRun: true } })).data!.listingSubmit);
          }
          const answers = eligibility.data!.shop.categoryEligibility as {
            status: string;
            reasonCode: string | null;
          }[];
          expect(answers).toHaveLength(all.length);
          all.forEach((categoryId, i) => {
            const codes = results[i]!.issues.map((issue) => issue.code);
            const where = `${s.shop.name}, category ${categoryId}, ${now}`;
            expect(answers[i]!.reasonCode, where).toBe(codes[0] ?? null);
            expect(answers[i]!.status === 'AVAILABLE', where).toBe(codes.length === 0);
            seen.add(answers[i]!.status);
          });
        }
      }
    } finally {
      await clock(null);
    }
    // The walk met every answer eligibility can give.
    expect([...seen].sort()).toEqual([
      'AVAILABLE',
      'NEEDS_APPROVAL',
      'NOT_PRIMARY_CATEGORY',
      'PRIMARY_CATEGORY_NOT_SET',
      'PROHIBITED',
      'SHOP_NOT_ACTIVE',
      'TOO_MANY_CATEGORIES',
    ]);
    // A shop without a primary category once the policy is in force: not AVAILABLE (it was, wrongly).
    await clock('2024-03-01T00:00:00Z');
    const freshNow = await gql(fresh.key, ELIGIBILITY, { id: fresh.shopGid, categoryIds: [gid('Category', c.beauty)] });
    expect(freshNow.data!.shop.categoryEligibility[0]).toMatchObject({
      status: 'PRIMARY_CATEGORY_NOT_SET',
      reasonCode: 'PRIMARY_CATEGORY_NOT_SET',
    });
    await clock(null);
  });
});

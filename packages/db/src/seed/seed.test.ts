import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyPrefix, hashApiKey } from '../api-keys';
import { createDatabase, type Database } from '../client';
import { applyMigrations } from '../migrate';
import { DEMO_KEYS, isSeeded, seedDatabase } from './index';
import { NEAR_MISS_LAST_MONTH_CENTS } from './orders';

const NOW = new Date('2026-03-18T09:30:00Z');
const TRAILING_START = new Date('2025-03-18T09:30:00Z');
const LAST_MONTH = { start: new Date('2026-02-01T00:00:00Z'), end: new Date('2026-03-01T00:00:00Z') };
const DAY_MS = 86_400_000;

async function freshDatabase(): Promise<Database> {
  const db = await createDatabase({ kind: 'pglite', dataDir: 'memory://' });
  await applyMigrations(db.migrationAdapterFactory);
  return db;
}

async function tableCounts(db: Database): Promise<Record<string, number>> {
  const p = db.prisma;
  const [
    categories,
    fees,
    policies,
    quizzes,
    questions,
    tiers,
    shops,
    orders,
    feeLines,
    listings,
    reviews,
    violations,
    ledger,
    creators,
    content,
    events,
    keys,
  ] = await Promise.all([
    p.category.count(),
    p.feeCategory.count(),
    p.policy.count(),
    p.quiz.count(),
    p.quizQuestion.count(),
    p.tier.count(),
    p.shop.count(),
    p.order.count(),
    p.orderFeeLine.count(),
    p.listing.count(),
    p.listingReview.count(),
    p.violation.count(),
    p.pointsLedgerEntry.count(),
    p.creator.count(),
    p.contentItem.count(),
    p.sellerEvent.count(),
    p.apiKey.count(),
  ]);
  return {
    categories,
    fees,
    policies,
    quizzes,
    questions,
    tiers,
    shops,
    orders,
    feeLines,
    listings,
    reviews,
    violations,
    ledger,
    creators,
    content,
    events,
    keys,
  };
}

/** A digest of the generated rows (ids included), to compare two seeded databases. */
async function fingerprint(db: Database): Promise<string> {
  const [row] = await db.prisma.$queryRaw<{ digest: string }[]>`
    SELECT md5(
      (SELECT string_agg(concat_ws('|', id, name, status, "primaryCategoryId", "createdAt"), ',' ORDER BY id) FROM "Shop") ||
      (SELECT string_agg(concat_ws('|', "shopId", "externalId", amount, "placedAt", "categoryId"), ',' ORDER BY id) FROM "Order") ||
      (SELECT string_agg(concat_ws('|', "orderId", "feeCategoryId", amount), ',' ORDER BY id) FROM "OrderFeeLine") ||
      (SELECT string_agg(concat_ws('|', "shopId", title, status, "priceAmount", "submittedAt"), ',' ORDER BY id) FROM "Listing") ||
      (SELECT string_agg(concat_ws('|', "shopId", "policyId", "occurredAt", points, status), ',' ORDER BY id) FROM "Violation")
    ) AS digest`;
  return row?.digest ?? '';
}

describe('seedDatabase', { timeout: 120_000 }, () => {
  let db: Database;
  let summary: string;

  beforeAll(async () => {
    db = await freshDatabase();
    expect(await isSeeded(db.prisma)).toBe(false);
    summary = await seedDatabase(db.prisma, { now: NOW });
  }, 120_000);

  afterAll(async () => {
    await db?.close();
  });

  it('returns a one-line summary and marks the database seeded', async () => {
    expect(summary).toMatch(/^\d+ categories \(12 top-level\), \d+ fee categories, /);
    expect(summary).not.toContain('\n');
    expect(await isSeeded(db.prisma)).toBe(true);
    const settings = await db.prisma.platformSettings.findUniqueOrThrow({ where: { id: 1 } });
    expect(settings.categoryLookbackStart.toISOString()).toBe('2023-11-01T00:00:00.000Z');
  });

  it('seeds at least 55 fee categories with unique codes', async () => {
    const fees = await db.prisma.feeCategory.findMany();
    expect(fees.length).toBeGreaterThanOrEqual(55);
    expect(new Set(fees.map((f) => f.code)).size).toBe(fees.length);
    for (const code of [
      'COMMISSION',
      'TRANSACTION',
      'SHIPPING_LABEL',
      'AFFILIATE_COMMISSION',
      'ADVERTISING',
      'REFUND_ADMINISTRATION',
      'PAYMENT_PROCESSING',
      'VAT_ON_FEES',
    ]) {
      expect(fees.map((f) => f.code)).toContain(code);
    }
    expect(fees.every((f) => f.name.length > 0 && f.description.length > 0)).toBe(true);
  });

  it('gives every policy one quiz of three well-formed questions', async () => {
    const policies = await db.prisma.policy.findMany({
      include: { quizzes: { include: { questions: { orderBy: { position: 'asc' } } } } },
    });
    expect(policies.length).toBeGreaterThanOrEqual(15);
    for (const policy of policies) {
      expect(policy.defaultPoints).toBeGreaterThanOrEqual(1);
      expect(policy.defaultPoints).toBeLessThanOrEqual(12);
      expect(policy.educationUrl).toBe(
        `https://seller-academy.example.com/policies/${policy.code.toLowerCase().replace(/_/g, '-')}`,
      );
      expect(policy.quizzes).toHaveLength(1);
      const questions = policy.quizzes[0]?.questions ?? [];
      expect(questions.map((q) => q.position)).toEqual([1, 2, 3]);
      for (const q of questions) {
        expect(q.choices.length).toBeGreaterThanOrEqual(3);
        expect(q.choices.length).toBeLessThanOrEqual(4);
        expect(new Set(q.choices).size).toBe(q.choices.length);
        expect(q.correctIndex).toBeGreaterThanOrEqual(0);
        expect(q.correctIndex).toBeLessThan(q.choices.length);
        expect(q.explanation.length).toBeGreaterThan(0);
      }
    }
  });

  it('builds a category tree whose rootId and depth match the ancestry', async () => {
    const categories = await db.prisma.category.findMany();
    const byId = new Map(categories.map((c) => [c.id, c]));
    const top = categories.filter((c) => c.parentId === null);
    expect(top).toHaveLength(12);
    for (const c of top) {
      expect(c.rootId).toBe(c.id);
      expect(c.depth).toBe(0);
      const children = categories.filter((child) => child.parentId === c.id);
      expect(children.length).toBeGreaterThanOrEqual(3);
      expect(children.length).toBeLessThanOrEqual(6);
    }
    for (const c of categories.filter((c) => c.parentId !== null)) {
      let ancestor = c;
      let depth = 0;
      while (ancestor.parentId !== null) {
        const parent = byId.get(ancestor.parentId);
        if (!parent) throw new Error(`Category ${ancestor.id} has a missing parent`);
        ancestor = parent;
        depth += 1;
      }
      expect(c.rootId).toBe(ancestor.id);
      expect(c.depth).toBe(depth);
    }
    expect(categories.some((c) => c.restriction === 'RESTRICTED')).toBe(true);
    expect(categories.some((c) => c.restriction === 'PROHIBITED')).toBe(true);
  });

  it('seeds tiers with the policy thresholds', async () => {
    const tiers = await db.prisma.tier.findMany({ orderBy: { rank: 'asc' } });
    expect(
      tiers.map((t) => [
        t.code,
        t.rank,
        t.minTrailingRevenue,
        t.minLastMonthSales,
        t.supportLevel,
        t.selfShippingAllowed,
      ]),
    ).toEqual([
      ['ENTRY', 0, 0n, 0n, 'REDUCED', false],
      ['ESTABLISHED', 1, 100_000_000n, 6_500_000n, 'STANDARD', true],
      ['STRATEGIC', 2, 1_000_000_000n, 80_000_000n, 'DEDICATED', true],
    ]);
  });

  it('seeds 50 shops, about half with a primary category chosen through the questionnaire', async () => {
    const shops = await db.prisma.shop.findMany({
      include: { categorySelections: true, verificationDocuments: true, primaryCategory: true },
    });
    expect(shops).toHaveLength(50);
    const withPrimary = shops.filter((s) => s.primaryCategoryId !== null);
    expect(withPrimary.length).toBeGreaterThanOrEqual(20);
    expect(withPrimary.length).toBeLessThanOrEqual(30);
    for (const s of withPrimary) {
      expect(s.primaryCategory?.parentId).toBeNull();
      expect(s.primaryCategorySource).toBe('SELECTED');
      expect(s.primaryCategorySetAt?.toISOString()).toMatch(/^2024-0[12]-/);
      expect(s.categorySelections).toHaveLength(1);
      expect(s.categorySelections[0]?.answers).toMatchObject({
        primaryCategoryId: s.primaryCategoryId,
        confirmedAccuracy: true,
      });
    }
    for (const s of shops.filter((s) => s.sites.includes('US'))) expect(s.verificationDocuments).toHaveLength(1);
    expect(new Set(shops.map((s) => s.businessModel))).toEqual(
      new Set(['CLOSED_LOOP', 'SEMI_CLOSED_LOOP', 'SELF_OPERATED']),
    );
    for (const s of shops.filter((s) => s.businessModel === 'SEMI_CLOSED_LOOP'))
      expect(s.migrationDeadline).not.toBeNull();
    expect(new Set(shops.flatMap((s) => s.sites))).toEqual(
      new Set(['US', 'GB', 'DE', 'FR', 'ES', 'IT', 'ID', 'MY', 'TH', 'VN', 'PH', 'SG']),
    );
    expect(shops.some((s) => s.status === 'RESTRICTED')).toBe(true);
    expect(shops.some((s) => s.status === 'SUSPENDED')).toBe(true);

    const requests = await db.prisma.categoryExceptionRequest.findMany({ where: { status: 'PENDING' } });
    expect(requests.length).toBeGreaterThanOrEqual(2);
    const topIds = new Set((await db.prisma.category.findMany({ where: { parentId: null } })).map((c) => c.id));
    for (const r of requests) {
      expect(r.comment.length).toBeGreaterThan(20);
      expect(r.requestedCategoryIds.length).toBeGreaterThan(0);
      expect(r.requestedCategoryIds.every((id) => topIds.has(id))).toBe(true);
    }
    expect(await db.prisma.invitationCode.count({ where: { usedByShopId: null } })).toBeGreaterThanOrEqual(2);
  });

  it('keeps health status consistent with the points ledger', async () => {
    const settings = await db.prisma.platformSettings.findUniqueOrThrow({ where: { id: 1 } });
    const balances = await db.prisma.$queryRaw<{ id: number; healthStatus: string; status: string; balance: number }[]>`
      SELECT s.id, s."healthStatus"::text AS "healthStatus", s.status::text AS status,
        COALESCE(SUM(l.points) FILTER (WHERE l."effectiveAt" <= ${NOW} AND (l."expiresAt" IS NULL OR l."expiresAt" > ${NOW})), 0)::int AS balance
      FROM "Shop" s LEFT JOIN "PointsLedgerEntry" l ON l."shopId" = s.id GROUP BY s.id`;
    for (const b of balances) {
      const expected =
        b.balance >= settings.suspendedThreshold
          ? 'SUSPENDED'
          : b.balance >= settings.restrictedThreshold
            ? 'RESTRICTED'
            : b.balance >= settings.atRiskThreshold
              ? 'AT_RISK'
              : 'HEALTHY';
      expect(b.healthStatus, `shop ${b.id} with ${b.balance} points`).toBe(expected);
      expect(b.status).toBe(expected === 'RESTRICTED' || expected === 'SUSPENDED' ? expected : 'ACTIVE');
    }
    const violations = await db.prisma.violation.findMany({ include: { ledger: true } });
    expect(new Set(violations.map((v) => v.shopId)).size).toBeGreaterThanOrEqual(12);
    for (const v of violations) {
      expect(v.occurredAt.getTime()).toBeGreaterThan(NOW.getTime() - 121 * DAY_MS);
      expect(v.ledger).toHaveLength(1);
      expect(v.ledger[0]).toMatchObject({ kind: 'VIOLATION_ADDED', points: v.points, effectiveAt: v.occurredAt });
      expect(v.ledger[0]?.expiresAt?.getTime()).toBe(v.occurredAt.getTime() + 90 * DAY_MS);
      if (v.source === 'LIVE_SESSION' || v.source === 'VIDEO') expect(v.contentItemId).not.toBeNull();
    }
  });

  it('seeds 15,000–25,000 USD orders with 2–4 fee lines each, in leaf or top-level categories', async () => {
    const orders = await db.prisma.order.count();
    expect(orders).toBeGreaterThanOrEqual(15_000);
    expect(orders).toBeLessThanOrEqual(25_000);
    expect(await db.prisma.order.count({ where: { currency: { not: 'USD' } } })).toBe(0);
    expect(await db.prisma.order.count({ where: { placedAt: { gte: NOW } } })).toBe(0);
    const [lines] = await db.prisma.$queryRaw<{ min: number; max: number }[]>`
      SELECT MIN(n)::int AS min, MAX(n)::int AS max FROM (SELECT COUNT(l.id) AS n FROM "Order" o LEFT JOIN "OrderFeeLine" l ON l."orderId" = o.id GROUP BY o.id) x`;
    expect(lines).toEqual({ min: 2, max: 4 });
    const [inner] = await db.prisma.$queryRaw<{ n: number }[]>`
      SELECT COUNT(*)::int AS n FROM "Order" o JOIN "Category" c ON c.id = o."categoryId"
      WHERE c."parentId" IS NOT NULL AND EXISTS (SELECT 1 FROM "Category" child WHERE child."parentId" = c.id)`;
    expect(inner?.n).toBe(0);
  });

  it('has shops that qualify for ESTABLISHED by SQL aggregation, one just below, and stores matching tiers', async () => {
    const established = await db.prisma.tier.findUniqueOrThrow({ where: { code: 'ESTABLISHED' } });
    const metrics = await db.prisma.$queryRaw<{ id: number; tier: string; trailing: bigint; lastMonth: bigint }[]>`
      SELECT s.id, t.code AS tier,
        COALESCE(SUM(o.amount) FILTER (WHERE o."placedAt" >= ${TRAILING_START} AND o."placedAt" < ${NOW}), 0)::bigint AS trailing,
        COALESCE(SUM(o.amount) FILTER (WHERE o."placedAt" >= ${LAST_MONTH.start} AND o."placedAt" < ${LAST_MONTH.end}), 0)::bigint AS "lastMonth"
      FROM "Shop" s JOIN "Tier" t ON t.id = s."tierId" LEFT JOIN "Order" o ON o."shopId" = s.id GROUP BY s.id, t.code`;
    const qualifies = (m: { trailing: bigint; lastMonth: bigint }) =>
      m.trailing >= established.minTrailingRevenue && m.lastMonth >= established.minLastMonthSales;
    expect(metrics.filter(qualifies).length).toBeGreaterThanOrEqual(2);
    const nearMiss = metrics.filter((m) => m.trailing >= established.minTrailingRevenue && !qualifies(m));
    expect(nearMiss.length).toBeGreaterThanOrEqual(1);
    expect(nearMiss.map((m) => m.lastMonth)).toContain(BigInt(NEAR_MISS_LAST_MONTH_CENTS));
    expect(BigInt(NEAR_MISS_LAST_MONTH_CENTS)).toBeLessThan(established.minLastMonthSales);
    for (const m of metrics) expect(m.tier, `shop ${m.id}`).toBe(qualifies(m) ? 'ESTABLISHED' : 'ENTRY');
    expect(await db.prisma.tierAssignment.count()).toBe(50);
  });

  it('sets up the campaign look-back: concentrated sales, shops with none, and a tie', async () => {
    const rows = await db.prisma.$queryRaw<{ shopId: number; rootId: number; amount: bigint; orders: number }[]>`
      SELECT o."shopId", c."rootId", SUM(o.amount)::bigint AS amount, COUNT(*)::int AS orders
      FROM "Order" o JOIN "Category" c ON c.id = o."categoryId" JOIN "Shop" s ON s.id = o."shopId"
      WHERE s."primaryCategoryId" IS NULL AND o."placedAt" >= '2023-11-01' AND o."placedAt" < '2024-01-01'
      GROUP BY o."shopId", c."rootId"`;
    const without = await db.prisma.shop.findMany({ where: { primaryCategoryId: null }, select: { id: true } });
    const byShop = new Map<number, { rootId: number; amount: bigint; orders: number }[]>();
    for (const r of rows) byShop.set(r.shopId, [...(byShop.get(r.shopId) ?? []), r]);
    const noSales = without.filter((s) => !byShop.has(s.id));
    expect(noSales.length).toBeGreaterThanOrEqual(2);
    const withSales = [...byShop.values()];
    expect(withSales.length).toBeGreaterThanOrEqual(without.length / 2);
    for (const cats of withSales) expect(cats.length).toBeLessThanOrEqual(2);
    const ties = withSales.filter((cats) => {
      const sorted = [...cats].sort((a, b) => (a.amount === b.amount ? 0 : a.amount > b.amount ? -1 : 1));
      return sorted.length >= 2 && sorted[0]?.amount === sorted[1]?.amount;
    });
    expect(ties.length).toBeGreaterThanOrEqual(1);
  });

  it('keeps every listing status consistent with its review history', async () => {
    const listings = await db.prisma.listing.findMany({
      include: { reviews: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } },
    });
    const perShop = new Map<number, number>();
    for (const l of listings) perShop.set(l.shopId, (perShop.get(l.shopId) ?? 0) + 1);
    expect(perShop.size).toBe(50);
    expect(Math.min(...perShop.values())).toBeGreaterThanOrEqual(5);
    expect(new Set(listings.map((l) => l.status))).toEqual(
      new Set(['DRAFT', 'PENDING_REVIEW', 'ACTIVE', 'REJECTED', 'SUSPENDED']),
    );
    for (const l of listings) {
      if (l.status === 'DRAFT') {
        expect(l.reviews).toHaveLength(0);
        continue;
      }
      let status = 'DRAFT';
      for (const r of l.reviews) {
        expect(r.fromStatus).toBe(status);
        status = r.toStatus;
        if (r.decision === 'REJECTED' || r.decision === 'AUTO_REJECTED' || r.decision === 'SUSPENDED') {
          expect(Array.isArray(r.reasons) && r.reasons.length > 0).toBe(true);
        }
      }
      expect(status).toBe(l.status);
      expect(l.version).toBe(l.reviews.length);
    }
  });

  it('stores the demo keys by hash with their roles, scopes and owners', async () => {
    const firstShop = await db.prisma.shop.findFirstOrThrow({ orderBy: { id: 'asc' } });
    for (const [name, key] of Object.entries(DEMO_KEYS)) {
      expect(key).toMatch(new RegExp(`^sw_(adm|sel|agy|ptn)_demo[A-Za-z0-9]{25}$`));
      expect(key).toHaveLength(36);
      const row = await db.prisma.apiKey.findUniqueOrThrow({ where: { hash: hashApiKey(key) } });
      expect(row.prefix, name).toBe(apiKeyPrefix(key));
    }
    const admin = await db.prisma.apiKey.findUniqueOrThrow({ where: { hash: hashApiKey(DEMO_KEYS.admin) } });
    expect(admin).toMatchObject({ role: 'ADMIN', scopes: ['*'], shopId: null, accountId: null });

    const seller = await db.prisma.apiKey.findUniqueOrThrow({ where: { hash: hashApiKey(DEMO_KEYS.seller) } });
    expect(seller.role).toBe('SELLER');
    expect(seller.scopes).toContain('quiz:write');
    expect(seller.shopId).toBe(firstShop.id);
    expect(firstShop).toMatchObject({ status: 'ACTIVE', primaryCategoryId: null });
    expect(firstShop.sites).toContain('US');
    expect(
      await db.prisma.order.count({
        where: { shopId: firstShop.id, placedAt: { gte: new Date('2023-11-01'), lt: new Date('2024-01-01') } },
      }),
    ).toBeGreaterThan(0);

    const agency = await db.prisma.apiKey.findUniqueOrThrow({
      where: { hash: hashApiKey(DEMO_KEYS.agency) },
      include: { account: { include: { grants: true } } },
    });
    expect(agency.role).toBe('AGENCY');
    expect(agency.account).toMatchObject({ name: 'Northwind Commerce Agency', kind: 'AGENCY' });
    expect(agency.account?.grants).toHaveLength(5);
    expect(agency.account?.grants.map((g) => g.shopId)).not.toContain(firstShop.id);

    const partner = await db.prisma.apiKey.findUniqueOrThrow({
      where: { hash: hashApiKey(DEMO_KEYS.partner) },
      include: { account: { include: { grants: true } } },
    });
    expect(partner.role).toBe('PARTNER');
    expect(partner.scopes).toEqual([
      'shops:read',
      'listings:read',
      'health:read',
      'creators:read',
      'creators:write',
      'partnerships:read',
      'partnerships:write',
      'webhooks:read',
      'webhooks:write',
    ]);
    expect(partner.account?.grants.every((g) => g.scopes.every((s) => s.endsWith(':read')))).toBe(true);
    // Every demo key manages its own webhook endpoints, as the guides show; no grant carries webhook scopes.
    for (const row of [seller, agency, partner])
      expect(row.scopes).toEqual(expect.arrayContaining(['webhooks:read', 'webhooks:write']));
    expect(
      [...agency.account!.grants, ...partner.account!.grants].some((g) =>
        g.scopes.some((s) => s.startsWith('webhooks:')),
      ),
    ).toBe(false);
    expect(partner.account).toMatchObject({ name: 'Matchlight Creator Platform', kind: 'PARTNER' });
    expect(partner.account?.grants).toHaveLength(8);
  });

  it('seeds creators, content, and seller events: one already held, the others to come', async () => {
    expect(await db.prisma.creator.count()).toBe(3030);
    expect(await db.prisma.contentItem.count()).toBeGreaterThan(1000);
    const followers = (await db.prisma.creator.findMany({ select: { followerCount: true } })).map(
      (c) => c.followerCount,
    );
    followers.sort((a, b) => a - b);
    // Long-tailed audiences: a median in the tens of thousands, some creators past a million.
    expect(followers[Math.floor(followers.length / 2)]).toBeGreaterThan(20_000);
    expect(followers[Math.floor(followers.length / 2)]).toBeLessThan(80_000);
    expect(followers.filter((f) => f >= 1_000_000).length).toBeGreaterThan(20);
    const states = await db.prisma.partnership.groupBy({ by: ['status'], _count: true });
    expect(states.map((s) => s.status).sort()).toEqual(['ACTIVE', 'DECLINED', 'ENDED', 'EXPIRED', 'PROPOSED']);
    const open = await db.prisma.partnership.findMany({ where: { status: { in: ['PROPOSED', 'ACTIVE'] } } });
    expect(open.every((p) => p.openPairKey === `${p.shopId}:${p.creatorId}`)).toBe(true);
    expect(open.filter((p) => p.status === 'PROPOSED').every((p) => p.expiresAt!.getTime() > NOW.getTime())).toBe(true);
    const represented = await db.prisma.creatorRepresentation.findMany({ select: { creatorId: true } });
    expect(represented.length).toBe(50);
    const toRepresented = await db.prisma.partnership.count({
      where: { status: 'PROPOSED', creatorId: { in: represented.map((r) => r.creatorId) } },
    });
    expect(toRepresented).toBeGreaterThan(0);
    const contentViolations = await db.prisma.violation.count({
      where: { contentItemId: { not: null }, occurredAt: { gt: new Date(NOW.getTime() - 90 * 86_400_000) } },
    });
    expect(contentViolations).toBeGreaterThan(0);
    const events = await db.prisma.sellerEvent.findMany({ include: { registrations: true } });
    expect(events.length).toBeGreaterThanOrEqual(4);
    const held = events.filter((e) => e.startsAt.getTime() <= NOW.getTime());
    expect(held).toHaveLength(1);
    expect(held[0]!.registrations.some((r) => r.status === 'CONFIRMED')).toBe(true);
    for (const e of events) {
      expect(e.registrationClosesAt.getTime()).toBeLessThan(e.startsAt.getTime());
      expect(e.endsAt.getTime()).toBeGreaterThan(e.startsAt.getTime());
      expect(e.capacity).toBeGreaterThanOrEqual(20);
      expect(e.capacity).toBeLessThanOrEqual(60);
      expect(e.registrations.filter((r) => r.status === 'CONFIRMED').length).toBeLessThanOrEqual(e.capacity);
    }
    expect(events.some((e) => e.registrations.length > 0)).toBe(true);
  });

  it('produces the same data for the same clock', async () => {
    const other = await freshDatabase();
    try {
      expect(await seedDatabase(other.prisma, { now: NOW })).toBe(summary);
      expect(await fingerprint(other)).toBe(await fingerprint(db));
    } finally {
      await other.close();
    }
  });

  it('does nothing when seeded again', async () => {
    const before = await tableCounts(db);
    expect(await seedDatabase(db.prisma, { now: NOW })).toBe('already seeded');
    expect(await seedDatabase(db.prisma)).toBe('already seeded');
    expect(await tableCounts(db)).toEqual(before);
  });
});

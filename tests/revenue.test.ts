import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createKey, createShop } from './support/fixtures.ts';
import { countQueries, gid } from './support/client.ts';
import { useSuite } from './support/suite.ts';
import { testTargets } from './support/database.ts';
import { createFeeCategories, createTiers, insertOrders } from './support/revenue-fixtures.ts';

const CLOCK = /* GraphQL */ `
  mutation Clock($now: DateTime) {
    sandboxClockSet(input: { now: $now }) {
      __typename
      ... on Error {
        code
      }
    }
  }
`;

const IMPORT = /* GraphQL */ `
  mutation Import($input: OrderImportInput!) {
    orderImport(input: $input) {
      __typename
      ... on OrderImportSuccess {
        createdCount
        unchangedCount
        results {
          index
          status
          orderId
        }
        orders {
          externalId
          amount {
            amount
            currencyCode
            minorUnits
          }
          feeLines {
            feeCategory {
              code
            }
            amount {
              amount
            }
          }
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

const RECALC = /* GraphQL */ `
  mutation Recalc($input: TierRecalculateInput!) {
    tierRecalculate(input: $input) {
      __typename
      ... on TierRecalculateSuccess {
        dryRun
        shopsEvaluated
        changedCount
        changes {
          shop {
            id
            name
          }
          previousTier {
            code
          }
          tier {
            code
          }
          trailingRevenue {
            amount
          }
          lastMonthSales {
            amount
          }
          fulfilmentModeAfter
        }
        run {
          id
          changedCount
          shopsEvaluated
          assignments(first: 50) {
            edges {
              node {
                shop {
                  name
                }
                tier {
                  code
                }
              }
            }
          }
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`;

const TIER_VIEW = /* GraphQL */ `
  query Tier($id: ID!) {
    shop(id: $id) {
      fulfilmentMode
      tier {
        code
      }
      tierPrivileges {
        supportLevel
        selfShippingAllowed
      }
      metrics {
        trailingRevenue {
          amount
          minorUnits
        }
        lastMonthSales {
          amount
        }
        lastMonthStart
        lastMonthEnd
        qualifyingTier {
          code
        }
      }
      distanceToNextTier {
        tier {
          code
        }
        trailingRevenueNeeded {
          amount
        }
        lastMonthSalesNeeded {
          amount
        }
      }
      tierHistory(first: 5) {
        edges {
          node {
            tier {
              code
            }
            previousTier {
              code
            }
            trailingRevenue {
              amount
            }
            lastMonthSales {
              amount
            }
            asOf
          }
        }
      }
    }
  }
`;

describe.each(testTargets())('revenue, fees and tiers (SPEC §6) on %s', (target) => {
  const { db, world, gql, clock } = useSuite(target, { env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' } });
  let tiers: Awaited<ReturnType<typeof createTiers>>;
  let fees: Awaited<ReturnType<typeof createFeeCategories>>;

  beforeAll(async () => {
    tiers = await createTiers(db.prisma);
    fees = await createFeeCategories(db.prisma);
    await clock.set('2024-07-15T00:00:00Z');
  });
  let admin: string;
  // A fresh administrator key per test, so one test's cost budget never throttles the next.
  beforeEach(async () => {
    admin = (await createKey(db.prisma, 'ADMIN')).key;
  });

  const order = (shopGid: string, externalId: string, extra: Record<string, unknown> = {}) => ({
    shopId: shopGid,
    externalId,
    amount: 10_000,
    currency: 'USD',
    placedAt: '2024-06-10T12:00:00Z',
    categoryId: gid('Category', world.categories.beauty),
    feeLines: [
      { feeCategoryCode: 'COMMISSION', amount: 700 },
      { feeCategoryCode: 'PAYMENT_PROCESSING', amount: 320 },
    ],
    ...extra,
  });

  it('lists the fee catalogue', async () => {
    const res = await gql(admin, `{ feeCategories(first: 3) { edges { node { code name defaultRateBps } } } }`);
    expect(res.data!.feeCategories.edges.map((e: any) => e.node)).toEqual([
      { code: 'COMMISSION', name: 'Marketplace commission', defaultRateBps: 700 },
      { code: 'TRANSACTION', name: 'Transaction fee', defaultRateBps: 100 },
      { code: 'PAYMENT_PROCESSING', name: 'Payment processing', defaultRateBps: 290 },
    ]);
  });

  it('imports orders idempotently by (shop, externalId), all or nothing', async () => {
    const shop = await createShop(db.prisma, 'Importer');
    const s = gid('Shop', shop.id);
    const first = await gql(admin, IMPORT, {
      input: { orders: [order(s, 'A-1'), order(s, 'A-2', { amount: 2599, currency: 'EUR' })] },
    });
    expect(first.data!.orderImport).toMatchObject({
      __typename: 'OrderImportSuccess',
      createdCount: 2,
      unchangedCount: 0,
      orders: [
        {
          externalId: 'A-1',
          amount: { amount: '100.00', currencyCode: 'USD', minorUnits: '10000' },
          feeLines: [
            { feeCategory: { code: 'COMMISSION' }, amount: { amount: '7.00' } },
            { feeCategory: { code: 'PAYMENT_PROCESSING' }, amount: { amount: '3.20' } },
          ],
        },
        { externalId: 'A-2', amount: { amount: '25.99', currencyCode: 'EUR', minorUnits: '2599' } },
      ],
    });

    // The same orders again, plus a new one: the known ones are UNCHANGED, not duplicated.
    const again = await gql(admin, IMPORT, {
      input: { orders: [order(s, 'A-2', { amount: 2599, currency: 'EUR' }), order(s, 'A-1'), order(s, 'A-3')] },
    });
    expect(again.data!.orderImport).toMatchObject({ createdCount: 1, unchangedCount: 2 });
    expect(again.data!.orderImport.results.map((r: any) => r.status)).toEqual(['UNCHANGED', 'UNCHANGED', 'CREATED']);
    expect(again.data!.orderImport.results[1].orderId).toBe(first.data!.orderImport.results[0].orderId);
    expect(await db.prisma.order.count({ where: { shopId: shop.id } })).toBe(3);
    expect(await db.prisma.orderFeeLine.count({ where: { order: { shopId: shop.id } } })).toBe(6);

    // A different body for a stored externalId fails the whole batch: A-4 is not written either.
    const changed = await gql(admin, IMPORT, {
      input: { orders: [order(s, 'A-4'), order(s, 'A-1', { amount: 10_001 })] },
    });
    expect(changed.data!.orderImport).toMatchObject({
      __typename: 'ValidationError',
      code: 'VALIDATION_FAILED',
      fields: [{ path: ['input', 'orders', '1', 'externalId'] }],
    });
    const reordered = await gql(admin, IMPORT, {
      input: { orders: [order(s, 'A-1', { feeLines: [{ feeCategoryCode: 'COMMISSION', amount: 700 }] })] },
    });
    expect(reordered.data!.orderImport.code).toBe('VALIDATION_FAILED');
    expect(await db.prisma.order.count({ where: { shopId: shop.id } })).toBe(3);
  });

  it('validates every item with field paths and writes nothing', async () => {
    const shop = await createShop(db.prisma, 'Validator');
    const s = gid('Shop', shop.id);
    const res = await gql(admin, IMPORT, {
      input: {
        orders: [
          order(s, 'V-1'),
          order(s, 'V-2', { amount: -5 }),
          order(s, 'V-1'),
          order(s, 'V-4', { feeLines: [{ feeCategoryCode: 'NO_SUCH_FEE', amount: 1 }] }),
          order(s, 'V-5', { placedAt: '2024-08-01T00:00:00Z', categoryId: gid('Category', 999_999) }),
        ],
      },
    });
    expect(res.data!.orderImport.code).toBe('VALIDATION_FAILED');
    expect(res.data!.orderImport.fields.map((f: any) => f.path)).toEqual([
      ['input', 'orders', '1', 'amount'],
      ['input', 'orders', '2', 'externalId'],
      ['input', 'orders', '3', 'feeLines', '0', 'feeCategoryCode'],
      ['input', 'orders', '4', 'placedAt'],
      ['input', 'orders', '4', 'categoryId'],
    ]);
    expect(await db.prisma.order.count({ where: { shopId: shop.id } })).toBe(0);
  });

  it('refuses more than 250 orders with LIMIT_EXCEEDED and leaves the database unchanged', async () => {
    const shop = await createShop(db.prisma, 'Bulk');
    const s = gid('Shop', shop.id);
    const before = await db.prisma.order.count();
    const res = await gql(admin, IMPORT, {
      input: { orders: Array.from({ length: 251 }, (_, i) => order(s, `L-${i}`, { feeLines: [] })) },
    });
    expect(res.data!.orderImport).toMatchObject({ __typename: 'InvalidStateError', code: 'LIMIT_EXCEEDED' });
    expect(await db.prisma.order.count()).toBe(before);
    const ok = await gql(admin, IMPORT, {
      input: { orders: Array.from({ length: 250 }, (_, i) => order(s, `L-${i}`, { feeLines: [] })) },
    });
    expect(ok.data!.orderImport.createdCount).toBe(250);
  });

  it('lets only administrators and agencies with revenue:write import, for shops in reach', async () => {
    const mine = await createShop(db.prisma, 'Agency Client');
    const other = await createShop(db.prisma, 'Stranger');
    const account = await db.prisma.account.create({ data: { name: 'Revenue Agency', kind: 'AGENCY' } });
    await db.prisma.shopAccessGrant.create({
      data: { shopId: mine.id, accountId: account.id, scopes: ['shops:read'] },
    });
    const writer = await createKey(db.prisma, 'AGENCY', {
      accountId: account.id,
      scopes: ['shops:read', 'revenue:write', 'revenue:read'],
    });
    const reader = await createKey(db.prisma, 'AGENCY', { accountId: account.id, scopes: ['shops:read'] });
    const seller = await createKey(db.prisma, 'SELLER', {
      shopId: mine.id,
      scopes: ['shops:read', 'revenue:read', 'revenue:write'],
    });

    const code = async (key: string, shopId: number) =>
      (await gql(key, IMPORT, { input: { orders: [order(gid('Shop', shopId), `X-${Math.random()}`)] } })).data!
        .orderImport.code ?? 'OK';
    expect(await code(writer.key, mine.id)).toBe('OK');
    expect(await code(writer.key, other.id)).toBe('NOT_FOUND');
    expect(await code(reader.key, mine.id)).toBe('FORBIDDEN');
    expect(await code(seller.key, mine.id)).toBe('FORBIDDEN');
    expect(await db.prisma.order.count({ where: { shopId: { in: [mine.id, other.id] } } })).toBe(1);

    // Reads: the other shop's orders and order nodes are out of reach.
    await insertOrders(db.prisma, other.id, world.categories.beauty, [
      { amount: 5_000, placedAt: '2024-06-01T00:00:00Z' },
    ]);
    const foreign = await db.prisma.order.findFirstOrThrow({ where: { shopId: other.id } });
    const read = await gql(
      writer.key,
      `query($a: ID!, $b: ID!, $o: ID!) { a: shop(id: $a) { orders { totalCount: edges { node { externalId } } } } b: shop(id: $b) { id } node(id: $o) { id } }`,
      {
        a: gid('Shop', mine.id),
        b: gid('Shop', other.id),
        o: gid('Order', foreign.id),
      },
    );
    expect(read.data!.a.orders.totalCount).toHaveLength(1);
    expect(read.data!.b).toBeNull();
    expect(read.data!.node).toBeNull();
    const noScope = await gql(reader.key, `query($a: ID!) { shop(id: $a) { orders { edges { node { id } } } } }`, {
      a: gid('Shop', mine.id),
    });
    expect(noScope.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('places shops by both thresholds, exactly at the boundaries, and recalculates set-based and idempotently', async () => {
    const cat = world.categories.beauty;
    // asOf 2024-07-15: last full month = June 2024; trailing window = (2023-07-15, 2024-07-15].
    const shops = {
      exact: await createShop(db.prisma, 'Exactly at both thresholds'),
      trailingShort: await createShop(db.prisma, 'One cent short over 12 months'),
      monthShort: await createShop(db.prisma, 'One cent short last month'),
      strategic: await createShop(db.prisma, 'Strategic'),
      euro: await createShop(db.prisma, 'Euro seller'),
      falling: await createShop(db.prisma, 'Falling self-shipper'),
    };
    await db.prisma.order.deleteMany({});
    await insertOrders(db.prisma, shops.exact.id, cat, [
      { amount: 6_500_000, placedAt: '2024-06-30T23:59:59.999Z' },
      { amount: 93_500_000, placedAt: '2023-07-15T00:00:00.001Z' },
      { amount: 99_999_999, placedAt: '2023-07-15T00:00:00.000Z' }, // exactly 12 months back: outside (asOf − 12 months, asOf]
      { amount: 99_999_999, placedAt: '2024-07-15T00:00:00.001Z' }, // after asOf
    ]);
    await insertOrders(db.prisma, shops.trailingShort.id, cat, [
      { amount: 6_500_000, placedAt: '2024-06-01T00:00:00Z' },
      { amount: 93_499_999, placedAt: '2024-01-10T00:00:00Z' },
    ]);
    await insertOrders(db.prisma, shops.monthShort.id, cat, [
      { amount: 6_499_999, placedAt: '2024-06-15T00:00:00Z' },
      { amount: 93_500_001, placedAt: '2024-07-01T00:00:00Z' }, // July: in the trailing window, not in the last full month
    ]);
    await insertOrders(db.prisma, shops.strategic.id, cat, [
      { amount: 900_000_000, placedAt: '2024-06-20T00:00:00Z' },
      { amount: 100_000_000, placedAt: '2024-03-20T00:00:00Z' },
    ]);
    await insertOrders(db.prisma, shops.euro.id, cat, [
      { amount: 200_000_000, placedAt: '2024-06-20T00:00:00Z', currency: 'EUR' },
    ]);
    await db.prisma.shop.update({
      where: { id: shops.falling.id },
      data: { tierId: tiers.established, fulfilmentMode: 'SELF_SHIPPING' },
    });
    // Every other shop in this database starts without a tier: the first run places them in ENTRY.
    const shopCount = await db.prisma.shop.count();

    const dry = await gql(admin, RECALC, { input: { dryRun: true } });
    const preview = dry.data!.tierRecalculate;
    expect(preview).toMatchObject({
      __typename: 'TierRecalculateSuccess',
      dryRun: true,
      shopsEvaluated: shopCount,
      run: null,
    });
    const byName = new Map(preview.changes.map((c: any) => [c.shop.name, c]));
    expect(byName.get('Exactly at both thresholds')).toMatchObject({
      previousTier: null,
      tier: { code: 'ESTABLISHED' },
      trailingRevenue: { amount: '1000000.00' },
      lastMonthSales: { amount: '65000.00' },
    });
    expect(byName.get('One cent short over 12 months')).toMatchObject({
      tier: { code: 'ENTRY' },
      trailingRevenue: { amount: '999999.99' },
    });
    expect(byName.get('One cent short last month')).toMatchObject({
      tier: { code: 'ENTRY' },
      trailingRevenue: { amount: '1000000.00' },
      lastMonthSales: { amount: '64999.99' },
    });
    expect(byName.get('Strategic')).toMatchObject({ tier: { code: 'STRATEGIC' }, fulfilmentModeAfter: 'PLATFORM' });
    expect(byName.get('Euro seller')).toMatchObject({ tier: { code: 'ENTRY' }, trailingRevenue: { amount: '0.00' } });
    expect(byName.get('Falling self-shipper')).toMatchObject({
      previousTier: { code: 'ESTABLISHED' },
      tier: { code: 'ENTRY' },
      fulfilmentModeAfter: 'PLATFORM',
    });
    expect(preview.changedCount).toBe(shopCount);
    // The dry run wrote nothing.
    expect(await db.prisma.tierAssignment.count()).toBe(0);
    expect(await db.prisma.tierRecalculationRun.count()).toBe(0);
    expect((await db.prisma.shop.findUniqueOrThrow({ where: { id: shops.falling.id } })).fulfilmentMode).toBe(
      'SELF_SHIPPING',
    );

    const real = (await gql(admin, RECALC, { input: { dryRun: false } })).data!.tierRecalculate;
    expect(real).toMatchObject({
      dryRun: false,
      changedCount: shopCount,
      run: { changedCount: shopCount, shopsEvaluated: shopCount },
    });
    const placed = await db.prisma.shop.findMany({
      where: { id: { in: Object.values(shops).map((s) => s.id) } },
      select: { name: true, tier: { select: { code: true } }, fulfilmentMode: true },
    });
    expect(Object.fromEntries(placed.map((p) => [p.name, [p.tier?.code, p.fulfilmentMode]]))).toEqual({
      'Exactly at both thresholds': ['ESTABLISHED', 'PLATFORM'],
      'One cent short over 12 months': ['ENTRY', 'PLATFORM'],
      'One cent short last month': ['ENTRY', 'PLATFORM'],
      Strategic: ['STRATEGIC', 'PLATFORM'],
      'Euro seller': ['ENTRY', 'PLATFORM'],
      'Falling self-shipper': ['ENTRY', 'PLATFORM'],
    });
    const assignment = await db.prisma.tierAssignment.findFirstOrThrow({ where: { shopId: shops.exact.id } });
    expect(assignment).toMatchObject({
      trailingRevenue: 100_000_000n,
      lastMonthSales: 6_500_000n,
      previousTierId: null,
      tierId: tiers.established,
      asOf: new Date('2024-07-15T00:00:00Z'),
    });
    const events = await db.prisma.outboxEvent.findMany({
      where: { type: 'shop.tier_changed', shopId: shops.falling.id },
    });
    expect(events).toHaveLength(1);
    expect(events[0]!.payload).toMatchObject({
      fromTier: 'ESTABLISHED',
      toTier: 'ENTRY',
      trailingRevenue: '0',
      fulfilmentMode: 'PLATFORM',
    });
    expect(await db.prisma.outboxEvent.count({ where: { type: 'shop.tier_changed' } })).toBe(shopCount);

    // Twice: nothing changes, but the run is recorded.
    const second = (await gql(admin, RECALC, { input: { dryRun: false } })).data!.tierRecalculate;
    expect(second).toMatchObject({ changedCount: 0, changes: [], run: { changedCount: 0 } });
    expect(await db.prisma.tierAssignment.count()).toBe(shopCount);
    expect(await db.prisma.tierRecalculationRun.count()).toBe(2);
    expect(await db.prisma.outboxEvent.count({ where: { type: 'shop.tier_changed' } })).toBe(shopCount);

    // A shop gaining self-shipping keeps its mode; the shop's tier views.
    const view = await gql(admin, TIER_VIEW, { id: gid('Shop', shops.exact.id) });
    expect(view.data!.shop).toEqual({
      fulfilmentMode: 'PLATFORM',
      tier: { code: 'ESTABLISHED' },
      tierPrivileges: { supportLevel: 'STANDARD', selfShippingAllowed: true },
      metrics: {
        trailingRevenue: { amount: '1000000.00', minorUnits: '100000000' },
        lastMonthSales: { amount: '65000.00' },
        lastMonthStart: '2024-06-01T00:00:00.000Z',
        lastMonthEnd: '2024-07-01T00:00:00.000Z',
        qualifyingTier: { code: 'ESTABLISHED' },
      },
      distanceToNextTier: {
        tier: { code: 'STRATEGIC' },
        trailingRevenueNeeded: { amount: '9000000.00' },
        lastMonthSalesNeeded: { amount: '735000.00' },
      },
      tierHistory: {
        edges: [
          {
            node: {
              tier: { code: 'ESTABLISHED' },
              previousTier: null,
              trailingRevenue: { amount: '1000000.00' },
              lastMonthSales: { amount: '65000.00' },
              asOf: '2024-07-15T00:00:00.000Z',
            },
          },
        ],
      },
    });
    const short = await gql(admin, TIER_VIEW, { id: gid('Shop', shops.trailingShort.id) });
    expect(short.data!.shop.distanceToNextTier).toEqual({
      tier: { code: 'ESTABLISHED' },
      trailingRevenueNeeded: { amount: '0.01' },
      lastMonthSalesNeeded: { amount: '0.00' },
    });
    expect(short.data!.shop.tierPrivileges).toEqual({ supportLevel: 'REDUCED', selfShippingAllowed: false });
    const top = await gql(admin, TIER_VIEW, { id: gid('Shop', shops.strategic.id) });
    expect(top.data!.shop.distanceToNextTier).toBeNull();

    // Metrics "as of" another instant: in August the last full month is July (the order just after the old asOf), and the 2023-07-15 order left the window.
    const august = await gql(
      admin,
      `query($id: ID!) { shop(id: $id) { metrics(asOf: "2024-08-15T00:00:00Z") { lastMonthSales { amount } trailingRevenue { amount } } } }`,
      { id: gid('Shop', shops.exact.id) },
    );
    expect(august.data!.shop.metrics).toEqual({
      lastMonthSales: { amount: '999999.99' },
      trailingRevenue: { amount: '1064999.99' },
    });

    // Sales fall away (no sales in August): a later run demotes the shop and keeps both changes.
    await gql(admin, CLOCK, { now: '2024-09-15T00:00:00Z' });
    const later = (await gql(admin, RECALC, { input: { dryRun: false } })).data!.tierRecalculate;
    expect(later.changes.map((c: any) => [c.shop.name, c.tier.code])).toEqual(
      expect.arrayContaining([['Exactly at both thresholds', 'ENTRY']]),
    );
    expect(await db.prisma.tierAssignment.count({ where: { shopId: shops.exact.id } })).toBe(2);
    await gql(admin, CLOCK, { now: '2024-07-15T00:00:00Z' });
  });

  it('reads metrics and tiers for a page of shops without a query per shop', async () => {
    const { queries, result } = await countQueries(db, () =>
      gql(
        admin,
        `{ shops(first: 50) { edges { node { name tier { code } tierPrivileges { selfShippingAllowed } metrics { trailingRevenue { amount } } distanceToNextTier { tier { code } } } } } }`,
      ),
    );
    expect(result.data!.shops.edges.length).toBeGreaterThan(10);
    expect(queries.filter((q) => q.includes('FROM "Order"'))).toHaveLength(1);
    expect(queries.filter((q) => q.includes('"Tier"')).length).toBeLessThanOrEqual(2);
  });

  it('lets only administrators recalculate tiers', async () => {
    const shop = await createShop(db.prisma, 'Curious seller');
    const seller = await createKey(db.prisma, 'SELLER', { shopId: shop.id });
    const res = await gql(seller.key, RECALC, { input: { dryRun: true } });
    expect(res.data!.tierRecalculate.code).toBe('FORBIDDEN');
    const ahead = await gql(admin, RECALC, { input: { dryRun: true, asOf: '2030-01-01T00:00:00Z' } });
    expect(ahead.data!.tierRecalculate.code).toBe('VALIDATION_FAILED');
  });

  it('computes the profit analysis in SQL, equal to a hand computation', async () => {
    const shop = await createShop(db.prisma, 'Profit shop');
    const cat = world.categories.beauty;
    await insertOrders(db.prisma, shop.id, cat, [
      {
        amount: 12_000,
        placedAt: '2024-05-02T10:00:00Z',
        fees: [
          { feeCategoryId: fees.COMMISSION, amount: 840 },
          { feeCategoryId: fees.PAYMENT_PROCESSING, amount: 378 },
        ],
      },
      {
        amount: 4_999,
        placedAt: '2024-05-20T10:00:00Z',
        fees: [
          { feeCategoryId: fees.COMMISSION, amount: 350 },
          { feeCategoryId: fees.SHIPPING_LABEL, amount: 455 },
        ],
      },
      {
        amount: 30_001,
        placedAt: '2024-05-31T23:59:59Z',
        fees: [
          { feeCategoryId: fees.COMMISSION, amount: 2_100 },
          { feeCategoryId: fees.AFFILIATE_COMMISSION, amount: 4_500 },
          { feeCategoryId: fees.PAYMENT_PROCESSING, amount: 900 },
        ],
      },
      { amount: 99_999, placedAt: '2024-06-01T00:00:00Z', fees: [{ feeCategoryId: fees.COMMISSION, amount: 7_000 }] }, // outside [from, to)
      {
        amount: 50_000,
        placedAt: '2024-05-10T00:00:00Z',
        currency: 'EUR',
        fees: [{ feeCategoryId: fees.COMMISSION, amount: 3_500 }],
      }, // other currency
    ]);
    const seller = await createKey(db.prisma, 'SELLER', { shopId: shop.id, scopes: ['shops:read', 'revenue:read'] });
    const res = await gql(
      seller.key,
      `query($id: ID!) { shop(id: $id) { profitAnalysis(from: "2024-05-01T00:00:00Z", to: "2024-06-01T00:00:00Z") {
      grossSales { amount } orderCount feesByCategory { code name amount { amount currencyCode } } feesTotal { amount } netRevenue { amount } margin
      distanceToNextTier { tier { code } trailingRevenueNeeded { amount } lastMonthSalesNeeded { amount } } } } }`,
      { id: gid('Shop', shop.id) },
    );
    // Hand computation: gross 12,000 + 4,999 + 30,001 = 47,000; fees 840+378+350+455+2,100+4,500+900 = 9,523.
    const gross = 47_000;
    const feeTotal = 840 + 378 + 350 + 455 + 2_100 + 4_500 + 900;
    expect(feeTotal).toBe(9_523);
    expect(res.data!.shop.profitAnalysis).toEqual({
      grossSales: { amount: '470.00' },
      orderCount: 3,
      feesByCategory: [
        {
          code: 'AFFILIATE_COMMISSION',
          name: 'Affiliate commission',
          amount: { amount: '45.00', currencyCode: 'USD' },
        },
        { code: 'COMMISSION', name: 'Marketplace commission', amount: { amount: '32.90', currencyCode: 'USD' } },
        { code: 'PAYMENT_PROCESSING', name: 'Payment processing', amount: { amount: '12.78', currencyCode: 'USD' } },
        { code: 'SHIPPING_LABEL', name: 'Shipping label', amount: { amount: '4.55', currencyCode: 'USD' } },
      ],
      feesTotal: { amount: '95.23' },
      netRevenue: { amount: '374.77' },
      margin: ((100 * (gross - feeTotal)) / gross).toFixed(2), // 79.74
      // As of the clock (2024-07-15): June holds 999.99 of sales, trailing 12 months 1,469.99.
      distanceToNextTier: {
        tier: { code: 'ESTABLISHED' },
        trailingRevenueNeeded: { amount: '998530.01' },
        lastMonthSalesNeeded: { amount: '64000.01' },
      },
    });
    expect(res.data!.shop.profitAnalysis.margin).toBe('79.74');
    const euro = await gql(
      seller.key,
      `query($id: ID!) { shop(id: $id) { profitAnalysis(from: "2024-05-01T00:00:00Z", to: "2024-06-01T00:00:00Z", currency: "EUR") { grossSales { amount currencyCode } margin } } }`,
      { id: gid('Shop', shop.id) },
    );
    expect(euro.data!.shop.profitAnalysis).toEqual({
      grossSales: { amount: '500.00', currencyCode: 'EUR' },
      margin: '93.00',
    });
    const empty = await gql(
      seller.key,
      `query($id: ID!) { shop(id: $id) { profitAnalysis(from: "2020-01-01T00:00:00Z", to: "2020-02-01T00:00:00Z") { orderCount margin netRevenue { amount } } } }`,
      { id: gid('Shop', shop.id) },
    );
    expect(empty.data!.shop.profitAnalysis).toEqual({ orderCount: 0, margin: null, netRevenue: { amount: '0.00' } });
    const backwards = await gql(
      seller.key,
      `query($id: ID!) { shop(id: $id) { profitAnalysis(from: "2024-06-01T00:00:00Z", to: "2024-05-01T00:00:00Z") { orderCount } } }`,
      { id: gid('Shop', shop.id) },
    );
    expect(backwards.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    // Another seller cannot read this shop's figures.
    const stranger = await createKey(db.prisma, 'SELLER', {
      shopId: (await createShop(db.prisma, 'Nosy')).id,
      scopes: ['shops:read', 'revenue:read'],
    });
    const nosy = await gql(
      stranger.key,
      `query($id: ID!) { shop(id: $id) { profitAnalysis(from: "2024-05-01T00:00:00Z", to: "2024-06-01T00:00:00Z") { orderCount } } }`,
      { id: gid('Shop', shop.id) },
    );
    expect(nosy.data!.shop).toBeNull();
  });

  it('estimates fees from the default rates of the every-order fee codes', async () => {
    const res = await gql(
      admin,
      `query($input: ProfitEstimateInput!) { profitEstimate(input: $input) { price { amount } tier { code } category { name } fees { code rateBps amount { amount } } feesTotal { amount } net { amount } margin } }`,
      {
        input: {
          price: { minorUnits: 10_000, currencyCode: 'USD' },
          categoryId: gid('Category', world.categories.beauty),
          tierId: gid('Tier', tiers.established),
        },
      },
    );
    expect(res.data!.profitEstimate).toEqual({
      price: { amount: '100.00' },
      tier: { code: 'ESTABLISHED' },
      category: { name: 'Beauty' },
      fees: [
        { code: 'COMMISSION', rateBps: 700, amount: { amount: '7.00' } },
        { code: 'TRANSACTION', rateBps: 100, amount: { amount: '1.00' } },
        { code: 'PAYMENT_PROCESSING', rateBps: 290, amount: { amount: '2.90' } },
      ],
      feesTotal: { amount: '10.90' },
      net: { amount: '89.10' },
      margin: '89.10',
    });
  });
});

import type { FulfilmentMode, PrismaClient, ShopStatus } from '@shopwarden/db';

/** The three seeded tiers, as in SPEC §6 (USD cents). */
export async function createTiers(prisma: PrismaClient) {
  const rows = await prisma.tier.createManyAndReturn({
    data: [
      {
        code: 'ENTRY',
        name: 'Entry',
        rank: 0,
        minTrailingRevenue: 0n,
        minLastMonthSales: 0n,
        supportLevel: 'REDUCED',
        selfShippingAllowed: false,
      },
      {
        code: 'ESTABLISHED',
        name: 'Established',
        rank: 1,
        minTrailingRevenue: 100_000_000n,
        minLastMonthSales: 6_500_000n,
        supportLevel: 'STANDARD',
        selfShippingAllowed: true,
      },
      {
        code: 'STRATEGIC',
        name: 'Strategic',
        rank: 2,
        minTrailingRevenue: 1_000_000_000n,
        minLastMonthSales: 80_000_000n,
        supportLevel: 'DEDICATED',
        selfShippingAllowed: true,
      },
    ],
    select: { id: true, code: true },
  });
  const id = (code: string) => rows.find((r) => r.code === code)!.id;
  return { entry: id('ENTRY'), established: id('ESTABLISHED'), strategic: id('STRATEGIC') };
}

/** A slice of the fee catalogue with the seed's codes and default rates. */
export async function createFeeCategories(prisma: PrismaClient) {
  await prisma.feeCategory.createMany({
    data: [
      { code: 'COMMISSION', name: 'Marketplace commission', defaultRateBps: 700 },
      { code: 'TRANSACTION', name: 'Transaction fee', defaultRateBps: 100 },
      { code: 'PAYMENT_PROCESSING', name: 'Payment processing', defaultRateBps: 290 },
      { code: 'SHIPPING_LABEL', name: 'Shipping label', defaultRateBps: 0 },
      { code: 'AFFILIATE_COMMISSION', name: 'Affiliate commission', defaultRateBps: 1000 },
    ],
  });
  const rows = await prisma.feeCategory.findMany({ select: { id: true, code: true } });
  return Object.fromEntries(rows.map((r) => [r.code, r.id])) as Record<
    'COMMISSION' | 'TRANSACTION' | 'PAYMENT_PROCESSING' | 'SHIPPING_LABEL' | 'AFFILIATE_COMMISSION',
    number
  >;
}

let seq = 0;
/** Orders with fee lines written straight to the database (not through orderImport). */
export async function insertOrders(
  prisma: PrismaClient,
  shopId: number,
  categoryId: number,
  orders: { amount: number; placedAt: string; currency?: string; fees?: { feeCategoryId: number; amount: number }[] }[],
) {
  for (const o of orders) {
    await prisma.order.create({
      data: {
        shopId,
        categoryId,
        externalId: `R-${shopId}-${++seq}`,
        amount: o.amount,
        currency: o.currency ?? 'USD',
        placedAt: new Date(o.placedAt),
        feeLines: o.fees ? { createMany: { data: o.fees } } : undefined,
      },
    });
  }
}

/** Many shops in one statement. */
export async function createShops(
  prisma: PrismaClient,
  count: number,
  opts: {
    prefix?: string;
    status?: ShopStatus;
    fulfilmentMode?: FulfilmentMode;
    tierId?: number | null;
    primaryCategoryId?: number | null;
  } = {},
) {
  return prisma.shop.createManyAndReturn({
    data: Array.from({ length: count }, (_, i) => ({
      name: `${opts.prefix ?? 'Shop'} ${i + 1}`,
      sites: ['GB'],
      status: opts.status ?? 'ACTIVE',
      fulfilmentMode: opts.fulfilmentMode ?? 'PLATFORM',
      tierId: opts.tierId ?? null,
      primaryCategoryId: opts.primaryCategoryId ?? null,
    })),
    select: { id: true },
  });
}

/** A seller event with sensible times around `now`. */
export async function createSellerEvent(
  prisma: PrismaClient,
  opts: {
    capacity: number;
    startsAt?: Date;
    registrationClosesAt?: Date;
    minTierId?: number | null;
    eligibleCategoryIds?: number[];
    title?: string;
  },
) {
  const startsAt = opts.startsAt ?? new Date('2030-06-01T09:00:00Z');
  return prisma.sellerEvent.create({
    data: {
      title: opts.title ?? 'Live Selling Workshop',
      description: 'Hands-on workshop.',
      city: 'London',
      venue: 'Shoreditch Studios',
      startsAt,
      endsAt: new Date(startsAt.getTime() + 4 * 3_600_000),
      capacity: opts.capacity,
      registrationClosesAt: opts.registrationClosesAt ?? new Date(startsAt.getTime() - 86_400_000),
      minTierId: opts.minTierId ?? null,
      eligibleCategoryIds: opts.eligibleCategoryIds ?? [],
    },
  });
}

import { Prisma, type PrismaClient } from '../generated/prisma/client';
import { seedAccess } from './access';
import { seedCategories } from './categories';
import type { SeedContext, Tx } from './context';
import { seedCreators } from './creators';
import { seedEvents } from './events';
import { seedFees } from './fees';
import { seedListings } from './listings';
import { planOrders, seedOrders } from './orders';
import { seedPolicies } from './policies';
import { buildShopProfiles, MIN_SHOPS, seedShops } from './shops';
import { addDays, addMonths, minDate } from './time';
import { seedTierRun, seedTiers, tierFor, tierId, tierMetrics, type TierCode } from './tiers';
import { planViolations, seedViolations } from './violations';

export { DEMO_KEYS } from './access';

export interface SeedOptions {
  /** The seed's clock: every timestamp is derived from it. @default new Date() */
  now?: Date;
  /** @default 50 */
  shops?: number;
  /** Hears each step as it starts (for a progress line on a terminal). */
  onProgress?: (step: string, index: number, total: number) => void;
}

const STEPS = [
  'catalogue',
  'shops',
  'keys',
  'orders',
  'listings',
  'creators',
  'violations',
  'events',
  'tiers',
] as const;

const DEFAULT_SHOPS = 50;

/** Seeded means the PlatformSettings row exists: it is written first, in the same transaction as everything else. */
export async function isSeeded(prisma: PrismaClient | Prisma.TransactionClient): Promise<boolean> {
  return (await prisma.platformSettings.count({ where: { id: 1 } })) > 0;
}

/** Seeds the demo data in one transaction and returns a one-line summary, or 'already seeded'. */
export async function seedDatabase(prisma: PrismaClient, options: SeedOptions = {}): Promise<string> {
  const now = options.now ?? new Date();
  if (Number.isNaN(now.getTime())) throw new RangeError('now must be a valid date');
  const shops = options.shops ?? DEFAULT_SHOPS;
  // The demo roles (shop 1, the tier examples, the look-back ties) sit in the first ten profiles.
  if (!Number.isInteger(shops) || shops < MIN_SHOPS)
    throw new RangeError(`shops must be an integer of at least ${MIN_SHOPS}`);
  if (await isSeeded(prisma)) return 'already seeded';
  try {
    return await prisma.$transaction((tx) => seedAll(tx, now, shops, options.onProgress), {
      maxWait: 120_000,
      timeout: 300_000,
    });
  } catch (error) {
    // A concurrent seeder committed first: its PlatformSettings row made our insert fail.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002' && (await isSeeded(prisma)))
      return 'already seeded';
    throw error;
  }
}

async function seedAll(
  tx: Tx,
  now: Date,
  shopCount: number,
  onProgress: SeedOptions['onProgress'] = () => {},
): Promise<string> {
  const step = (name: (typeof STEPS)[number]) => onProgress(name, STEPS.indexOf(name), STEPS.length);
  step('catalogue');
  // A concurrent seeder blocks on the PlatformSettings row until this one commits; it must outwait a pool's statement timeout.
  await tx.$executeRaw`SET LOCAL statement_timeout = 0`;
  const settings = await tx.platformSettings.create({ data: { id: 1, updatedAt: now } });
  const ctx: SeedContext = {
    now,
    settings,
    catalogueAt: addDays(minDate(settings.categoryLookbackStart, addMonths(now, -14)), -700),
  };
  const profiles = buildShopProfiles(shopCount, ctx);

  const categories = await seedCategories(tx, ctx.catalogueAt);
  const fees = await seedFees(tx);
  const policies = await seedPolicies(tx, ctx.catalogueAt);
  const tiers = await seedTiers(tx);

  const violationPlans = planViolations(profiles, ctx);
  const plannedOrders = planOrders(profiles, ctx, categories);
  const placements = profiles.map((p) => {
    const metrics = tierMetrics(plannedOrders[p.index] ?? [], now);
    return { profile: p, metrics, tier: tierFor(metrics) };
  });
  const placementOf = (index: number) => {
    const placement = placements[index];
    if (!placement) throw new Error(`No tier placement for shop ${index}`);
    return placement;
  };

  step('shops');
  const shops = await seedShops(tx, ctx, categories, profiles, (p) => {
    const { tier } = placementOf(p.index);
    return {
      tierId: tierId(tiers, tier.code),
      fulfilmentMode: p.wantsSelfShipping && tier.selfShippingAllowed ? 'SELF_SHIPPING' : 'PLATFORM',
    };
  });
  const shopTier = new Map<number, TierCode>(shops.map((s) => [s.id, placementOf(s.profile.index).tier.code]));

  step('keys');
  const access = await seedAccess(tx, ctx, shops);
  step('orders');
  const orders = await seedOrders(tx, shops, plannedOrders, fees);
  step('listings');
  const listings = await seedListings(tx, ctx, categories, shops, violationPlans, access.adminKeyId);
  step('creators');
  const creators = await seedCreators(tx, ctx, categories, shops, violationPlans, access.partnerAccountId);
  step('violations');
  const violations = await seedViolations(
    tx,
    ctx,
    shops,
    violationPlans,
    policies,
    creators.contentByViolation,
    listings.byShopId,
    orders.byShopId,
    access.adminKeyId,
  );
  step('events');
  const events = await seedEvents(tx, ctx, categories, tiers, shops, shopTier);
  step('tiers');
  await seedTierRun(
    tx,
    tiers,
    shops.map((s) => ({
      shopId: s.id,
      tier: placementOf(s.profile.index).tier.code,
      metrics: placementOf(s.profile.index).metrics,
    })),
    now,
  );

  const established = [...shopTier.values()].filter((t) => t !== 'ENTRY').length;
  const topLevel = categories.all.filter((c) => c.depth === 0).length;
  return [
    `${categories.all.length} categories (${topLevel} top-level)`,
    `${fees.size} fee categories`,
    `${policies.size} policies with quizzes`,
    `${tiers.size} tiers`,
    `${shops.length} shops (${established} above entry tier)`,
    `${orders.orders} orders with ${orders.feeLines} fee lines`,
    `${listings.counts.listings} listings with ${listings.counts.reviews} reviews`,
    `${violations.violations} violations`,
    `${creators.counts.creators} creators with ${creators.counts.contentItems} content items and ${creators.counts.partnerships} partnerships`,
    `${events.events} seller events with ${events.registrations} registrations`,
    `4 demo API keys and ${access.grants} shop access grants`,
  ].join(', ');
}

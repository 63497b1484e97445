import type {
  BusinessModel,
  FulfilmentMode,
  HealthStatus,
  ShopStatus,
  VerificationDocumentType,
} from '../generated/prisma/client';
import { topCategory, type CategoryIndex, type TopSlug } from './categories';
import { SITES, type SeedContext, type Site, type Tx } from './context';
import { createRandom, seedFrom, type Random } from './random';
import { addDays, addHours, addMonths, maxDate, minDate, startOfDay } from './time';

export type Scale = 'large' | 'near-miss' | 'medium' | 'small';

export type LookbackPlan =
  | { kind: 'none' }
  | { kind: 'mix'; shares: [TopSlug, number][] }
  /** Two top-level categories with exactly the same look-back sales; `sameCount` also ties the order counts. */
  | { kind: 'tie'; categories: [TopSlug, TopSlug]; sameCount: boolean };

export interface ShopProfile {
  /** 0-based position; index 0 is shop 1, the demo seller. */
  index: number;
  name: string;
  sites: Site[];
  home: TopSlug;
  second: TopSlug | null;
  businessModel: BusinessModel;
  wantsSelfShipping: boolean;
  hasPrimary: boolean;
  /** Health at `now`; the violation plan produces exactly this balance band. */
  health: HealthStatus;
  minorViolations: boolean;
  scale: Scale;
  aovUsd: number;
  lookback: LookbackPlan;
  exception: { comment: string; categories: TopSlug[] } | null;
  createdAt: Date;
  primarySetAt: Date | null;
  migrationDeadline: Date | null;
}

interface ShopRow {
  name: string;
  sites: Site[];
  home: TopSlug;
  second?: TopSlug;
  primary: boolean;
  aov: number;
  scale?: Scale;
  model?: 'semi' | 'self';
  health?: HealthStatus;
  minor?: boolean;
  selfShip?: boolean;
  lookback?: 'none' | 'tie' | 'tie-exact';
  shares?: [TopSlug, number][];
  exception?: { comment: string; categories: TopSlug[] };
}

/** Profile positions of the shops that the demo keys own or can reach. */
export const ROLE = {
  demoSeller: 0,
  agencyShops: [3, 9, 13, 23, 24],
  partnerShops: [0, 1, 4, 8, 12, 16, 29, 45],
} as const;

export const MIN_SHOPS = 10;

const SHOP_ROWS: ShopRow[] = [
  {
    name: 'Glow Theory Beauty',
    sites: ['US'],
    home: 'beauty-personal-care',
    second: 'health',
    primary: false,
    aov: 32,
    scale: 'medium',
    minor: true,
    shares: [
      ['beauty-personal-care', 0.62],
      ['health', 0.38],
    ],
  },
  { name: 'Voltline Electronics', sites: ['US'], home: 'electronics', primary: true, aov: 1100, scale: 'large' },
  { name: 'Coral Coast Swimwear', sites: ['US'], home: 'womenswear', primary: false, aov: 48, lookback: 'none' },
  {
    name: 'Sakura Street Style',
    sites: ['SG', 'MY'],
    home: 'womenswear',
    second: 'beauty-personal-care',
    primary: false,
    aov: 38,
    lookback: 'tie',
  },
  {
    name: 'Aurelia Fine Jewellery',
    sites: ['GB'],
    home: 'jewelry-accessories',
    primary: true,
    aov: 1350,
    scale: 'large',
    selfShip: true,
  },
  { name: 'Haus & Herd', sites: ['DE', 'FR'], home: 'home-kitchen', primary: true, aov: 850, scale: 'near-miss' },
  { name: 'Little Sprout Baby', sites: ['PH'], home: 'baby-maternity', primary: false, aov: 26, lookback: 'none' },
  {
    name: 'Pawsome Pantry',
    sites: ['US'],
    home: 'pet-supplies',
    second: 'food-beverages',
    primary: false,
    aov: 35,
    lookback: 'tie-exact',
  },
  {
    name: 'Summit Trail Outfitters',
    sites: ['US'],
    home: 'sports-outdoors',
    primary: true,
    aov: 1100,
    scale: 'large',
    selfShip: true,
    minor: true,
  },
  {
    name: 'Maison Lila',
    sites: ['FR', 'ES'],
    home: 'womenswear',
    second: 'jewelry-accessories',
    primary: true,
    aov: 72,
    scale: 'medium',
    exception: {
      comment:
        'We design our own jewellery line and style it with every outfit in our live sessions; about 18% of our sales are accessories. We ask to keep selling Jewelry & Accessories.',
      categories: ['jewelry-accessories'],
    },
  },
  {
    name: 'Batik Nusantara',
    sites: ['ID'],
    home: 'womenswear',
    second: 'jewelry-accessories',
    primary: false,
    aov: 22,
  },
  { name: 'Kopi Kita Roasters', sites: ['ID'], home: 'food-beverages', primary: true, aov: 14, health: 'RESTRICTED' },
  {
    name: 'Lumen Skin Lab',
    sites: ['US'],
    home: 'beauty-personal-care',
    second: 'health',
    primary: true,
    aov: 46,
    scale: 'medium',
    minor: true,
    exception: {
      comment:
        'Our collagen and vitamin C supplements are sold as part of our skincare routines and make up roughly a quarter of revenue. The manufacturer holds GMP certification, which we can provide.',
      categories: ['health'],
    },
  },
  { name: 'Brickyard Toys', sites: ['GB'], home: 'toys-hobbies', primary: true, aov: 44, health: 'AT_RISK' },
  { name: "Chef's Edge Cutlery", sites: ['US'], home: 'home-kitchen', primary: true, aov: 95, scale: 'medium' },
  { name: 'VitaBoost Nutrition', sites: ['US'], home: 'health', primary: false, aov: 39, health: 'SUSPENDED' },
  { name: 'Saigon Silk House', sites: ['VN'], home: 'womenswear', primary: true, aov: 30 },
  { name: 'Bangkok Street Eats', sites: ['TH'], home: 'food-beverages', primary: false, aov: 12 },
  {
    name: 'Manila Mobile Hub',
    sites: ['PH'],
    home: 'electronics',
    primary: false,
    aov: 85,
    scale: 'medium',
    minor: true,
  },
  { name: 'Kuala Gadget Lab', sites: ['MY'], home: 'electronics', primary: true, aov: 60, health: 'RESTRICTED' },
  { name: 'Nordic Nest Interiors', sites: ['DE'], home: 'home-kitchen', primary: true, aov: 110, model: 'self' },
  { name: 'Iberia Active', sites: ['ES'], home: 'sports-outdoors', second: 'womenswear', primary: false, aov: 55 },
  { name: 'Milano Pelle', sites: ['IT'], home: 'jewelry-accessories', primary: true, aov: 180, health: 'AT_RISK' },
  { name: 'Thames & Tweed', sites: ['GB'], home: 'menswear', primary: true, aov: 95 },
  { name: 'Bark & Biscuit', sites: ['GB'], home: 'pet-supplies', primary: false, aov: 28 },
  { name: 'Lotus Wellness', sites: ['TH'], home: 'health', primary: true, aov: 24 },
  {
    name: 'Jakarta Beauty Vault',
    sites: ['ID'],
    home: 'beauty-personal-care',
    primary: false,
    aov: 16,
    health: 'RESTRICTED',
  },
  { name: 'Merlion Home Living', sites: ['SG'], home: 'home-kitchen', second: 'electronics', primary: false, aov: 70 },
  { name: 'Hanoi Handmade', sites: ['VN'], home: 'home-kitchen', second: 'toys-hobbies', primary: false, aov: 20 },
  { name: 'Cebu Surf Co.', sites: ['PH'], home: 'sports-outdoors', primary: true, aov: 65, minor: true },
  { name: 'Petaling Pets', sites: ['MY'], home: 'pet-supplies', primary: true, aov: 25 },
  { name: 'Bella Bambino', sites: ['IT'], home: 'baby-maternity', primary: true, aov: 58 },
  { name: 'Rive Gauche Parfums', sites: ['FR'], home: 'beauty-personal-care', primary: true, aov: 75, model: 'semi' },
  { name: 'Cascade Coffee Collective', sites: ['US'], home: 'food-beverages', primary: false, aov: 29, model: 'semi' },
  { name: 'Redwood Menswear', sites: ['US'], home: 'menswear', primary: false, aov: 68, model: 'semi' },
  { name: 'Madrid Moda', sites: ['ES'], home: 'womenswear', primary: true, aov: 45 },
  { name: 'Berlin Sound Works', sites: ['DE'], home: 'electronics', primary: false, aov: 140, health: 'RESTRICTED' },
  { name: 'Penang Spice Market', sites: ['MY'], home: 'food-beverages', primary: true, aov: 15 },
  { name: 'Chiang Mai Crafts', sites: ['TH'], home: 'toys-hobbies', second: 'home-kitchen', primary: false, aov: 18 },
  {
    name: 'Bayside Kids Co.',
    sites: ['US'],
    home: 'toys-hobbies',
    second: 'baby-maternity',
    primary: false,
    aov: 34,
    health: 'AT_RISK',
  },
  {
    name: 'Hearth & Harvest',
    sites: ['US'],
    home: 'food-beverages',
    second: 'home-kitchen',
    primary: true,
    aov: 42,
    scale: 'medium',
    model: 'self',
    exception: {
      comment:
        'Our preserves are sold in gift boxes together with the handmade jars and serving boards they come with. We ask for Home & Kitchen so the gift boxes can stay listed.',
      categories: ['home-kitchen'],
    },
  },
  { name: 'Smart Living SG', sites: ['SG'], home: 'electronics', primary: true, aov: 120, model: 'self' },
  { name: 'Trendy Threads PH', sites: ['PH'], home: 'womenswear', primary: false, aov: 14 },
  { name: 'Alpenglow Gear', sites: ['DE', 'IT'], home: 'sports-outdoors', primary: true, aov: 130, model: 'semi' },
  { name: 'Cloud Nine Gadgets', sites: ['MY'], home: 'electronics', primary: false, aov: 45, health: 'SUSPENDED' },
  {
    name: 'Golden Thread Jewelry',
    sites: ['US'],
    home: 'jewelry-accessories',
    primary: false,
    aov: 160,
    scale: 'medium',
  },
  { name: 'Roma Cucina', sites: ['IT'], home: 'home-kitchen', primary: false, aov: 50 },
  { name: 'London Lash Studio', sites: ['GB'], home: 'beauty-personal-care', primary: false, aov: 22, minor: true },
  { name: 'Pho Real Kitchen', sites: ['VN'], home: 'food-beverages', primary: false, aov: 9 },
  { name: 'Sunny Paws Manila', sites: ['PH'], home: 'pet-supplies', primary: true, aov: 18 },
];

const EXTRA_FIRST = [
  'Blue Harbor',
  'Copper Lane',
  'Evergreen',
  'Juniper',
  'Saffron',
  'Tidewater',
  'Marigold',
  'Ironwood',
  'Silverleaf',
  'Kestrel',
];
const EXTRA_SECOND = ['Goods', 'Trading Co.', 'Collective', 'Supply', 'Studio', 'Market', 'Emporium', 'House'];
const TOP_ORDER: TopSlug[] = [
  'beauty-personal-care',
  'womenswear',
  'menswear',
  'home-kitchen',
  'electronics',
  'sports-outdoors',
  'toys-hobbies',
  'food-beverages',
  'health',
  'pet-supplies',
  'jewelry-accessories',
  'baby-maternity',
];

/** Rows beyond the authored fifty: plain, healthy, small shops. */
function extraRow(i: number): ShopRow {
  const k = i - SHOP_ROWS.length;
  const first = EXTRA_FIRST[k % EXTRA_FIRST.length] ?? 'Northgate';
  const second = EXTRA_SECOND[Math.floor(k / EXTRA_FIRST.length) % EXTRA_SECOND.length] ?? 'Goods';
  const round = Math.floor(k / (EXTRA_FIRST.length * EXTRA_SECOND.length));
  return {
    name: round === 0 ? `${first} ${second}` : `${first} ${second} ${round + 1}`,
    sites: [SITES[k % SITES.length] ?? 'US'],
    home: TOP_ORDER[k % TOP_ORDER.length] ?? 'home-kitchen',
    primary: k % 2 === 0,
    aov: 20 + ((k * 37) % 90),
  };
}

export function buildShopProfiles(count: number, ctx: SeedContext): ShopProfile[] {
  const { now, settings } = ctx;
  const anchor = minDate(settings.categoryLookbackStart, addMonths(now, -14));
  const profiles: ShopProfile[] = [];
  for (let index = 0; index < count; index++) {
    const row = SHOP_ROWS[index] ?? extraRow(index);
    const rng = createRandom(seedFrom('shop', index));
    const businessModel: BusinessModel =
      row.model === 'semi' ? 'SEMI_CLOSED_LOOP' : row.model === 'self' ? 'SELF_OPERATED' : 'CLOSED_LOOP';
    let createdAt = addHours(startOfDay(addDays(anchor, -rng.int(30, 600))), rng.int(1, 22));
    if (businessModel === 'SEMI_CLOSED_LOOP')
      createdAt = minDate(createdAt, addDays(settings.semiClosedLoopRetiredAt, -rng.int(20, 300)));
    createdAt = minDate(createdAt, addDays(now, -30));
    const primarySetAt = row.primary ? primarySelectionTime(rng, ctx, createdAt) : null;
    profiles.push({
      index,
      name: row.name,
      sites: row.sites,
      home: row.home,
      second: row.second ?? null,
      businessModel,
      wantsSelfShipping: row.selfShip ?? false,
      hasPrimary: row.primary,
      health: row.health ?? 'HEALTHY',
      minorViolations: row.minor ?? false,
      scale: row.scale ?? 'small',
      aovUsd: row.aov,
      lookback: lookbackPlan(row, rng),
      exception: row.exception ?? null,
      createdAt,
      primarySetAt,
      migrationDeadline:
        businessModel === 'SEMI_CLOSED_LOOP'
          ? maxDate(
              addDays(settings.semiClosedLoopRetiredAt, settings.semiClosedLoopMigrationDays),
              addDays(startOfDay(now), rng.int(45, 120)),
            )
          : null,
    });
  }
  return profiles;
}

/** Merchants confirmed during the campaign, before the confirmation deadline (and never after `now`). */
function primarySelectionTime(rng: Random, ctx: SeedContext, createdAt: Date): Date {
  const deadline = ctx.settings.categoryConfirmDeadline;
  const start = maxDate(addDays(deadline, -37), addHours(createdAt, 1));
  const end = minDate(addHours(deadline, -2), addHours(ctx.now, -2));
  if (end <= start) return maxDate(end, addHours(createdAt, 1));
  return new Date(Math.floor((start.getTime() + rng.next() * (end.getTime() - start.getTime())) / 1000) * 1000);
}

function lookbackPlan(row: ShopRow, rng: Random): LookbackPlan {
  if (row.lookback === 'none') return { kind: 'none' };
  if (row.lookback === 'tie' || row.lookback === 'tie-exact') {
    if (!row.second) throw new Error(`Tie shop ${row.name} needs a second category`);
    return { kind: 'tie', categories: [row.home, row.second], sameCount: row.lookback === 'tie-exact' };
  }
  if (row.shares) return { kind: 'mix', shares: row.shares };
  if (!row.second) return { kind: 'mix', shares: [[row.home, 1]] };
  const homeShare = row.primary ? rng.float(0.85, 0.95) : rng.float(0.6, 0.8);
  return {
    kind: 'mix',
    shares: [
      [row.home, homeShare],
      [row.second, 1 - homeShare],
    ],
  };
}

export function statusFor(health: HealthStatus): ShopStatus {
  if (health === 'RESTRICTED') return 'RESTRICTED';
  if (health === 'SUSPENDED') return 'SUSPENDED';
  return 'ACTIVE';
}

export interface SeededShop {
  id: number;
  profile: ShopProfile;
}

const DOCUMENT_TYPES: VerificationDocumentType[] = ['COMPANY_REGISTRATION', 'PASSPORT', 'DRIVERS_LICENSE'];

export async function seedShops(
  tx: Tx,
  ctx: SeedContext,
  categories: CategoryIndex,
  profiles: ShopProfile[],
  placement: (profile: ShopProfile) => { tierId: number; fulfilmentMode: FulfilmentMode },
): Promise<SeededShop[]> {
  const { now, settings } = ctx;
  const rows = await tx.shop.createManyAndReturn({
    data: profiles.map((p) => {
      const { tierId, fulfilmentMode } = placement(p);
      return {
        name: p.name,
        sites: p.sites,
        businessModel: p.businessModel,
        fulfilmentMode,
        status: statusFor(p.health),
        healthStatus: p.health,
        primaryCategoryId: p.hasPrimary ? topCategory(categories, p.home).id : null,
        primaryCategorySetAt: p.primarySetAt,
        primaryCategorySource: p.hasPrimary ? ('SELECTED' as const) : null,
        migrationDeadline: p.migrationDeadline,
        tierId,
        createdAt: p.createdAt,
        updatedAt: now,
      };
    }),
    select: { id: true, name: true },
  });
  const idByName = new Map(rows.map((r) => [r.name, r.id]));
  const shops = profiles.map((profile) => {
    const id = idByName.get(profile.name);
    if (id === undefined) throw new Error(`Shop ${profile.name} was not returned`);
    return { id, profile };
  });
  shops.sort((a, b) => a.id - b.id);

  const docs = shops.filter((s) => s.profile.sites.some((site) => settings.verificationRequiredSites.includes(site)));
  await tx.verificationDocument.createMany({
    data: docs.map((s, i) => {
      const type = DOCUMENT_TYPES[i % DOCUMENT_TYPES.length] ?? 'COMPANY_REGISTRATION';
      return {
        shopId: s.id,
        type,
        reference: documentReference(type, s.id),
        createdAt: addHours(s.profile.createdAt, -2),
      };
    }),
  });

  const selected = shops.filter((s) => s.profile.hasPrimary && s.profile.primarySetAt);
  await tx.primaryCategorySelection.createMany({
    data: selected.map((s) => ({
      shopId: s.id,
      categoryId: topCategory(categories, s.profile.home).id,
      previousCategoryId: null,
      source: 'SELECTED' as const,
      answers: questionnaireAnswers(s.profile, categories),
      createdAt: s.profile.primarySetAt ?? now,
    })),
  });

  await tx.categoryExceptionRequest.createMany({
    data: selected
      .filter((s) => s.profile.exception)
      .map((s) => ({
        shopId: s.id,
        comment: s.profile.exception?.comment ?? '',
        requestedCategoryIds: (s.profile.exception?.categories ?? []).map((slug) => topCategory(categories, slug).id),
        status: 'PENDING' as const,
        createdAt: s.profile.primarySetAt ?? now,
      })),
  });

  await tx.invitationCode.createMany({
    data: [
      { code: 'SWINV-VN-7Q2K-M4XP', site: 'VN', expiresAt: addDays(startOfDay(now), 60), createdAt: addDays(now, -12) },
      { code: 'SWINV-TH-3H8D-R9TC', site: 'TH', expiresAt: addDays(startOfDay(now), 45), createdAt: addDays(now, -9) },
      { code: 'SWINV-US-5B6N-W2JL', site: 'US', expiresAt: addDays(startOfDay(now), 90), createdAt: addDays(now, -3) },
    ],
  });
  return shops;
}

function documentReference(type: VerificationDocumentType, shopId: number): string {
  const n = String(4_810_000 + shopId * 7_919).padStart(7, '0');
  if (type === 'PASSPORT') return `P-US-5${n}`;
  if (type === 'DRIVERS_LICENSE') return `DL-CA-D${n}`;
  return `DE-SOS-${n}`;
}

function questionnaireAnswers(p: ShopProfile, categories: CategoryIndex) {
  const share = p.lookback.kind === 'mix' ? Math.round((p.lookback.shares[0]?.[1] ?? 1) * 100) : 100;
  const others = p.second ? [topCategory(categories, p.second).id] : [];
  return {
    primaryCategoryId: topCategory(categories, p.home).id,
    mainProductTypes: (categories.openLeaves.get(p.home) ?? []).slice(0, 3).map((c) => c.name),
    estimatedShareOfSalesPercent: share,
    sellsInOtherCategories: others.length > 0,
    otherCategoryIds: others,
    hasSpecialCircumstances: p.exception !== null,
    specialCircumstancesComment: p.exception?.comment ?? null,
    confirmedAccuracy: true,
  };
}

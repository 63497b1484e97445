import type { ContentKind, PartnershipStatus } from '../generated/prisma/client';
import { listOf, topCategory, type CategoryIndex, type TopSlug } from './categories';
import type { SeedContext, Site, Tx } from './context';
import { createRandom, seedFrom, type Random } from './random';
import type { SeededShop } from './shops';
import { addDays, addHours, addMs, maxDate } from './time';
import type { ShopViolationPlan } from './violations';

interface CreatorSpec {
  handle: string;
  displayName: string;
  regions: Site[];
  niches: TopSlug[];
  followers: number;
  engagementBps: number;
  /** Creators whose content tends to draw violations (they rank lower in matching). */
  riskProne?: boolean;
}

export const CREATORS: CreatorSpec[] = [
  {
    handle: 'glowwithmaya',
    displayName: 'Maya Chen',
    regions: ['US'],
    niches: ['beauty-personal-care', 'health'],
    followers: 1_240_000,
    engagementBps: 520,
  },
  {
    handle: 'techtalkdev',
    displayName: 'Devon Brooks',
    regions: ['US', 'GB'],
    niches: ['electronics'],
    followers: 890_000,
    engagementBps: 340,
  },
  {
    handle: 'trailmixtara',
    displayName: 'Tara Whitfield',
    regions: ['US'],
    niches: ['sports-outdoors'],
    followers: 312_000,
    engagementBps: 610,
  },
  {
    handle: 'dealdropdanny',
    displayName: 'Danny Ruiz',
    regions: ['US'],
    niches: ['electronics', 'home-kitchen', 'toys-hobbies'],
    followers: 2_050_000,
    engagementBps: 210,
    riskProne: true,
  },
  {
    handle: 'cosycornerclaire',
    displayName: 'Claire Hughes',
    regions: ['GB'],
    niches: ['home-kitchen'],
    followers: 158_000,
    engagementBps: 730,
  },
  {
    handle: 'londonlooks',
    displayName: 'Amara Okafor',
    regions: ['GB'],
    niches: ['womenswear', 'jewelry-accessories'],
    followers: 640_000,
    engagementBps: 480,
  },
  {
    handle: 'pawsandpals',
    displayName: 'Ollie Grant',
    regions: ['GB', 'US'],
    niches: ['pet-supplies'],
    followers: 275_000,
    engagementBps: 890,
  },
  {
    handle: 'stilparis',
    displayName: 'Léa Martin',
    regions: ['FR'],
    niches: ['womenswear', 'beauty-personal-care'],
    followers: 455_000,
    engagementBps: 510,
  },
  {
    handle: 'kuechenheld',
    displayName: 'Jonas Weber',
    regions: ['DE'],
    niches: ['home-kitchen', 'food-beverages'],
    followers: 198_000,
    engagementBps: 570,
  },
  {
    handle: 'bergsteigerin',
    displayName: 'Hanna Vogel',
    regions: ['DE', 'IT'],
    niches: ['sports-outdoors'],
    followers: 87_000,
    engagementBps: 820,
  },
  {
    handle: 'modamadrid',
    displayName: 'Lucía Fernández',
    regions: ['ES'],
    niches: ['womenswear'],
    followers: 366_000,
    engagementBps: 450,
  },
  {
    handle: 'casaitaliana',
    displayName: 'Giulia Romano',
    regions: ['IT'],
    niches: ['home-kitchen', 'baby-maternity'],
    followers: 143_000,
    engagementBps: 660,
  },
  {
    handle: 'milanoinstyle',
    displayName: 'Marco Ricci',
    regions: ['IT', 'FR'],
    niches: ['jewelry-accessories', 'menswear'],
    followers: 521_000,
    engagementBps: 390,
  },
  {
    handle: 'cantikbareng',
    displayName: 'Putri Lestari',
    regions: ['ID'],
    niches: ['beauty-personal-care'],
    followers: 1_780_000,
    engagementBps: 430,
    riskProne: true,
  },
  {
    handle: 'batikmodern',
    displayName: 'Rizky Pratama',
    regions: ['ID', 'MY'],
    niches: ['womenswear', 'menswear'],
    followers: 402_000,
    engagementBps: 550,
  },
  {
    handle: 'kopisenja',
    displayName: 'Dimas Saputra',
    regions: ['ID'],
    niches: ['food-beverages'],
    followers: 96_000,
    engagementBps: 940,
  },
  {
    handle: 'makanlahkl',
    displayName: 'Aisyah Rahman',
    regions: ['MY', 'SG'],
    niches: ['food-beverages', 'home-kitchen'],
    followers: 233_000,
    engagementBps: 610,
  },
  {
    handle: 'gadgetguymy',
    displayName: 'Wei Jie Tan',
    regions: ['MY', 'SG'],
    niches: ['electronics'],
    followers: 688_000,
    engagementBps: 300,
    riskProne: true,
  },
  {
    handle: 'sgmumlife',
    displayName: 'Rachel Lim',
    regions: ['SG', 'MY'],
    niches: ['baby-maternity', 'toys-hobbies'],
    followers: 121_000,
    engagementBps: 780,
  },
  {
    handle: 'bangkokbites',
    displayName: 'Nattapong Srisuk',
    regions: ['TH'],
    niches: ['food-beverages'],
    followers: 954_000,
    engagementBps: 470,
  },
  {
    handle: 'suayskin',
    displayName: 'Ploy Chaiyaporn',
    regions: ['TH'],
    niches: ['beauty-personal-care', 'health'],
    followers: 1_320_000,
    engagementBps: 360,
    riskProne: true,
  },
  {
    handle: 'muaysport',
    displayName: 'Krit Boonmee',
    regions: ['TH', 'VN'],
    niches: ['sports-outdoors', 'health'],
    followers: 204_000,
    engagementBps: 520,
  },
  {
    handle: 'saigonstyle',
    displayName: 'Linh Nguyen',
    regions: ['VN'],
    niches: ['womenswear', 'beauty-personal-care'],
    followers: 1_010_000,
    engagementBps: 410,
  },
  {
    handle: 'hanoihome',
    displayName: 'Minh Tran',
    regions: ['VN'],
    niches: ['home-kitchen', 'toys-hobbies'],
    followers: 77_000,
    engagementBps: 860,
  },
  {
    handle: 'manilamom',
    displayName: 'Bea Santos',
    regions: ['PH'],
    niches: ['baby-maternity', 'pet-supplies'],
    followers: 289_000,
    engagementBps: 690,
  },
  {
    handle: 'pinoytechph',
    displayName: 'Miguel Reyes',
    regions: ['PH'],
    niches: ['electronics'],
    followers: 1_450_000,
    engagementBps: 280,
    riskProne: true,
  },
  {
    handle: 'islandthreads',
    displayName: 'Kaye Dizon',
    regions: ['PH', 'SG'],
    niches: ['womenswear', 'sports-outdoors'],
    followers: 164_000,
    engagementBps: 590,
  },
  {
    handle: 'supplementsam',
    displayName: 'Sam Porter',
    regions: ['US', 'GB'],
    niches: ['health', 'sports-outdoors'],
    followers: 732_000,
    engagementBps: 330,
    riskProne: true,
  },
  {
    handle: 'littlebuilders',
    displayName: 'Priya Nair',
    regions: ['US', 'GB', 'SG'],
    niches: ['toys-hobbies', 'baby-maternity'],
    followers: 58_000,
    engagementBps: 1_040,
  },
  {
    handle: 'goldhourgems',
    displayName: 'Sofia Costa',
    regions: ['US', 'ES', 'FR'],
    niches: ['jewelry-accessories'],
    followers: 415_000,
    engagementBps: 500,
  },
];

interface SeededCreator {
  id: number;
  spec: CreatorSpec;
}

const LIVE_TITLES = [
  'Live: {product} try-on and Q&A',
  'Friday night deals live with {shop}',
  'Unboxing new arrivals from {shop}',
  'Flash sale live: {category} favourites',
  'Payday live sale with {shop}',
];

const VIDEO_TITLES = [
  'Honest review: {product}',
  '3 ways to use {product}',
  '{product}: worth it?',
  'Get ready with me ft. {shop}',
  'Top 5 {category} picks this month',
];

export interface CreatorCounts {
  creators: number;
  contentItems: number;
  partnerships: number;
}

/** Creators, their content for shops (including the content behind LIVE_SESSION/VIDEO violations), and partnerships. */
export async function seedCreators(
  tx: Tx,
  ctx: SeedContext,
  categories: CategoryIndex,
  shops: SeededShop[],
  plans: Map<number, ShopViolationPlan>,
): Promise<{ contentByViolation: Map<string, number>; counts: CreatorCounts }> {
  const { now } = ctx;
  const rng = createRandom(seedFrom('creators'));
  const rows = await tx.creator.createManyAndReturn({
    data: CREATORS.map((c, i) => ({
      handle: c.handle,
      displayName: c.displayName,
      regions: c.regions,
      nicheCategoryIds: c.niches.map((slug) => topCategory(categories, slug).id),
      followerCount: c.followers,
      engagementRateBps: c.engagementBps,
      createdAt: addDays(ctx.catalogueAt, 30 + i * 11),
    })),
    select: { id: true, handle: true },
  });
  const idByHandle = new Map(rows.map((r) => [r.handle, r.id]));
  const creators: SeededCreator[] = CREATORS.map((spec) => {
    const id = idByHandle.get(spec.handle);
    if (id === undefined) throw new Error(`Creator ${spec.handle} was not returned`);
    return { id, spec };
  });

  const items: {
    url: string;
    creatorId: number;
    shopId: number;
    kind: ContentKind;
    title: string;
    publishedAt: Date;
    violationKey: string | null;
  }[] = [];
  let serial = 0;
  const addItem = (
    shop: SeededShop,
    creator: SeededCreator,
    kind: ContentKind,
    publishedAt: Date,
    violationKey: string | null,
  ) => {
    serial += 1;
    const n = `${7_301_000_000 + serial * 7_919}`;
    const product = rng.pick(listOf(categories.openLeaves, shop.profile.home).flatMap((c) => c.products));
    const template = rng.pick(kind === 'LIVE_SESSION' ? LIVE_TITLES : VIDEO_TITLES);
    items.push({
      url:
        kind === 'LIVE_SESSION'
          ? `https://live.shop.example.com/@${creator.spec.handle}/sessions/${n}`
          : `https://shop.example.com/@${creator.spec.handle}/video/${n}`,
      creatorId: creator.id,
      shopId: shop.id,
      kind,
      title: template
        .replace('{product}', product)
        .replace('{shop}', shop.profile.name)
        .replace('{category}', topCategory(categories, shop.profile.home).name),
      publishedAt,
      violationKey,
    });
  };

  for (const shop of shops) {
    const plan = plans.get(shop.profile.index);
    for (const v of plan?.violations ?? []) {
      if (v.source !== 'LIVE_SESSION' && v.source !== 'VIDEO') continue;
      const creator = creatorFor(rng, creators, shop, true);
      const lead = v.source === 'LIVE_SESSION' ? rng.int(10, 80) * 60_000 : rng.int(2, 72) * 3_600_000;
      addItem(shop, creator, v.source, addMs(v.occurredAt, -lead), v.key);
    }
  }
  for (const shop of shops) {
    if (shop.profile.health !== 'HEALTHY' || shop.profile.index % 3 === 2) continue;
    for (let i = rng.int(2, 4); i > 0; i--) {
      const kind: ContentKind = rng.chance(0.4) ? 'LIVE_SESSION' : 'VIDEO';
      const publishedAt = maxDate(
        addHours(addDays(now, -rng.int(1, 150)), -rng.int(0, 23)),
        addDays(shop.profile.createdAt, 1),
      );
      addItem(shop, creatorFor(rng, creators, shop, false), kind, publishedAt, null);
    }
  }
  const createdItems = await tx.contentItem.createManyAndReturn({
    data: items.map((i) => ({
      creatorId: i.creatorId,
      shopId: i.shopId,
      kind: i.kind,
      title: i.title,
      url: i.url,
      publishedAt: i.publishedAt,
      createdAt: i.publishedAt,
    })),
    select: { id: true, url: true },
  });
  const idByUrl = new Map(createdItems.map((c) => [c.url ?? '', c.id]));
  const contentByViolation = new Map<string, number>();
  for (const i of items) {
    const id = idByUrl.get(i.url);
    if (id === undefined) throw new Error(`Content item ${i.url} was not returned`);
    if (i.violationKey) contentByViolation.set(i.violationKey, id);
  }

  const partnerships: {
    shopId: number;
    creatorId: number;
    status: PartnershipStatus;
    commissionRateBps: number;
    startedAt: Date | null;
    endedAt: Date | null;
    createdAt: Date;
  }[] = [];
  const statuses: PartnershipStatus[] = [
    'ACTIVE',
    'ACTIVE',
    'PROPOSED',
    'ACTIVE',
    'ENDED',
    'ACTIVE',
    'PROPOSED',
    'ACTIVE',
    'ENDED',
    'ACTIVE',
    'PROPOSED',
    'ENDED',
  ];
  const partnerShops = shops
    .filter((s) => s.profile.health === 'HEALTHY' && s.profile.index % 4 !== 3)
    .slice(0, statuses.length);
  partnerShops.forEach((shop, i) => {
    const status = statuses[i] ?? 'PROPOSED';
    const creator = creatorFor(rng, creators, shop, false);
    const createdAt = addDays(now, -(status === 'ENDED' ? rng.int(120, 300) : rng.int(20, 300)));
    const startedAt = status === 'PROPOSED' ? null : addDays(createdAt, rng.int(2, 10));
    const endedAt = status === 'ENDED' && startedAt ? addDays(startedAt, rng.int(10, 60)) : null;
    partnerships.push({
      shopId: shop.id,
      creatorId: creator.id,
      status,
      commissionRateBps: rng.int(8, 20) * 100,
      startedAt,
      endedAt,
      createdAt,
    });
  });
  await tx.partnership.createMany({ data: partnerships });
  return {
    contentByViolation,
    counts: { creators: creators.length, contentItems: items.length, partnerships: partnerships.length },
  };
}

/** A creator who works the shop's region and niche; content behind violations favours the risk-prone ones. */
function creatorFor(rng: Random, creators: SeededCreator[], shop: SeededShop, forViolation: boolean): SeededCreator {
  const inRegion = creators.filter((c) => c.spec.regions.some((r) => shop.profile.sites.includes(r)));
  const inNiche = inRegion.filter((c) => c.spec.niches.includes(shop.profile.home));
  const pool = inNiche.length > 0 ? inNiche : inRegion.length > 0 ? inRegion : creators;
  const weights = pool.map((c) => [c, forViolation && c.spec.riskProne ? 6 : 1] as const);
  return rng.weighted(weights);
}

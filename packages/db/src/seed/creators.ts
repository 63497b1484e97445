import type { ContentKind, PartnershipStatus, Prisma } from '../generated/prisma/client';
import { listOf, topCategory, type CategoryIndex, type TopSlug } from './categories';
import type { SeedContext, Site, Tx } from './context';
import { insertRows } from './bulk-insert';
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

/** Creators beyond the named ones, so matching has a realistic crowd to rank. */
export const GENERATED_CREATORS = 3_000;

const SITE_WEIGHTS: readonly (readonly [Site, number])[] = [
  ['US', 5],
  ['ID', 3],
  ['GB', 2],
  ['TH', 2],
  ['VN', 2],
  ['PH', 2],
  ['MY', 1.5],
  ['DE', 1.5],
  ['FR', 1],
  ['ES', 1],
  ['IT', 1],
  ['SG', 0.8],
];

/** Creators often reach a neighbouring market too. */
const NEIGHBOURS: Record<Site, Site[]> = {
  US: ['GB'],
  GB: ['US', 'DE'],
  DE: ['GB', 'FR', 'IT'],
  FR: ['ES', 'IT', 'DE'],
  ES: ['FR', 'IT'],
  IT: ['FR', 'DE', 'ES'],
  ID: ['MY', 'SG'],
  MY: ['SG', 'ID'],
  TH: ['VN', 'MY'],
  VN: ['TH', 'PH'],
  PH: ['SG', 'VN'],
  SG: ['MY', 'ID', 'PH'],
};

const NICHE_WEIGHTS: readonly (readonly [TopSlug, number])[] = [
  ['beauty-personal-care', 5],
  ['womenswear', 4],
  ['electronics', 3],
  ['home-kitchen', 3],
  ['food-beverages', 2],
  ['health', 2],
  ['sports-outdoors', 2],
  ['toys-hobbies', 1.5],
  ['jewelry-accessories', 1.5],
  ['menswear', 1.5],
  ['baby-maternity', 1],
  ['pet-supplies', 1],
];

const FIRST_NAMES = [
  'Ava',
  'Liam',
  'Mia',
  'Noah',
  'Zoe',
  'Ethan',
  'Isla',
  'Leo',
  'Nina',
  'Omar',
  'Sara',
  'Yuki',
  'Ravi',
  'Lina',
  'Tomas',
  'Elif',
  'Chloe',
  'Dara',
  'Finn',
  'Hana',
  'Ivy',
  'Jae',
  'Kira',
  'Luca',
  'Maya',
  'Nadia',
  'Oscar',
  'Priya',
  'Quinn',
  'Rosa',
  'Sami',
  'Tara',
  'Uma',
  'Vera',
  'Wes',
  'Xena',
  'Yara',
  'Zane',
  'Anh',
  'Budi',
  'Citra',
  'Dewi',
  'Farah',
  'Gita',
  'Hugo',
  'Intan',
  'Joko',
  'Kai',
  'Lan',
  'Mei',
  'Nam',
  'Ploy',
  'Rina',
  'Somchai',
];
const LAST_NAMES = [
  'Lee',
  'Smith',
  'Nguyen',
  'Tan',
  'Garcia',
  'Müller',
  'Rossi',
  'Dubois',
  'Santos',
  'Wijaya',
  'Lim',
  'Kaur',
  'Brown',
  'Silva',
  'Ong',
  'Reyes',
  'Tran',
  'Schmidt',
  'Moreau',
  'Bianchi',
  'López',
  'Hartono',
  'Chua',
  'Wong',
  'Park',
  'Khan',
  'Jones',
  'Costa',
  'Pham',
  'Fischer',
  'Laurent',
  'Ricci',
  'Ramos',
  'Susanto',
  'Yap',
  'Ibrahim',
];
const HANDLE_TAILS = ['', 'daily', 'finds', 'lives', 'picks', 'style', 'reviews', 'hauls', 'tips', 'shop', 'loves'];

/**
 * A crowd of creators with the shapes real ones have: followers log-normal (median 40k, a long
 * tail past a million), engagement falling as audiences grow, one home market (sometimes a
 * neighbour too), one to three niches weighted by how popular they are.
 */
export function generateCreators(count: number, taken: ReadonlySet<string>): CreatorSpec[] {
  const rng = createRandom(seedFrom('creators', 'crowd'));
  const handles = new Set(taken);
  const specs: CreatorSpec[] = [];
  for (let i = 0; i < count; i++) {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const base = `${first}${rng.chance(0.5) ? last : ''}${rng.pick(HANDLE_TAILS)}`
      .toLowerCase()
      .normalize('NFD')
      .replace(/[^a-z0-9]/g, '');
    let handle = base;
    for (let n = 2; handles.has(handle); n++) handle = `${base}${n}`;
    handles.add(handle);
    const home = rng.weighted(SITE_WEIGHTS);
    const regions: Site[] = [home];
    if (rng.chance(0.35)) regions.push(rng.pick(NEIGHBOURS[home]));
    if (rng.chance(0.08)) regions.push(rng.weighted(SITE_WEIGHTS));
    const nicheCount = rng.chance(0.55) ? 1 : rng.chance(0.78) ? 2 : 3;
    const niches = new Set<TopSlug>();
    while (niches.size < nicheCount) niches.add(rng.weighted(NICHE_WEIGHTS));
    const followers = Math.round(Math.min(8_000_000, Math.max(1_000, rng.logNormal(40_000, 1.4))) / 100) * 100;
    const engagement = rng.logNormal(450, 0.45) * (100_000 / followers) ** 0.15;
    specs.push({
      handle,
      displayName: `${first} ${last}`,
      regions: [...new Set(regions)],
      niches: [...niches],
      followers,
      engagementBps: Math.round(Math.min(2_500, Math.max(50, engagement))),
      riskProne: rng.chance(0.06),
    });
  }
  return specs;
}

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
  partnerAccountId: number,
): Promise<{ contentByViolation: Map<string, number>; counts: CreatorCounts }> {
  const { now } = ctx;
  const rng = createRandom(seedFrom('creators'));
  const specs = [...CREATORS, ...generateCreators(GENERATED_CREATORS, new Set(CREATORS.map((c) => c.handle)))];
  const rows = await insertRows(
    tx,
    'Creator',
    {
      handle: 'text',
      displayName: 'text',
      regions: 'text[]',
      nicheCategoryIds: 'int[]',
      followerCount: 'int',
      engagementRateBps: 'int',
      createdAt: 'timestamp(3)',
      updatedAt: 'timestamp(3)',
    },
    specs.map((c, i) => {
      const createdAt = i < CREATORS.length ? addDays(ctx.catalogueAt, 30 + i * 11) : addDays(now, -rng.int(5, 600));
      return {
        handle: c.handle,
        displayName: c.displayName,
        regions: c.regions,
        nicheCategoryIds: c.niches.map((slug) => topCategory(categories, slug).id),
        followerCount: c.followers,
        engagementRateBps: c.engagementBps,
        createdAt,
        updatedAt: createdAt,
      };
    }),
    ['id', 'handle'],
  );
  const idByHandle = new Map(rows.map((r) => [r.handle as string, Number(r.id)]));
  const creators: SeededCreator[] = specs.map((spec) => {
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
  // A third of the crowd has published for a shop of its market, mostly in its niche.
  const shopsBySite = new Map<Site, SeededShop[]>();
  for (const shop of shops)
    for (const site of shop.profile.sites) shopsBySite.set(site, [...(shopsBySite.get(site) ?? []), shop]);
  for (const creator of creators.slice(CREATORS.length)) {
    if (!rng.chance(0.33)) continue;
    const local = creator.spec.regions.flatMap((r) => shopsBySite.get(r) ?? []);
    if (!local.length) continue;
    const inNiche = local.filter((s) => creator.spec.niches.includes(s.profile.home));
    for (let i = rng.int(1, 3); i > 0; i--) {
      const shop = rng.pick(inNiche.length && rng.chance(0.8) ? inNiche : local);
      const publishedAt = maxDate(
        addHours(addDays(now, -rng.int(1, 300)), -rng.int(0, 23)),
        addDays(shop.profile.createdAt, 1),
      );
      addItem(shop, creator, rng.chance(0.35) ? 'LIVE_SESSION' : 'VIDEO', publishedAt, null);
    }
  }
  const createdItems = await insertRows(
    tx,
    'ContentItem',
    {
      creatorId: 'int',
      shopId: 'int',
      kind: '"ContentKind"',
      title: 'text',
      url: 'text',
      publishedAt: 'timestamp(3)',
      createdAt: 'timestamp(3)',
    },
    items.map((i) => ({ ...i, createdAt: i.publishedAt })),
    ['id', 'url'],
  );
  const idByUrl = new Map(createdItems.map((c) => [c.url as string, Number(c.id)]));
  const contentByViolation = new Map<string, number>();
  for (const i of items) {
    const id = idByUrl.get(i.url);
    if (id === undefined) throw new Error(`Content item ${i.url} was not returned`);
    if (i.violationKey) contentByViolation.set(i.violationKey, id);
  }

  // The demo partner app represents the named creators and a few of the crowd.
  const represented = [...creators.slice(0, CREATORS.length), ...creators.slice(CREATORS.length, CREATORS.length + 20)];
  await tx.creatorRepresentation.createMany({
    data: represented.map((c) => ({ creatorId: c.id, accountId: partnerAccountId, createdAt: addDays(now, -150) })),
  });

  const partnerships = planPartnerships(rng, now, shops, creators, represented);
  await tx.partnership.createMany({ data: partnerships });
  return {
    contentByViolation,
    counts: { creators: creators.length, contentItems: items.length, partnerships: partnerships.length },
  };
}

const DECLINE_REASONS = ['Not my niche right now.', 'Fully booked this season.', 'Commission too low.', null];
const END_REASONS = [
  'Campaign finished.',
  'Sales did not meet expectations.',
  'Creator moved to another category.',
  'Policy breach in a live session.',
];

type PartnershipRow = Prisma.PartnershipCreateManyInput;

/**
 * Partnerships in every state: mostly active or ended ones, declines, proposals that expired
 * unanswered, and fresh proposals (some to creators the demo partner app represents, so it can answer).
 */
function planPartnerships(
  rng: Random,
  now: Date,
  shops: SeededShop[],
  creators: SeededCreator[],
  represented: SeededCreator[],
): PartnershipRow[] {
  const eligible = shops.filter((s) => s.profile.health === 'HEALTHY' || s.profile.health === 'AT_RISK');
  const open = new Set<string>();
  const rows: PartnershipRow[] = [];
  const STATES: readonly (readonly [PartnershipStatus, number])[] = [
    ['ACTIVE', 35],
    ['ENDED', 20],
    ['DECLINED', 15],
    ['EXPIRED', 15],
    ['PROPOSED', 15],
  ];
  const add = (shop: SeededShop, creator: SeededCreator, status: PartnershipStatus) => {
    const pair = `${shop.id}:${creator.id}`;
    const isOpen = status === 'PROPOSED' || status === 'ACTIVE';
    if (isOpen && open.has(pair)) return;
    if (isOpen) open.add(pair);
    const createdAt = addHours(
      addDays(
        now,
        -(status === 'PROPOSED' ? rng.int(0, 12) : status === 'ENDED' ? rng.int(120, 400) : rng.int(20, 300)),
      ),
      -rng.int(0, 23),
    );
    const expiresAt = addDays(createdAt, 14);
    const answeredAt = addDays(createdAt, rng.int(1, 10));
    const endedAt = status === 'ENDED' ? addDays(answeredAt, rng.int(20, 100)) : null;
    const closedBy = {
      DECLINED: 'CREATOR',
      EXPIRED: 'PLATFORM',
      ENDED: rng.pick(['SHOP', 'CREATOR', 'ADMIN'] as const),
    } as const;
    rows.push({
      shopId: shop.id,
      creatorId: creator.id,
      status,
      commissionRateBps: rng.int(5, 25) * 100 + rng.pick([0, 50]),
      message: rng.chance(0.5) ? `We would love ${creator.spec.displayName} to feature ${shop.profile.name}.` : null,
      expiresAt,
      respondedAt: status === 'ACTIVE' || status === 'ENDED' || status === 'DECLINED' ? answeredAt : null,
      startedAt: status === 'ACTIVE' || status === 'ENDED' ? answeredAt : null,
      endedAt,
      closedBy: status in closedBy ? closedBy[status as keyof typeof closedBy] : null,
      closeReason:
        status === 'DECLINED'
          ? rng.pick(DECLINE_REASONS)
          : status === 'EXPIRED'
            ? 'No answer before the proposal expired.'
            : status === 'ENDED'
              ? rng.pick(END_REASONS)
              : null,
      openPairKey: isOpen ? pair : null,
      version: { PROPOSED: 0, ACTIVE: 1, DECLINED: 1, EXPIRED: 1, ENDED: 2 }[status],
      createdAt,
      updatedAt: endedAt ?? (status === 'EXPIRED' ? expiresAt : status === 'PROPOSED' ? createdAt : answeredAt),
    });
  };
  for (const shop of eligible)
    for (let k = rng.int(1, 5); k > 0; k--) add(shop, creatorFor(rng, creators, shop, false), rng.weighted(STATES));
  // Fresh proposals to represented creators, and an active partnership for the demo seller's shop.
  for (const [i, creator] of represented.slice(0, 6).entries()) {
    const shop = eligible[i % eligible.length];
    if (shop) add(shop, creator, 'PROPOSED');
  }
  const demoShop = shops.find((s) => s.profile.index === 0);
  const demoPartner = represented[6];
  if (demoShop && demoPartner) add(demoShop, demoPartner, 'ACTIVE');
  return rows;
}

/** A creator who works the shop's region and niche; content behind violations favours the risk-prone ones. */
function creatorFor(rng: Random, creators: SeededCreator[], shop: SeededShop, forViolation: boolean): SeededCreator {
  const inRegion = creators.filter((c) => c.spec.regions.some((r) => shop.profile.sites.includes(r)));
  const inNiche = inRegion.filter((c) => c.spec.niches.includes(shop.profile.home));
  const pool = inNiche.length > 0 ? inNiche : inRegion.length > 0 ? inRegion : creators;
  const weights = pool.map((c) => [c, forViolation && c.spec.riskProne ? 6 : 1] as const);
  return rng.weighted(weights);
}

import type { CategoryRestriction, Prisma } from '../generated/prisma/client.ts';

export type TopSlug =
  | 'beauty-personal-care'
  | 'womenswear'
  | 'menswear'
  | 'home-kitchen'
  | 'electronics'
  | 'sports-outdoors'
  | 'toys-hobbies'
  | 'food-beverages'
  | 'health'
  | 'pet-supplies'
  | 'jewelry-accessories'
  | 'baby-maternity';

interface CategorySpec {
  name: string;
  restriction?: CategoryRestriction;
  description?: string;
  /** Product names used for demo listings in this category (leaves only). */
  products?: string[];
  children?: CategorySpec[];
}

interface TopCategorySpec extends CategorySpec {
  slug: TopSlug;
  /** Marketplace commission for the category, in basis points. */
  commissionBps: number;
  /** Typical listing price range in USD. */
  priceUsd: [number, number];
  children: CategorySpec[];
}

export const CATEGORY_TREE: TopCategorySpec[] = [
  {
    slug: 'beauty-personal-care',
    name: 'Beauty & Personal Care',
    description: 'Makeup, skincare, haircare and fragrance.',
    commissionBps: 800,
    priceUsd: [8, 65],
    children: [
      {
        name: 'Makeup',
        products: [
          'Velvet Matte Liquid Lipstick',
          'Buildable Cushion Foundation SPF 30',
          'Waterproof Lengthening Mascara',
        ],
      },
      {
        name: 'Skincare',
        products: ['Hyaluronic Hydrating Serum 30 ml', 'Gentle Foaming Cleanser 150 ml', 'Mineral Sunscreen SPF 50'],
      },
      {
        name: 'Skincare with Actives',
        restriction: 'RESTRICTED',
        description: 'Retinoids, high-strength acids and other actives that need an approval.',
        products: ['Retinol 1% Night Treatment', 'Glycolic Acid 20% Peel Pads'],
      },
      {
        name: 'Haircare',
        products: ['Argan Oil Repair Hair Mask', 'Sulfate-free Curl Shampoo 300 ml', 'Ceramic Ionic Hair Dryer'],
      },
      { name: 'Fragrance', products: ['Neroli & Cedar Eau de Parfum 50 ml', 'Vanilla Musk Body Mist'] },
    ],
  },
  {
    slug: 'womenswear',
    name: 'Womenswear',
    description: "Women's clothing.",
    commissionBps: 750,
    priceUsd: [12, 90],
    children: [
      { name: 'Dresses', products: ['Linen Wrap Midi Dress', 'Satin Slip Dress', 'Tiered Cotton Maxi Dress'] },
      {
        name: 'Tops & Blouses',
        products: ['Puff-sleeve Poplin Blouse', 'Ribbed Knit Tank Top', 'Oversized Graphic Tee'],
      },
      { name: "Women's Outerwear", products: ['Double-breasted Wool Blend Coat', 'Cropped Denim Jacket'] },
      { name: 'Lingerie & Sleepwear', products: ['Silk-touch Pyjama Set', 'Seamless Bralette 3-pack'] },
      { name: 'Modest Wear', products: ['Chiffon Hijab Set', 'Embroidered Kaftan Dress'] },
    ],
  },
  {
    slug: 'menswear',
    name: 'Menswear',
    description: "Men's clothing.",
    commissionBps: 750,
    priceUsd: [15, 120],
    children: [
      { name: 'Shirts', products: ['Oxford Button-down Shirt', 'Short-sleeve Linen Shirt'] },
      { name: 'Trousers & Jeans', products: ['Slim Stretch Chinos', 'Selvedge Straight Jeans'] },
      { name: "Men's Outerwear", products: ['Waxed Cotton Field Jacket', 'Packable Down Vest'] },
      { name: 'Underwear & Socks', products: ['Merino Crew Socks 5-pack', 'Bamboo Boxer Briefs 3-pack'] },
    ],
  },
  {
    slug: 'home-kitchen',
    name: 'Home & Kitchen',
    description: 'Cookware, bedding, décor and storage.',
    commissionBps: 700,
    priceUsd: [10, 1200],
    children: [
      {
        name: 'Cookware',
        products: [
          'Tri-ply Stainless Frying Pan 28 cm',
          'Enamelled Cast-iron Casserole 24 cm',
          'Non-stick Saucepan Set',
        ],
      },
      {
        name: 'Kitchen Knives',
        restriction: 'RESTRICTED',
        description: 'Bladed kitchen tools: age verification and an approval are required.',
        products: ["Damascus Steel Chef's Knife 20 cm", 'Santoku Knife with Magnetic Block'],
      },
      { name: 'Bedding', products: ['Washed Linen Duvet Cover Set', 'Cooling Bamboo Pillowcases'] },
      { name: 'Home Décor', products: ['Hand-poured Soy Candle', 'Rattan Wall Mirror', 'Stoneware Bud Vase Set'] },
      { name: 'Storage & Organisation', products: ['Stackable Pantry Canisters', 'Collapsible Fabric Storage Cubes'] },
      {
        name: 'Small Appliances',
        products: ['Dual-boiler Espresso Machine', 'Robot Vacuum with Mop Dock', 'Air Purifier HEPA 13'],
      },
    ],
  },
  {
    slug: 'electronics',
    name: 'Electronics',
    description: 'Phones, audio, computers and smart home.',
    commissionBps: 600,
    priceUsd: [15, 2000],
    children: [
      {
        name: 'Phones & Accessories',
        children: [
          { name: 'Phone Cases', products: ['MagSafe Clear Case', 'Rugged Armour Phone Case'] },
          {
            name: 'Chargers & Cables',
            products: ['65 W GaN USB-C Charger', 'Braided USB-C Cable 2 m', '20,000 mAh Power Bank'],
          },
        ],
      },
      {
        name: 'Audio',
        products: ['Active Noise-cancelling Headphones', 'True Wireless Earbuds', 'Portable Bluetooth Speaker'],
      },
      {
        name: 'Computers & Tablets',
        products: ['14" Ultrabook 16 GB RAM', '11" Tablet 128 GB', 'Mechanical Keyboard'],
      },
      {
        name: 'Smart Home',
        products: ['Wi-Fi Smart Plug 4-pack', '2K Indoor Security Camera', 'Smart LED Bulb Starter Kit'],
      },
      {
        name: 'Drones & Radio Equipment',
        restriction: 'RESTRICTED',
        description: 'Registration and radio-frequency rules vary by site.',
        products: ['Foldable 4K Camera Drone'],
      },
    ],
  },
  {
    slug: 'sports-outdoors',
    name: 'Sports & Outdoors',
    description: 'Fitness, camping, cycling and outdoor gear.',
    commissionBps: 700,
    priceUsd: [12, 2500],
    children: [
      {
        name: 'Fitness Equipment',
        products: ['Adjustable Dumbbells 24 kg', 'Non-slip Yoga Mat 6 mm', 'Resistance Band Set'],
      },
      {
        name: 'Camping & Hiking',
        children: [
          { name: 'Tents', products: ['2-person Ultralight Tent', '4-person Family Dome Tent'] },
          { name: 'Backpacks', products: ['40 L Trekking Backpack', 'Waterproof Daypack 22 L'] },
        ],
      },
      {
        name: 'Cycling',
        products: [
          'Carbon Gravel Bike',
          'Folding Commuter E-bike',
          'Carbon Road Bike Helmet',
          'Rechargeable Bike Light Set',
        ],
      },
      {
        name: 'Hunting Knives & Multi-tools',
        restriction: 'RESTRICTED',
        description: 'Fixed-blade knives and multi-tools: an approval is required.',
        products: ['Fixed-blade Bushcraft Knife', '18-in-1 Stainless Multi-tool'],
      },
      {
        name: 'Firearm Parts & Accessories',
        restriction: 'PROHIBITED',
        description: 'Weapons and weapon parts may not be sold on any site.',
        products: ['Pistol Trigger Upgrade Kit'],
      },
    ],
  },
  {
    slug: 'toys-hobbies',
    name: 'Toys & Hobbies',
    description: 'Toys, building sets, crafts and collectibles.',
    commissionBps: 700,
    priceUsd: [8, 150],
    children: [
      { name: 'Educational Toys', products: ['Wooden Shape Sorter', 'STEM Coding Robot Kit'] },
      { name: 'Building Sets', products: ['Magnetic Building Tiles 60 pcs', 'Modular Brick City Set'] },
      { name: 'Dolls & Plush', products: ['Organic Cotton Bunny Plush', 'Fashion Doll with Wardrobe'] },
      { name: 'Arts & Crafts', products: ['Watercolour Paint Set 36 Colours', 'Air-dry Clay Starter Kit'] },
    ],
  },
  {
    slug: 'food-beverages',
    name: 'Food & Beverages',
    description: 'Snacks, coffee, tea and pantry staples.',
    commissionBps: 650,
    priceUsd: [5, 60],
    children: [
      { name: 'Snacks', products: ['Sea Salt Cassava Chips 6-pack', 'Dark Chocolate Almond Clusters'] },
      {
        name: 'Coffee & Tea',
        products: ['Single-origin Arabica Beans 500 g', 'Jasmine Green Tea 50 Sachets', 'Cold Brew Coffee Bags'],
      },
      { name: 'Pantry Staples', products: ['Extra Virgin Olive Oil 1 L', 'Sambal Chilli Paste 3-pack'] },
      {
        name: 'Alcohol-free Wine & Spirits',
        restriction: 'RESTRICTED',
        description: 'Alcohol-free alternatives: labelling rules apply, approval required.',
        products: ['Alcohol-free Sparkling Rosé', 'Zero-proof Botanical Gin'],
      },
      {
        name: 'Tobacco & Vapes',
        restriction: 'PROHIBITED',
        description: 'Tobacco, e-cigarettes and vaping liquids are prohibited.',
        products: ['Disposable Vape 5000 Puffs'],
      },
    ],
  },
  {
    slug: 'health',
    name: 'Health',
    description: 'Supplements, medical devices and first aid.',
    commissionBps: 700,
    priceUsd: [8, 120],
    children: [
      {
        name: 'Vitamins & Supplements',
        restriction: 'RESTRICTED',
        description: 'Dietary supplements: claims are reviewed and an approval is required.',
        products: ['Vitamin D3 + K2 Softgels', 'Marine Collagen Peptides 300 g', 'Magnesium Glycinate Capsules'],
      },
      {
        name: 'Medical Devices',
        restriction: 'RESTRICTED',
        description: 'Regulated devices such as blood-pressure monitors.',
        products: ['Upper-arm Blood Pressure Monitor', 'Fingertip Pulse Oximeter'],
      },
      {
        name: 'Prescription Drugs',
        restriction: 'PROHIBITED',
        description: 'Prescription-only medicines may not be sold.',
        products: ['Amoxicillin 500 mg Capsules'],
      },
      { name: 'Personal Care Appliances', products: ['Sonic Electric Toothbrush', 'Water Flosser Cordless'] },
      { name: 'First Aid', products: ['Family First Aid Kit 120 pcs', 'Instant Cold Packs 10-pack'] },
    ],
  },
  {
    slug: 'pet-supplies',
    name: 'Pet Supplies',
    description: 'Food, toys and care for pets.',
    commissionBps: 650,
    priceUsd: [6, 90],
    children: [
      { name: 'Dog Supplies', products: ['No-pull Dog Harness', 'Orthopaedic Dog Bed Large'] },
      { name: 'Cat Supplies', products: ['Self-cleaning Cat Litter Box', 'Sisal Cat Scratching Tower'] },
      { name: 'Pet Food', products: ['Grain-free Salmon Kibble 2 kg', 'Freeze-dried Chicken Treats'] },
      { name: 'Aquarium', products: ['Nano Aquarium Kit 30 L', 'Aquarium LED Light Bar'] },
      {
        name: 'Pet Medication',
        restriction: 'RESTRICTED',
        description: 'Veterinary products such as flea and worm treatments.',
        products: ['Flea & Tick Spot-on Treatment'],
      },
    ],
  },
  {
    slug: 'jewelry-accessories',
    name: 'Jewelry & Accessories',
    description: 'Jewellery, watches, bags and eyewear.',
    commissionBps: 800,
    priceUsd: [15, 3000],
    children: [
      {
        name: 'Fine Jewelry',
        products: [
          '18k Gold Vermeil Huggie Earrings',
          'Lab-grown Diamond Pendant 0.5 ct',
          'Sterling Silver Tennis Bracelet',
        ],
      },
      { name: 'Fashion Jewelry', products: ['Freshwater Pearl Drop Earrings', 'Layered Chain Necklace Set'] },
      { name: 'Watches', products: ['Automatic Dress Watch 38 mm', 'Titanium Field Watch'] },
      { name: 'Bags & Wallets', products: ['Full-grain Leather Tote', 'Slim Card Wallet', 'Quilted Crossbody Bag'] },
      { name: 'Sunglasses', products: ['Polarised Acetate Sunglasses'] },
    ],
  },
  {
    slug: 'baby-maternity',
    name: 'Baby & Maternity',
    description: 'Baby clothing, feeding, nursery and maternity.',
    commissionBps: 650,
    priceUsd: [8, 350],
    children: [
      { name: 'Baby Clothing', products: ['Organic Cotton Bodysuits 5-pack', 'Muslin Swaddle Blankets'] },
      { name: 'Feeding', products: ['Anti-colic Baby Bottles 3-pack', 'Silicone Suction Plate Set'] },
      {
        name: 'Strollers & Car Seats',
        restriction: 'RESTRICTED',
        description: 'Safety-certified products: certificates must be on file.',
        products: ['Lightweight Travel Stroller', 'ISOFIX Convertible Car Seat'],
      },
      { name: 'Nursery', products: ['White-noise Sleep Machine', 'Convertible Crib Mattress'] },
      { name: 'Maternity Wear', products: ['Maternity Support Leggings', 'Nursing Hoodie'] },
    ],
  },
];

export interface SeededCategory {
  id: number;
  name: string;
  slug: string;
  parentId: number | null;
  rootId: number;
  depth: number;
  restriction: CategoryRestriction;
  products: string[];
  isLeaf: boolean;
}

export interface CategoryIndex {
  all: SeededCategory[];
  byId: Map<number, SeededCategory>;
  top: Map<TopSlug, SeededCategory>;
  topSpec: Map<TopSlug, TopCategorySpec>;
  /** Listable leaves under each top-level category (restriction NONE). */
  openLeaves: Map<TopSlug, SeededCategory[]>;
  restrictedLeaves: Map<TopSlug, SeededCategory[]>;
  prohibitedLeaves: SeededCategory[];
  topSlugOf(categoryId: number): TopSlug;
}

function kebab(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['\u2019]/g, '')
    .replace(/&/g, ' ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

interface PendingNode {
  spec: CategorySpec;
  slug: string;
  parent: SeededCategory | null;
}

/** Inserts the tree level by level, so each level knows its parents' ids and its root. */
export async function seedCategories(tx: Prisma.TransactionClient, createdAt: Date): Promise<CategoryIndex> {
  const all: SeededCategory[] = [];
  const usedSlugs = new Set<string>();
  const slugFor = (name: string, parent: SeededCategory | null, explicit?: string): string => {
    let slug = explicit ?? kebab(name);
    if (usedSlugs.has(slug) && parent) slug = `${parent.slug}-${slug}`;
    if (usedSlugs.has(slug)) throw new Error(`Duplicate category slug ${slug}`);
    usedSlugs.add(slug);
    return slug;
  };

  let level: PendingNode[] = CATEGORY_TREE.map((spec) => ({
    spec,
    slug: slugFor(spec.name, null, spec.slug),
    parent: null,
  }));
  let depth = 0;
  while (level.length > 0) {
    const rows = await tx.category.createManyAndReturn({
      data: level.map((node) => ({
        name: node.spec.name,
        slug: node.slug,
        parentId: node.parent?.id ?? null,
        rootId: node.parent?.rootId ?? null,
        depth,
        restriction: node.spec.restriction ?? 'NONE',
        description: node.spec.description ?? null,
        createdAt,
      })),
      select: { id: true, slug: true },
    });
    const idBySlug = new Map(rows.map((r) => [r.slug, r.id]));
    const next: PendingNode[] = [];
    for (const node of level) {
      const id = idBySlug.get(node.slug);
      if (id === undefined) throw new Error(`Category ${node.slug} was not returned`);
      const children = node.spec.children ?? [];
      const seeded: SeededCategory = {
        id,
        name: node.spec.name,
        slug: node.slug,
        parentId: node.parent?.id ?? null,
        rootId: node.parent?.rootId ?? id,
        depth,
        restriction: node.spec.restriction ?? 'NONE',
        products: node.spec.products ?? [],
        isLeaf: children.length === 0,
      };
      all.push(seeded);
      for (const child of children) next.push({ spec: child, slug: slugFor(child.name, seeded), parent: seeded });
    }
    if (depth === 0) {
      // A top-level category is its own root; its id exists only after the insert.
      await tx.$executeRaw`UPDATE "Category" SET "rootId" = "id" WHERE "parentId" IS NULL AND "rootId" IS NULL`;
    }
    level = next;
    depth += 1;
  }
  return buildIndex(all);
}

function buildIndex(all: SeededCategory[]): CategoryIndex {
  const byId = new Map(all.map((c) => [c.id, c]));
  const top = new Map<TopSlug, SeededCategory>();
  const topSpec = new Map<TopSlug, TopCategorySpec>();
  const slugByRootId = new Map<number, TopSlug>();
  for (const spec of CATEGORY_TREE) {
    const cat = all.find((c) => c.slug === spec.slug);
    if (!cat) throw new Error(`Top-level category ${spec.slug} missing`);
    top.set(spec.slug, cat);
    topSpec.set(spec.slug, spec);
    slugByRootId.set(cat.id, spec.slug);
  }
  const openLeaves = new Map<TopSlug, SeededCategory[]>();
  const restrictedLeaves = new Map<TopSlug, SeededCategory[]>();
  const prohibitedLeaves: SeededCategory[] = [];
  for (const slug of top.keys()) {
    openLeaves.set(slug, []);
    restrictedLeaves.set(slug, []);
  }
  for (const c of all) {
    if (!c.isLeaf || c.depth === 0) continue;
    const slug = slugByRootId.get(c.rootId);
    if (!slug) throw new Error(`Category ${c.slug} has no known root`);
    if (c.restriction === 'NONE') openLeaves.get(slug)?.push(c);
    else if (c.restriction === 'RESTRICTED') restrictedLeaves.get(slug)?.push(c);
    else prohibitedLeaves.push(c);
  }
  return {
    all,
    byId,
    top,
    topSpec,
    openLeaves,
    restrictedLeaves,
    prohibitedLeaves,
    topSlugOf(categoryId) {
      const c = byId.get(categoryId);
      const slug = c ? slugByRootId.get(c.rootId) : undefined;
      if (!slug) throw new Error(`Unknown category ${categoryId}`);
      return slug;
    },
  };
}

export function topCategory(index: CategoryIndex, slug: TopSlug): SeededCategory {
  const c = index.top.get(slug);
  if (!c) throw new Error(`Unknown top-level category ${slug}`);
  return c;
}

export function listOf<K, V>(map: Map<K, V[]>, key: K): V[] {
  return map.get(key) ?? [];
}

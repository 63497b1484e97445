import {
  apiKeyPrefix,
  generateApiKey,
  hashApiKey,
  type BusinessModel,
  type CategoryRestriction,
  type PrismaClient,
  type Role,
} from '@shopwarden/db';

/** A small, hand-made world: enough categories, shops and keys for each rule, with known ids. */
export interface World {
  categories: Record<
    'beauty' | 'skincare' | 'supplements' | 'fashion' | 'dresses' | 'home' | 'knives' | 'weapons' | 'electronics',
    number
  >;
  adminKey: string;
}

export async function createCategory(
  prisma: PrismaClient,
  name: string,
  parentId: number | null = null,
  restriction: CategoryRestriction = 'NONE',
) {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const parent = parentId === null ? null : await prisma.category.findUniqueOrThrow({ where: { id: parentId } });
  const created = await prisma.category.create({
    data: { name, slug, parentId, restriction, depth: parent ? parent.depth + 1 : 0 },
  });
  return prisma.category.update({
    where: { id: created.id },
    data: { rootId: parent ? (parent.rootId ?? parent.id) : created.id },
  });
}

export async function createKey(
  prisma: PrismaClient,
  role: Role,
  opts: { shopId?: number; accountId?: number; scopes?: string[]; expiresAt?: Date } = {},
) {
  const key = generateApiKey(role);
  const defaultScopes: Record<Role, string[]> = {
    ADMIN: ['*'],
    SELLER: ['shops:read', 'shops:write', 'listings:read', 'listings:write', 'keys:write', 'health:read'],
    AGENCY: ['shops:read', 'shops:write', 'listings:read', 'listings:write'],
    PARTNER: ['shops:read', 'listings:read'],
  };
  const row = await prisma.apiKey.create({
    data: {
      name: `${role} test key`,
      prefix: apiKeyPrefix(key),
      hash: hashApiKey(key),
      role,
      scopes: opts.scopes ?? defaultScopes[role],
      shopId: opts.shopId ?? null,
      accountId: opts.accountId ?? null,
      expiresAt: opts.expiresAt ?? null,
    },
  });
  return { key, id: row.id };
}

export async function createShop(
  prisma: PrismaClient,
  name: string,
  opts: { sites?: string[]; businessModel?: BusinessModel; primaryCategoryId?: number | null } = {},
) {
  return prisma.shop.create({
    data: {
      name,
      sites: opts.sites ?? ['GB'],
      businessModel: opts.businessModel ?? 'CLOSED_LOOP',
      primaryCategoryId: opts.primaryCategoryId ?? null,
      primaryCategorySource: opts.primaryCategoryId ? 'SELECTED' : null,
      primaryCategorySetAt: opts.primaryCategoryId ? new Date('2024-01-20T00:00:00Z') : null,
    },
  });
}

let orderSeq = 0;
export async function createOrders(
  prisma: PrismaClient,
  shopId: number,
  categoryId: number,
  orders: { amount: number; placedAt: string }[],
) {
  await prisma.order.createMany({
    data: orders.map((o) => ({
      shopId,
      categoryId,
      amount: o.amount,
      currency: 'USD',
      placedAt: new Date(o.placedAt),
      externalId: `T-${shopId}-${++orderSeq}`,
    })),
  });
}

export async function createWorld(prisma: PrismaClient): Promise<World> {
  await prisma.platformSettings.upsert({ where: { id: 1 }, create: { id: 1 }, update: {} });
  const beauty = await createCategory(prisma, 'Beauty');
  const skincare = await createCategory(prisma, 'Skincare', beauty.id);
  const supplements = await createCategory(prisma, 'Supplements', beauty.id, 'RESTRICTED');
  const fashion = await createCategory(prisma, 'Fashion');
  const dresses = await createCategory(prisma, 'Dresses', fashion.id);
  const home = await createCategory(prisma, 'Home');
  const knives = await createCategory(prisma, 'Knives', home.id, 'RESTRICTED');
  const weapons = await createCategory(prisma, 'Weapons', null, 'PROHIBITED');
  const electronics = await createCategory(prisma, 'Electronics');
  const admin = await createKey(prisma, 'ADMIN');
  return {
    categories: {
      beauty: beauty.id,
      skincare: skincare.id,
      supplements: supplements.id,
      fashion: fashion.id,
      dresses: dresses.id,
      home: home.id,
      knives: knives.id,
      weapons: weapons.id,
      electronics: electronics.id,
    },
    adminKey: admin.key,
  };
}

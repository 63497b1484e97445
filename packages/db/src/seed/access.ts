import { apiKeyPrefix, hashApiKey } from '../api-keys';
import type { Role } from '../generated/prisma/client';
import type { SeedContext, Tx } from './context';
import { ROLE, type SeededShop } from './shops';
import { addDays } from './time';

/** Fixed keys for the demo and the docs; they exist only in seeded databases. */
export const DEMO_KEYS = {
  admin: 'sw_adm_demoXk4Qm8Rz2Lp7Vn3Tc9Hw5Jd1F',
  seller: 'sw_sel_demoBq7Nf2Wk9Ys4Pd6Gm1Rt8Lx3Z',
  agency: 'sw_agy_demoNw5Ce2Ag7Km4Qs9Tv1Hb6Yp3D',
  partner: 'sw_ptn_demoMl8Cp3Rf6Wz1Jn5Ue9Kq2Gx7S',
} as const;

export const DEMO_SCOPES: Record<keyof typeof DEMO_KEYS, string[]> = {
  admin: ['*'],
  seller: [
    'shops:read',
    'shops:write',
    'listings:read',
    'listings:write',
    'health:read',
    'quiz:write',
    'events:write',
    'revenue:read',
    'creators:read',
    'partnerships:read',
    'partnerships:write',
    'webhooks:read',
    'webhooks:write',
    'keys:write',
  ],
  agency: [
    'shops:read',
    'shops:write',
    'listings:read',
    'listings:write',
    'health:read',
    'events:write',
    'creators:read',
    'partnerships:read',
    'partnerships:write',
    'webhooks:read',
    'webhooks:write',
  ],
  partner: [
    'shops:read',
    'listings:read',
    'health:read',
    'creators:read',
    'creators:write',
    'partnerships:read',
    'partnerships:write',
    'webhooks:read',
    'webhooks:write',
  ],
};

/** Webhook scopes act on the key's own endpoints: they are never part of a shop's grant. */
const grantable = (scopes: readonly string[]) => scopes.filter((s) => !s.startsWith('webhooks:'));

export const AGENCY_NAME = 'Northwind Commerce Agency';
export const PARTNER_NAME = 'Matchlight Creator Platform';

export interface SeededAccess {
  adminKeyId: number;
  sellerKeyId: number;
  partnerAccountId: number;
  grants: number;
}

export async function seedAccess(tx: Tx, ctx: SeedContext, shops: SeededShop[]): Promise<SeededAccess> {
  const { now } = ctx;
  const byIndex = new Map(shops.map((s) => [s.profile.index, s]));
  const shop1 = byIndex.get(ROLE.demoSeller);
  if (!shop1) throw new Error('Shop 1 is missing');

  const accounts = await tx.account.createManyAndReturn({
    data: [
      { name: AGENCY_NAME, kind: 'AGENCY' as const, createdAt: addDays(now, -240) },
      { name: PARTNER_NAME, kind: 'PARTNER' as const, createdAt: addDays(now, -180) },
    ],
    select: { id: true, kind: true },
  });
  const agencyId = accounts.find((a) => a.kind === 'AGENCY')?.id;
  const partnerId = accounts.find((a) => a.kind === 'PARTNER')?.id;
  if (agencyId === undefined || partnerId === undefined) throw new Error('Demo accounts were not returned');

  const grantsFor = (indexes: readonly number[], accountId: number, scopes: string[], daysAgo: number) =>
    indexes.flatMap((index, i) => {
      const shop = byIndex.get(index);
      return shop ? [{ shopId: shop.id, accountId, scopes, createdAt: addDays(now, -(daysAgo - i * 3)) }] : [];
    });
  const grants = [
    ...grantsFor(ROLE.agencyShops, agencyId, grantable(DEMO_SCOPES.agency), 220),
    // A shop grants a partner app read access only; its write scopes act for the creators it represents.
    ...grantsFor(
      ROLE.partnerShops,
      partnerId,
      grantable(DEMO_SCOPES.partner).filter((s) => s.endsWith(':read')),
      160,
    ),
  ];
  await tx.shopAccessGrant.createMany({ data: grants });

  const keys: {
    name: string;
    key: string;
    role: Role;
    scopes: string[];
    shopId: number | null;
    accountId: number | null;
  }[] = [
    {
      name: 'Demo administrator key',
      key: DEMO_KEYS.admin,
      role: 'ADMIN',
      scopes: DEMO_SCOPES.admin,
      shopId: null,
      accountId: null,
    },
    {
      name: `Demo seller key (${shop1.profile.name})`,
      key: DEMO_KEYS.seller,
      role: 'SELLER',
      scopes: DEMO_SCOPES.seller,
      shopId: shop1.id,
      accountId: null,
    },
    {
      name: `Demo agency key (${AGENCY_NAME})`,
      key: DEMO_KEYS.agency,
      role: 'AGENCY',
      scopes: DEMO_SCOPES.agency,
      shopId: null,
      accountId: agencyId,
    },
    {
      name: `Demo partner key (${PARTNER_NAME})`,
      key: DEMO_KEYS.partner,
      role: 'PARTNER',
      scopes: DEMO_SCOPES.partner,
      shopId: null,
      accountId: partnerId,
    },
  ];
  const created = await tx.apiKey.createManyAndReturn({
    data: keys.map((k) => ({
      name: k.name,
      prefix: apiKeyPrefix(k.key),
      hash: hashApiKey(k.key),
      role: k.role,
      scopes: k.scopes,
      shopId: k.shopId,
      accountId: k.accountId,
      createdAt: now,
    })),
    select: { id: true, role: true },
  });
  const adminKeyId = created.find((k) => k.role === 'ADMIN')?.id;
  const sellerKeyId = created.find((k) => k.role === 'SELLER')?.id;
  if (adminKeyId === undefined || sellerKeyId === undefined) throw new Error('Demo keys were not returned');
  return { adminKeyId, sellerKeyId, partnerAccountId: partnerId, grants: grants.length };
}

import type { Prisma } from '@shopwarden/db';
import type { Viewer } from '#modules/auth/viewer.ts';
import { canReachShop } from '#modules/shops/shop.policy.ts';

/** Partnerships a caller reaches: those of shops in reach (the shop's side) and of represented creators. */
export function partnershipWhere(viewer: Viewer | null): Prisma.PartnershipWhereInput {
  if (!viewer) return { id: { in: [] } };
  if (viewer.shopIds === null) return {};
  const shops: Prisma.PartnershipWhereInput = { shopId: { in: [...viewer.shopIds] } };
  return viewer.representedCreatorIds.length
    ? { OR: [shops, { creatorId: { in: [...viewer.representedCreatorIds] } }] }
    : shops;
}

export function canReachPartnership(viewer: Viewer | null, p: { shopId: number; creatorId: number }): boolean {
  return !!viewer && (canReachShop(viewer, p.shopId) || viewer.representedCreatorIds.includes(p.creatorId));
}

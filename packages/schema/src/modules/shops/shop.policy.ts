import type { Prisma } from '@shopwarden/db';
import { hasScope, type Viewer } from '#modules/auth/viewer.ts';
import { ForbiddenError, NotFoundError } from '#lib/errors.ts';

const reachLists = new WeakMap<Viewer, number[]>();

/**
 * The caller's shops as one frozen list per viewer object (the key cache reuses viewers), so the
 * compiler recognises its tenant filter by identity instead of copying and comparing 2,000 ids.
 */
export function reachList(viewer: Viewer & { shopIds: readonly number[] }): number[] {
  let list = reachLists.get(viewer);
  if (!list) reachLists.set(viewer, (list = Object.freeze([...viewer.shopIds]) as number[]));
  return list;
}

/** Tenant filter for shops, ANDed outside any caller filter. */
export function shopWhere(viewer: Viewer | null): Prisma.ShopWhereInput {
  if (!viewer) return { id: { in: [] } };
  return viewer.shopIds === null ? {} : { id: { in: reachList(viewer as Viewer & { shopIds: readonly number[] }) } };
}

/** Tenant filter for rows that belong to a shop (listings, violations, requests…). */
export function shopOwnedWhere(viewer: Viewer | null): { shopId?: { in: number[] } } {
  if (!viewer) return { shopId: { in: [] } };
  return viewer.shopIds === null
    ? {}
    : { shopId: { in: reachList(viewer as Viewer & { shopIds: readonly number[] }) } };
}

export function canReachShop(viewer: Viewer | null, shopId: number): boolean {
  return !!viewer && (viewer.shopIds === null || viewer.shopIds.includes(shopId));
}

/**
 * Checks that the caller may change a shop's data under `scope`. A shop outside reach is NOT_FOUND,
 * so a caller cannot learn that it exists; partners never write.
 */
export function assertCanWriteShop(viewer: Viewer | null, shopId: number, scope: string): asserts viewer is Viewer {
  if (!viewer || !canReachShop(viewer, shopId)) throw new NotFoundError('Shop');
  if (viewer.role === 'PARTNER' || !hasScope(viewer, scope))
    throw new ForbiddenError(`Your API key needs the ${scope} scope for this shop.`);
}

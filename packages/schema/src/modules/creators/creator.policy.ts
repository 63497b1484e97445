import type { Prisma } from '@shopwarden/db';
import { ForbiddenError, NotFoundError } from '#lib/errors.ts';
import { hasScope, type Viewer } from '#modules/auth/viewer.ts';
import { canReachShop } from '#modules/shops/shop.policy.ts';

/**
 * Creators a caller reaches: a partner app only the creators it represents; administrators,
 * sellers and agencies the whole creator directory (they look for creators to work with).
 */
export function creatorWhere(viewer: Viewer | null): Prisma.CreatorWhereInput {
  if (!viewer) return { id: { in: [] } };
  return viewer.role === 'PARTNER' ? { id: { in: [...viewer.representedCreatorIds] } } : {};
}

/** The creator ids a caller is limited to, or null for the whole directory (for hand-written SQL). */
export function reachableCreatorIds(viewer: Viewer | null): readonly number[] | null {
  if (!viewer) return [];
  return viewer.role === 'PARTNER' ? viewer.representedCreatorIds : null;
}

export function canReachCreator(viewer: Viewer | null, creatorId: number): boolean {
  const ids = reachableCreatorIds(viewer);
  return ids === null || ids.includes(creatorId);
}

/** Whether the caller acts for the creator's side: an administrator, or a partner app that represents it. */
export function representsCreator(viewer: Viewer | null, creatorId: number): boolean {
  return !!viewer && (viewer.role === 'ADMIN' || viewer.representedCreatorIds.includes(creatorId));
}

/**
 * Checks that the caller may change a creator (or act for it) under `scope`: administrators, and
 * partner apps that represent it. A creator outside reach is NOT_FOUND, as if it did not exist.
 */
export function assertCanActForCreator(
  viewer: Viewer | null,
  creatorId: number,
  scope: string,
): asserts viewer is Viewer {
  if (!viewer || !canReachCreator(viewer, creatorId)) throw new NotFoundError('Creator');
  if (!representsCreator(viewer, creatorId))
    throw new ForbiddenError('Only administrators and partner apps that represent this creator can do this.');
  if (!hasScope(viewer, scope)) throw new ForbiddenError(`Your API key needs the ${scope} scope.`);
}

/** Content items a caller reaches: those for shops in reach, and a represented creator's own. */
export function contentItemWhere(viewer: Viewer | null): Prisma.ContentItemWhereInput {
  if (!viewer) return { id: { in: [] } };
  if (viewer.shopIds === null) return {};
  const own: Prisma.ContentItemWhereInput = { shopId: { in: [...viewer.shopIds] } };
  return viewer.representedCreatorIds.length
    ? { OR: [own, { creatorId: { in: [...viewer.representedCreatorIds] } }] }
    : own;
}

export function canReachContentItem(viewer: Viewer | null, item: { shopId: number; creatorId: number }): boolean {
  return !!viewer && (canReachShop(viewer, item.shopId) || viewer.representedCreatorIds.includes(item.creatorId));
}

import { hasScope, type Viewer } from '#modules/auth/viewer.ts';
import { ForbiddenError } from '#lib/errors.ts';
import { assertCanWriteShop } from '#modules/shops/shop.policy.ts';

/** Orders, metrics and profit figures need `revenue:read` on top of reaching the shop. */
export function canReadRevenue(viewer: Viewer | null): boolean {
  return hasScope(viewer, 'revenue:read');
}

/**
 * Orders come from the marketplace's order system: administrators import them, and so may an
 * agency key with `revenue:write` for a shop that granted it access. Sellers and partners cannot,
 * because orders decide tiers and a shop must not be able to raise its own tier.
 */
export function assertCanImportOrders(viewer: Viewer | null, shopId: number): asserts viewer is Viewer {
  assertCanWriteShop(viewer, shopId, 'revenue:write');
  if (viewer.role !== 'ADMIN' && viewer.role !== 'AGENCY')
    throw new ForbiddenError('Only administrators and agencies with revenue:write can import orders.');
}

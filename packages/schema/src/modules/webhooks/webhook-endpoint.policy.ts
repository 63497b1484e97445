import type { Prisma } from '@shopwarden/db';
import { ForbiddenError, NotFoundError } from '#lib/errors.ts';
import { hasScope, type Viewer } from '#modules/auth/viewer.ts';

/**
 * The endpoints a caller sees: its owner's — a seller's shop, an agency's or partner app's account;
 * administrators see every endpoint. Anything else is NOT_FOUND.
 */
export function webhookEndpointWhere(viewer: Viewer | null): Prisma.WebhookEndpointWhereInput {
  if (!viewer) return { id: { in: [] } };
  switch (viewer.role) {
    case 'ADMIN':
      return {};
    case 'SELLER':
      return viewer.shopId === null ? { id: { in: [] } } : { ownerShopId: viewer.shopId };
    default:
      return viewer.accountId === null ? { id: { in: [] } } : { ownerAccountId: viewer.accountId };
  }
}

/** The owner columns of an endpoint the caller creates. */
export function webhookOwnerOf(viewer: Viewer): { ownerShopId: number | null; ownerAccountId: number | null } {
  if (viewer.role === 'SELLER') return { ownerShopId: viewer.shopId, ownerAccountId: null };
  if (viewer.role === 'ADMIN') return { ownerShopId: null, ownerAccountId: null };
  return { ownerShopId: null, ownerAccountId: viewer.accountId };
}

export function assertCanWriteWebhooks(viewer: Viewer | null): asserts viewer is Viewer {
  if (!hasScope(viewer, 'webhooks:write'))
    throw new ForbiddenError('Your API key needs the webhooks:write scope to manage webhook endpoints.');
}

/** The endpoint if the caller's owner has it; NOT_FOUND otherwise, whether it exists or not. */
export async function findOwnEndpoint(
  prisma: Prisma.TransactionClient,
  viewer: Viewer,
  id: number,
): Promise<Prisma.WebhookEndpointGetPayload<object>> {
  const endpoint = await prisma.webhookEndpoint.findFirst({ where: { AND: [{ id }, webhookEndpointWhere(viewer)] } });
  if (!endpoint) throw new NotFoundError('WebhookEndpoint');
  return endpoint;
}

import { apiKeyPrefix, hashApiKey, type Prisma, type PrismaClient } from '@shopwarden/db';
import type { Viewer } from './viewer.ts';

export type AuthenticationResult =
  { viewer: Viewer } | { viewer: null; reason: 'MISSING' | 'INVALID' | 'EXPIRED' | 'REVOKED' };

const keySelect = {
  id: true,
  role: true,
  scopes: true,
  shopId: true,
  accountId: true,
  prefix: true,
  expiresAt: true,
  revokedAt: true,
  trustedDocumentsOnly: true,
  account: {
    select: {
      grants: { where: { revokedAt: null }, select: { shopId: true, scopes: true } },
      creatorRepresentations: { where: { revokedAt: null }, select: { creatorId: true } },
    },
  },
} satisfies Prisma.ApiKeySelect;

type KeyRow = Prisma.ApiKeyGetPayload<{ select: typeof keySelect }>;

/** The caller a stored key acts as, with the shops in reach; null with the reason when it no longer works. */
function viewerOf(row: KeyRow, now: Date): AuthenticationResult {
  if (row.revokedAt) return { viewer: null, reason: 'REVOKED' };
  if (row.expiresAt && row.expiresAt <= now) return { viewer: null, reason: 'EXPIRED' };

  let shopIds: number[] | null;
  switch (row.role) {
    case 'ADMIN':
      shopIds = null;
      break;
    case 'SELLER':
      shopIds = row.shopId === null ? [] : [row.shopId];
      break;
    default:
      shopIds = (row.account?.grants ?? []).map((g) => g.shopId).sort((a, b) => a - b);
  }
  return {
    viewer: {
      apiKeyId: row.id,
      role: row.role,
      scopes: row.scopes,
      shopId: row.shopId,
      accountId: row.accountId,
      shopIds,
      trustedDocumentsOnly: row.trustedDocumentsOnly,
      representedCreatorIds:
        row.role === 'PARTNER'
          ? (row.account?.creatorRepresentations ?? []).map((r) => r.creatorId).sort((a, b) => a - b)
          : [],
    },
  };
}

/** Parses `Authorization: Bearer <key>` and resolves the caller, with the shops in reach, in one query. */
export async function authenticateApiKey(
  prisma: PrismaClient,
  authorization: string | null,
  now = new Date(),
): Promise<AuthenticationResult> {
  const key = authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  if (!key) return { viewer: null, reason: 'MISSING' };
  if (!key.startsWith('sw_')) return { viewer: null, reason: 'INVALID' };
  const row = await prisma.apiKey.findUnique({ where: { hash: hashApiKey(key) }, select: keySelect });
  if (!row || row.prefix !== apiKeyPrefix(key)) return { viewer: null, reason: 'INVALID' };
  return viewerOf(row, now);
}

/**
 * The caller a stored key acts as, by the key's id, for work done later on its behalf (bulk
 * operations): the same reach as a request with that key now, or why the key no longer works.
 */
export async function authenticateApiKeyId(
  prisma: PrismaClient,
  apiKeyId: number,
  now = new Date(),
): Promise<AuthenticationResult> {
  const row = await prisma.apiKey.findUnique({ where: { id: apiKeyId }, select: keySelect });
  return row ? viewerOf(row, now) : { viewer: null, reason: 'INVALID' };
}

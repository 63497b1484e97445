import { apiKeyPrefix, generateApiKey, hashApiKey, type AccountKind, type Role } from '@shopwarden/db';
import type { Context } from '#context';
import { ForbiddenError, InvalidStateError, NotFoundError, ValidationError, type FieldError } from '#lib/errors.ts';
import { must } from '#lib/must.ts';
import { assertCanWriteShop } from '#modules/shops/shop.policy.ts';
import { assertAdmin } from './viewer.ts';

/** Every scope a key can carry; `*` (all) is for administrator keys only. */
export const knownScopes = [
  'shops:read',
  'shops:write',
  'listings:read',
  'listings:write',
  'health:read',
  'health:write',
  'quiz:write',
  'events:read',
  'events:write',
  'revenue:read',
  'revenue:write',
  'creators:read',
  'creators:write',
  'partnerships:read',
  'partnerships:write',
  'webhooks:read',
  'webhooks:write',
  'keys:write',
] as const;

const readOnly = (scope: string) => scope.endsWith(':read');
/** Partner keys read, except for the creators their app represents, which they also change and answer for. */
const partnerKeyScope = (scope: string) =>
  readOnly(scope) || scope === 'creators:write' || scope === 'partnerships:write' || scope === 'webhooks:write';

export interface CreateApiKeyInput {
  name: string;
  role: Role;
  scopes: string[];
  shopId?: number | null;
  accountId?: number | null;
  expiresAt?: Date | null;
  trustedDocumentsOnly?: boolean;
}

/**
 * Issues a key. Administrators issue any key; sellers issue SELLER keys for their own shop with
 * at most their own scopes. The secret is returned once and only its hash is stored.
 */
export async function createApiKey(ctx: Context, input: CreateApiKeyInput) {
  const viewer = ctx.viewer;
  if (!viewer) throw new ForbiddenError();
  const now = await ctx.now();
  const errors: FieldError[] = [];
  const name = input.name.trim();
  if (!name || name.length > 100) errors.push({ path: ['input', 'name'], message: 'Name must be 1–100 characters.' });
  input.scopes.forEach((s, i) => {
    const allowed = (knownScopes as readonly string[]).includes(s) || (s === '*' && input.role === 'ADMIN');
    if (!allowed) errors.push({ path: ['input', 'scopes', String(i)], message: `Unknown scope "${s}".` });
  });
  if (input.scopes.length === 0) errors.push({ path: ['input', 'scopes'], message: 'Give at least one scope.' });
  if (input.expiresAt && input.expiresAt <= now)
    errors.push({ path: ['input', 'expiresAt'], message: 'The expiry must be in the future.' });
  if (input.role === 'SELLER' && !input.shopId && viewer.role !== 'SELLER')
    errors.push({ path: ['input', 'shopId'], message: 'A SELLER key belongs to a shop.' });
  if ((input.role === 'AGENCY' || input.role === 'PARTNER') && !input.accountId)
    errors.push({ path: ['input', 'accountId'], message: `An ${input.role} key belongs to an account.` });
  if (input.role === 'PARTNER' && input.scopes.some((s) => !partnerKeyScope(s)))
    errors.push({
      path: ['input', 'scopes'],
      message:
        'PARTNER keys are read-only, except creators:write and partnerships:write for the creators they represent.',
    });
  if (errors.length) throw new ValidationError(errors);

  let shopId: number | null = null;
  let accountId: number | null = null;
  if (viewer.role === 'ADMIN') {
    if (input.role === 'SELLER') {
      shopId = must(input.shopId, 'the shop of a SELLER key (validated above)');
      if (!(await ctx.prisma.shop.count({ where: { id: shopId } }))) throw new NotFoundError('Shop');
    }
    if (input.role === 'AGENCY' || input.role === 'PARTNER') {
      accountId = must(input.accountId, `the account of an ${input.role} key (validated above)`);
      const account = await ctx.prisma.account.findUnique({ where: { id: accountId } });
      if (!account) throw new NotFoundError('Account');
      if (account.kind !== input.role)
        throw ValidationError.field(['input', 'role'], `Account ${account.name} is an ${account.kind} account.`);
    }
  } else if (viewer.role === 'SELLER') {
    if (input.role !== 'SELLER')
      throw new ForbiddenError(
        'Sellers issue SELLER keys for their own shop; grant agencies and partner apps access with shopAccessGrant.',
      );
    shopId = input.shopId ?? viewer.shopId;
    if (shopId === null) throw new NotFoundError('Shop');
    assertCanWriteShop(viewer, shopId, 'keys:write');
    const beyond = input.scopes.filter((s) => !viewer.scopes.includes(s));
    if (beyond.length) throw new ForbiddenError(`A key cannot carry scopes its creator lacks: ${beyond.join(', ')}.`);
  } else {
    throw new ForbiddenError('Only administrators and sellers can issue API keys.');
  }

  const secret = generateApiKey(input.role);
  const apiKey = await ctx.prisma.apiKey.create({
    data: {
      name,
      prefix: apiKeyPrefix(secret),
      hash: hashApiKey(secret),
      role: input.role,
      scopes: [...new Set(input.scopes)],
      shopId,
      accountId,
      expiresAt: input.expiresAt ?? null,
      trustedDocumentsOnly: input.trustedDocumentsOnly ?? false,
      createdByApiKeyId: viewer.apiKeyId,
      createdAt: now,
    },
  });
  return { apiKey, secret };
}

/** Revokes a key at once. Administrators revoke any key; sellers their own shop's SELLER keys. */
export async function revokeApiKey(ctx: Context, id: number) {
  const viewer = ctx.viewer;
  if (!viewer) throw new ForbiddenError();
  const key = await ctx.prisma.apiKey.findUnique({ where: { id } });
  const visible =
    key &&
    (viewer.role === 'ADMIN' || (viewer.role === 'SELLER' && key.shopId !== null && key.shopId === viewer.shopId));
  if (!key || !visible) throw new NotFoundError('ApiKey');
  if (viewer.role === 'SELLER') assertCanWriteShop(viewer, must(key.shopId, 'the shop of a visible key'), 'keys:write');
  const revoked = await ctx.prisma.apiKey.updateMany({
    where: { id, revokedAt: null },
    data: { revokedAt: await ctx.now() },
  });
  if (revoked.count === 0) throw new InvalidStateError('INVALID_STATE', 'This key is already revoked.');
  return ctx.prisma.apiKey.findUniqueOrThrow({ where: { id } });
}

/** A shop grants an agency (read and write) or a partner app (read only) access. */
export async function grantShopAccess(ctx: Context, input: { shopId: number; accountId: number; scopes: string[] }) {
  const viewer = ctx.viewer;
  assertCanWriteShop(viewer, input.shopId, 'keys:write');
  const account = await ctx.prisma.account.findUnique({ where: { id: input.accountId } });
  if (!account) throw new NotFoundError('Account');
  const errors: FieldError[] = [];
  input.scopes.forEach((s, i) => {
    if (!(knownScopes as readonly string[]).includes(s) || s === 'keys:write')
      errors.push({ path: ['input', 'scopes', String(i)], message: `"${s}" cannot be granted.` });
    else if (account.kind === 'PARTNER' && !readOnly(s))
      errors.push({ path: ['input', 'scopes', String(i)], message: 'Partner apps get read access only.' });
  });
  if (!input.scopes.length) errors.push({ path: ['input', 'scopes'], message: 'Grant at least one scope.' });
  if (errors.length) throw new ValidationError(errors);
  return ctx.prisma.shopAccessGrant.upsert({
    where: { shopId_accountId: { shopId: input.shopId, accountId: input.accountId } },
    create: {
      shopId: input.shopId,
      accountId: input.accountId,
      scopes: input.scopes,
      grantedByApiKeyId: viewer.apiKeyId,
      createdAt: await ctx.now(),
    },
    update: { scopes: input.scopes, revokedAt: null, grantedByApiKeyId: viewer.apiKeyId },
  });
}

export async function revokeShopAccess(ctx: Context, input: { shopId: number; accountId: number }) {
  assertCanWriteShop(ctx.viewer, input.shopId, 'keys:write');
  const revoked = await ctx.prisma.shopAccessGrant.updateMany({
    where: { shopId: input.shopId, accountId: input.accountId, revokedAt: null },
    data: { revokedAt: await ctx.now() },
  });
  if (revoked.count === 0) throw new NotFoundError('ShopAccessGrant');
  return ctx.prisma.shopAccessGrant.findUniqueOrThrow({
    where: { shopId_accountId: { shopId: input.shopId, accountId: input.accountId } },
  });
}

export async function createAccount(ctx: Context, input: { name: string; kind: AccountKind }) {
  assertAdmin(ctx.viewer);
  const name = input.name.trim();
  if (!name || name.length > 120) throw ValidationError.field(['input', 'name'], 'Name must be 1–120 characters.');
  return ctx.prisma.account.create({ data: { name, kind: input.kind } });
}

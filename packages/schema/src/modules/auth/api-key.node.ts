import type { Prisma } from '@shopwarden/db';
import { builder } from '#builder';
import {
  compiledFromContext,
  compiledJson,
  compiledRoot,
  compiledRow,
  jsonLiteral,
  jsonPlain,
  jsonStringArray,
  type SqlField,
} from '#compiled';
import type { Viewer } from './viewer.ts';
import { registerNodeReach } from '#lib/node-reach.ts';

export const RoleEnum = builder.enumType('Role', {
  description: 'Who a key acts for.',
  values: {
    ADMIN: { description: "The marketplace's policy team: every shop." },
    SELLER: { description: 'One shop.' },
    AGENCY: { description: 'The shops that granted the agency access (read and write).' },
    PARTNER: { description: 'Read access to the shops that authorised the partner app.' },
  } as const,
});

export const AccountKindEnum = builder.enumType('AccountKind', {
  description: 'Kinds of third-party account.',
  values: {
    AGENCY: { description: 'An agency running shops.' },
    PARTNER: { description: 'A partner app (analytics, influencer matching…).' },
  } as const,
});

/** Keys a caller may see: administrators all, sellers their shop's, agencies and partners their account's. */
export function apiKeyWhere(viewer: Viewer | null): Prisma.ApiKeyWhereInput {
  if (!viewer) return { id: { in: [] } };
  if (viewer.role === 'ADMIN') return {};
  if (viewer.role === 'SELLER') return { shopId: viewer.shopId ?? -1 };
  return { accountId: viewer.accountId ?? -1 };
}

export const ApiKeyNode = builder.prismaNode('ApiKey', {
  id: { field: 'id' },
  description: "An API key's record. The secret is shown once at creation and never stored; `prefix` identifies it.",
  findUnique: (id) => ({ id: Number.parseInt(id, 10) || 0 }),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'A label.' }),
    prefix: t.exposeString('prefix', {
      description: 'The first characters of the key, for recognising it in logs and settings.',
    }),
    role: t.expose('role', { type: RoleEnum, description: 'Who the key acts for.' }),
    scopes: t.exposeStringList('scopes', {
      description: 'What the key may do (`shops:read`, `listings:write`, …; `*` is everything).',
    }),
    shop: t.relation('shop', { nullable: true, description: 'The shop of a SELLER key.' }),
    account: t.relation('account', { nullable: true, description: 'The account of an AGENCY or PARTNER key.' }),
    expiresAt: t.expose('expiresAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the key stops working; null for never.',
    }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true, description: 'When the key was revoked.' }),
    trustedDocumentsOnly: t.exposeBoolean('trustedDocumentsOnly', {
      description: "Whether the key runs only trusted documents (the SDK's operations), never arbitrary ones.",
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was issued.' }),
  }),
});

export const AccountNode = builder.prismaNode('Account', {
  id: { field: 'id' },
  description: 'An agency or partner app that shops can grant access to.',
  findUnique: (id) => ({ id: Number.parseInt(id, 10) || 0 }),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Display name.' }),
    kind: t.expose('kind', { type: AccountKindEnum, description: 'Agency or partner app.' }),
  }),
});

builder.prismaObject('ShopAccessGrant', {
  description: "A shop's grant of access to an agency or a partner app.",
  fields: (t) => ({
    shop: t.relation('shop', { description: 'The granting shop.' }),
    account: t.relation('account', { description: 'The agency or partner app.' }),
    scopes: t.exposeStringList('scopes', { description: 'What the account may do for this shop.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was granted.' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true, description: 'When it was revoked.' }),
  }),
});

const ViewerRef = builder.objectRef<Viewer>('Viewer').implement({
  description: 'The caller, as identified by the API key.',
  fields: (t) => ({
    role: t.field({
      type: RoleEnum,
      description: "The key's role.",
      extensions: compiledJson((v) => jsonPlain(v.value('role'), false)),
      resolve: (v) => v.role,
    }),
    scopes: t.stringList({
      description: "The key's scopes.",
      extensions: compiledJson((v) => jsonStringArray(v.value('scopes'))),
      resolve: (v) => [...v.scopes],
    }),
    apiKey: t.prismaField({
      type: 'ApiKey',
      description: 'The key in use.',
      extensions: compiledRow('ApiKey', (v) => v.value('apiKeyId')),
      resolve: (q, v, _a, ctx) => ctx.prisma.apiKey.findUniqueOrThrow({ ...q, where: { id: v.apiKeyId } }),
    }),
    shop: t.prismaField({
      type: 'Shop',
      nullable: true,
      description: "A seller's own shop.",
      extensions: compiledRow('Shop', (v) => v.value('shopId')),
      resolve: (q, v, _a, ctx) =>
        v.shopId === null ? null : ctx.prisma.shop.findUnique({ ...q, where: { id: v.shopId } }),
    }),
    account: t.prismaField({
      type: 'Account',
      nullable: true,
      description: 'The agency or partner account.',
      extensions: compiledRow('Account', (v) => v.value('accountId')),
      resolve: (q, v, _a, ctx) =>
        v.accountId === null ? null : ctx.prisma.account.findUnique({ ...q, where: { id: v.accountId } }),
    }),
    reachableShopCount: t.int({
      nullable: true,
      description: 'How many shops the key can reach; null for every shop (administrators).',
      extensions: compiledJson((v) => jsonLiteral(v.value('reachableShopCount'))),
      resolve: (v) => v.shopIds?.length ?? null,
    }),
  }),
});

/**
 * The viewer as statement parameters for its compiled fields. Getters: a value becomes a parameter
 * only when a field selects it (reading the key's id or scopes keeps the plans per key).
 */
function viewerValues(viewer: Viewer, f: SqlField): Record<string, string> {
  return {
    get role() {
      return f.param(viewer.role, 'text');
    },
    get scopes() {
      return f.param([...viewer.scopes], 'text[]');
    },
    get apiKeyId() {
      return f.param(viewer.apiKeyId, 'int');
    },
    get shopId() {
      return f.param(viewer.shopId, 'int');
    },
    get accountId() {
      return f.param(viewer.accountId, 'int');
    },
    get reachableShopCount() {
      return f.param(viewer.shopIds?.length ?? null, 'int');
    },
  };
}

/** What `apiKeys` reads: the caller's keys by id, unrevoked unless asked (the resolver's and the compiled read's). */
function apiKeysQuery(args: { includeRevoked?: boolean | null }, ctx: { viewer: Viewer | null }) {
  return {
    where: { AND: [apiKeyWhere(ctx.viewer), args.includeRevoked ? {} : { revokedAt: null }] },
    orderBy: { id: 'asc' as const },
  };
}

builder.queryFields((t) => ({
  viewer: t.field({
    type: ViewerRef,
    nullable: true,
    description: 'Who you are: the role, scopes and shop or account of your API key. Null without a key.',
    extensions: compiledFromContext((ctx, f) => ctx.viewer && viewerValues(ctx.viewer, f)),
    resolve: (_r, _a, ctx) => ctx.viewer,
  }),
  apiKeys: t.prismaConnection({
    type: 'ApiKey',
    cursor: 'id',
    defaultSize: 20,
    maxSize: 100,
    description:
      "The keys you can see: all for administrators, your shop's for sellers, your account's for agencies and partners.",
    authScopes: { authenticated: true },
    args: { includeRevoked: t.arg.boolean({ required: false, description: 'Include revoked keys (default false).' }) },
    extensions: compiledRoot({
      model: 'ApiKey',
      kind: 'connection',
      query: apiKeysQuery,
      defaultSize: 20,
      maxSize: 100,
    }),
    resolve: (query, _r, args, ctx) => ctx.prisma.apiKey.findMany({ ...query, ...apiKeysQuery(args, ctx) }),
  }),
}));

registerNodeReach('ApiKey', async (ctx, ids) =>
  (
    await ctx.prisma.apiKey.findMany({
      where: { AND: [{ id: { in: ids } }, apiKeyWhere(ctx.viewer)] },
      select: { id: true },
    })
  ).map((r) => r.id),
);
registerNodeReach('Account', async (ctx, ids) =>
  ctx.viewer
    ? (await ctx.prisma.account.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((r) => r.id)
    : [],
);

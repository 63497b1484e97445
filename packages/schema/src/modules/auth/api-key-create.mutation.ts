import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { ShopNode } from '#modules/shops/shop.node.ts';
import { AccountNode, RoleEnum } from './api-key.node.ts';
import { createApiKey } from './api-key.service.ts';

const ApiKeyCreateInput = builder.inputType('ApiKeyCreateInput', {
  description: 'A new API key.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'A label, 1–100 characters.' }),
    role: t.field({ type: RoleEnum, required: true, description: 'Sellers may only issue SELLER keys.' }),
    scopes: t.stringList({
      required: true,
      maxItems: 20,
      description: "Scopes such as `shops:read`, `listings:write`; a seller's new key cannot exceed its own.",
    }),
    shopId: t.globalID({ for: ShopNode, description: 'For SELLER keys: the shop (sellers: defaults to their own).' }),
    accountId: t.globalID({ for: AccountNode, description: 'For AGENCY and PARTNER keys: the account.' }),
    expiresAt: t.field({ type: 'DateTime', description: 'Optional expiry.' }),
    trustedDocumentsOnly: t.boolean({
      description:
        "When true, the key runs only trusted documents (the SDK's operations, sent by hash or as text); any other document is refused with PERSISTED_QUERY_ONLY. Defaults to false.",
    }),
  }),
});

const ApiKeyCreateSuccess = builder.objectRef<{ apiKeyId: number; secret: string }>('ApiKeyCreateSuccess').implement({
  description: 'The key was issued.',
  fields: (t) => ({
    apiKey: t.prismaField({
      type: 'ApiKey',
      description: "The key's record.",
      resolve: (q, r, _a, ctx) => ctx.prisma.apiKey.findUniqueOrThrow({ ...q, where: { id: r.apiKeyId } }),
    }),
    secret: t.exposeString('secret', {
      description: 'The key itself. Shown once: store it now; only its hash is kept.',
    }),
  }),
});

builder.mutationField('apiKeyCreate', (t) =>
  t.field({
    type: ApiKeyCreateSuccess,
    description: 'Issues an API key: administrators any key, sellers keys for their own shop.',
    errors: {},
    args: { input: t.arg({ type: ApiKeyCreateInput, required: true }) },
    resolve: audited('apiKeyCreate', async (_root, { input }, ctx) => {
      const { apiKey, secret } = await createApiKey(ctx, {
        name: input.name,
        role: input.role,
        scopes: input.scopes,
        shopId: input.shopId ? toDbId(input.shopId, ['input', 'shopId']) : null,
        accountId: input.accountId ? toDbId(input.accountId, ['input', 'accountId']) : null,
        expiresAt: input.expiresAt ?? null,
        trustedDocumentsOnly: input.trustedDocumentsOnly ?? false,
      });
      return { apiKeyId: apiKey.id, secret };
    }),
  }),
);

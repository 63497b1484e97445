import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { ShopNode } from '#modules/shops/shop.node.ts';
import { AccountKindEnum, AccountNode } from './api-key.node.ts';
import { createAccount, grantShopAccess, revokeShopAccess } from './api-key.service.ts';

const ShopAccessGrantInput = builder.inputType('ShopAccessGrantInput', {
  description: 'Access for an agency or partner app to a shop.',
  fields: (t) => ({
    shopId: t.globalID({ for: ShopNode, required: true, description: 'Your shop.' }),
    accountId: t.globalID({ for: AccountNode, required: true, description: 'The agency or partner app.' }),
    scopes: t.stringList({
      required: true,
      maxItems: 20,
      description: 'What it may do; partner apps get `:read` scopes only.',
    }),
  }),
});

const ShopAccessRevokeInput = builder.inputType('ShopAccessRevokeInput', {
  description: 'Access to withdraw.',
  fields: (t) => ({
    shopId: t.globalID({ for: ShopNode, required: true, description: 'Your shop.' }),
    accountId: t.globalID({ for: AccountNode, required: true, description: 'The agency or partner app.' }),
  }),
});

const grantFields = (name: string, description: string) =>
  builder.objectRef<{ grantId: number }>(name).implement({
    description,
    fields: (t) => ({
      grant: t.prismaField({
        type: 'ShopAccessGrant',
        description: 'The grant.',
        resolve: (q, r, _a, ctx) => ctx.prisma.shopAccessGrant.findUniqueOrThrow({ ...q, where: { id: r.grantId } }),
      }),
    }),
  });

const ShopAccessGrantSuccess = grantFields('ShopAccessGrantSuccess', 'Access was granted (or its scopes replaced).');
const ShopAccessRevokeSuccess = grantFields(
  'ShopAccessRevokeSuccess',
  "Access was withdrawn; the account's keys no longer reach the shop.",
);

builder.mutationField('shopAccessGrant', (t) =>
  t.field({
    type: ShopAccessGrantSuccess,
    description: 'Grants an agency or a partner app access to your shop (sellers, administrators).',
    errors: {},
    args: { input: t.arg({ type: ShopAccessGrantInput, required: true }) },
    resolve: audited('shopAccessGrant', async (_root, { input }, ctx) => {
      const grant = await grantShopAccess(ctx, {
        shopId: toDbId(input.shopId, ['input', 'shopId']),
        accountId: toDbId(input.accountId, ['input', 'accountId']),
        scopes: input.scopes,
      });
      return { grantId: grant.id };
    }),
  }),
);

builder.mutationField('shopAccessRevoke', (t) =>
  t.field({
    type: ShopAccessRevokeSuccess,
    description: "Withdraws an agency's or partner app's access to your shop.",
    errors: {},
    args: { input: t.arg({ type: ShopAccessRevokeInput, required: true }) },
    resolve: audited('shopAccessRevoke', async (_root, { input }, ctx) => {
      const grant = await revokeShopAccess(ctx, {
        shopId: toDbId(input.shopId, ['input', 'shopId']),
        accountId: toDbId(input.accountId, ['input', 'accountId']),
      });
      return { grantId: grant.id };
    }),
  }),
);

const AccountCreateInput = builder.inputType('AccountCreateInput', {
  description: 'A new agency or partner account.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Display name.' }),
    kind: t.field({ type: AccountKindEnum, required: true, description: 'Agency or partner app.' }),
  }),
});

const AccountCreateSuccess = builder.objectRef<{ accountId: number }>('AccountCreateSuccess').implement({
  description: 'The account exists; issue it keys with apiKeyCreate.',
  fields: (t) => ({
    account: t.prismaField({
      type: 'Account',
      description: 'The account.',
      resolve: (q, r, _a, ctx) => ctx.prisma.account.findUniqueOrThrow({ ...q, where: { id: r.accountId } }),
    }),
  }),
});

builder.mutationField('accountCreate', (t) =>
  t.field({
    type: AccountCreateSuccess,
    description: 'Creates an agency or partner account (administrators).',
    errors: {},
    args: { input: t.arg({ type: AccountCreateInput, required: true }) },
    resolve: audited('accountCreate', async (_root, { input }, ctx) => ({
      accountId: (await createAccount(ctx, input)).id,
    })),
  }),
);

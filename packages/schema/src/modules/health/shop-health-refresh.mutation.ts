import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { ShopNode } from '#modules/shops/shop.node.ts';
import { assertAdmin } from '#modules/auth/viewer.ts';
import { refreshShopHealth } from './ledger.service.ts';

const ShopHealthRefreshInput = builder.inputType('ShopHealthRefreshInput', {
  description: 'The shop whose health to re-evaluate.',
  fields: (t) => ({
    shopId: t.globalID({ for: ShopNode, required: true, description: 'The shop.' }),
  }),
});

interface RefreshResult {
  shopId: number;
  balance: number;
  changed: boolean;
}

const ShopHealthRefreshSuccess = builder.objectRef<RefreshResult>('ShopHealthRefreshSuccess').implement({
  description: "The shop's health and status now match its balance at the platform clock.",
  fields: (t) => ({
    shop: t.prismaField({
      type: 'Shop',
      description: 'The shop, re-read.',
      resolve: (q, r, _a, ctx) => ctx.prisma.shop.findUniqueOrThrow({ ...q, where: { id: r.shopId } }),
    }),
    balance: t.int({ description: 'The balance now.', resolve: (r) => r.balance }),
    changed: t.boolean({
      description: 'True when health or status changed (a ShopStatusChange was recorded).',
      resolve: (r) => r.changed,
    }),
  }),
});

builder.mutationField('shopHealthRefresh', (t) =>
  t.field({
    type: ShopHealthRefreshSuccess,
    description:
      "Recomputes a shop's health and status from its ledger at the platform clock (administrators): use it after points expire.",
    errors: {},
    args: { input: t.arg({ type: ShopHealthRefreshInput, required: true }) },
    resolve: audited('shopHealthRefresh', async (_root, { input }, ctx) => {
      assertAdmin(ctx.viewer);
      const shopId = toDbId(input.shopId, ['input', 'shopId']);
      const outcome = await refreshShopHealth(ctx, shopId);
      return { shopId, balance: outcome.balance, changed: outcome.changed };
    }),
  }),
);

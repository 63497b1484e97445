import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { setFulfilmentMode } from './business-model.service.ts';
import { assertCanWriteShop } from './shop.policy.ts';
import { FulfilmentModeEnum, ShopNode } from './shop.node.ts';

const ShopFulfilmentModeSetInput = builder.inputType('ShopFulfilmentModeSetInput', {
  description: 'Who ships a shop’s orders from now on.',
  fields: (t) => ({
    shopId: t.globalID({ for: ShopNode, required: true, description: 'The shop.' }),
    fulfilmentMode: t.field({
      type: FulfilmentModeEnum,
      required: true,
      description: 'PLATFORM, or SELF_SHIPPING while the shop’s tier includes it (`Tier.selfShippingAllowed`).',
    }),
  }),
});

const ShopFulfilmentModeSetSuccess = builder
  .objectRef<{ shopId: number; changed: boolean }>('ShopFulfilmentModeSetSuccess')
  .implement({
    description: 'The fulfilment mode is set.',
    fields: (t) => ({
      changed: t.exposeBoolean('changed', {
        description: 'False when the shop already had this mode (nothing was written).',
      }),
      shop: t.prismaField({
        type: 'Shop',
        description: 'The shop, re-read.',
        resolve: (q, r, _a, ctx) => ctx.prisma.shop.findUniqueOrThrow({ ...q, where: { id: r.shopId } }),
      }),
    }),
  });

builder.mutationField('shopFulfilmentModeSet', (t) =>
  t.field({
    type: ShopFulfilmentModeSetSuccess,
    description:
      "Sets who ships the shop's orders (sellers and agencies with `shops:write` on the shop). SELF_SHIPPING only while the shop's tier includes it (SELF_SHIPPING_NOT_ALLOWED otherwise); a SELF_OPERATED shop's fulfilment is the platform's (PLATFORM_OPERATED). A tier recalculation that drops self-shipping switches the shop back to PLATFORM. Emits `shop.fulfilment_mode_changed`.",
    errors: {},
    args: { input: t.arg({ type: ShopFulfilmentModeSetInput, required: true }) },
    resolve: audited('shopFulfilmentModeSet', async (_root, { input }, ctx) => {
      const shopId = toDbId(input.shopId, ['input', 'shopId']);
      assertCanWriteShop(ctx.viewer, shopId, 'shops:write');
      const { changed } = await setFulfilmentMode(ctx, { shopId, fulfilmentMode: input.fulfilmentMode });
      return { shopId, changed };
    }),
  }),
);

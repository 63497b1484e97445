import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { migrateBusinessModel } from './business-model.service.ts';
import { assertCanWriteShop } from './shop.policy.ts';
import { BusinessModelEnum, ShopNode } from './shop.node.ts';

const ShopBusinessModelMigrateInput = builder.inputType('ShopBusinessModelMigrateInput', {
  description: 'A SEMI_CLOSED_LOOP shop’s move to a business model in force.',
  fields: (t) => ({
    shopId: t.globalID({ for: ShopNode, required: true, description: 'The SEMI_CLOSED_LOOP shop.' }),
    businessModel: t.field({
      type: BusinessModelEnum,
      required: true,
      description: 'CLOSED_LOOP, or SELF_OPERATED (the platform then runs pricing and fulfilment).',
    }),
  }),
});

const ShopBusinessModelMigrateSuccess = builder
  .objectRef<{ shopId: number }>('ShopBusinessModelMigrateSuccess')
  .implement({
    description: 'The shop has migrated; the MIGRATE_BUSINESS_MODEL pending action is gone.',
    fields: (t) => ({
      shop: t.prismaField({
        type: 'Shop',
        description: 'The shop, re-read: its business model, fulfilment mode and status now.',
        resolve: (q, r, _a, ctx) => ctx.prisma.shop.findUniqueOrThrow({ ...q, where: { id: r.shopId } }),
      }),
    }),
  });

builder.mutationField('shopBusinessModelMigrate', (t) =>
  t.field({
    type: ShopBusinessModelMigrateSuccess,
    description:
      'Moves a SEMI_CLOSED_LOOP shop to CLOSED_LOOP or SELF_OPERATED (sellers and agencies with `shops:write` on the shop), before or after its `migrationDeadline`. After the deadline the shop is RESTRICTED until it migrates; migrating lifts that at once (unless its points hold it). SELF_OPERATED puts fulfilment with the platform. Emits `shop.business_model_migrated`.',
    errors: {},
    args: { input: t.arg({ type: ShopBusinessModelMigrateInput, required: true }) },
    resolve: audited('shopBusinessModelMigrate', async (_root, { input }, ctx) => {
      const shopId = toDbId(input.shopId, ['input', 'shopId']);
      assertCanWriteShop(ctx.viewer, shopId, 'shops:write');
      await migrateBusinessModel(ctx, { shopId, businessModel: input.businessModel });
      return { shopId };
    }),
  }),
);

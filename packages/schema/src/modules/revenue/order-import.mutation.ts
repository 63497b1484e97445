import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { CategoryNode } from '#modules/shops/category.node.ts';
import { ShopNode } from '#modules/shops/shop.node.ts';
import {
  MAX_FEE_LINES,
  ORDER_IMPORT_LIMIT,
  assertOrderBatchSize,
  importOrders,
  type ImportedOrder,
} from './order.service.ts';
import './order.node.ts';

const OrderImportFeeLineInput = builder.inputType('OrderImportFeeLineInput', {
  description: 'One fee charged on an imported order.',
  fields: (t) => ({
    feeCategoryCode: t.string({
      required: true,
      description: 'The fee category code, e.g. "COMMISSION" (see `feeCategories`).',
    }),
    amount: t.int({ required: true, description: "The fee in integer minor units of the order's currency (≥ 0)." }),
  }),
});

const OrderImportItemInput = builder.inputType('OrderImportItemInput', {
  description: 'One order to import.',
  fields: (t) => ({
    shopId: t.globalID({ for: ShopNode, required: true, description: 'The shop that sold it.' }),
    externalId: t.string({
      required: true,
      description: "The marketplace's order ID: the idempotency key together with the shop.",
    }),
    amount: t.int({ required: true, description: 'What the buyer paid, in integer minor units (cents).' }),
    currency: t.field({
      type: 'CurrencyCode',
      required: true,
      description: 'Currency of the amount and the fee lines. Only USD orders count towards tiers.',
    }),
    placedAt: t.field({
      type: 'DateTime',
      required: true,
      description: "When the order was placed (not after the platform clock's now).",
    }),
    categoryId: t.globalID({ for: CategoryNode, required: true, description: 'The category of the ordered goods.' }),
    feeLines: t.field({
      type: [OrderImportFeeLineInput],
      required: true,
      maxItems: MAX_FEE_LINES,
      description: 'The fees charged on the order.',
    }),
  }),
});

const OrderImportInput = builder.inputType('OrderImportInput', {
  description: 'A batch of up to 250 orders, imported all or nothing.',
  fields: (t) => ({
    orders: t.field({
      type: [OrderImportItemInput],
      required: true,
      maxItems: ORDER_IMPORT_LIMIT,
      description: 'The orders, at least one (nothing is written when the list is refused).',
    }),
  }),
});

const OrderImportStatusEnum = builder.enumType('OrderImportStatus', {
  description: 'What the import did with one order.',
  values: {
    CREATED: { description: 'The order was new and is now stored.' },
    UNCHANGED: {
      description: 'The same order (same shop, externalId and body) was already stored: nothing was written.',
    },
  } as const,
});

const OrderImportItemResult = builder.objectRef<ImportedOrder>('OrderImportItemResult').implement({
  description: 'The outcome for one input order, in input order.',
  fields: (t) => ({
    index: t.exposeInt('index', { description: 'Position of the order in `input.orders`.' }),
    status: t.field({
      type: OrderImportStatusEnum,
      description: 'Created or already present.',
      resolve: (r) => r.status,
    }),
    orderId: t.globalID({
      description: 'Global ID of the stored order.',
      resolve: (r) => ({ type: 'Order', id: String(r.orderId) }),
    }),
  }),
});

const OrderImportSuccess = builder.objectRef<{ results: ImportedOrder[] }>('OrderImportSuccess').implement({
  description: 'Every order of the batch is stored (created now or already present).',
  fields: (t) => ({
    results: t.field({
      type: [OrderImportItemResult],
      description: 'One result per input order, in input order.',
      resolve: (r) => r.results,
    }),
    createdCount: t.int({
      description: 'Orders created by this call.',
      resolve: (r) => r.results.filter((x) => x.status === 'CREATED').length,
    }),
    unchangedCount: t.int({
      description: 'Orders that were already stored with the same body.',
      resolve: (r) => r.results.filter((x) => x.status === 'UNCHANGED').length,
    }),
    orders: t.prismaField({
      type: ['Order'],
      description: 'The stored orders, re-read, in input order.',
      resolve: async (query, r, _args, ctx) => {
        const rows = await ctx.prisma.order.findMany({
          ...query,
          where: { id: { in: r.results.map((x) => x.orderId) } },
        });
        const byId = new Map(rows.map((o) => [o.id, o]));
        return r.results.map((x) => byId.get(x.orderId)).filter((o) => o !== undefined);
      },
    }),
  }),
});

builder.mutationField('orderImport', (t) =>
  t.field({
    type: OrderImportSuccess,
    description:
      'Imports up to 250 orders with their fee lines, all or nothing. Idempotent by (shop, externalId): re-importing the same order reports it UNCHANGED; a different body for a stored externalId is VALIDATION_FAILED. Administrators, or agencies with `revenue:write` for granted shops.',
    errors: {},
    args: { input: t.arg({ type: OrderImportInput, required: true, description: 'The batch.' }) },
    resolve: audited('orderImport', async (_root, { input }, ctx) => {
      assertOrderBatchSize(input.orders.length);
      const items = input.orders.map((o, i) => ({
        shopId: toDbId(o.shopId, ['input', 'orders', String(i), 'shopId']),
        externalId: o.externalId,
        amount: o.amount,
        currency: o.currency,
        placedAt: o.placedAt,
        categoryId: toDbId(o.categoryId, ['input', 'orders', String(i), 'categoryId']),
        feeLines: o.feeLines.map((f) => ({ feeCategoryCode: f.feeCategoryCode, amount: f.amount })),
      }));
      return { results: await importOrders(ctx, items) };
    }),
  }),
);

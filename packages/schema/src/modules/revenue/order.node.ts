import { builder } from '#builder';
import { registerNodeReach } from '#lib/node-reach.ts';
import { ShopNode } from '#modules/shops/shop.node.ts';
import { shopOwnedWhere } from '#modules/shops/shop.policy.ts';
import { MoneyRef } from '#modules/core/money.ts';
import { canReadRevenue } from './revenue.policy.ts';

export const OrderNode = builder.prismaNode('Order', {
  readScope: 'revenue:read',
  id: { field: 'id' },
  description: 'A marketplace order of a shop, with its fee lines. Imported with `orderImport`; immutable afterwards.',
  findUnique: (id) => ({ id: Number.parseInt(id, 10) || 0 }),
  fields: (t) => ({
    externalId: t.exposeString('externalId', { description: "The order's ID in the marketplace; unique per shop." }),
    amount: t.field({
      type: MoneyRef,
      description: 'What the buyer paid for the order.',
      select: { amount: true, currency: true },
      resolve: (o) => ({ minor: o.amount, currency: o.currency }),
    }),
    placedAt: t.expose('placedAt', { type: 'DateTime', description: 'When the order was placed.' }),
    category: t.relation('category', { description: 'The category of the ordered goods.' }),
    feeLines: t.relation('feeLines', {
      description: 'The fees charged on the order, by id.',
      query: { orderBy: { id: 'asc' } },
    }),
    shop: t.relation('shop', { description: 'The shop that sold it.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was imported.' }),
  }),
});

builder.prismaObjectFields(ShopNode, (t) => ({
  orders: t.relatedConnection('orders', {
    cursor: 'id',
    defaultSize: 20,
    maxSize: 100,
    description: "The shop's orders by id, optionally within a period. Needs `revenue:read`.",
    authScopes: { scope: 'revenue:read' },
    args: {
      placedAfter: t.arg({
        type: 'DateTime',
        required: false,
        description: 'Only orders placed at or after this instant.',
      }),
      placedBefore: t.arg({
        type: 'DateTime',
        required: false,
        description: 'Only orders placed before this instant.',
      }),
    },
    query: (args) => ({
      where: {
        placedAt: {
          ...(args.placedAfter ? { gte: args.placedAfter } : {}),
          ...(args.placedBefore ? { lt: args.placedBefore } : {}),
        },
      },
      orderBy: { id: 'asc' },
    }),
  }),
}));

registerNodeReach('Order', async (ctx, ids) =>
  canReadRevenue(ctx.viewer)
    ? (
        await ctx.prisma.order.findMany({
          where: { AND: [{ id: { in: ids } }, shopOwnedWhere(ctx.viewer)] },
          select: { id: true },
        })
      ).map((r) => r.id)
    : [],
);

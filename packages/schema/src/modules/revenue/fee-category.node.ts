import { builder } from '#builder';
import { compiledRoot } from '#compiled';
import { registerNodeReach } from '#lib/node-reach.ts';
import { MoneyRef } from '#modules/core/money.ts';

export const FeeCategoryNode = builder.prismaNode('FeeCategory', {
  id: { field: 'id' },
  description:
    'A kind of marketplace fee (commission, transaction, shipping label, affiliate commission, …). Every order fee line names one.',
  findUnique: (id) => ({ id: Number.parseInt(id, 10) || 0 }),
  fields: (t) => ({
    code: t.exposeString('code', {
      description: 'Stable upper-case code, e.g. "COMMISSION"; order imports name fee categories by it.',
    }),
    name: t.exposeString('name', { description: 'Display name.' }),
    description: t.exposeString('description', { description: 'What the fee is charged for.' }),
    defaultRateBps: t.exposeInt('defaultRateBps', {
      description:
        'Default rate in basis points of the order amount (700 = 7%), used by `profitEstimate`; 0 for flat or occasional fees.',
    }),
  }),
});

builder.prismaObject('OrderFeeLine', {
  description: 'One fee charged on an order.',
  fields: (t) => ({
    feeCategory: t.relation('feeCategory', { description: 'The fee category.' }),
    amount: t.field({
      type: MoneyRef,
      description: "The fee, in the order's currency.",
      select: { amount: true, order: { select: { currency: true } } },
      resolve: (line) => ({ minor: line.amount, currency: line.order.currency }),
    }),
  }),
});

/** What `feeCategories` reads: the catalogue by id, narrowed to `codes` (the resolver's and the compiled read's). */
function feeCategoriesQuery(args: { codes?: string[] | null }) {
  return { where: args.codes ? { code: { in: args.codes } } : {}, orderBy: { id: 'asc' as const } };
}

builder.queryFields((t) => ({
  feeCategories: t.prismaConnection({
    type: 'FeeCategory',
    cursor: 'id',
    defaultSize: 20,
    maxSize: 100,
    description: 'The fee catalogue, by id.',
    authScopes: { authenticated: true },
    args: { codes: t.arg.stringList({ required: false, maxItems: 100, description: 'Only these codes.' }) },
    extensions: compiledRoot({
      model: 'FeeCategory',
      kind: 'connection',
      query: feeCategoriesQuery,
      defaultSize: 20,
      maxSize: 100,
    }),
    resolve: (query, _root, args, ctx) => ctx.prisma.feeCategory.findMany({ ...query, ...feeCategoriesQuery(args) }),
  }),
}));

registerNodeReach('FeeCategory', async (ctx, ids) =>
  ctx.viewer
    ? (await ctx.prisma.feeCategory.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((r) => r.id)
    : [],
);

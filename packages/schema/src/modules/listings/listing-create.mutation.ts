import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { CategoryNode } from '#modules/shops/category.node.ts';
import { ShopNode } from '#modules/shops/shop.node.ts';
import { dryRunDescription } from './listing-results.ts';
import { createListing } from './listing.service.ts';

const ListingCreateInput = builder.inputType('ListingCreateInput', {
  description: 'A new listing, created as a DRAFT.',
  fields: (t) => ({
    shopId: t.globalID({ for: ShopNode, required: true, description: 'The shop that sells it.' }),
    title: t.string({ required: true, description: 'Title, 1–200 characters.' }),
    description: t.string({ description: 'Free-text description (default empty), at most 5000 characters.' }),
    categoryId: t.globalID({ for: CategoryNode, required: true, description: 'The category to list it in.' }),
    priceAmount: t.int({ required: true, description: 'Price in positive integer minor units, e.g. 1999 for 19.99.' }),
    currency: t.field({ type: 'CurrencyCode', required: true, description: 'ISO 4217 currency of the price.' }),
    sites: t.field({
      type: ['CountryCode'],
      required: true,
      description: "The shop's country sites to offer it on (at least one).",
    }),
    dryRun: t.boolean({ description: dryRunDescription }),
  }),
});

const ListingCreateSuccess = builder
  .objectRef<{ listingId: number | null; dryRun: boolean }>('ListingCreateSuccess')
  .implement({
    description: 'The listing was created as a DRAFT (or, on a dry run, could be).',
    fields: (t) => ({
      listing: t.prismaField({
        type: 'Listing',
        nullable: true,
        description: 'The new listing, re-read; null on a dry run (nothing was created).',
        resolve: (q, r, _a, ctx) =>
          r.listingId === null ? null : ctx.prisma.listing.findUnique({ ...q, where: { id: r.listingId } }),
      }),
      dryRun: t.boolean({ description: 'True when nothing was written.', resolve: (r) => r.dryRun }),
    }),
  });

builder.mutationField('listingCreate', (t) =>
  t.field({
    type: ListingCreateSuccess,
    description: 'Creates a DRAFT listing in a shop you may write (`listings:write`). Submit it with `listingSubmit`.',
    errors: {},
    args: { input: t.arg({ type: ListingCreateInput, required: true }) },
    resolve: audited('listingCreate', async (_root, { input }, ctx) => {
      const dryRun = input.dryRun ?? false;
      const result = await createListing(
        ctx,
        {
          shopId: toDbId(input.shopId, ['input', 'shopId']),
          title: input.title,
          description: input.description ?? '',
          categoryId: toDbId(input.categoryId, ['input', 'categoryId']),
          priceAmount: input.priceAmount,
          currency: input.currency,
          sites: input.sites,
        },
        dryRun,
      );
      return { listingId: result.listingId, dryRun };
    }),
  }),
);

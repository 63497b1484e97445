import type { Listing } from '@shopwarden/db';
import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { CategoryNode } from '#modules/shops/category.node.ts';
import { dryRunDescription } from './listing-results.ts';
import { ListingNode } from './listing.node.ts';
import { updateListing } from './listing.service.ts';

/** True when a Prisma query of a listing selects no relation (nothing a row of its own columns lacks). */
function rowOnly(query: { include?: object; select?: object }): boolean {
  if (query.include && Object.keys(query.include).length) return false;
  return !query.select || Object.values(query.select).every((v) => v === true);
}

const ListingUpdateInput = builder.inputType('ListingUpdateInput', {
  description: 'Changes to a DRAFT or REJECTED listing; omitted fields keep their value.',
  fields: (t) => ({
    listingId: t.globalID({ for: ListingNode, required: true, description: 'The listing.' }),
    expectedVersion: t.int({
      description: 'The `version` you read: if the listing changed since, the edit fails with CONFLICT.',
    }),
    title: t.string({ description: 'New title, 1–200 characters.' }),
    description: t.string({ description: 'New description, at most 5000 characters.' }),
    categoryId: t.globalID({ for: CategoryNode, description: 'New category.' }),
    priceAmount: t.int({ description: 'New price in positive integer minor units.' }),
    currency: t.field({ type: 'CurrencyCode', description: 'New ISO 4217 currency.' }),
    sites: t.field({ type: ['CountryCode'], description: "New set of the shop's sites (at least one)." }),
    dryRun: t.boolean({ description: dryRunDescription }),
  }),
});

const ListingUpdateSuccess = builder
  .objectRef<{ listingId: number; dryRun: boolean; written: Listing | null }>('ListingUpdateSuccess')
  .implement({
    description: 'The listing was edited (or, on a dry run, could be).',
    fields: (t) => ({
      listing: t.prismaField({
        type: 'Listing',
        description: 'The listing, re-read (unchanged on a dry run).',
        // The row the write returned, when the selection needs nothing beyond its columns.
        resolve: (q, r, _a, ctx) =>
          r.written && rowOnly(q)
            ? r.written
            : ctx.prisma.listing.findUniqueOrThrow({ ...q, where: { id: r.listingId } }),
      }),
      dryRun: t.boolean({ description: 'True when nothing was written.', resolve: (r) => r.dryRun }),
    }),
  });

builder.mutationField('listingUpdate', (t) =>
  t.field({
    type: ListingUpdateSuccess,
    description:
      'Edits a DRAFT or REJECTED listing (other statuses: INVALID_STATE). Edit a rejected listing, then submit it again.',
    errors: {},
    args: { input: t.arg({ type: ListingUpdateInput, required: true }) },
    resolve: audited('listingUpdate', async (_root, { input }, ctx) => {
      const dryRun = input.dryRun ?? false;
      const listingId = toDbId(input.listingId, ['input', 'listingId']);
      const { written } = await updateListing(
        ctx,
        {
          listingId,
          expectedVersion: input.expectedVersion ?? null,
          title: input.title ?? null,
          description: input.description ?? null,
          categoryId: input.categoryId ? toDbId(input.categoryId, ['input', 'categoryId']) : null,
          priceAmount: input.priceAmount ?? null,
          currency: input.currency ?? null,
          sites: input.sites ?? null,
        },
        dryRun,
      );
      return { listingId, dryRun, written };
    }),
  }),
);

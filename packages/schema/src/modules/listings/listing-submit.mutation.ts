import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { dryRunDescription } from './listing-results.ts';
import { ListingIssueRef, ListingNode, ListingStatusEnum } from './listing.node.ts';
import { singleResult, submitListings, type AppliedItem } from './listing.service.ts';

const ListingSubmitInput = builder.inputType('ListingSubmitInput', {
  description: 'A DRAFT or REJECTED listing to submit for review.',
  fields: (t) => ({
    listingId: t.globalID({ for: ListingNode, required: true, description: 'The listing.' }),
    dryRun: t.boolean({ description: dryRunDescription }),
  }),
});

const ListingSubmitSuccess = builder.objectRef<AppliedItem & { dryRun: boolean }>('ListingSubmitSuccess').implement({
  description: 'The automatic checks ran: the listing is PENDING_REVIEW, or REJECTED with every reason that applies.',
  fields: (t) => ({
    listing: t.prismaField({
      type: 'Listing',
      description: 'The listing, re-read (unchanged on a dry run).',
      resolve: (q, r, _a, ctx) => ctx.prisma.listing.findUniqueOrThrow({ ...q, where: { id: r.listingId } }),
    }),
    status: t.field({
      type: ListingStatusEnum,
      description: 'The outcome: PENDING_REVIEW or REJECTED (on a dry run, the outcome the real call would have).',
      resolve: (r) => r.status,
    }),
    issues: t.field({
      type: [ListingIssueRef],
      description: 'Every automatic-check reason that applies, in check order; empty when it passed.',
      resolve: (r) => r.issues,
    }),
    dryRun: t.boolean({ description: 'True when nothing was written.', resolve: (r) => r.dryRun }),
  }),
});

builder.mutationField('listingSubmit', (t) =>
  t.field({
    type: ListingSubmitSuccess,
    description:
      'Submits a DRAFT or REJECTED listing. The automatic checks run in order — SHOP_NOT_ACTIVE, PROHIBITED_ITEM, PRIMARY_CATEGORY_NOT_SET, OUTSIDE_PRIMARY_CATEGORY (or, before the primary-category policy takes effect, TOO_MANY_CATEGORIES), RESTRICTED_REQUIRES_APPROVAL — and every reason that applies is recorded: any reason rejects it, none sends it to PENDING_REVIEW.',
    errors: {},
    args: { input: t.arg({ type: ListingSubmitInput, required: true }) },
    resolve: audited('listingSubmit', async (_root, { input }, ctx) => {
      const dryRun = input.dryRun ?? false;
      const listingId = toDbId(input.listingId, ['input', 'listingId']);
      const results = await submitListings(ctx, [{ listingId }], {
        policy: 'REJECT_EVERYTHING',
        dryRun,
        itemPath: () => ['input'],
      });
      return { ...singleResult(results), dryRun };
    }),
  }),
);

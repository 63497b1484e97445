import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { ListingIssueInput, ListingReviewDecisionInputEnum, dryRunDescription } from './listing-results.ts';
import { ListingIssueRef, ListingNode, ListingStatusEnum } from './listing.node.ts';
import { MAX_REASONS, reviewListings, singleResult, type AppliedItem } from './listing.service.ts';

const ListingReviewInput = builder.inputType('ListingReviewInput', {
  description: "An administrator's decision on one listing.",
  fields: (t) => ({
    listingId: t.globalID({ for: ListingNode, required: true, description: 'The listing.' }),
    expectedVersion: t.int({
      description:
        'The `version` you reviewed: if the listing changed since (or another reviewer decided first), the decision fails with CONFLICT.',
    }),
    decision: t.field({
      type: ListingReviewDecisionInputEnum,
      required: true,
      description: 'APPROVE or REJECT a PENDING_REVIEW listing, SUSPEND an ACTIVE one.',
    }),
    reasons: t.field({
      type: [ListingIssueInput],
      maxItems: MAX_REASONS,
      description: 'Reasons shown to the seller; at least one to REJECT.',
    }),
    note: t.string({ description: 'An internal note kept with the decision.' }),
    dryRun: t.boolean({ description: dryRunDescription }),
  }),
});

const ListingReviewSuccess = builder.objectRef<AppliedItem & { dryRun: boolean }>('ListingReviewSuccess').implement({
  description: 'The decision is recorded and the listing moved on.',
  fields: (t) => ({
    listing: t.prismaField({
      type: 'Listing',
      description: 'The listing, re-read (unchanged on a dry run).',
      resolve: (q, r, _a, ctx) => ctx.prisma.listing.findUniqueOrThrow({ ...q, where: { id: r.listingId } }),
    }),
    status: t.field({
      type: ListingStatusEnum,
      description: 'The status the decision leads to.',
      resolve: (r) => r.status,
    }),
    issues: t.field({ type: [ListingIssueRef], description: 'The reasons recorded.', resolve: (r) => r.issues }),
    dryRun: t.boolean({ description: 'True when nothing was written.', resolve: (r) => r.dryRun }),
  }),
});

builder.mutationField('listingReview', (t) =>
  t.field({
    type: ListingReviewSuccess,
    description:
      'Approves, rejects (with reasons) or suspends a listing (administrators). Of concurrent decisions on one listing exactly one wins; the others get CONFLICT. Every decision is kept in `Listing.reviews`.',
    errors: {},
    args: { input: t.arg({ type: ListingReviewInput, required: true }) },
    resolve: audited('listingReview', async (_root, { input }, ctx) => {
      const dryRun = input.dryRun ?? false;
      const listingId = toDbId(input.listingId, ['input', 'listingId']);
      const results = await reviewListings(
        ctx,
        [
          {
            listingId,
            decision: input.decision,
            reasons: input.reasons ?? null,
            note: input.note ?? null,
            expectedVersion: input.expectedVersion ?? null,
          },
        ],
        { policy: 'REJECT_EVERYTHING', dryRun, itemPath: () => ['input'] },
      );
      return { ...singleResult(results), dryRun };
    }),
  }),
);

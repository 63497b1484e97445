import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import {
  BulkErrorPolicyEnum,
  ListingIssueInput,
  ListingReviewDecisionInputEnum,
  bulkPayloadFields,
  dryRunDescription,
} from './listing-results.ts';
import { ListingNode } from './listing.node.ts';
import { BULK_LIMIT, MAX_REASONS, reviewListings } from './listing.service.ts';

const ListingBulkReviewItemInput = builder.inputType('ListingBulkReviewItemInput', {
  description: 'One decision.',
  fields: (t) => ({
    listingId: t.globalID({ for: ListingNode, required: true, description: 'The listing.' }),
    decision: t.field({
      type: ListingReviewDecisionInputEnum,
      required: true,
      description: 'APPROVE or REJECT a PENDING_REVIEW listing, SUSPEND an ACTIVE one.',
    }),
    reasons: t.field({
      type: [ListingIssueInput],
      maxItems: MAX_REASONS,
      description: 'Reasons; at least one to REJECT.',
    }),
    note: t.string({ description: 'An internal note kept with the decision.' }),
    expectedVersion: t.int({
      description: 'The `version` you reviewed; a different current version fails this item with CONFLICT.',
    }),
  }),
});

const ListingBulkReviewInput = builder.inputType('ListingBulkReviewInput', {
  description: `Up to ${BULK_LIMIT} decisions in one call.`,
  fields: (t) => ({
    items: t.field({
      type: [ListingBulkReviewItemInput],
      required: true,
      maxItems: BULK_LIMIT,
      description: 'The decisions (nothing is written when the list is refused).',
    }),
    errorPolicy: t.field({
      type: BulkErrorPolicyEnum,
      description: 'What to do when some items fail (default REJECT_FAILED_ROWS).',
    }),
    dryRun: t.boolean({ description: dryRunDescription }),
  }),
});

const ListingBulkReviewSuccess = bulkPayloadFields('ListingBulkReviewSuccess', 'a bulk review');

builder.mutationField('listingBulkReview', (t) =>
  t.field({
    type: ListingBulkReviewSuccess,
    description: `Reviews up to ${BULK_LIMIT} listings (administrators) with the same rules as \`listingReview\`, in a fixed number of SQL statements, with one result per item in input order.`,
    errors: {},
    args: { input: t.arg({ type: ListingBulkReviewInput, required: true }) },
    resolve: audited('listingBulkReview', async (_root, { input }, ctx) => {
      const dryRun = input.dryRun ?? false;
      const policy = input.errorPolicy ?? 'REJECT_FAILED_ROWS';
      const items =
        input.items.length > BULK_LIMIT
          ? input.items.map(() => ({ listingId: 0, decision: 'APPROVE' as const }))
          : input.items.map((item, i) => ({
              listingId: toDbId(item.listingId, ['input', 'items', String(i), 'listingId']),
              decision: item.decision,
              reasons: item.reasons ?? null,
              note: item.note ?? null,
              expectedVersion: item.expectedVersion ?? null,
            }));
      const results = await reviewListings(ctx, items, {
        policy,
        dryRun,
        itemPath: (i) => ['input', 'items', String(i)],
      });
      return { results, dryRun, policy };
    }),
  }),
);

import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { BulkErrorPolicyEnum, bulkPayloadFields, dryRunDescription } from './listing-results.ts';
import { ListingNode } from './listing.node.ts';
import { BULK_LIMIT, submitListings } from './listing.service.ts';

const ListingBulkSubmitItemInput = builder.inputType('ListingBulkSubmitItemInput', {
  description: 'One listing to submit.',
  fields: (t) => ({
    listingId: t.globalID({ for: ListingNode, required: true, description: 'A DRAFT or REJECTED listing.' }),
  }),
});

const ListingBulkSubmitInput = builder.inputType('ListingBulkSubmitInput', {
  description: `Up to ${BULK_LIMIT} listings to submit in one call.`,
  fields: (t) => ({
    items: t.field({
      type: [ListingBulkSubmitItemInput],
      required: true,
      maxItems: BULK_LIMIT,
      description: 'The listings (nothing is written when the list is refused).',
    }),
    errorPolicy: t.field({
      type: BulkErrorPolicyEnum,
      description: 'What to do when some items fail (default REJECT_FAILED_ROWS).',
    }),
    dryRun: t.boolean({ description: dryRunDescription }),
  }),
});

const ListingBulkSubmitSuccess = bulkPayloadFields(
  'ListingBulkSubmitSuccess',
  'a bulk submission (an automatic rejection is a successful submission with issues)',
);

builder.mutationField('listingBulkSubmit', (t) =>
  t.field({
    type: ListingBulkSubmitSuccess,
    description: `Submits up to ${BULK_LIMIT} listings, each through the same automatic checks as \`listingSubmit\`, with one result per item in input order.`,
    errors: {},
    args: { input: t.arg({ type: ListingBulkSubmitInput, required: true }) },
    resolve: audited('listingBulkSubmit', async (_root, { input }, ctx) => {
      const dryRun = input.dryRun ?? false;
      const policy = input.errorPolicy ?? 'REJECT_FAILED_ROWS';
      const items =
        input.items.length > BULK_LIMIT
          ? input.items.map(() => ({ listingId: 0 }))
          : input.items.map((item, i) => ({
              listingId: toDbId(item.listingId, ['input', 'items', String(i), 'listingId']),
            }));
      const results = await submitListings(ctx, items, {
        policy,
        dryRun,
        itemPath: (i) => ['input', 'items', String(i)],
      });
      return { results, dryRun, policy };
    }),
  }),
);

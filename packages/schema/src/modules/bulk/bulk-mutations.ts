import type { Prisma } from '@shopwarden/db';
import type { Context } from '#context';
import type { Viewer } from '#modules/auth/viewer.ts';
import {
  assertMayReviewListings,
  applyReviews,
  assertMayWriteListings,
  loadReviewContext,
  planReviews,
  loadSubmissionContext,
  reviewListingsInTransaction,
  submitListingsInTransaction,
  type ItemResult,
  type PlanOptions,
  type ReviewItem,
} from '#modules/listings/listing.service.ts';
import { readers, type LineShape } from '#modules/bulk/lines/line-reader.ts';

/** Mutations a bulk operation can run, one line each. */
export const bulkMutationNames = ['LISTING_REVIEW', 'LISTING_SUBMIT'] as const;
export type BulkMutation = (typeof bulkMutationNames)[number];

/**
 * How a bulk operation runs one mutation: the shape of its lines, who may run it at all, what it
 * reads before a chunk's transaction opens, and its rules inside that transaction. The rules are the
 * mutation's own service functions (the same code as `listingReview` / `listingSubmit`).
 */
export interface BulkMutationDefinition<TPrepared = unknown> {
  /** The GraphQL mutation a line is the input of. */
  field: string;
  shape: LineShape;
  /** Refuses a caller that may never run this mutation (the whole operation, not line by line). */
  assertMay(viewer: Viewer | null): void;
  prepare(ctx: Context): Promise<TPrepared>;
  run(tx: Prisma.TransactionClient, prepared: TPrepared, items: unknown[]): Promise<{ value: ItemResult[] }>;
  /**
   * `run` in two steps, when the rules need no read before their write: what needs no database (done
   * while the database still writes the batch before), then the returned function, inside the transaction.
   */
  plan?(prepared: TPrepared, items: unknown[]): (tx: Prisma.TransactionClient) => Promise<{ value: ItemResult[] }>;
  /**
   * No line's outcome depends on what another line of the operation writes (each reads and writes
   * only its own listing), so chunks may run side by side, each in its own snapshot (see
   * `ChunkMode` `ahead`). Not a submission: its category rule counts the shop's
   * listings, which the lines before may have submitted.
   */
  independentLines?: boolean;
}

/** Every line is its own item: valid lines are written, failed ones reported (REJECT_FAILED_ROWS); paths are relative to the line. */
const lineOptions: PlanOptions = { policy: 'REJECT_FAILED_ROWS', dryRun: false, itemPath: () => [] };

const dryRunRefused =
  'Bulk operations do not take dryRun: check a batch with the synchronous bulk mutation and `dryRun: true` first.';

const issueShape: LineShape = {
  fields: { code: { read: readers.string, required: true }, message: { read: readers.string, required: true } },
};

function define<T>(d: BulkMutationDefinition<T>): BulkMutationDefinition {
  return d as BulkMutationDefinition;
}

export const bulkMutations: Record<BulkMutation, BulkMutationDefinition> = {
  LISTING_REVIEW: define({
    field: 'listingReview',
    shape: {
      fields: {
        listingId: { read: readers.globalId('Listing'), required: true },
        decision: { read: readers.enumOf(['APPROVE', 'REJECT', 'SUSPEND']), required: true },
        reasons: { read: readers.listOf(issueShape) },
        note: { read: readers.string },
        expectedVersion: { read: readers.int },
      },
      refused: { dryRun: dryRunRefused },
    },
    assertMay: assertMayReviewListings,
    prepare: loadReviewContext,
    run: (tx, prepared, items) => reviewListingsInTransaction(tx, prepared, items as ReviewItem[], lineOptions),
    plan: (prepared, items) => {
      const planned = planReviews(prepared, items as ReviewItem[], lineOptions);
      return (tx) => applyReviews(tx, planned);
    },
    // A review reads and writes only its listing's status and version.
    independentLines: true,
  }),
  LISTING_SUBMIT: define({
    field: 'listingSubmit',
    shape: {
      fields: { listingId: { read: readers.globalId('Listing'), required: true } },
      refused: { dryRun: dryRunRefused },
    },
    assertMay: assertMayWriteListings,
    prepare: loadSubmissionContext,
    run: (tx, prepared, items) =>
      submitListingsInTransaction(tx, prepared, items as { listingId: number }[], lineOptions),
  }),
};

import { builder } from '#builder';
import { ValidationError, type AppError, type FieldError } from '#lib/errors.ts';
import { ErrorCodeEnum } from '#modules/core/errors.ts';
import type { ErrorPolicy, ItemResult, ItemState } from './listing.service.ts';
import { ListingIssueRef, ListingStatusEnum } from './listing.node.ts';

export const ListingReviewDecisionInputEnum = builder.enumType('ListingReviewDecisionInput', {
  description: "An administrator's decision on a listing.",
  values: {
    APPROVE: { description: 'PENDING_REVIEW → ACTIVE.' },
    REJECT: { description: 'PENDING_REVIEW → REJECTED; give at least one reason.' },
    SUSPEND: { description: 'ACTIVE → SUSPENDED.' },
  } as const,
});

export const ListingIssueInput = builder.inputType('ListingIssueInput', {
  description: 'A reason for a decision.',
  fields: (t) => ({
    code: t.string({ required: true, description: 'UPPER_SNAKE_CASE code, 2–64 characters, e.g. MISLEADING_TITLE.' }),
    message: t.string({ required: true, description: 'A human explanation for the seller, 1–1000 characters.' }),
  }),
});

export const BulkErrorPolicyEnum = builder.enumType('ListingBulkErrorPolicy', {
  description: 'What a synchronous bulk listing call does when some items fail.',
  values: {
    REJECT_EVERYTHING: {
      description:
        'One transaction: if any item fails nothing is written, and every item is reported (valid ones as ROLLED_BACK).',
    },
    REJECT_FAILED_ROWS: {
      description: 'Valid items are written; failed items are reported as FAILED with their error.',
    },
    IGNORE_FAILED: {
      description:
        'Valid items are written; failed items are skipped and reported as IGNORED (with their error, for information).',
    },
  } as const,
});

export const BulkItemStateEnum = builder.enumType('ListingBulkItemState', {
  description: 'What happened to one item of a bulk listing call.',
  values: {
    APPLIED: { description: 'Written.' },
    WOULD_APPLY: { description: 'Dry run: valid, and would be written by the same call without `dryRun`.' },
    ROLLED_BACK: { description: 'Valid, but not written because another item failed under REJECT_EVERYTHING.' },
    FAILED: { description: 'Not written: see `error`.' },
    IGNORED: { description: 'Not written and skipped under IGNORE_FAILED: see `error`.' },
  } as const satisfies Record<ItemState, unknown>,
});

const BulkFieldErrorRef = builder.objectRef<FieldError>('ListingBulkItemFieldError').implement({
  description: 'One invalid input field of a failed bulk item.',
  fields: (t) => ({
    path: t.exposeStringList('path', {
      description: 'Path to the field from the mutation argument, e.g. ["input", "items", "3", "reasons"].',
    }),
    message: t.exposeString('message', { description: 'What is wrong with it.' }),
  }),
});

/** A bulk item's error as data: a resolver that returns an Error instance would make GraphQL raise it instead. */
const BulkItemErrorRef = builder.objectRef<{ error: AppError }>('ListingBulkItemError').implement({
  description: 'Why one bulk item failed: the same code and message the single mutation would return as a typed error.',
  fields: (t) => ({
    code: t.field({
      type: ErrorCodeEnum,
      description: 'The stable error code (NOT_FOUND, INVALID_STATE, CONFLICT, VALIDATION_FAILED, FORBIDDEN…).',
      resolve: (e) => e.error.code,
    }),
    message: t.string({ description: 'A human-readable explanation.', resolve: (e) => e.error.message }),
    fields: t.field({
      type: [BulkFieldErrorRef],
      description: 'For VALIDATION_FAILED: each invalid input field with its path; otherwise empty.',
      resolve: (e) => (e.error instanceof ValidationError ? e.error.fields : []),
    }),
  }),
});

export const ListingBulkItemResultRef = builder.objectRef<ItemResult>('ListingBulkItemResult').implement({
  description: 'The outcome of one item of a bulk listing call; results come in input order.',
  fields: (t) => ({
    index: t.exposeInt('index', { description: "The item's position in `input.items`, from 0." }),
    state: t.field({ type: BulkItemStateEnum, description: 'Whether the item was written.', resolve: (r) => r.state }),
    listing: t.prismaField({
      type: 'Listing',
      nullable: true,
      description:
        'The listing as it is now (re-read after the call); null when it does not exist or is outside your reach.',
      resolve: (query, r, _args, ctx) =>
        r.listingId === null || r.error?.code === 'NOT_FOUND'
          ? null
          : ctx.prisma.listing.findUnique({ ...query, where: { id: r.listingId } }),
    }),
    status: t.field({
      type: ListingStatusEnum,
      nullable: true,
      description: 'The status the item leads (or, unwritten, would lead) to; null when it failed.',
      resolve: (r) => r.status,
    }),
    issues: t.field({
      type: [ListingIssueRef],
      description: 'Reasons recorded with the decision, in order (automatic-check reasons for a submission).',
      resolve: (r) => r.issues,
    }),
    error: t.field({
      type: BulkItemErrorRef,
      nullable: true,
      description: 'Why the item failed; null when it did not.',
      resolve: (r) => (r.error ? { error: r.error } : null),
    }),
  }),
});

export interface BulkPayload {
  results: ItemResult[];
  dryRun: boolean;
  policy: ErrorPolicy;
}

export function bulkPayloadFields(name: string, what: string) {
  return builder.objectRef<BulkPayload>(name).implement({
    description: `The per-item outcome of ${what}, in input order.`,
    fields: (t) => ({
      results: t.field({
        type: [ListingBulkItemResultRef],
        description: 'One result per input item, in input order.',
        resolve: (p) => p.results,
      }),
      dryRun: t.boolean({
        description: 'True when nothing was written because `dryRun` was set.',
        resolve: (p) => p.dryRun,
      }),
      errorPolicy: t.field({ type: BulkErrorPolicyEnum, description: 'The policy applied.', resolve: (p) => p.policy }),
      appliedCount: t.int({
        description: 'Items written (0 for a dry run or a rolled-back call).',
        resolve: (p) => p.results.filter((r) => r.state === 'APPLIED').length,
      }),
      failedCount: t.int({
        description: 'Items that failed (FAILED or IGNORED).',
        resolve: (p) => p.results.filter((r) => r.error).length,
      }),
    }),
  });
}

export const dryRunDescription =
  'Check only: run the same checks and return the same result and errors as the real call, writing nothing.';

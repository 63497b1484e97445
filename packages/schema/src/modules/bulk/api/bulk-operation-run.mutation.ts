import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { BulkMutationEnum } from './bulk-operation.node.ts';
import {
  BULK_OPERATION_MAX_LINES,
  BULK_OPERATIONS_PER_KEY,
  createBulkOperation,
} from '#modules/bulk/submission/submission.service.ts';

const BulkOperationRunInput = builder.inputType('BulkOperationRunInput', {
  description: 'A bulk operation to run: one mutation, many inputs.',
  fields: (t) => ({
    mutation: t.field({ type: BulkMutationEnum, required: true, description: 'The mutation every line runs.' }),
    lines: t.string({
      required: true,
      description: `JSONL: one JSON object per line, each that mutation's input, optionally with "idempotencyKey" (1–255 characters; a key already used by your API key in the last 24 hours with the same line replays that line's result instead of running it again; with a different line the line fails with IDEMPOTENCY_KEY_REUSED). At most ${BULK_OPERATION_MAX_LINES.toLocaleString('en-US')} lines (and the request body at most 1 MB). A malformed line does not fail the operation: it becomes a failed result line. Within one operation a listing, and a key, may appear once.`,
    }),
  }),
});

const BulkOperationRunSuccess = builder.objectRef<{ operationId: number }>('BulkOperationRunSuccess').implement({
  description:
    'The operation is stored (CREATED) and a worker takes it at once; follow it with `bulkOperation(id)` or `node(id)`.',
  fields: (t) => ({
    bulkOperation: t.prismaField({
      type: 'BulkOperation',
      description: 'The operation, re-read.',
      resolve: (q, r, _a, ctx) => ctx.prisma.bulkOperation.findUniqueOrThrow({ ...q, where: { id: r.operationId } }),
    }),
  }),
});

builder.mutationField('bulkOperationRun', (t) =>
  t.field({
    type: BulkOperationRunSuccess,
    description: `Submits an asynchronous bulk operation: every line runs the chosen mutation with the same rules, errors and authorization as calling it alone, exactly once, in input order. No lines is VALIDATION_FAILED; more than ${BULK_OPERATION_MAX_LINES.toLocaleString('en-US')} lines, or a key that already has ${BULK_OPERATIONS_PER_KEY} operations CREATED or RUNNING, is LIMIT_EXCEEDED; a caller that may never run the mutation is FORBIDDEN. Nothing is stored in those cases.`,
    errors: {},
    args: { input: t.arg({ type: BulkOperationRunInput, required: true }) },
    // The lines are stored in the operation itself; the audit keeps their size.
    resolve: audited(
      'bulkOperationRun',
      async (_root, { input }, ctx) => createBulkOperation(ctx, { mutation: input.mutation, lines: input.lines }),
      {
        input: (input) => ({ mutation: input.mutation, bytes: input.lines.length }),
      },
    ),
  }),
);

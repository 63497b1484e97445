import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { BulkOperationNode } from './bulk-operation.node.ts';
import { cancelBulkOperation } from '#modules/bulk/submission/submission.service.ts';

const BulkOperationCancelInput = builder.inputType('BulkOperationCancelInput', {
  description: 'The bulk operation to cancel.',
  fields: (t) => ({
    id: t.globalID({ for: BulkOperationNode, required: true, description: "The operation's global ID." }),
  }),
});

const BulkOperationCancelSuccess = builder.objectRef<{ operationId: number }>('BulkOperationCancelSuccess').implement({
  description: 'The operation is CANCELED.',
  fields: (t) => ({
    bulkOperation: t.prismaField({
      type: 'BulkOperation',
      description: 'The operation, re-read: its result holds the lines processed before the cancellation.',
      resolve: (q, r, _a, ctx) => ctx.prisma.bulkOperation.findUniqueOrThrow({ ...q, where: { id: r.operationId } }),
    }),
  }),
});

builder.mutationField('bulkOperationCancel', (t) =>
  t.field({
    type: BulkOperationCancelSuccess,
    description:
      'Cancels a CREATED or RUNNING bulk operation of your API key. A chunk already running finishes (its lines keep their effects and results); no further line runs. A finished operation is INVALID_STATE; one your key did not create is NOT_FOUND.',
    errors: {},
    args: { input: t.arg({ type: BulkOperationCancelInput, required: true }) },
    resolve: audited('bulkOperationCancel', async (_root, { input }, ctx) =>
      cancelBulkOperation(ctx, toDbId(input.id, ['input', 'id'])),
    ),
  }),
);

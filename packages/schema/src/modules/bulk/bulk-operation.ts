import type { BulkOperationStatus, Prisma } from '@shopwarden/db';
import type { DomainEvent } from '#modules/platform/outbox.service.ts';
import type { Viewer } from '#modules/auth/viewer.ts';

/** Statuses that still have work to do. */
export const activeStatuses: readonly BulkOperationStatus[] = ['CREATED', 'RUNNING'];

/** Statuses an operation ends in (its `result` is then readable, and `bulkOperationFinished` pushes it). */
export const finishedStatuses: readonly BulkOperationStatus[] = ['COMPLETED', 'FAILED', 'CANCELED'];

/** Operations a caller may see: its own key's; administrators every one. */
export function bulkOperationWhere(viewer: Viewer | null): Prisma.BulkOperationWhereInput {
  if (!viewer) return { id: { in: [] } };
  return viewer.role === 'ADMIN' ? {} : { apiKeyId: viewer.apiKeyId };
}

/** The outbox event written when an operation finishes, in the same transaction (PLATFORM.md: "bulk operation finished"). */
export function finishedEvent(
  op: { id: number; mutation: string; lineCount: number; succeededCount: number; failedCount: number },
  status: BulkOperationStatus,
  errorCode: string | null,
): DomainEvent {
  return {
    type: 'bulk_operation.finished',
    shopId: null,
    subjectType: 'BulkOperation',
    subjectId: String(op.id),
    payload: {
      bulkOperationId: op.id,
      mutation: op.mutation,
      status,
      lineCount: op.lineCount,
      succeededCount: op.succeededCount,
      failedCount: op.failedCount,
      errorCode,
    },
    occurredAt: new Date(),
  };
}

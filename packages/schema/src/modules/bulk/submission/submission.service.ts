import { Prisma, leaseUntil, utcNow } from '@shopwarden/db';
import type { Context } from '#context';
import { ForbiddenError, InvalidStateError, NotFoundError, ValidationError } from '#lib/errors.ts';
import { arrayLiteral } from '#lib/sql.ts';
import { recordEvent } from '#modules/platform/outbox.service.ts';
import { splitLines } from '#modules/bulk/lines/line-reader.ts';
import { compressText } from '#modules/bulk/lines/result-lines.ts';
import { bulkMutations, type BulkMutation } from '#modules/bulk/bulk-mutations.ts';
import { activeStatuses, bulkOperationWhere, finishedEvent } from '#modules/bulk/bulk-operation.ts';
import { reserveBulkWorker, signalBulkOperationCreated } from './hand-off.ts';

/**
 * Lines per operation. The 1 MB request body is the other bound: 10,000 review lines with global IDs
 * and an expected version are about 700 KB.
 */
export const BULK_OPERATION_MAX_LINES = 10_000;

/** Operations an API key may have CREATED or RUNNING at once (PLATFORM.md). */
export const BULK_OPERATIONS_PER_KEY = 5;

/**
 * Stores a bulk operation for the worker. Refuses, storing nothing: a caller that may never run the
 * mutation (FORBIDDEN), no lines (VALIDATION_FAILED), too many lines or a key that already has
 * `BULK_OPERATIONS_PER_KEY` operations waiting or running (LIMIT_EXCEEDED). Malformed lines are not
 * refused here: each becomes a failed result line.
 *
 * When a worker of this process is idle, the operation is stored already RUNNING under that worker's
 * lease and handed to it in memory as soon as its id is drawn: it gets ready (on PostgreSQL, writes
 * its first batch) while the operation is stored, commits nothing before, and skips the claim,
 * reading the lines back and reading the key again. Stored either way, so a crash before the worker commits anything only
 * leaves a lease that expires, after which any worker resumes the operation as usual.
 */
export async function createBulkOperation(
  ctx: Context,
  input: { mutation: BulkMutation; lines: string },
): Promise<{ operationId: number }> {
  const viewer = ctx.viewer;
  if (!viewer) throw new ForbiddenError('Send an API key: Authorization: Bearer <key>.');
  bulkMutations[input.mutation].assertMay(viewer);
  const texts = splitLines(input.lines);
  const count = texts.length;
  if (count === 0) throw ValidationError.field(['input', 'lines'], 'Send at least one line: one JSON object per line.');
  if (count > BULK_OPERATION_MAX_LINES) {
    throw new InvalidStateError(
      'LIMIT_EXCEEDED',
      `At most ${BULK_OPERATION_MAX_LINES} lines per bulk operation; got ${count}. Split the work into several operations.`,
    );
  }
  const handOff = reserveBulkWorker();
  let settle: (stored: boolean) => void = () => undefined;
  const stored = new Promise<boolean>((resolve) => (settle = resolve));
  let handedOver = false;
  let operationId: number;
  try {
    operationId = await ctx.prisma.$transaction(
      async (tx) => {
        // One creation at a time per key, so concurrent calls cannot pass the limit together (NO KEY
        // UPDATE: the key's row stays free for the foreign-key checks of writes that name it). The
        // operation's id is drawn here, so a reserved worker can take the operation at once.
        const [key] = await tx.$queryRaw<{ id: number }[]>`
          SELECT nextval(pg_get_serial_sequence('"BulkOperation"', 'id'))::int AS id FROM "ApiKey" WHERE "id" = ${viewer.apiKeyId} FOR NO KEY UPDATE`;
        if (!key) throw new ForbiddenError('This API key no longer exists.');
        if (handOff) {
          handOff.accept({
            id: key.id,
            apiKeyId: viewer.apiKeyId,
            mutation: input.mutation,
            lineCount: count,
            processedCount: 0,
            input: input.lines,
            texts,
            viewer,
            stored,
          });
          handedOver = true;
        }
        const inputGzip = compressText(input.lines);
        // The limit is counted by the insert itself, after the lock (a new statement: a fresh snapshot).
        const state = handOff
          ? Prisma.sql`'RUNNING'::"BulkOperationStatus", ${handOff.workerId}::text, ${leaseUntil(handOff.leaseMs)}, ${utcNow}`
          : Prisma.sql`'CREATED'::"BulkOperationStatus", NULL::text, NULL::timestamp(3), NULL::timestamp(3)`;
        const [created] = await tx.$queryRaw<{ id: number }[]>`
          INSERT INTO "BulkOperation" ("id", "apiKeyId", "mutation", "inputGzip", "lineCount", "createdAt", "status", "lockedBy", "lockedUntil", "startedAt")
          SELECT ${key.id}::int, ${viewer.apiKeyId}::int, ${input.mutation}, ${inputGzip}::bytea, ${count}::int, ${utcNow}, ${state}
          WHERE (SELECT count(*) FROM "BulkOperation" WHERE "apiKeyId" = ${viewer.apiKeyId}::int AND "status"::text = ANY(${arrayLiteral(activeStatuses)}::text[])) < ${BULK_OPERATIONS_PER_KEY}::int
          RETURNING "id"`;
        if (!created) {
          throw new InvalidStateError(
            'LIMIT_EXCEEDED',
            `At most ${BULK_OPERATIONS_PER_KEY} bulk operations per API key can be waiting or running; wait for one to finish or cancel one.`,
          );
        }
        return created.id;
      },
      { timeout: 10_000, maxWait: 5_000 },
    );
  } catch (error) {
    // The worker drops an operation handed over that was not stored; a reservation not used yet is given back.
    if (handedOver) settle(false);
    else handOff?.release();
    throw error;
  }
  settle(true);
  if (!handOff) signalBulkOperationCreated();
  return { operationId };
}

/**
 * Cancels a CREATED or RUNNING operation of the caller's key (administrators: any). A chunk in flight
 * finishes first (it holds the operation's row); no further chunk starts, and the result keeps the
 * lines processed so far. A finished operation is INVALID_STATE; another key's is NOT_FOUND.
 */
export async function cancelBulkOperation(ctx: Context, id: number): Promise<{ operationId: number }> {
  const viewer = ctx.viewer;
  if (!viewer) throw new ForbiddenError('Send an API key: Authorization: Bearer <key>.');
  const where = bulkOperationWhere(viewer);
  const canceled = await ctx.prisma.$transaction(
    async (tx) => {
      const rows = await tx.$queryRaw<
        { id: number; mutation: string; lineCount: number; succeededCount: number; failedCount: number }[]
      >`
        UPDATE "BulkOperation"
        SET "status" = 'CANCELED', "finishedAt" = ${utcNow}, "lockedBy" = NULL, "lockedUntil" = NULL
        WHERE "id" = ${id} AND "status" IN ('CREATED', 'RUNNING') AND (${viewer.role === 'ADMIN'}::boolean OR "apiKeyId" = ${viewer.apiKeyId})
        RETURNING "id", "mutation", "lineCount", "succeededCount", "failedCount"`;
      const row = rows[0];
      if (row) await recordEvent(tx, finishedEvent(row, 'CANCELED', null));
      return row ?? null;
    },
    { timeout: 30_000, maxWait: 5_000 },
  );
  if (canceled) return { operationId: canceled.id };
  const existing = await ctx.prisma.bulkOperation.findFirst({
    where: { AND: [{ id }, where] },
    select: { status: true },
  });
  if (!existing) throw new NotFoundError('BulkOperation');
  throw new InvalidStateError(
    'INVALID_STATE',
    `The bulk operation is already ${existing.status}; only CREATED and RUNNING operations can be canceled.`,
  );
}

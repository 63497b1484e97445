import { leaseUntil, utcNow, type PrismaClient } from '@shopwarden/db';
import type { Viewer } from '#modules/auth/viewer.ts';
import type { ErrorCode } from '#lib/errors.ts';
import { recordEvent } from '#modules/platform/outbox.service.ts';
import { bulkMutationNames, bulkMutations, type BulkMutation } from '#modules/bulk/bulk-mutations.ts';
import { finishedEvent } from '#modules/bulk/bulk-operation.ts';
import { storedText } from '#modules/bulk/lines/result-lines.ts';
import { LineReader, splitLines } from '#modules/bulk/lines/line-reader.ts';
import type { ChunkMode, ChunkOutcome } from './chunk.ts';

/** An operation a worker holds the lease of. */
export interface ClaimedBulkOperation {
  id: number;
  apiKeyId: number;
  mutation: BulkMutation;
  lineCount: number;
  /** Lines done when it was claimed: its next chunk starts there. */
  processedCount: number;
  input: string;
}

/** An operation handed to a worker of this process as it is stored (submission/hand-off.ts), before its row has committed. */
export interface HandedBulkOperation extends ClaimedBulkOperation {
  /** The lines, already split. */
  texts: readonly string[];
  /** The caller the submitting request authenticated: the first chunk acts as it. */
  viewer: Viewer;
  /** Resolves true once the operation's row has committed, false when it was not stored. */
  stored: Promise<boolean>;
}

/** A claimed operation with its line reader: each line is read once, when a chunk first needs it, for every chunk this worker runs. */
export interface PreparedBulkOperation extends ClaimedBulkOperation {
  lines: LineReader;
  /** Whether the text names an idempotency key at all (a chunk then claims its keys before its first batch). */
  mayHaveKeys: boolean;
  /** Resolves true once the operation's row has committed (at once for a claimed one), false when it was not stored. */
  committed: Promise<boolean>;
  /** Whether its chunks may run side by side (`BulkMutationDefinition.independentLines`). */
  chunksMayRunAhead: boolean;
  /** The mode of its first chunk in turn (later ones run `in-turn`): `handed-over` for an operation handed over as it was stored. */
  firstTurn: Exclude<ChunkMode, { kind: 'ahead' }>;
}

export async function claimBulkOperation(
  prisma: PrismaClient,
  workerId: string,
  leaseMs: number,
): Promise<ClaimedBulkOperation | null> {
  const rows = await prisma.$queryRaw<
    (Omit<ClaimedBulkOperation, 'mutation' | 'input'> & {
      mutation: string;
      input: string | null;
      inputGzip: Uint8Array | null;
    })[]
  >`
    UPDATE "BulkOperation" AS b
    SET "status" = 'RUNNING', "lockedBy" = ${workerId}, "lockedUntil" = ${leaseUntil(leaseMs)}, "startedAt" = COALESCE(b."startedAt", ${utcNow})
    WHERE b."id" = (
      SELECT "id" FROM "BulkOperation"
      WHERE "status" = 'CREATED' OR ("status" = 'RUNNING' AND ("lockedUntil" IS NULL OR "lockedUntil" < ${utcNow}))
      ORDER BY "createdAt", "id"
      LIMIT 1
      FOR UPDATE SKIP LOCKED
    ) AND (SELECT set_config('synchronous_commit', 'off', true)) IS NOT NULL
    RETURNING b."id", b."apiKeyId", b."mutation", b."lineCount", b."processedCount", b."input", b."inputGzip"`;
  const row = rows[0];
  if (!row) return null;
  if (!(bulkMutationNames as readonly string[]).includes(row.mutation))
    throw new Error(`Bulk operation ${row.id} names an unknown mutation ${row.mutation}.`);
  return {
    id: row.id,
    apiKeyId: row.apiKeyId,
    lineCount: row.lineCount,
    processedCount: row.processedCount,
    mutation: row.mutation as BulkMutation,
    input: storedText(row.input, row.inputGzip),
  };
}

/** The heartbeat: extends the lease while the worker still holds it; false once it does not. */
export async function extendBulkLease(
  prisma: PrismaClient,
  id: number,
  workerId: string,
  leaseMs: number,
): Promise<boolean> {
  const updated = await prisma.$executeRaw`
    UPDATE "BulkOperation" SET "lockedUntil" = ${leaseUntil(leaseMs)} WHERE "id" = ${id} AND "lockedBy" = ${workerId} AND "status" = 'RUNNING'`;
  return updated > 0;
}

/** Gives the lease up (on shutdown), so another worker resumes the operation at its next chunk at once. */
export async function releaseBulkOperation(prisma: PrismaClient, id: number, workerId: string): Promise<void> {
  await prisma.$executeRaw`UPDATE "BulkOperation" SET "lockedBy" = NULL, "lockedUntil" = NULL WHERE "id" = ${id} AND "lockedBy" = ${workerId} AND "status" = 'RUNNING'`;
}

/** Splits the lines (unless handed over split); each is read when a chunk first needs it (the lines and their order never change). */
export function prepareBulkOperation(op: ClaimedBulkOperation | HandedBulkOperation): PreparedBulkOperation {
  const handed = 'stored' in op ? op : null;
  const { id, apiKeyId, mutation, lineCount, processedCount, input } = op;
  const definition = bulkMutations[mutation];
  return {
    id,
    apiKeyId,
    mutation,
    lineCount,
    processedCount,
    input,
    lines: new LineReader(mutation, handed?.texts ?? splitLines(input), definition.shape),
    mayHaveKeys: input.includes('idempotencyKey'),
    committed: handed?.stored ?? Promise.resolve(true),
    chunksMayRunAhead: definition.independentLines === true,
    firstTurn: handed ? { kind: 'handed-over', viewer: handed.viewer, stored: handed.stored } : { kind: 'in-turn' },
  };
}

/** Ends an operation this worker holds as FAILED, keeping the result lines written so far. */
export async function failBulkOperation(
  prisma: PrismaClient,
  id: number,
  workerId: string,
  errorCode: ErrorCode,
): Promise<ChunkOutcome> {
  return prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<
      { id: number; mutation: string; lineCount: number; succeededCount: number; failedCount: number }[]
    >`
      UPDATE "BulkOperation"
      SET "status" = 'FAILED', "errorCode" = ${errorCode}, "finishedAt" = ${utcNow}, "lockedBy" = NULL, "lockedUntil" = NULL
      WHERE "id" = ${id} AND "lockedBy" = ${workerId} AND "status" = 'RUNNING'
      RETURNING "id", "mutation", "lineCount", "succeededCount", "failedCount"`;
    if (!rows[0]) return { state: 'LOST' } as const;
    await recordEvent(tx, finishedEvent(rows[0], 'FAILED', errorCode));
    return { state: 'FAILED', errorCode } as const;
  });
}

import { Prisma, leaseUntil, utcNow, type PrismaClient } from '@shopwarden/db';
import { createContext } from '#context';
import { auditCaller, insertAuditRecordSql } from '#lib/audit.ts';
import { AppError } from '#lib/errors.ts';
import { authenticateApiKeyId } from '#modules/auth/authenticate.service.ts';
import { insertEventSql } from '#modules/platform/outbox.service.ts';
import { bulkMutations } from '#modules/bulk/bulk-mutations.ts';
import { finishedEvent } from '#modules/bulk/bulk-operation.ts';
import { batchResult, planBatch, runBatch, type BatchOutcome } from './batch.ts';
import type { ChunkMode, ChunkOptions, ChunkOutcome } from './chunk.ts';
import { failBulkOperation, type PreparedBulkOperation } from './lease.ts';
import { claimLineKeys, isKeyed, type StoredKey } from './line-keys.ts';

const DEFAULT_BATCH_SIZE = 2500;

/** Lets the statements just started reach the database before the worker's own work goes on. */
const yieldToDatabase = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Ends a chunk's transaction without committing anything, with the outcome to report. */
class ChunkAbandoned extends Error {
  constructor(readonly outcome: ChunkOutcome) {
    super(`bulk chunk abandoned: ${outcome.state}`);
  }
}

/**
 * Runs one chunk of the operation in ONE transaction, in `mode` (see `ChunkMode`): the lines'
 * effects (the mutation's own rules, set-based), their idempotency keys, their result lines and the
 * operation's counters commit together or not at all, under the operation's row lock and only while
 * this worker holds the lease, so every line takes effect exactly once. Lines go to the database in
 * batches (`batchSize`); while it writes one, the worker reads the next and formats the one before.
 */
export async function runBulkOperationChunk(
  prisma: PrismaClient,
  op: PreparedBulkOperation,
  options: ChunkOptions,
  mode: ChunkMode = { kind: 'in-turn' },
): Promise<ChunkOutcome> {
  const definition = bulkMutations[op.mutation];
  const ahead = mode.kind === 'ahead' ? mode : null;
  const handedOver = mode.kind === 'handed-over' ? mode : null;
  if (ahead && !op.chunksMayRunAhead)
    throw new Error(`Bulk operation ${op.id}: ${op.mutation} chunks cannot run ahead of their turn.`);
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
  // Nothing is written for an operation that was not stored (and failing it needs its row).
  const isStored = () => handedOver?.stored ?? Promise.resolve(true);
  const ready = (async () => {
    // Acts as the key as it is now (revoked or expired: the operation fails), unless handed over by the request that just authenticated it.
    const { viewer } = handedOver ? handedOver : await authenticateApiKeyId(prisma, op.apiKeyId);
    if (!viewer) return null;
    const ctx = createContext({ prisma, viewer, requestId: `bulk-operation-${op.id}`, production: options.production });
    definition.assertMay(ctx.viewer);
    return { viewer, ctx, prepared: await definition.prepare(ctx) };
  })();
  // Awaited below; a failure must not count as unhandled meanwhile.
  ready.catch(() => undefined);
  // While the key and the context are read: the chunk's first batch of lines (a chunk starts where the lines read so far end).
  await yieldToDatabase();
  op.lines.readAhead(batchSize);
  let context: Awaited<typeof ready>;
  try {
    context = await ready;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    // Ahead of its turn a chunk leaves failing the operation to the chunk in turn.
    if (ahead) return { state: 'OUT_OF_TURN' };
    return (await isStored()) ? failBulkOperation(prisma, op.id, options.workerId, error.code) : { state: 'LOST' };
  }
  if (!context)
    return ahead
      ? { state: 'OUT_OF_TURN' }
      : (await isStored())
        ? failBulkOperation(prisma, op.id, options.workerId, 'UNAUTHENTICATED')
        : { state: 'LOST' };
  const { viewer, ctx, prepared } = context;
  // Without transactions side by side, a handed-over chunk's transaction opens only once the storing one has committed.
  const early = handedOver !== null && options.concurrentTransactions === true;
  if (handedOver && !early && !(await handedOver.stored)) return { state: 'LOST' };

  try {
    return await prisma.$transaction(
      async (tx): Promise<ChunkOutcome> => {
        // The operation's row, locked until the chunk commits (a cancellation waits for it): only while this worker holds the lease.
        const lockOperation = async () => {
          const [row] = await tx.$queryRaw<
            {
              status: string;
              processedCount: number;
              succeededCount: number;
              failedCount: number;
              lockedBy: string | null;
            }[]
          >`
            SELECT "status"::text AS status, "processedCount", "succeededCount", "failedCount", "lockedBy" FROM "BulkOperation" WHERE "id" = ${op.id} FOR UPDATE`;
          if (row?.status === 'CANCELED') throw new ChunkAbandoned({ state: 'CANCELED' });
          if (!row || row.status !== 'RUNNING' || row.lockedBy !== options.workerId)
            throw new ChunkAbandoned({ state: 'LOST' });
          return row;
        };
        let guard = early || ahead ? null : await lockOperation();
        // An operation handed over early starts at its first line: checked once its row is locked.
        const lockStored = async () => {
          if (!(await isStored())) throw new ChunkAbandoned({ state: 'LOST' });
          const row = await lockOperation();
          if (row.processedCount !== 0) throw new ChunkAbandoned({ state: 'LOST' });
          return row;
        };
        // Ahead of its turn: once the chunk before has ended, and only if it committed where this one starts.
        const lockInTurn = async ({ from, after, proceed }: Extract<ChunkMode, { kind: 'ahead' }>) => {
          await after;
          if (!proceed()) throw new ChunkAbandoned({ state: 'OUT_OF_TURN' });
          if (!(await op.committed)) throw new ChunkAbandoned({ state: 'LOST' });
          const row = await lockOperation();
          if (row.processedCount !== from) throw new ChunkAbandoned({ state: 'OUT_OF_TURN' });
          return row;
        };
        const lock = () => (ahead ? lockInTurn(ahead) : lockStored());
        const from = ahead?.from ?? guard?.processedCount ?? 0;
        const to = Math.min(op.lineCount, from + options.chunkSize);

        // Line keys: the chunk's all at once (see claimLineKeys). Only an operation whose text names
        // an idempotency key reads the chunk's lines before its first batch for this.
        const keys = new Map<string, StoredKey>();
        if (op.mayHaveKeys) {
          const keyed = op.lines.read(from, to).filter(isKeyed);
          if (keyed.length)
            for (const [key, record] of await claimLineKeys(tx, op.apiKeyId, keyed)) keys.set(key, record);
        }

        // Batch after batch: the statements of one batch at a time, the worker's own work beside them.
        const gzips: Uint8Array[] = [];
        let succeeded = 0;
        const finish = (batch: BatchOutcome) => {
          const result = batchResult(batch);
          gzips.push(result.gzip);
          succeeded += result.succeeded;
        };
        let inFlight: Promise<BatchOutcome> | null = null;
        for (let start = from; start < to; start += batchSize) {
          const lines = op.lines.read(start, Math.min(to, start + batchSize));
          const planned = planBatch(definition, prepared, lines, keys);
          const done: BatchOutcome | null = inFlight ? await inFlight : null;
          // Started early: the row is locked after the first batch, before the next one (ahead of its turn: at the end).
          if (done && !ahead) guard ??= await lockStored();
          inFlight = runBatch(tx, op, definition, prepared, lines, keys, planned);
          // Awaited at the next turn (or below); a failure must not count as unhandled meanwhile.
          inFlight.catch(() => undefined);
          if (done) {
            await yieldToDatabase();
            finish(done);
          }
        }
        if (inFlight) finish(await inFlight);
        guard ??= await lock();

        const count = to - from;
        const failedCount = count - succeeded;
        const complete = to >= op.lineCount;
        const counts = {
          id: op.id,
          mutation: op.mutation,
          lineCount: op.lineCount,
          succeededCount: guard.succeededCount + succeeded,
          failedCount: guard.failedCount + failedCount,
        };
        // One gzip member per batch: a gzip stream may hold several, read back as one text.
        const resultGzip = gzips.length === 1 && gzips[0] ? gzips[0] : Buffer.concat(gzips);
        const audit = insertAuditRecordSql(
          {
            ...auditCaller(viewer),
            operation: definition.field,
            targetType: 'BulkOperation',
            targetId: btoa(`BulkOperation:${op.id}`),
            input: { bulkOperationId: op.id, lines: { from: from + 1, to }, succeeded, failed: failedCount },
            outcome: 'SUCCESS',
            requestId: ctx.requestId,
          },
          Prisma.sql`op`,
        );
        const finished = complete
          ? Prisma.sql`, finished AS (${insertEventSql(finishedEvent(counts, 'COMPLETED', null), Prisma.sql`op`)})`
          : Prisma.empty;
        // The chunk's bookkeeping in one statement: counters and result lines, the audit record, and on the last chunk the "finished" event.
        await tx.$queryRaw`
          WITH op AS (
            UPDATE "BulkOperation"
            SET "processedCount" = ${to}, "succeededCount" = ${counts.succeededCount}, "failedCount" = ${counts.failedCount},
                "resultGzip" = COALESCE("resultGzip", ''::bytea) || ${resultGzip}::bytea,
                "status" = CASE WHEN ${complete}::boolean THEN 'COMPLETED'::"BulkOperationStatus" ELSE "status" END,
                "finishedAt" = CASE WHEN ${complete}::boolean THEN ${utcNow} ELSE NULL END,
                "lockedBy" = CASE WHEN ${complete}::boolean THEN NULL ELSE "lockedBy" END,
                "lockedUntil" = CASE WHEN ${complete}::boolean THEN NULL ELSE ${leaseUntil(options.leaseMs)} END
            WHERE "id" = ${op.id}
            RETURNING "id"
          ),
          audit AS (${audit})${finished}
          SELECT count(*)::int AS n FROM op`;
        await options.beforeCommit?.({ operationId: op.id, from, to });
        return complete ? { state: 'COMPLETED' } : { state: 'RUNNING', processedCount: to };
      },
      { timeout: 60_000, maxWait: 5_000 },
    );
  } catch (error) {
    if (error instanceof ChunkAbandoned) return error.outcome;
    throw error;
  }
}

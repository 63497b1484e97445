import { Prisma, leaseUntil, utcNow, type PrismaClient } from '@shopwarden/db';
import { createContext } from '#context';
import type { Viewer } from '#modules/auth/viewer.ts';
import { AppError, ConflictError, InvalidStateError, type ErrorCode } from '#lib/errors.ts';
import type { ItemResult } from '#modules/listings/listing.service.ts';
import { authenticateApiKeyId } from '#modules/auth/authenticate.service.ts';
import {
  LINE_KEY_PREFIX,
  LINE_KEY_TTL_MS,
  LineReader,
  compressText,
  lineErrors,
  okOutcome,
  okResultLine,
  resultLine,
  splitLines,
  storedText,
  type LineOutcome,
  type ParsedLine,
} from './bulk-lines.ts';
import { bulkMutationNames, bulkMutations, type BulkMutation, type BulkMutationDefinition } from './bulk-mutations.ts';
import { finishedEvent } from './bulk-operation.ts';
import { recordEvent } from '#modules/platform/outbox.service.ts';

/** An operation a worker holds the lease of. */
export interface ClaimedBulkOperation {
  id: number;
  apiKeyId: number;
  mutation: BulkMutation;
  lineCount: number;
  /** Lines done when it was claimed (0 for an operation handed over as it is stored): its next chunk starts there. */
  processedCount: number;
  input: string;
  /** The lines already split (an operation handed over as it was stored). */
  texts?: readonly string[];
  /** The caller the submitting request authenticated (an operation handed over as it was stored): the first chunk acts as it. */
  viewer?: Viewer;
  /**
   * An operation handed over as it is stored: resolves true once its row has committed, false when it
   * was not stored. The first chunk commits nothing before (see `ChunkOptions.concurrentTransactions`).
   */
  stored?: Promise<boolean>;
}

/** A claimed operation with its line reader: each line is read once, when a chunk first needs it, for every chunk this worker runs. */
export interface PreparedBulkOperation extends Omit<ClaimedBulkOperation, 'texts'> {
  lines: LineReader;
  /** Whether the text names an idempotency key at all (a chunk then claims its keys before its first batch). */
  mayHaveKeys: boolean;
  /** Resolves true once the operation's row has committed (at once for a claimed one), false when it was not stored. */
  committed: Promise<boolean>;
  /** Whether its chunks may run side by side (`BulkMutationDefinition.independentLines`). */
  chunksMayRunAhead: boolean;
}

export interface ChunkOptions {
  /** The worker's id, as stored in `lockedBy`. */
  workerId: string;
  /** Lines per chunk (per transaction). */
  chunkSize: number;
  /**
   * Lines per batch inside a chunk: the chunk's statements run batch after batch, and while the
   * database writes one batch the worker reads the next batch's lines and writes the result lines
   * of the one before. @default 2500
   */
  batchSize?: number;
  /** How long the lease lasts after each chunk (and heartbeat). */
  leaseMs: number;
  /** Production mode ignores the sandbox clock, as requests do. */
  production: boolean;
  /**
   * The database runs transactions side by side (PostgreSQL; not PGlite, which has one connection):
   * the first chunk of an operation handed over as it is stored then opens its transaction and writes
   * its first batch while the storing transaction commits, and locks the operation's row once that
   * has. Otherwise it waits for the commit before its transaction opens. @default false
   */
  concurrentTransactions?: boolean;
  /** For tests: runs inside the chunk's transaction after its writes, before they commit. */
  beforeCommit?: (info: { operationId: number; from: number; to: number }) => Promise<void> | void;
}

/** A chunk run ahead of its turn (see `runBulkOperationChunk`). */
export interface ChunkAhead {
  /** Its first line (0-based): where the chunk before it ends. */
  from: number;
  /** Settles when the chunk before it has ended (committed or not): only then does it ask for the row lock, so chunks ahead take it in line order. */
  after: Promise<unknown>;
  /** Asked once that chunk has ended: false (the worker is stopping) rolls this one back (`OUT_OF_TURN`), so a stop commits only the chunk in turn. */
  proceed: () => boolean;
}

/** Where an operation stands after a chunk. */
export type ChunkOutcome =
  | { state: 'RUNNING'; processedCount: number }
  | { state: 'COMPLETED' | 'CANCELED' }
  /** Another worker holds the operation now (this one's lease expired), or it finished elsewhere. */
  | { state: 'LOST' }
  | { state: 'FAILED'; errorCode: ErrorCode }
  /**
   * A chunk run ahead of its turn (`runBulkOperationChunk`'s `ahead`) found, once it could lock the
   * operation's row, that the chunk before it had not committed where it expected (it rolled back,
   * or the operation stopped): it rolled back too, and runs again in its turn.
   */
  | { state: 'OUT_OF_TURN' };

/**
 * Takes the oldest operation that is waiting, or RUNNING with an expired lease (its worker died), and
 * leases it to `workerId`. `FOR UPDATE SKIP LOCKED`: workers on every instance claim at once without
 * blocking each other, and never the same operation. The claim commits asynchronously (it does not
 * wait for its WAL record to reach the disk): a claim lost in a database crash only leaves the
 * operation to be claimed again, and the first chunk's own commit, which waits, flushes the claim
 * before it (the WAL is written in order), so nothing durable ever rests on a lost claim.
 */
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

/** Splits the lines; each is read when a chunk first needs it (the lines and their order never change). */
export function prepareBulkOperation(op: ClaimedBulkOperation): PreparedBulkOperation {
  const { texts, ...rest } = op;
  return {
    ...rest,
    lines: new LineReader(op.mutation, texts ?? splitLines(op.input), bulkMutations[op.mutation].shape),
    mayHaveKeys: op.input.includes('idempotencyKey'),
    committed: op.stored ?? Promise.resolve(true),
    chunksMayRunAhead: bulkMutations[op.mutation].independentLines === true,
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

interface StoredKey {
  key: string;
  claimed: boolean;
  requestHash: string | null;
  state: string | null;
  response: unknown;
}

/**
 * Claims line keys in ONE statement: a key nobody holds (or an expired one) is taken for this
 * transaction; for the others it returns the stored record. A chunk claims all its keys at once,
 * before its first batch, in sorted order: two operations sharing keys lock them in the same order,
 * so they wait for each other instead of deadlocking.
 */
async function claimLineKeys(
  tx: Prisma.TransactionClient,
  apiKeyId: number,
  lines: ParsedLine[],
): Promise<Map<string, StoredKey>> {
  const sorted = [...lines].sort((a, b) => (a.idempotencyKey! < b.idempotencyKey! ? -1 : 1));
  const now = new Date();
  const rows = await tx.$queryRaw<StoredKey[]>`
    WITH wanted AS (
      SELECT * FROM unnest(${sorted.map((l) => LINE_KEY_PREFIX + l.idempotencyKey)}::text[], ${sorted.map((l) => l.hash)}::text[]) WITH ORDINALITY AS w(key, hash, n)
    ),
    claimed AS (
      INSERT INTO "IdempotencyRecord" ("apiKeyId", "key", "requestHash", "state", "createdAt", "expiresAt")
      SELECT ${apiKeyId}::int, w.key, w.hash, 'IN_PROGRESS'::"IdempotencyState", ${now}::timestamp(3), ${new Date(now.getTime() + LINE_KEY_TTL_MS)}::timestamp(3) FROM wanted w ORDER BY w.n
      ON CONFLICT ("apiKeyId", "key") DO UPDATE
        SET "requestHash" = EXCLUDED."requestHash", "state" = 'IN_PROGRESS', "response" = NULL, "createdAt" = EXCLUDED."createdAt", "expiresAt" = EXCLUDED."expiresAt"
        WHERE "IdempotencyRecord"."expiresAt" <= ${now}::timestamp(3)
      RETURNING "key"
    )
    SELECT w.key, (c.key IS NOT NULL) AS claimed, r."requestHash", r."state"::text AS state, r."response"
    FROM wanted w
    LEFT JOIN claimed c ON c.key = w.key
    LEFT JOIN "IdempotencyRecord" r ON c.key IS NULL AND r."apiKeyId" = ${apiKeyId}::int AND r."key" = w.key`;
  return new Map(rows.map((r) => [r.key.slice(LINE_KEY_PREFIX.length), r]));
}

/** Stores the outcome of each claimed key whose line succeeded and frees the keys of lines that failed (they changed nothing), in ONE statement. */
async function settleLineKeys(
  tx: Prisma.TransactionClient,
  apiKeyId: number,
  done: { key: string; outcome: LineOutcome }[],
  failed: string[],
): Promise<void> {
  await tx.$queryRaw`
    WITH done AS (
      UPDATE "IdempotencyRecord" AS r SET "state" = 'COMPLETED', "response" = d.response
      FROM unnest(${done.map((d) => LINE_KEY_PREFIX + d.key)}::text[], ${done.map((d) => JSON.stringify(d.outcome))}::text[]) AS d(key, response)
      WHERE r."apiKeyId" = ${apiKeyId}::int AND r."key" = d.key
      RETURNING 1
    ),
    freed AS (
      DELETE FROM "IdempotencyRecord" WHERE "apiKeyId" = ${apiKeyId}::int AND "key" = ANY(${failed.map((k) => LINE_KEY_PREFIX + k)}::text[])
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM done)::int AS done, (SELECT count(*) FROM freed)::int AS freed`;
}

/** A stored outcome: the line's JSON text, so a replay has the original line's bytes. */
function storedOutcome(response: unknown): LineOutcome | null {
  if (typeof response !== 'string') return null;
  const value = JSON.parse(response) as unknown;
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean'
    ? (value as LineOutcome)
    : null;
}

/** The outcome of one batch of a chunk's lines, before its result lines are written. */
interface BatchOutcome {
  lines: ParsedLine[];
  /** Per line: the rules' result when it succeeded. */
  items: (ItemResult | null)[];
  /** Per line: why it failed (when it has no item and no replay). */
  errors: (AppError | null)[];
  /** Per line: a stored outcome replayed for its idempotency key. */
  replays: Map<number, LineOutcome>;
}

const DEFAULT_BATCH_SIZE = 2500;

function outcomeOf(batch: BatchOutcome, i: number): LineOutcome {
  const item = batch.items[i];
  return item
    ? okOutcome(item.listingId!, item.status!, item.version, item.issues)
    : (batch.replays.get(i) ?? { ok: false, errors: lineErrors(batch.errors[i]!, batch.lines[i]!) });
}

/** A batch judged as far as it can be without the database, ready to run. */
interface PlannedBatch {
  batch: BatchOutcome;
  /** Lines whose idempotency key this chunk claimed: their keys are settled after the write. */
  claimed: number[];
  /** Lines the mutation's rules run on. */
  runnable: number[];
  /** The rules over the runnable lines, planned ahead when the mutation can (`BulkMutationDefinition.plan`). */
  write: (tx: Prisma.TransactionClient) => Promise<{ value: ItemResult[] }>;
}

/**
 * What of a batch needs no database: its idempotency keys judged against the chunk's claims (a key
 * already used with this line replays its stored result, with another line it is refused) and, when
 * the mutation plans ahead, its rules up to the write. Null when a line names a key the chunk did
 * not claim (normally none: its text named no key as such, say with an escaped name): `runBatch`
 * claims it first.
 */
function planBatch(
  definition: BulkMutationDefinition,
  prepared: unknown,
  lines: ParsedLine[],
  keys: Map<string, StoredKey>,
): PlannedBatch | null {
  const replays = new Map<number, LineOutcome>();
  const errors: (AppError | null)[] = lines.map((line) => line.error);
  const items: (ItemResult | null)[] = new Array(lines.length).fill(null);
  const claimed: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.error || !line.idempotencyKey) continue;
    const record = keys.get(line.idempotencyKey);
    if (!record) return null;
    if (record.claimed) claimed.push(i);
    else if (!record.requestHash)
      errors[i] = new ConflictError(
        'Another bulk operation is running a line with this idempotency key; retry once it has finished.',
      );
    else if (record.requestHash !== line.hash)
      errors[i] = new InvalidStateError(
        'IDEMPOTENCY_KEY_REUSED',
        'This idempotency key was used with a different line. Use a new key for a new line.',
      );
    else {
      const outcome = record.state === 'COMPLETED' ? storedOutcome(record.response) : null;
      if (outcome) replays.set(i, outcome);
      else errors[i] = new ConflictError('A line with this idempotency key is still running; retry shortly.');
    }
  }
  const runnable: number[] = [];
  for (let i = 0; i < lines.length; i++) if (!errors[i] && !replays.has(i)) runnable.push(i);
  const runItems = runnable.map((i) => lines[i]!.item);
  const write = definition.plan
    ? definition.plan(prepared, runItems)
    : (tx: Prisma.TransactionClient) => definition.run(tx, prepared, runItems);
  return { batch: { lines, items, errors, replays }, claimed, runnable, write };
}

/**
 * One batch of lines inside the chunk's transaction: their idempotency keys (see `planBatch`), the
 * mutation's own rules over every remaining line at once (one set-based write), the keys settled.
 */
async function runBatch(
  tx: Prisma.TransactionClient,
  op: PreparedBulkOperation,
  definition: BulkMutationDefinition,
  prepared: unknown,
  lines: ParsedLine[],
  keys: Map<string, StoredKey>,
  planned: PlannedBatch | null,
): Promise<BatchOutcome> {
  if (!planned) {
    const unclaimed = lines.filter((line) => !line.error && line.idempotencyKey && !keys.has(line.idempotencyKey));
    for (const [key, record] of await claimLineKeys(tx, op.apiKeyId, unclaimed)) keys.set(key, record);
    planned = planBatch(definition, prepared, lines, keys)!;
  }
  const { batch, claimed, runnable, write } = planned;
  const { items, errors } = batch;
  if (runnable.length) {
    const { value } = await write(tx);
    for (let k = 0; k < value.length; k++) {
      const item = value[k]!;
      if (item.error) errors[runnable[k]!] = item.error;
      else items[runnable[k]!] = item;
    }
  }

  if (claimed.length) {
    const done: { key: string; outcome: LineOutcome }[] = [];
    const freed: string[] = [];
    for (const i of claimed) {
      if (items[i]) done.push({ key: lines[i]!.idempotencyKey!, outcome: outcomeOf(batch, i) });
      else freed.push(lines[i]!.idempotencyKey!);
    }
    await settleLineKeys(tx, op.apiKeyId, done, freed);
  }
  return batch;
}

/** A batch's result lines, compressed (one gzip member), and how many of its lines succeeded. */
function batchResult(batch: BatchOutcome): { gzip: Uint8Array<ArrayBuffer>; succeeded: number } {
  let text = '';
  let succeeded = 0;
  for (let i = 0; i < batch.lines.length; i++) {
    const item = batch.items[i];
    if (item) text += okResultLine(batch.lines[i]!.line, item.listingId!, item.status!, item.version, item.issues);
    else text += resultLine(batch.lines[i]!.line, outcomeOf(batch, i), batch.replays.has(i));
    if (item || batch.replays.get(i)?.ok) succeeded++;
  }
  return { gzip: compressText(text), succeeded };
}

/** Lets the statements just started reach the database before the worker's own work goes on. */
const yieldToDatabase = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Ends a chunk's transaction without committing anything, with the outcome to report. */
class ChunkAbandoned extends Error {
  constructor(readonly outcome: ChunkOutcome) {
    super(`bulk chunk abandoned: ${outcome.state}`);
  }
}

/**
 * Runs the operation's next chunk in ONE transaction: the lines' effects (through the mutation's own
 * rules, set-based), their idempotency keys, their result lines and the operation's counters commit
 * together or not at all. The chunk starts where the committed `processedCount` says, under the
 * operation's row lock and only while this worker holds the lease, so after a crash, a restart or a
 * takeover every line takes effect exactly once. Its lines go to the database in batches
 * (`batchSize`), one after another, a fixed number of statements each: while PostgreSQL writes a
 * batch, the worker reads the next batch's lines and writes the result lines of the batch before,
 * so the database and the worker work at the same time (on the embedded database, which runs in
 * this thread, they simply take turns).
 *
 * The first chunk of an operation handed over as it is stored (`op.stored`) gets ready while the
 * storing transaction runs: its lines, the caller's context, and on PostgreSQL its transaction and
 * first batch, which start from line 0 before the operation's row is even visible. It takes the row
 * lock once the row has committed, before its next batch (or its bookkeeping), and checks there that
 * nothing moved meanwhile: a cancellation that came first rolls the chunk back, as if it had not
 * started.
 *
 * `ahead` runs a chunk ahead of its turn (PostgreSQL, `concurrentTransactions`), from the line where
 * the chunk still running before it will end: in its own transaction, beside that chunk's, taking the
 * operation's row lock only for its bookkeeping, and only once the chunk before has ended
 * (`ahead.after`). It then commits only if `processedCount` is where it started, and otherwise rolls
 * back (`OUT_OF_TURN`), so chunks still commit one after another, each from where the one before ended.
 * Two chunks of one operation never write the same listing or key (a line that repeats either
 * fails, see `LineReader`), so they do not wait for each other before that lock. Only for a mutation
 * whose lines are independent (`op.chunksMayRunAhead`): a chunk ahead does not see the writes of the
 * chunk before.
 */
export async function runBulkOperationChunk(
  prisma: PrismaClient,
  op: PreparedBulkOperation,
  options: ChunkOptions,
  ahead?: ChunkAhead,
): Promise<ChunkOutcome> {
  const definition = bulkMutations[op.mutation];
  if (ahead && !op.chunksMayRunAhead)
    throw new Error(`Bulk operation ${op.id}: ${op.mutation} chunks cannot run ahead of their turn.`);
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
  // Every chunk acts as the key as it is now (revoked or expired: the operation fails), except the
  // first of an operation handed over as it was stored, whose request authenticated the key just before.
  const handed = ahead ? undefined : op.viewer;
  const stored = ahead ? undefined : op.stored;
  if (!ahead) {
    op.viewer = undefined;
    op.stored = undefined;
  }
  // Nothing is written for an operation that was not stored (and failing it needs its row).
  const isStored = () => stored ?? Promise.resolve(true);
  const ready = (async () => {
    const { viewer } = handed ? { viewer: handed } : await authenticateApiKeyId(prisma, op.apiKeyId);
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
  // Without transactions side by side, this one must not open before the storing one has committed.
  const early = stored !== undefined && options.concurrentTransactions === true;
  if (stored && !early && !(await stored)) return { state: 'LOST' };

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
        const lockInTurn = async ({ from, after, proceed }: ChunkAhead) => {
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
          const keyed = op.lines.read(from, to).filter((line) => !line.error && line.idempotencyKey);
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
        const finished = complete ? finishedEvent(counts, 'COMPLETED', null) : null;
        // One gzip member per batch: a gzip stream may hold several, read back as one text.
        const resultGzip = gzips.length === 1 ? gzips[0]! : Buffer.concat(gzips);
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
          audit AS (
            INSERT INTO "AuditRecord" ("apiKeyId", "role", "operation", "targetType", "targetId", "shopId", "input", "outcome", "requestId")
            SELECT ${op.apiKeyId}::int, ${viewer.role}::"Role", ${definition.field}, 'BulkOperation', ${btoa(`BulkOperation:${op.id}`)}, ${viewer.role === 'SELLER' ? viewer.shopId : null}::int,
                   ${JSON.stringify({ bulkOperationId: op.id, lines: { from: from + 1, to }, succeeded, failed: failedCount })}::jsonb, 'SUCCESS', ${ctx.requestId}
            FROM op
          ),
          finished AS (
            INSERT INTO "OutboxEvent" ("type", "shopId", "subjectType", "subjectId", "payload", "occurredAt")
            SELECT ${finished?.type ?? ''}, NULL, 'BulkOperation', ${String(op.id)}, ${JSON.stringify(finished?.payload ?? null)}::jsonb, ${utcNow}
            FROM op WHERE ${complete}::boolean
          )
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

import type { ListingStatus, Prisma } from '@shopwarden/db';
import { ConflictError, InvalidStateError, type AppError } from '#lib/errors.ts';
import type { ItemResult } from '#modules/listings/listing.service.ts';
import type { BulkMutationDefinition } from '#modules/bulk/bulk-mutations.ts';
import type { ParsedLine } from '#modules/bulk/lines/line-reader.ts';
import {
  compressText,
  lineErrors,
  okOutcome,
  okResultLine,
  resultLine,
  type LineOutcome,
} from '#modules/bulk/lines/result-lines.ts';
import { claimLineKeys, isKeyed, settleLineKeys, storedOutcome, type KeyedLine, type StoredKey } from './line-keys.ts';
import type { PreparedBulkOperation } from './lease.ts';

/** A line's item that succeeded: it names its listing and the status it has. */
export type SucceededItem = ItemResult & { listingId: number; status: ListingStatus };

function isSucceeded(item: ItemResult): item is SucceededItem {
  return item.listingId !== null && item.status !== null;
}

export interface BatchOutcome {
  lines: ParsedLine[];
  /** Per line: the rules' result when it succeeded. */
  items: (SucceededItem | null)[];
  /** Per line: why it failed (when it has no item and no replay). */
  errors: (AppError | null)[];
  /** Per line: a stored outcome replayed for its idempotency key. */
  replays: Map<number, LineOutcome>;
}

export function outcomeOf(batch: BatchOutcome, i: number): LineOutcome {
  const item = batch.items[i];
  if (item) return okOutcome(item.listingId, item.status, item.version, item.issues);
  const replay = batch.replays.get(i);
  if (replay) return replay;
  const error = batch.errors[i];
  const line = batch.lines[i];
  if (!error || !line) throw new Error(`Bulk batch: line ${i} has neither a result nor an error.`);
  return { ok: false, errors: lineErrors(error, line) };
}

/** A batch judged as far as it can be without the database, ready to run. */
export interface PlannedBatch {
  batch: BatchOutcome;
  /** Lines whose idempotency key this chunk claimed: their keys are settled after the write. */
  claimed: { index: number; key: string }[];
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
export function planBatch(
  definition: BulkMutationDefinition,
  prepared: unknown,
  lines: ParsedLine[],
  keys: Map<string, StoredKey>,
): PlannedBatch | null {
  const replays = new Map<number, LineOutcome>();
  const errors: (AppError | null)[] = lines.map((line) => line.error);
  const items: (SucceededItem | null)[] = new Array(lines.length).fill(null);
  const claimed: { index: number; key: string }[] = [];
  for (const [i, line] of lines.entries()) {
    if (!isKeyed(line)) continue;
    const record = keys.get(line.idempotencyKey);
    if (!record) return null;
    if (record.claimed) claimed.push({ index: i, key: line.idempotencyKey });
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
  const runItems: unknown[] = [];
  for (const [i, line] of lines.entries())
    if (!errors[i] && !replays.has(i)) {
      runnable.push(i);
      runItems.push(line.item);
    }
  const write = definition.plan
    ? definition.plan(prepared, runItems)
    : (tx: Prisma.TransactionClient) => definition.run(tx, prepared, runItems);
  return { batch: { lines, items, errors, replays }, claimed, runnable, write };
}

/**
 * One batch of lines inside the chunk's transaction: their idempotency keys (see `planBatch`), the
 * mutation's own rules over every remaining line at once (one set-based write), the keys settled.
 */
export async function runBatch(
  tx: Prisma.TransactionClient,
  op: PreparedBulkOperation,
  definition: BulkMutationDefinition,
  prepared: unknown,
  lines: ParsedLine[],
  keys: Map<string, StoredKey>,
  planned: PlannedBatch | null,
): Promise<BatchOutcome> {
  if (!planned) {
    const unclaimed = lines.filter((line): line is KeyedLine => isKeyed(line) && !keys.has(line.idempotencyKey));
    for (const [key, record] of await claimLineKeys(tx, op.apiKeyId, unclaimed)) keys.set(key, record);
    planned = planBatch(definition, prepared, lines, keys);
    if (!planned) throw new Error('Bulk batch: a line key is unclaimed after claiming it.');
  }
  const { batch, claimed, runnable, write } = planned;
  const { items, errors } = batch;
  if (runnable.length) {
    const { value } = await write(tx);
    for (const [k, item] of value.entries()) {
      const index = runnable[k];
      if (index === undefined) throw new Error('Bulk batch: the rules returned more items than lines.');
      if (item.error) errors[index] = item.error;
      else if (isSucceeded(item)) items[index] = item;
      else throw new Error(`Bulk batch: item ${item.index} succeeded without a listing or a status.`);
    }
  }

  if (claimed.length) {
    const done: { key: string; outcome: LineOutcome }[] = [];
    const freed: string[] = [];
    for (const { index, key } of claimed) {
      if (items[index]) done.push({ key, outcome: outcomeOf(batch, index) });
      else freed.push(key);
    }
    await settleLineKeys(tx, op.apiKeyId, done, freed);
  }
  return batch;
}

/** A batch's result lines, compressed (one gzip member), and how many of its lines succeeded. */
export function batchResult(batch: BatchOutcome): { gzip: Uint8Array<ArrayBuffer>; succeeded: number } {
  let text = '';
  let succeeded = 0;
  for (const [i, { line }] of batch.lines.entries()) {
    const item = batch.items[i];
    if (item) text += okResultLine(line, item.listingId, item.status, item.version, item.issues);
    else text += resultLine(line, outcomeOf(batch, i), batch.replays.has(i));
    if (item || batch.replays.get(i)?.ok) succeeded++;
  }
  return { gzip: compressText(text), succeeded };
}

import { ShopWardenError, ShopWardenResultError } from './errors.ts';
import { BulkFinishedDocument, type ShopWardenOperations } from './generated/operations.ts';
import type {
  BulkFinishedSubscription,
  BulkGetQuery,
  BulkMutation,
  ErrorCode,
  ListingReviewInput,
  ListingStatus,
  ListingSubmitInput,
} from './generated/types.ts';
import { sleep, type PushOnce } from './transport.ts';
import type { RequestOptions } from './types.ts';

/** One line's input for each bulk mutation: that mutation's own input, without `dryRun`. */
export interface BulkLineInputs {
  LISTING_REVIEW: Omit<ListingReviewInput, 'dryRun'>;
  LISTING_SUBMIT: Omit<ListingSubmitInput, 'dryRun'>;
}

/** One line of a bulk operation for mutation `M`, with an optional per-line idempotency key (1–255 characters). */
export type BulkLine<M extends BulkMutation> = BulkLineInputs[M] & { idempotencyKey?: string };

/** One line of a bulk operation's result, in input order (`line` counts from 1). */
export type BulkResultLine =
  | {
      line: number;
      ok: true;
      /** The listing after the line: its new status and version. */
      listing: { id: string; status: ListingStatus; version: number | null };
      /** Reasons recorded with the decision (the automatic checks' for a submission); empty when none. */
      issues: { code: string; message: string }[];
      /** True when the line's idempotency key had already been used with the same line: this is the stored result, nothing ran again. */
      replayed?: true;
    }
  | {
      line: number;
      ok: false;
      /** Why the line failed (it changed nothing): the codes and messages the single mutation would return; `field` is the path inside the line. */
      errors: { code: ErrorCode; message: string; field: string[] | null }[];
      replayed?: true;
    };

/** A bulk operation as `client.bulk.get` reads it. */
export type BulkOperationState = NonNullable<BulkGetQuery['bulkOperation']>;

/** A finished bulk operation (COMPLETED, FAILED or CANCELED) with its result lines parsed. */
export type FinishedBulkOperation = BulkOperationState & { results: BulkResultLine[] };

/** Options of `client.bulk.run`; the request options apply to every call it makes (`idempotencyKey` to the submission only). */
export interface BulkRunOptions extends RequestOptions {
  /**
   * How to learn that the operation finished. `push` (the default): ONE request that the server
   * answers the moment the operation finishes (the `bulkOperationFinished` subscription, over
   * Server-Sent Events), and reads as with `poll` when no event stream comes back (a proxy that
   * buffers, a `fetch` without response streams). `poll`: reads the operation until it has
   * finished. With `onProgress` the client reads (progress is only seen by reading).
   * @default 'push'
   */
  follow?: 'push' | 'poll';
  /**
   * The longest wait between reads of the operation while it runs. The first read comes after 50 ms
   * and each wait is 1.5 × the one before, up to this: a small operation is seen finished within
   * moments of finishing, a long one is read about once per `pollIntervalMs`.
   * @default 1000
   */
  pollIntervalMs?: number;
  /**
   * Stop following after this many milliseconds and throw a `ShopWardenError` with code `TIMEOUT`
   * (the operation itself keeps running; follow it later with `client.bulk.get`).
   * @default no limit
   */
  timeoutMs?: number;
  /** Called with the operation after each read while it is CREATED or RUNNING (`processedCount`, `progress`); the client then reads instead of waiting for the push. */
  onProgress?: (operation: BulkOperationState) => void;
}

/** The `client.bulk` helpers beside the generated methods. */
export interface BulkHelpers {
  /**
   * Submits a bulk operation and follows it until it is COMPLETED, FAILED or CANCELED; resolves to
   * the finished operation with `results` parsed from its JSONL result, one per input line in order.
   * `lines` is JSONL text or an array of line inputs (typed for the mutation). A refusal (no lines,
   * too many, LIMIT_EXCEEDED for a sixth waiting operation, FORBIDDEN) throws a
   * `ShopWardenResultError`; lines that fail are results with `ok: false`, not errors.
   *
   * ```ts
   * const op = await client.bulk.run({ mutation: 'LISTING_REVIEW', lines: ids.map((listingId) => ({ listingId, decision: 'APPROVE' })) });
   * for (const r of op.results) if (!r.ok) console.log(r.line, r.errors[0].code);
   * ```
   */
  run<M extends BulkMutation>(
    input: { mutation: M; lines: string | readonly BulkLine<M>[] },
    options?: BulkRunOptions,
  ): Promise<FinishedBulkOperation>;
}

const finished = new Set<BulkOperationState['status']>(['COMPLETED', 'FAILED', 'CANCELED']);

/** The first wait of `client.bulk.run` before it reads the operation again, in milliseconds. */
export const FIRST_POLL_MS = 50;

/** The waits between reads of a running operation: from `FIRST_POLL_MS`, × 1.5 each time, never above `maxMs`. */
export function* pollDelays(maxMs: number): Generator<number, never> {
  let wait = Math.min(FIRST_POLL_MS, maxMs);
  for (;;) {
    yield wait;
    wait = Math.min(maxMs, Math.ceil(wait * 1.5));
  }
}

/** Line inputs as JSONL: one JSON object per line. */
export function toJsonl(lines: readonly object[]): string {
  let text = '';
  for (const line of lines) text += `${JSON.stringify(line)}\n`;
  return text;
}

/** A bulk operation's JSONL result as objects (an empty list for null or ''). */
export function parseBulkResult(result: string | null | undefined): BulkResultLine[] {
  if (!result) return [];
  return result.split('\n').flatMap((line) => (line.trim() ? [JSON.parse(line) as BulkResultLine] : []));
}

/**
 * Waits for the push of a finished operation; null when none came (no event stream, or an error
 * other than NOT_FOUND: the reads that follow report it). TIMEOUT once `timeoutMs` has passed.
 */
async function pushedFinish(
  pushOnce: PushOnce,
  { id, status }: BulkOperationState,
  request: RequestOptions,
  timeoutMs: number | undefined,
): Promise<BulkOperationState | null> {
  const { signal } = request;
  const timeout = new AbortController();
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => timeout.abort(timedOut(id, status, timeoutMs)), Math.max(0, timeoutMs));
  const stop = () => timeout.abort(signal?.reason);
  signal?.addEventListener('abort', stop, { once: true });
  try {
    const pushed = await pushOnce<BulkFinishedSubscription>(
      BulkFinishedDocument,
      { id },
      timeout.signal,
      request.headers,
    );
    if (pushed?.errors?.some((e) => e.extensions?.code === 'NOT_FOUND'))
      throw new ShopWardenError('NOT_FOUND', `Bulk operation ${id} is not visible to this API key.`);
    return pushed?.data?.bulkOperationFinished ?? null;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', stop);
  }
}

const timedOut = (id: string, status: string, timeoutMs: number) =>
  new ShopWardenError(
    'TIMEOUT',
    `Bulk operation ${id} is still ${status} after ${timeoutMs} ms; it keeps running (follow it with client.bulk.get).`,
  );

export function createBulkHelpers(bulk: ShopWardenOperations['bulk'], pushOnce: PushOnce): BulkHelpers {
  return {
    async run(input, options = {}) {
      const { pollIntervalMs = 1000, timeoutMs, onProgress, follow = 'push', idempotencyKey, ...request } = options;
      const lines = typeof input.lines === 'string' ? input.lines : toJsonl(input.lines);
      const submitted = await bulk.submit(
        { input: { mutation: input.mutation, lines } },
        { ...request, ...(idempotencyKey ? { idempotencyKey } : {}) },
      );
      if (submitted.__typename !== 'BulkOperationRunSuccess') throw new ShopWardenResultError(submitted);
      const started = Date.now();
      let operation: BulkOperationState = { ...submitted.bulkOperation, result: null };
      // A fast worker can finish before the submission answers; the result comes only with a read.
      if (finished.has(operation.status)) operation = (await bulk.get({ id: operation.id }, request)) ?? operation;
      if (follow === 'push' && !onProgress && !finished.has(operation.status)) {
        const pushed = await pushedFinish(pushOnce, operation, request, timeoutMs);
        if (pushed) return { ...pushed, results: parseBulkResult(pushed.result) };
      }
      const delays = pollDelays(pollIntervalMs);
      for (;;) {
        if (finished.has(operation.status)) return { ...operation, results: parseBulkResult(operation.result) };
        onProgress?.(operation);
        if (timeoutMs !== undefined && Date.now() - started >= timeoutMs)
          throw timedOut(operation.id, operation.status, timeoutMs);
        await sleep(delays.next().value, request.signal);
        const next = await bulk.get({ id: operation.id }, request);
        if (!next)
          throw new ShopWardenError('NOT_FOUND', `Bulk operation ${operation.id} is not visible to this API key.`);
        operation = next;
      }
    },
  };
}

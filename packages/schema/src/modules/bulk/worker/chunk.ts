import type { Viewer } from '#modules/auth/viewer.ts';
import type { ErrorCode } from '#lib/errors.ts';

/**
 * How a chunk runs. Every chunk commits its lines, their keys, their result lines and the
 * operation's counters together, from where the committed `processedCount` says; the modes differ
 * in whom it acts as and when it takes the operation's row lock.
 */
export type ChunkMode =
  /** The chunk in turn: acts as the API key as it is now, and locks the operation's row first. */
  | { kind: 'in-turn' }
  /**
   * The first chunk of an operation handed over as it was stored (submission/hand-off.ts): acts as
   * the submitting request's caller, starts at line 0 while the storing transaction still runs, and
   * commits nothing before `stored` says the row committed (a cancellation that came first rolls it back).
   */
  | { kind: 'handed-over'; viewer: Viewer; stored: Promise<boolean> }
  /**
   * A chunk run beside the one in turn (independent lines, transactions side by side), from `from`,
   * where that chunk will end. It locks the row only once that chunk has ended (`after`), and
   * commits only if `processedCount` is then `from`; `proceed()` false (the worker stops) rolls it back.
   */
  | { kind: 'ahead'; from: number; after: Promise<unknown>; proceed: () => boolean };

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

/** Where an operation stands after a chunk. */
export type ChunkOutcome =
  | { state: 'RUNNING'; processedCount: number }
  | { state: 'COMPLETED' | 'CANCELED' }
  /** Another worker holds the operation now (this one's lease expired), or it finished elsewhere. */
  | { state: 'LOST' }
  | { state: 'FAILED'; errorCode: ErrorCode }
  /** A chunk ahead of its turn found the chunk before had not committed where it starts: it rolled back, and runs again in turn. */
  | { state: 'OUT_OF_TURN' };

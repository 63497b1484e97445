import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { PrismaClient } from '@shopwarden/db';
import { WakeableSleep } from '@shopwarden/jobs';
import {
  claimBulkOperation,
  extendBulkLease,
  failBulkOperation,
  onBulkOperationCreated,
  onBulkOperationHandOff,
  prepareBulkOperation,
  releaseBulkOperation,
  runBulkOperationChunk,
  type ChunkMode,
  type ChunkOptions,
  type ChunkOutcome,
  type BulkHandOff,
  type ClaimedBulkOperation,
  type HandedBulkOperation,
  type PreparedBulkOperation,
} from '@shopwarden/schema';
import type { Logger } from 'pino';
import type { ApiConfig } from './config.ts';
import { isDatabaseUnavailable } from './errors.ts';

export interface BulkWorkerOptions {
  prisma: PrismaClient;
  logger: Logger;
  config: ApiConfig['bulk'];
  /** Production mode ignores the sandbox clock, as requests do. */
  production: boolean;
  /**
   * The database runs transactions side by side (PostgreSQL, not PGlite): see
   * `ChunkOptions.concurrentTransactions`. The worker then also runs an operation's next chunk ahead
   * of its turn, beside the one before (`config.chunksAhead`). @default false
   */
  concurrentTransactions?: boolean;
  /** Stored in `lockedBy`; unique per worker. @default "<host>:<pid>:<random>" */
  id?: string;
  /** For tests: runs inside each chunk's transaction after its writes, before they commit. */
  beforeCommit?: ChunkOptions['beforeCommit'];
}

/** Serialization failures and deadlocks (two operations touching the same listings): the chunk is simply run again. */
const RETRY_CHUNK = /P2034|40001|40P01|could not serialize|deadlock detected/i;

const errorText = (error: unknown) =>
  error instanceof Error ? `${(error as { code?: string }).code ?? ''} ${error.message}` : String(error);

/**
 * Runs bulk operations in this API process. It claims one operation at a time (`FOR UPDATE SKIP
 * LOCKED`, so every instance can run a worker), keeps its lease alive with a heartbeat, and runs it
 * chunk after chunk, each chunk one transaction with its effects, results and counters; it stops
 * between chunks when the operation is canceled or its lease was taken over. It is woken at once
 * when this process stores an operation and otherwise polls. A worker that dies leaves a lease that
 * expires: another worker (or this one after a restart) resumes at the next chunk.
 */
export class BulkWorker {
  readonly id: string;
  private readonly options: BulkWorkerOptions;
  private loop: Promise<void> | null = null;
  private stopping = false;
  private dead = false;
  private readonly alarm = new WakeableSleep();
  private unsubscribe: (() => void) | null = null;
  /** An operation being stored for this worker (see `reserve`): the loop takes it before claiming. */
  private handed: Promise<HandedBulkOperation | null> | null = null;

  constructor(options: BulkWorkerOptions) {
    this.options = options;
    this.id = options.id ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  /** Starts claiming and polling (again, after `stop`). */
  start(): void {
    if (this.loop || this.dead) return;
    this.stopping = false;
    const unsubscribe = [onBulkOperationCreated(() => this.wake()), onBulkOperationHandOff(() => this.reserve())];
    this.unsubscribe = () => unsubscribe.forEach((u) => u());
    this.loop = this.run();
  }

  /** Finishes the chunk in flight (chunks run ahead of their turn roll back), gives its lease up (another worker resumes at once) and stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    this.wake();
    await this.loop;
    this.loop = null;
  }

  /**
   * For tests: stops as a crashed process would, without another statement: the operation keeps its
   * lease until it expires, and a chunk whose transaction has not committed yet rolls back when its
   * `beforeCommit` throws.
   */
  kill(): void {
    this.dead = true;
    this.stopping = true;
    this.unsubscribe?.();
    this.wake();
  }

  /** Processes every operation that can be claimed now, then resolves with how many it ran (for tests and benchmarks; do not combine with `start`). */
  async drain(): Promise<number> {
    let count = 0;
    while (!this.stopping) {
      const op = await this.claim();
      if (!op) break;
      await this.process(op);
      count++;
    }
    return count;
  }

  /**
   * Reserves this worker for an operation this process is storing, when it is idle: the operation is
   * stored RUNNING under this worker's lease and handed over while it is stored, with a promise of
   * whether it was (or the reservation given back). The loop waits for it instead of claiming, so the operation starts as soon as it is stored.
   */
  private reserve(): BulkHandOff | null {
    // Only while the loop idles (waiting for a wake-up or its poll) is it free to take one.
    if (!this.alarm.sleeping || this.handed || this.stopping) return null;
    let settle!: (op: HandedBulkOperation | null) => void;
    this.handed = new Promise((resolve) => (settle = resolve));
    this.wake();
    return {
      workerId: this.id,
      leaseMs: this.options.config.leaseMs,
      accept: (op) => settle(op),
      release: () => settle(null),
    };
  }

  private wake() {
    this.alarm.wake();
  }

  private async run(): Promise<void> {
    const { pollIntervalMs } = this.options.config;
    while (!this.stopping) {
      // An operation handed over as it was stored first (null: its insert did not happen), else the queue.
      let op: ClaimedBulkOperation | HandedBulkOperation | null = this.handed ? await this.handed : null;
      this.handed = null;
      try {
        op ??= await this.claim();
      } catch (error) {
        // The database is down (or refused): try again at the next poll, never crash the process.
        this.options.logger.warn({ err: error, worker: this.id }, 'bulk worker could not claim an operation');
      }
      if (op) await this.process(op);
      else if (!this.stopping) await this.alarm.sleep(pollIntervalMs);
    }
  }

  private claim() {
    return claimBulkOperation(this.options.prisma, this.id, this.options.config.leaseMs);
  }

  private async process(claimed: ClaimedBulkOperation | HandedBulkOperation): Promise<void> {
    const { prisma, logger, config } = this.options;
    const started = performance.now();
    const op = prepareBulkOperation(claimed);
    const log = logger.child({ bulkOperationId: op.id, mutation: op.mutation, worker: this.id });
    const heartbeat = setInterval(
      () => {
        if (this.dead) return;
        extendBulkLease(prisma, op.id, this.id, config.leaseMs).catch((err: unknown) =>
          log.warn({ err }, 'bulk lease heartbeat failed'),
        );
      },
      Math.max(50, Math.floor(config.leaseMs / 3)),
    );
    heartbeat.unref();
    const chunk: ChunkOptions = {
      workerId: this.id,
      chunkSize: config.chunkSize,
      batchSize: config.batchSize,
      leaseMs: config.leaseMs,
      production: this.options.production,
      concurrentTransactions: this.options.concurrentTransactions,
      beforeCommit: this.options.beforeCommit,
    };
    // Chunks after the one in turn that run beside it (ChunkMode `ahead`), in line order.
    // Only for a mutation whose lines are independent: a chunk ahead does not see the writes of the one before.
    const aheadLimit =
      this.options.concurrentTransactions && op.chunksMayRunAhead ? Math.max(0, config.chunksAhead) : 0;
    const running: { from: number; outcome: Promise<ChunkOutcome | Error> }[] = [];
    // Where the last chunk started (in turn or ahead) will end, and when it has.
    let next = claimed.processedCount;
    let last: Promise<unknown> = Promise.resolve();
    const startAhead = () => {
      while (running.length < aheadLimit && next < op.lineCount && !this.stopping) {
        const from = next;
        next = Math.min(op.lineCount, from + config.chunkSize);
        const outcome = runBulkOperationChunk(prisma, op, chunk, {
          kind: 'ahead',
          from,
          after: last,
          proceed: () => !this.stopping,
        }).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
        running.push({ from, outcome });
        last = outcome;
      }
    };
    // The first chunk in turn of an operation handed over as it was stored acts as its caller; every later one in turn.
    let turn: ChunkMode = op.firstTurn;
    try {
      for (;;) {
        if (this.stopping) {
          // Chunks ahead of their turn roll back first (a stop commits only the chunk in turn).
          await Promise.all(running.map((r) => r.outcome));
          if (!this.dead)
            await releaseBulkOperation(prisma, op.id, this.id).catch((err: unknown) =>
              log.warn({ err }, 'could not release a bulk operation'),
            );
          return;
        }
        let outcome: ChunkOutcome;
        try {
          const ahead = running.shift();
          let result: ChunkOutcome | Error | null = null;
          if (ahead) {
            startAhead();
            result = await ahead.outcome;
            // Rolled back for a stop: the loop's start stops.
            if (this.stopping && (result instanceof Error || result.state === 'OUT_OF_TURN')) continue;
            // Its transaction failed (a deadlock with another operation, say): run it again in turn.
            if (result instanceof Error)
              log.debug({ err: result }, 'bulk chunk ahead of its turn failed; running it in turn');
          }
          if (!ahead || result === null || result instanceof Error || result.state === 'OUT_OF_TURN') {
            // In turn: from the committed processedCount, under the row lock; the next chunk runs beside it.
            if (!ahead) next = Math.min(op.lineCount, next + config.chunkSize);
            const inTurn = this.runChunk(op, chunk, turn);
            turn = { kind: 'in-turn' };
            last = inTurn.catch(() => undefined);
            startAhead();
            outcome = await inTurn;
          } else outcome = result;
        } catch (error) {
          if (this.dead) return;
          if (isDatabaseUnavailable(error)) {
            // Leave it: the lease expires and a worker resumes it at the same chunk once the database is back.
            log.warn({ err: error }, 'bulk operation paused: the database is unavailable');
            return;
          }
          log.error({ err: error }, 'bulk operation failed unexpectedly');
          await failBulkOperation(prisma, op.id, this.id, 'INTERNAL').catch((err: unknown) =>
            log.error({ err }, 'could not mark the bulk operation FAILED'),
          );
          return;
        }
        if (outcome.state !== 'RUNNING') {
          log.info(
            {
              state: outcome.state,
              ms: Math.round(performance.now() - started),
              ...(outcome.state === 'FAILED' ? { errorCode: outcome.errorCode } : {}),
            },
            'bulk operation stopped',
          );
          return;
        }
      }
    } finally {
      // Chunks still ahead of their turn roll back: the operation is no longer RUNNING under this lease, or the worker stops.
      await Promise.all(running.map((r) => r.outcome));
      clearInterval(heartbeat);
    }
  }

  private async runChunk(op: PreparedBulkOperation, chunk: ChunkOptions, mode: ChunkMode): Promise<ChunkOutcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        // A retry acts as the key as it is now.
        return await runBulkOperationChunk(this.options.prisma, op, chunk, attempt === 1 ? mode : { kind: 'in-turn' });
      } catch (error) {
        if (this.dead || attempt >= 5 || !RETRY_CHUNK.test(errorText(error))) throw error;
        await new Promise((r) => setTimeout(r, 20 * 2 ** attempt + Math.random() * 50));
      }
    }
  }
}

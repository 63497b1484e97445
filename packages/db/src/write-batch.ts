/**
 * Write coalescing: concurrent calls of one set-based statement run as ONE execution over all their
 * values (a group commit done by the application). Under load the database then parses, commits,
 * flushes its log and fires statement triggers once per batch instead of once per call. A call runs
 * at once while fewer than `maxInFlight` batches run, so a quiet server adds no wait; otherwise it
 * waits for the next batch. Each call keeps its own answer: the statement returns one row per item,
 * and a batch that fails as a whole runs each of its items alone, so one item's error (a constraint,
 * a cancelled request) never becomes another caller's.
 */
import { AsyncResource } from 'node:async_hooks';
import { cancelledStatement, currentScope, runInScope, StatementScope } from './statement-scope.ts';

export interface WriteBatchOptions<I> {
  /** Batches running at once; more calls wait and join the next batch. */
  maxInFlight: number;
  /** Items in one batch at most. */
  maxBatch: number;
  /** Items with the same key run one after the other: never in one batch, nor in two batches at once. */
  key?(item: I): unknown;
}

interface Pending<I, R> {
  item: I;
  resolve(result: R): void;
  reject(error: unknown): void;
  /** The caller's async context: its statements run in its request's scope (cancellation, counting). */
  scope: AsyncResource;
  /** The caller's statement scope (its request's), when it has one. */
  statements: StatementScope | undefined;
}

export class WriteBatcher<I, R> {
  private readonly queue: Pending<I, R>[] = [];
  private inFlight = 0;
  /** Keys of the items of running batches. */
  private readonly running = new Set<unknown>();

  /** `run` answers its items in order, one result each. */
  constructor(
    private readonly run: (items: I[]) => Promise<R[]>,
    private readonly options: WriteBatchOptions<I>,
  ) {}

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject, scope: new AsyncResource('WriteBatch'), statements: currentScope() });
      this.pump();
    });
  }

  private pump() {
    while (this.inFlight < this.options.maxInFlight && this.queue.length) {
      const batch = this.take();
      const [first] = batch;
      // Every waiting item's key is running: the batch that ends first pumps again.
      if (!first) return;
      this.inFlight++;
      // The batch's statement runs in the context of the call that opened it.
      void first.scope
        .runInAsyncScope(() => this.execute(batch))
        .finally(() => {
          this.inFlight--;
          if (this.options.key) for (const p of batch) this.running.delete(this.options.key(p.item));
          this.pump();
        });
    }
  }

  /** The next batch: queued items in order, at most `maxBatch`, one per key, none of a running key. */
  private take(): Pending<I, R>[] {
    const { key, maxBatch } = this.options;
    const batch: Pending<I, R>[] = [];
    const waiting: Pending<I, R>[] = [];
    for (const p of this.queue) {
      // A request that ran out of time while its item waited: its work never starts.
      if (p.statements?.cancelled) {
        p.reject(cancelledStatement());
        continue;
      }
      const k = key?.(p.item);
      if (batch.length >= maxBatch || (key && this.running.has(k))) {
        waiting.push(p);
        continue;
      }
      if (key) this.running.add(k);
      batch.push(p);
    }
    this.queue.splice(0, this.queue.length, ...waiting);
    return batch;
  }

  private async execute(batch: Pending<I, R>[]): Promise<void> {
    let results: R[];
    try {
      results = await this.runShared(batch);
    } catch (error) {
      if (batch.length === 1) return batch[0]?.reject(error);
      // Alone, each item succeeds or fails on its own.
      await Promise.all(
        batch.map((p) =>
          p.scope.runInAsyncScope(() =>
            this.run([p.item]).then(
              ([result]) => p.resolve(result as R),
              (itemError: unknown) => p.reject(itemError),
            ),
          ),
        ),
      );
      return;
    }
    if (results.length !== batch.length) {
      const error = new Error(`a batch of ${batch.length} writes answered ${results.length} rows`);
      for (const p of batch) p.reject(error);
      return;
    }
    batch.forEach((p, i) => p.resolve(results[i] as R));
  }

  /**
   * A batch of several callers runs in a statement scope of its own, joined to each caller's: a
   * caller's request that runs out of time cancels it, and the others then run alone.
   */
  private async runShared(batch: Pending<I, R>[]): Promise<R[]> {
    const items = batch.map((p) => p.item);
    if (batch.length === 1) return this.run(items);
    const shared = new StatementScope();
    const members = batch.flatMap((p) => (p.statements ? [p.statements] : []));
    for (const m of members) m.joined.add(shared);
    try {
      return await runInScope(shared, () => this.run(items));
    } finally {
      for (const m of members) m.joined.delete(shared);
    }
  }
}

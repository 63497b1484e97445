import type { BulkOperationStatus } from '@shopwarden/db';
import { feedKey } from '#context';
import { InvalidStateError } from '#lib/errors.ts';
import { finishedStatuses } from '#modules/bulk/bulk-operation.ts';

/** The channel the database notifies when a bulk operation finishes (migration 20261202060000_bulk_operation_finished). */
export const BULK_OPERATIONS_CHANNEL = 'shopwarden_bulk_operations';

/** A bulk operation reached COMPLETED, FAILED or CANCELED (committed). */
export interface BulkOperationFinished {
  id: number;
  apiKeyId: number;
  status: BulkOperationStatus;
}

/** What a subscriber hears: a finished operation, or `resync` after the listener was away (notifications may have been missed: read the state again). */
export type BulkFeedSignal = { kind: 'finished'; operation: BulkOperationFinished } | { kind: 'resync' };

/** `Database['listen']`: LISTEN on a channel; `onStatus` says when the listener is connected or lost. */
export type ListenFn = (
  channel: string,
  onMessage: (payload: string) => void,
  onStatus?: (listening: boolean) => void,
) => Promise<() => Promise<void>>;

/** Parses "<id>|<apiKeyId>|<status>"; null for anything else. */
export function parseFinished(payload: string): BulkOperationFinished | null {
  const [id, apiKeyId, status, ...rest] = payload.split('|');
  if (
    rest.length ||
    !status ||
    !(finishedStatuses as readonly string[]).includes(status) ||
    !/^\d+$/.test(id ?? '') ||
    !/^\d+$/.test(apiKeyId ?? '')
  )
    return null;
  return { id: Number(id), apiKeyId: Number(apiKeyId), status: status as BulkOperationStatus };
}

/**
 * The "bulk operation finished" events of the whole deployment, for this process: ONE listener on
 * the database's notifications (started with the first subscriber, kept while the process runs),
 * fanned out to the subscribers in this process. Whichever instance's worker finishes an
 * operation, every instance hears it once its transaction commits.
 *
 * A subscriber first waits for `ready` (the listener is connected, or could not connect within
 * `readyTimeoutMs`), then reads the state it follows from the database: an operation that finished
 * before is then seen either way. Whenever the listener (re)connects, every subscriber hears
 * `resync` and reads again (what finished while nobody listened).
 */
export class BulkOperationFeed {
  private readonly subscribers = new Set<(signal: BulkFeedSignal) => void>();
  /** Open subscriptions per API key, for `maxPerKey`. */
  private readonly perKey = new Map<number, number>();
  private starting: Promise<void> | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  private listening = false;
  private stopped = false;

  constructor(
    private readonly listen: ListenFn,
    private readonly options: { readyTimeoutMs?: number; maxPerKey?: number; onError?: (err: unknown) => void } = {},
  ) {}

  /**
   * Adds a subscriber of API key `apiKeyId`; `ready` resolves once notifications are being received
   * (or could not be within the timeout). LIMIT_EXCEEDED when the key already has `maxPerKey` open.
   */
  subscribe(
    apiKeyId: number,
    onSignal: (signal: BulkFeedSignal) => void,
  ): { ready: Promise<void>; unsubscribe: () => void } {
    const open = this.perKey.get(apiKeyId) ?? 0;
    const max = this.options.maxPerKey ?? 50;
    if (open >= max)
      throw new InvalidStateError(
        'LIMIT_EXCEEDED',
        `At most ${max} subscriptions per API key can be open at once on one API instance; close one first.`,
      );
    this.perKey.set(apiKeyId, open + 1);
    this.subscribers.add(onSignal);
    let subscribed = true;
    const unsubscribe = () => {
      if (!subscribed) return;
      subscribed = false;
      this.subscribers.delete(onSignal);
      const left = (this.perKey.get(apiKeyId) ?? 1) - 1;
      if (left > 0) this.perKey.set(apiKeyId, left);
      else this.perKey.delete(apiKeyId);
    };
    return { ready: this.start(), unsubscribe };
  }

  /** Subscribers in this process (for tests and metrics). */
  get size(): number {
    return this.subscribers.size;
  }

  /** Stops listening and tells no one anything more. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.subscribers.clear();
    this.perKey.clear();
    await this.starting?.catch(() => undefined);
    await this.unlisten?.();
    this.unlisten = null;
  }

  private start(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.starting ??= this.listen(
      BULK_OPERATIONS_CHANNEL,
      (payload) => this.onMessage(payload),
      (listening) => this.onStatus(listening),
    ).then(
      (unlisten) => {
        this.unlisten = unlisten;
      },
      (err: unknown) => {
        // Try again with the next subscriber; this one reads the state once and waits.
        this.starting = null;
        this.options.onError?.(err);
      },
    );
    const timeout = this.options.readyTimeoutMs ?? 3_000;
    const started = this.starting ?? Promise.resolve();
    if (this.listening) return Promise.resolve();
    return Promise.race([started, new Promise<void>((resolve) => setTimeout(resolve, timeout).unref())]);
  }

  private onMessage(payload: string) {
    const operation = parseFinished(payload);
    if (!operation) return;
    for (const subscriber of [...this.subscribers]) subscriber({ kind: 'finished', operation });
  }

  private onStatus(listening: boolean) {
    this.listening = listening;
    // Connected (again): whatever finished while nobody listened is read by every subscriber.
    if (listening) for (const subscriber of [...this.subscribers]) subscriber({ kind: 'resync' });
  }
}

/** The context's key of the feed (`ctx.feed(bulkOperationFeedKey)`), registered by the API. */
export const bulkOperationFeedKey = feedKey<BulkOperationFeed>('bulkOperationFeed');

import type { PrismaClient } from '@shopwarden/db';
import { feedKey } from '#context';
import { InvalidStateError } from '#lib/errors.ts';
import type { ListenFn } from '#modules/bulk/api/bulk-operation-feed.ts';
import { EVENTS_CHANNEL } from '#modules/webhooks/webhook-delivery.service.ts';
import { storedEventSelect, type StoredEvent } from '#modules/webhooks/webhook-payload.ts';

/** Parses the relay's notification: the relayed event ids, comma-separated. */
export function parseEventIds(payload: string): number[] {
  return payload
    .split(',')
    .map(Number)
    .filter((id) => Number.isSafeInteger(id) && id > 0);
}

/**
 * The committed outbox events of the whole deployment, for this process's subscriptions: ONE
 * listener on the relay's notifications (`shopwarden_events`, sent by whichever instance relayed
 * the events), each batch read once and handed to every subscriber in event order.
 */
export class EventFeed {
  private readonly subscribers = new Set<(event: StoredEvent) => void>();
  private readonly perKey = new Map<number, number>();
  private starting: Promise<void> | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly listen: ListenFn,
    private readonly prisma: PrismaClient,
    private readonly options: { readyTimeoutMs?: number; maxPerKey?: number; onError?: (err: unknown) => void } = {},
  ) {}

  /** Adds a subscriber; `ready` resolves once notifications are being received (or the timeout passed). LIMIT_EXCEEDED over `maxPerKey` per key. */
  subscribe(
    apiKeyId: number,
    onEvent: (event: StoredEvent) => void,
  ): { ready: Promise<void>; unsubscribe: () => void } {
    const open = this.perKey.get(apiKeyId) ?? 0;
    const max = this.options.maxPerKey ?? 50;
    if (open >= max)
      throw new InvalidStateError(
        'LIMIT_EXCEEDED',
        `At most ${max} event subscriptions per API key can be open at once on one API instance; close one first.`,
      );
    this.perKey.set(apiKeyId, open + 1);
    this.subscribers.add(onEvent);
    let subscribed = true;
    const unsubscribe = () => {
      if (!subscribed) return;
      subscribed = false;
      this.subscribers.delete(onEvent);
      const left = (this.perKey.get(apiKeyId) ?? 1) - 1;
      if (left > 0) this.perKey.set(apiKeyId, left);
      else this.perKey.delete(apiKeyId);
    };
    return { ready: this.start(), unsubscribe };
  }

  get size(): number {
    return this.subscribers.size;
  }

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
    this.starting ??= this.listen(EVENTS_CHANNEL, (payload) => this.onMessage(payload)).then(
      (unlisten) => {
        this.unlisten = unlisten;
      },
      (err: unknown) => {
        this.starting = null;
        this.options.onError?.(err);
      },
    );
    const timeout = this.options.readyTimeoutMs ?? 3_000;
    return Promise.race([this.starting, new Promise<void>((resolve) => setTimeout(resolve, timeout).unref())]);
  }

  private onMessage(payload: string) {
    if (!this.subscribers.size) return;
    const ids = parseEventIds(payload);
    if (!ids.length) return;
    // One read per batch, whatever the number of subscribers; batches are handed on in arrival order.
    this.chain = this.chain
      .then(async () => {
        const events = await this.prisma.outboxEvent.findMany({
          where: { id: { in: ids } },
          orderBy: { id: 'asc' },
          select: storedEventSelect,
        });
        for (const event of events) for (const subscriber of [...this.subscribers]) subscriber(event);
      })
      .catch((err: unknown) => this.options.onError?.(err));
  }
}

/** The context's key of the feed (`ctx.feed(eventFeedKey)`), registered by the API. */
export const eventFeedKey = feedKey<EventFeed>('eventFeed');

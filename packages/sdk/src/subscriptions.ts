import { ShopWardenError } from './errors.ts';
import {
  BulkFinishedDocument,
  SubscriptionListingReviewedDocument,
  SubscriptionPartnershipChangedDocument,
  SubscriptionRegistrationPromotedDocument,
  SubscriptionShopHealthChangedDocument,
  SubscriptionShopTierChangedDocument,
  SubscriptionViolationRecordedDocument,
} from './generated/operations.ts';
import type {
  BulkFinishedSubscription,
  ShopEventFieldsFragment,
  WebhookEventRegistrationObjectFragment,
  WebhookListingObjectFragment,
  WebhookPartnershipObjectFragment,
  WebhookShopObjectFragment,
  WebhookShopTierObjectFragment,
  WebhookViolationObjectFragment,
} from './generated/types.ts';
import { connectionOf } from './transport.ts';
import type { GraphQLErrorEntry, ResponseLike, ShopWardenClientOptions, TypedDocumentString } from './types.ts';

export interface SubscribeOptions {
  /** Aborting ends the iteration (the connection closes); so does `break` in `for await`. */
  signal?: AbortSignal;
  /** Extra headers for this subscription. */
  headers?: Record<string, string>;
}

/**
 * Opens a subscription (GraphQL over Server-Sent Events, distinct-connections mode) and yields the
 * `data` of every result the server pushes, until the server completes it, `signal` aborts, or the
 * loop stops. A pushed error, an answer that is not an event stream, or a connection that drops
 * throws `ShopWardenError` (`NETWORK_ERROR` for a drop: subscribe again, and read what you missed).
 */
export type Subscribe = <TData, TVariables>(
  document: TypedDocumentString<TData, TVariables> | string,
  variables?: TVariables,
  options?: SubscribeOptions,
) => AsyncGenerator<TData, void, undefined>;

const errorOf = (errors: GraphQLErrorEntry[], status?: number) =>
  new ShopWardenError(
    errors[0]?.extensions?.code ?? 'GRAPHQL_ERROR',
    errors[0]?.message ?? 'The subscription failed.',
    {
      errors,
      status,
    },
  );

export function createSubscribe(options: ShopWardenClientOptions): Subscribe {
  const { fetchFn, headers } = connectionOf(options);
  return async function* subscribe<TData, TVariables>(
    document: TypedDocumentString<TData, TVariables> | string,
    variables?: TVariables,
    { signal, headers: extra }: SubscribeOptions = {},
  ): AsyncGenerator<TData, void, undefined> {
    if (signal?.aborted) return;
    const stream = new AbortController();
    const stop = () => stream.abort(signal?.reason);
    signal?.addEventListener('abort', stop, { once: true });
    // Every wait also ends when the stream aborts (not every fetch ends its body's reads on abort).
    const aborted = new Promise<never>((_, reject) =>
      stream.signal.addEventListener('abort', () => reject(stream.signal.reason), { once: true }),
    );
    aborted.catch(() => undefined);
    let reader: ReturnType<NonNullable<ResponseLike['body']>['getReader']> | undefined;
    try {
      let response: ResponseLike;
      try {
        response = await Promise.race([
          fetchFn(options.url, {
            method: 'POST',
            headers: { ...headers, ...extra, accept: 'text/event-stream' },
            body: JSON.stringify({ query: String(document), variables: variables ?? {} }),
            signal: stream.signal,
          }),
          aborted,
        ]);
      } catch (error) {
        if (stream.signal.aborted) return;
        throw new ShopWardenError('NETWORK_ERROR', 'Could not open the subscription.', { cause: error });
      }
      if (!response.headers.get('content-type')?.includes('text/event-stream') || !response.body) {
        const text = await response.text().catch(() => '');
        let errors: GraphQLErrorEntry[] = [];
        try {
          errors = (JSON.parse(text) as { errors?: GraphQLErrorEntry[] }).errors ?? [];
        } catch {
          // Not JSON: described below.
        }
        throw errors.length
          ? errorOf(errors, response.status)
          : new ShopWardenError('HTTP_ERROR', `HTTP ${response.status}: the server did not open an event stream.`, {
              status: response.status,
            });
      }
      reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        let chunk: { done: boolean; value?: Uint8Array };
        try {
          chunk = await Promise.race([reader.read(), aborted]);
        } catch (error) {
          if (stream.signal.aborted) return;
          throw new ShopWardenError('NETWORK_ERROR', 'The subscription stream failed.', { cause: error });
        }
        if (chunk.done) throw new ShopWardenError('NETWORK_ERROR', 'The subscription stream closed.');
        buffer += decoder.decode(chunk.value, { stream: true }).replace(/\r\n?/g, '\n');
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          let data = '';
          for (const line of message.split('\n')) {
            if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data += (data ? '\n' : '') + line.slice(5).trimStart();
          }
          if (event === 'complete') return;
          if (event !== 'next' || !data) continue;
          const result = JSON.parse(data) as { data?: TData | null; errors?: GraphQLErrorEntry[] };
          if (result.errors?.length || result.data == null) throw errorOf(result.errors ?? []);
          yield result.data;
        }
      }
    } finally {
      signal?.removeEventListener('abort', stop);
      stream.abort();
      reader?.cancel().catch(() => undefined);
    }
  };
}

type ShopFilter = { shopId?: string | null };

/**
 * A pushed event of one family: `subject` is its object as the webhook payload's `data.object`
 * renders it (the same fragment), read when the event is pushed; null when it is gone or your key
 * may not read it.
 */
export type ShopEventOf<TSubject> = ShopEventFieldsFragment & { subject: TSubject | null };

type EventStream<TSubject> = (
  variables?: ShopFilter,
  options?: SubscribeOptions,
) => AsyncGenerator<ShopEventOf<TSubject>>;

/** `client.subscriptions`: one method per event family, each an async iterator of the events pushed. */
export interface SubscriptionHelpers {
  /** `listing.reviewed` of the shops you reach (or of `shopId`); needs `listings:read`. */
  readonly listingReviewed: EventStream<WebhookListingObjectFragment>;
  /** `violation.recorded`; needs `health:read`. */
  readonly violationRecorded: EventStream<WebhookViolationObjectFragment>;
  /** `shop.health_changed`; needs `health:read` (`subject` also `shops:read`). */
  readonly shopHealthChanged: EventStream<WebhookShopObjectFragment>;
  /** `shop.tier_changed`; needs `revenue:read` (`subject` also `shops:read`). */
  readonly shopTierChanged: EventStream<WebhookShopTierObjectFragment>;
  /** `registration.promoted`; needs `events:read`. */
  readonly registrationPromoted: EventStream<WebhookEventRegistrationObjectFragment>;
  /** `partnership.*`, also for the partner app representing the creator; needs `partnerships:read`. */
  readonly partnershipChanged: EventStream<WebhookPartnershipObjectFragment>;
  /** Your bulk operation once it is COMPLETED, FAILED or CANCELED (one event, then the stream ends). */
  readonly bulkOperationFinished: (
    variables: { id: string },
    options?: SubscribeOptions,
  ) => AsyncGenerator<BulkFinishedSubscription['bulkOperationFinished']>;
}

export function createSubscriptionHelpers(subscribe: Subscribe): SubscriptionHelpers {
  // The generated type allows any Node as `subject`; the server only pushes the family's own type.
  const family = <TSubject, K extends string>(
    document: TypedDocumentString<Record<K, ShopEventFieldsFragment & { subject: unknown }>, ShopFilter>,
    key: K,
  ) =>
    async function* (variables: ShopFilter = {}, options?: SubscribeOptions) {
      for await (const data of subscribe(document, variables, options)) yield data[key] as ShopEventOf<TSubject>;
    };
  return Object.freeze({
    listingReviewed: family<WebhookListingObjectFragment, 'listingReviewed'>(
      SubscriptionListingReviewedDocument,
      'listingReviewed',
    ),
    violationRecorded: family<WebhookViolationObjectFragment, 'violationRecorded'>(
      SubscriptionViolationRecordedDocument,
      'violationRecorded',
    ),
    shopHealthChanged: family<WebhookShopObjectFragment, 'shopHealthChanged'>(
      SubscriptionShopHealthChangedDocument,
      'shopHealthChanged',
    ),
    shopTierChanged: family<WebhookShopTierObjectFragment, 'shopTierChanged'>(
      SubscriptionShopTierChangedDocument,
      'shopTierChanged',
    ),
    registrationPromoted: family<WebhookEventRegistrationObjectFragment, 'registrationPromoted'>(
      SubscriptionRegistrationPromotedDocument,
      'registrationPromoted',
    ),
    partnershipChanged: family<WebhookPartnershipObjectFragment, 'partnershipChanged'>(
      SubscriptionPartnershipChangedDocument,
      'partnershipChanged',
    ),
    async *bulkOperationFinished(variables: { id: string }, options?: SubscribeOptions) {
      for await (const data of subscribe(BulkFinishedDocument, variables, options)) yield data.bulkOperationFinished;
    },
  });
}

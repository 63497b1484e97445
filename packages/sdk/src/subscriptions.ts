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
import type { BulkFinishedSubscription, ShopEventFieldsFragment } from './generated/types.ts';
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
type EventStream = (variables?: ShopFilter, options?: SubscribeOptions) => AsyncGenerator<ShopEventFieldsFragment>;

/** `client.subscriptions`: one method per event family, each an async iterator of the events pushed. */
export interface SubscriptionHelpers {
  /** `listing.reviewed` of the shops you reach (or of `shopId`); needs `listings:read`. */
  readonly listingReviewed: EventStream;
  /** `violation.recorded`; needs `health:read`. */
  readonly violationRecorded: EventStream;
  /** `shop.health_changed`; needs `health:read`. */
  readonly shopHealthChanged: EventStream;
  /** `shop.tier_changed`; needs `revenue:read`. */
  readonly shopTierChanged: EventStream;
  /** `registration.promoted`; needs `events:read`. */
  readonly registrationPromoted: EventStream;
  /** `partnership.*`, also for the partner app representing the creator; needs `partnerships:read`. */
  readonly partnershipChanged: EventStream;
  /** Your bulk operation once it is COMPLETED, FAILED or CANCELED (one event, then the stream ends). */
  readonly bulkOperationFinished: (
    variables: { id: string },
    options?: SubscribeOptions,
  ) => AsyncGenerator<BulkFinishedSubscription['bulkOperationFinished']>;
}

export function createSubscriptionHelpers(subscribe: Subscribe): SubscriptionHelpers {
  const family = <K extends string>(
    document: TypedDocumentString<Record<K, ShopEventFieldsFragment>, ShopFilter>,
    key: K,
  ) =>
    async function* (variables: ShopFilter = {}, options?: SubscribeOptions) {
      for await (const data of subscribe(document, variables, options)) yield data[key];
    };
  return Object.freeze({
    listingReviewed: family(SubscriptionListingReviewedDocument, 'listingReviewed'),
    violationRecorded: family(SubscriptionViolationRecordedDocument, 'violationRecorded'),
    shopHealthChanged: family(SubscriptionShopHealthChangedDocument, 'shopHealthChanged'),
    shopTierChanged: family(SubscriptionShopTierChangedDocument, 'shopTierChanged'),
    registrationPromoted: family(SubscriptionRegistrationPromotedDocument, 'registrationPromoted'),
    partnershipChanged: family(SubscriptionPartnershipChangedDocument, 'partnershipChanged'),
    async *bulkOperationFinished(variables: { id: string }, options?: SubscribeOptions) {
      for await (const data of subscribe(BulkFinishedDocument, variables, options)) yield data.bulkOperationFinished;
    },
  });
}

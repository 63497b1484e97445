import { createBulkHelpers, type BulkHelpers } from './bulk.ts';
import { estimateCost, parseForCost } from './cost.ts';
import { costSchema } from './generated/cost-schema.ts';
import { ShopWardenError } from './errors.ts';
import { operationTable, type ShopWardenOperations } from './generated/operations.ts';
import { paginate, type ConnectionLike } from './paginate.ts';
import {
  createSubscribe,
  createSubscriptionHelpers,
  type Subscribe,
  type SubscriptionHelpers,
} from './subscriptions.ts';
import { createPushOnce, createTransport, type CostEstimator, type Send } from './transport.ts';
import type {
  ArgsFor,
  ClientResponse,
  RequestOptions,
  ResultFor,
  ShopWardenClientOptions,
  TypedDocumentString,
} from './types.ts';

/** The client: grouped methods (`client.shops.list`, …) plus `request` and `paginate` for your own documents. */
export interface ShopWardenClient extends Omit<ShopWardenOperations, 'bulk'> {
  /** Bulk operations: the generated `get`, `list`/`paginate`, `submit`, `cancel`, and `run`, which submits and follows. */
  readonly bulk: ShopWardenOperations['bulk'] & BulkHelpers;
  /** The endpoint this client talks to. */
  readonly url: string;
  /**
   * Live events, one method per family, each an async iterator:
   * `for await (const e of client.subscriptions.shopHealthChanged()) …` (docs/subscriptions.md).
   */
  readonly subscriptions: SubscriptionHelpers;
  /** Opens any subscription document and yields the `data` of each result pushed (Server-Sent Events). */
  readonly subscribe: Subscribe;
  /**
   * Runs any document and returns the raw response, `{ data, errors, extensions, status }`,
   * typed when the document is a `TypedDocumentString`. Top-level errors are returned, not
   * thrown; only a network failure after every retry throws (`ShopWardenError`, `NETWORK_ERROR`).
   */
  request<TDocument extends string>(
    document: TDocument,
    ...args: ArgsFor<TDocument>
  ): Promise<ClientResponse<ResultFor<TDocument>>>;
  /**
   * Every node of the connection `select` picks from the result, page after page: the document
   * must take an `$after: String` variable.
   */
  paginate<TResult, TVariables extends { after?: string | null }, TNode>(
    document: TypedDocumentString<TResult, TVariables>,
    variables: Omit<TVariables, 'after'>,
    select: (data: TResult) => ConnectionLike<TNode> | null | undefined,
    options?: RequestOptions,
  ): AsyncGenerator<TNode, void, undefined>;
}

/** `data` of a response, or a `ShopWardenError` for top-level errors. */
function dataOf<TData>(response: ClientResponse<TData>): TData {
  const first = response.errors?.[0];
  if (first || response.data == null) {
    const code = first?.extensions?.code ?? 'GRAPHQL_ERROR';
    throw new ShopWardenError(code, first?.message ?? `HTTP ${response.status}: the response has no data.`, {
      status: response.status,
      errors: response.errors ?? [],
      ...(response.extensions?.requestId ? { requestId: response.extensions.requestId } : {}),
    });
  }
  return response.data;
}

function pick(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) current = current == null ? current : (current as Record<string, unknown>)[key];
  return current;
}

function createGroups(send: Send) {
  const groups: Record<string, Readonly<Record<string, unknown>>> = {};
  for (const [group, entries] of Object.entries(operationTable)) {
    const methods: Record<string, unknown> = {};
    for (const entry of entries) {
      const run = async (variables?: Record<string, unknown>, options?: RequestOptions) =>
        pick(dataOf(await send<Record<string, unknown>>(entry.document, variables, options)), [entry.field]);
      methods[entry.method] = run;
      if ('paginate' in entry) {
        const rest = entry.connection.slice(1);
        methods[entry.paginate] = (variables?: Record<string, unknown>, options?: RequestOptions) =>
          paginate(
            async (after) => pick(await run({ ...variables, after }, options), rest) as ConnectionLike<unknown> | null,
          );
      }
    }
    groups[group] = Object.freeze(methods);
  }
  return groups;
}

/** Prices requests from the schema's costs, parsing each distinct document once. */
function createCostEstimator(): CostEstimator {
  const parsed = new Map<string, ReturnType<typeof parseForCost> | null>();
  return (document, variables, operationName) => {
    let doc = parsed.get(document);
    if (doc === undefined) {
      try {
        doc = parseForCost(document);
      } catch {
        doc = null;
      }
      // Bounded: a caller that builds a new document per request must not grow memory without end.
      if (parsed.size >= 500) parsed.clear();
      parsed.set(document, doc);
    }
    return doc ? estimateCost(costSchema, doc, variables, operationName) : null;
  };
}

/**
 * A small frozen client for the ShopWarden API.
 *
 * ```ts
 * const client = createShopWardenClient({ url: 'http://localhost:4000/graphql', apiKey: process.env.SHOPWARDEN_API_KEY! });
 * for await (const shop of client.shops.paginate({ filter: { hasPrimaryCategory: false } })) console.log(shop.name);
 * ```
 */
export function createShopWardenClient(options: ShopWardenClientOptions): ShopWardenClient {
  const hashes = new Map<string, string>(
    Object.values(operationTable).flatMap((entries) => entries.map((e) => [e.document, e.hash] as [string, string])),
  );
  const send = createTransport(options, hashes, createCostEstimator());
  const request = (document: string, variables?: Record<string, unknown>, requestOptions?: RequestOptions) =>
    send(String(document), variables, requestOptions);
  const groups = createGroups(send);
  const bulk = groups.bulk as unknown as ShopWardenOperations['bulk'];
  groups.bulk = Object.freeze({ ...bulk, ...createBulkHelpers(bulk, createPushOnce(options)) });
  const subscribe = createSubscribe(options);
  const client = {
    ...groups,
    url: options.url,
    subscriptions: createSubscriptionHelpers(subscribe),
    subscribe,
    request,
    paginate: (
      document: string,
      variables: Record<string, unknown>,
      select: (data: unknown) => ConnectionLike<unknown> | null | undefined,
      requestOptions?: RequestOptions,
    ) => paginate(async (after) => select(dataOf(await send(document, { ...variables, after }, requestOptions)))),
  };
  return Object.freeze(client) as unknown as ShopWardenClient;
}

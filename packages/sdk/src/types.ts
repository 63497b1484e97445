/**
 * A GraphQL document as a plain string, branded with its result and variables types. The
 * generated documents (`ShopListDocument`, …) are these; at run time they are only strings.
 * Structurally compatible with `DocumentTypeDecoration` from `@graphql-typed-document-node/core`.
 */
export type TypedDocumentString<TResult, TVariables> = string & {
  /** Type-level only: never set at run time. */
  readonly __apiType?: (variables: TVariables) => TResult;
};

/** The result type of a typed document. */
export type ResultOf<TDocument> =
  TDocument extends TypedDocumentString<infer TResult, infer _TVariables> ? TResult : never;

/** The variables type of a typed document. */
export type VariablesOf<TDocument> =
  TDocument extends TypedDocumentString<infer _TResult, infer TVariables> ? TVariables : never;

/** The result type of a document: its typed result, or a plain record for an untyped string. */
export type ResultFor<TDocument> =
  TDocument extends TypedDocumentString<infer TResult, infer _TVariables>
    ? unknown extends TResult
      ? Record<string, unknown>
      : TResult
    : Record<string, unknown>;

/** The `[variables, options]` arguments for a document: typed for a `TypedDocumentString`. */
export type ArgsFor<TDocument> =
  TDocument extends TypedDocumentString<infer _TResult, infer TVariables>
    ? unknown extends TVariables
      ? [variables?: Record<string, unknown>, options?: RequestOptions]
      : VariablesArgs<TVariables>
    : [variables?: Record<string, unknown>, options?: RequestOptions];

/** The variables argument: optional when every variable is optional. */
export type VariablesArgs<TVariables> =
  Record<never, never> extends TVariables
    ? [variables?: TVariables, options?: RequestOptions]
    : [variables: TVariables, options?: RequestOptions];

/** One entry of a GraphQL response's top-level `errors`. */
export interface GraphQLErrorEntry {
  message: string;
  path?: ReadonlyArray<string | number>;
  locations?: ReadonlyArray<{ line: number; column: number }>;
  /** `code` is a stable code such as `UNAUTHENTICATED`, `THROTTLED` or `LIMIT_EXCEEDED`. */
  extensions?: { code?: string; [key: string]: unknown };
}

/** The leaky bucket of the caller's API key, as the server reports it. */
export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  /** Points restored per second. */
  restoreRate: number;
}

/** `extensions.cost` of a response. */
export interface CostExtension {
  requestedQueryCost?: number;
  actualQueryCost?: number;
  /** The most one operation may cost. */
  maximumCost?: number;
  throttleStatus?: ThrottleStatus;
}

/** `extensions` of a response. */
export interface ResponseExtensions {
  cost?: CostExtension;
  /** Quote it when reporting a problem. */
  requestId?: string;
  [key: string]: unknown;
}

/** What `client.request` resolves to: the GraphQL response plus the HTTP status. */
export interface ClientResponse<TData> {
  data?: TData | null;
  errors?: GraphQLErrorEntry[];
  extensions?: ResponseExtensions;
  /** HTTP status of the last attempt. */
  status: number;
}

/** Per-request options, accepted by `client.request` and every grouped method. */
export interface RequestOptions {
  /** For mutations: the `Idempotency-Key` to send (default: a new random UUID per call, kept across retries). */
  idempotencyKey?: string;
  /** Extra headers for this request. */
  headers?: Record<string, string>;
  /** Cancels the request, including any wait before a retry. */
  signal?: AbortSignal;
  /** Which operation of a document with several to run. */
  operationName?: string;
  /** Overrides the client's `retries` for this request. */
  retries?: number;
}

/** The subset of `RequestInit` the client passes to `fetch`. */
export interface FetchInit {
  method: 'POST';
  headers: Record<string, string>;
  body: string;
  signal?: AbortSignal;
}

/** The subset of `Response` the client reads. */
export interface ResponseLike {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
  /** The body as a stream, read for subscriptions (Server-Sent Events); without it the client reads instead of waiting for a push. */
  body?: {
    getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel(reason?: unknown): Promise<void> };
  } | null;
}

/** Any `fetch`: the global one, undici's, or an in-process app's (`(url, init) => app.fetch(url, init)`). */
export type FetchLike = (url: string, init: FetchInit) => PromiseLike<ResponseLike> | ResponseLike;

/** What the client tells its `logger`. */
export type ClientLogEvent =
  | { type: 'request'; operationName: string | null; attempt: number; idempotencyKey?: string }
  | { type: 'response'; operationName: string | null; status: number; ms: number; cost?: CostExtension }
  | {
      type: 'retry';
      operationName: string | null;
      attempt: number;
      delayMs: number;
      reason: 'network' | 'throttled' | 'unavailable';
      status?: number;
      error?: string;
    }
  | { type: 'throttle'; operationName: string | null; delayMs: number; estimatedCost: number; available: number };

/** Self-throttling from `extensions.cost.throttleStatus`. */
export interface ThrottleOptions {
  /**
   * Cost assumed for a document the client cannot parse (afterwards it uses the
   * `requestedQueryCost` the server reported for it); every other request is priced as the API
   * prices it, from the schema's costs shipped with the SDK.
   * @default 10
   */
  defaultCost?: number;
}

/** Options of `createShopWardenClient`. */
export interface ShopWardenClientOptions {
  /** The GraphQL endpoint, e.g. `http://localhost:4000/graphql`. */
  url: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey: string;
  /**
   * The `fetch` to use.
   * @default globalThis.fetch
   */
  fetch?: FetchLike;
  /**
   * Retries after a network error, HTTP 429 (after `Retry-After`) or HTTP 503, with exponential
   * backoff and jitter. Never after validation or business errors or other 4xx.
   * @default 3
   */
  retries?: number;
  /**
   * Backoff for retries without `Retry-After`: about `baseMs * 2^attempt` (50–100 % of it, at random), at most `maxMs`.
   * @default { baseMs: 250, maxMs: 20000 }
   */
  backoff?: { baseMs?: number; maxMs?: number };
  /** Receives request, response, retry and throttle events (e.g. `(e) => pino.debug(e)`). */
  logger?: (event: ClientLogEvent) => void;
  /** Headers sent with every request (e.g. `x-request-id`). */
  headers?: Record<string, string>;
  /**
   * Wait before sending a request the cost budget cannot cover yet (when the server reports
   * `extensions.cost.throttleStatus`). `false` turns it off.
   * @default true
   */
  throttle?: boolean | ThrottleOptions;
  /**
   * Sends the SDK's own operations as persisted documents: their sha256 hash instead of the text
   * (`extensions.persistedQuery`). The API knows them (they are registered at build), so requests
   * are smaller and keys restricted to trusted documents accept them. Your own documents are sent
   * as text; a server that does not know a hash gets the text on a second request.
   * @default false
   */
  persistedDocuments?: boolean;
}

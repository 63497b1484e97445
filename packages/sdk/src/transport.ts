import { describeOperation } from './document.ts';
import { ShopWardenError } from './errors.ts';
import type {
  ClientLogEvent,
  ClientResponse,
  CostExtension,
  FetchLike,
  GraphQLErrorEntry,
  RequestOptions,
  ResponseExtensions,
  ResponseLike,
  ShopWardenClientOptions,
} from './types.ts';

/** Sends one GraphQL request, with retries, idempotency keys and self-throttling. */
export type Send = <TData>(
  document: string,
  variables: Record<string, unknown> | undefined,
  options: RequestOptions | undefined,
) => Promise<ClientResponse<TData>>;

const DEFAULT_RETRIES = 3;
const DEFAULT_BACKOFF = { baseMs: 250, maxMs: 20_000 };
const DEFAULT_COST = 10;

/** A new idempotency key. `crypto.randomUUID` where available (Node 19+, browsers); a random v4 UUID otherwise (Node 18). */
function newIdempotencyKey(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  const hex = Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16));
  hex[12] = '4';
  // The variant nibble: 8, 9, a or b.
  hex[16] = (0x8 | Math.floor(Math.random() * 4)).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Waits `ms`, or rejects when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('The request was aborted.'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? new Error('The request was aborted.'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * Client-side view of the server's leaky bucket: reserves the expected cost of each request (as
 * computed from the schema's costs, else as last reported for that document) and waits when the
 * budget cannot cover it yet.
 */
function createThrottle(defaultCost: number) {
  const lastCost = new Map<string, number>();
  let bucket: { available: number; maximum: number; restoreRate: number; at: number } | null = null;
  return {
    /** How long to wait before sending `document`; reserves its cost. */
    reserve(document: string, computed: number | null): { delayMs: number; estimatedCost: number; available: number } {
      const estimatedCost = computed ?? lastCost.get(document) ?? defaultCost;
      if (!bucket || bucket.restoreRate <= 0) return { delayMs: 0, estimatedCost, available: Infinity };
      const now = Date.now();
      const available = Math.min(bucket.maximum, bucket.available + ((now - bucket.at) / 1000) * bucket.restoreRate);
      const cost = Math.min(estimatedCost, bucket.maximum);
      bucket = { ...bucket, available: available - cost, at: now };
      const delayMs = bucket.available >= 0 ? 0 : Math.ceil((-bucket.available / bucket.restoreRate) * 1000);
      return { delayMs, estimatedCost, available };
    },
    record(document: string, cost: CostExtension | undefined) {
      if (typeof cost?.requestedQueryCost === 'number') lastCost.set(document, cost.requestedQueryCost);
      const status = cost?.throttleStatus;
      if (status && typeof status.currentlyAvailable === 'number' && typeof status.restoreRate === 'number') {
        bucket = {
          available: status.currentlyAvailable,
          maximum: status.maximumAvailable ?? status.currentlyAvailable,
          restoreRate: status.restoreRate,
          at: Date.now(),
        };
      }
    },
  };
}

function parseBody(
  text: string,
  status: number,
): { data?: unknown; errors?: GraphQLErrorEntry[]; extensions?: ResponseExtensions } {
  try {
    const body = JSON.parse(text) as unknown;
    if (body && typeof body === 'object' && ('data' in body || 'errors' in body))
      return body as { data?: unknown; errors?: GraphQLErrorEntry[]; extensions?: ResponseExtensions };
  } catch {
    // Not JSON: described below.
  }
  return {
    errors: [
      {
        message: `HTTP ${status}: the server did not answer with a GraphQL response.`,
        extensions: { code: 'HTTP_ERROR', status, body: text.slice(0, 500) },
      },
    ],
  };
}

/** The fetch a client sends with and the headers of every request, from its options (which it checks). */
export function connectionOf(options: ShopWardenClientOptions): {
  fetchFn: FetchLike;
  headers: Record<string, string>;
} {
  if (typeof options.url !== 'string' || !options.url)
    throw new TypeError('createShopWardenClient: `url` is required.');
  if (typeof options.apiKey !== 'string' || !options.apiKey)
    throw new TypeError('createShopWardenClient: `apiKey` is required.');
  const fetchFn: FetchLike | undefined =
    options.fetch ?? (typeof globalThis.fetch === 'function' ? (url, init) => globalThis.fetch(url, init) : undefined);
  if (!fetchFn) throw new TypeError('createShopWardenClient: no global fetch; pass the `fetch` option.');
  const headers: Record<string, string> = {
    accept: 'application/graphql-response+json, application/json',
    ...options.headers,
    'content-type': 'application/json',
    authorization: `Bearer ${options.apiKey}`,
  };
  return { fetchFn, headers };
}

/** What a subscription pushed first: one GraphQL result. */
export interface PushedResult<TData> {
  data?: TData | null;
  errors?: GraphQLErrorEntry[];
}

/**
 * Opens a subscription and resolves with the FIRST result it pushes, then closes it; `null` when no
 * event stream comes back (a server or proxy that does not stream, a fetch without response
 * bodies, a dropped connection): the caller then reads instead. Rejects only when `signal` aborts.
 */
export type PushOnce = <TData>(
  document: string,
  variables: Record<string, unknown>,
  signal?: AbortSignal,
  extraHeaders?: Record<string, string>,
) => Promise<PushedResult<TData> | null>;

/** GraphQL over Server-Sent Events ("distinct connections" mode): `event: next` messages, each one result in `data:`, then `event: complete`. */
export function createPushOnce(options: ShopWardenClientOptions): PushOnce {
  const { fetchFn, headers } = connectionOf(options);
  return async function pushOnce<TData>(
    document: string,
    variables: Record<string, unknown>,
    signal?: AbortSignal,
    extraHeaders?: Record<string, string>,
  ): Promise<PushedResult<TData> | null> {
    const stream = new AbortController();
    if (signal?.aborted) throw signal.reason ?? new Error('The request was aborted.');
    // Every wait also ends when `signal` aborts (not every fetch ends its body's reads when its signal aborts).
    let stop!: () => void;
    const aborted = new Promise<never>((_, reject) => {
      stop = () => {
        stream.abort(signal?.reason);
        reject(signal?.reason ?? new Error('The request was aborted.'));
      };
    });
    aborted.catch(() => undefined);
    signal?.addEventListener('abort', stop, { once: true });
    const failed = (error: unknown) => {
      if (signal?.aborted) throw signal.reason ?? error;
      return null;
    };
    let reader: ReturnType<NonNullable<ResponseLike['body']>['getReader']> | undefined;
    try {
      let response: ResponseLike;
      try {
        response = await Promise.race([
          fetchFn(options.url, {
            method: 'POST',
            headers: { ...headers, ...extraHeaders, accept: 'text/event-stream' },
            body: JSON.stringify({ query: document, variables }),
            signal: stream.signal,
          }),
          aborted,
        ]);
      } catch (error) {
        return failed(error);
      }
      if (
        response.status !== 200 ||
        !response.headers.get('content-type')?.includes('text/event-stream') ||
        !response.body
      )
        return null;
      reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        let chunk: { done: boolean; value?: Uint8Array };
        try {
          chunk = await Promise.race([reader.read(), aborted]);
        } catch (error) {
          return failed(error);
        }
        if (chunk.done) return null;
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
          if (event === 'complete') return null;
          if (event === 'next' && data) return JSON.parse(data) as PushedResult<TData>;
        }
      }
    } finally {
      signal?.removeEventListener('abort', stop);
      stream.abort();
      reader?.cancel().catch(() => undefined);
    }
  };
}

/** Whether a response says the server does not know a persisted document's hash. */
const persistedNotFound = (errors: GraphQLErrorEntry[] | undefined) =>
  !!errors?.some((e) => e.extensions?.code === 'PERSISTED_QUERY_NOT_FOUND' || e.message === 'PersistedQueryNotFound');

/** The cost the API will charge for a request, or null when it cannot be computed. */
export type CostEstimator = (
  document: string,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined,
) => number | null;

/**
 * The transport under every client method; `documentHashes` are the sha256 of the documents the
 * API has registered, `estimateCost` prices a request as the API will (for self-throttling).
 */
export function createTransport(
  options: ShopWardenClientOptions,
  documentHashes?: ReadonlyMap<string, string>,
  estimateCost?: CostEstimator,
): Send {
  const { fetchFn, headers: baseHeaders } = connectionOf(options);
  const retries = options.retries ?? DEFAULT_RETRIES;
  if (!Number.isInteger(retries) || retries < 0)
    throw new TypeError('createShopWardenClient: `retries` must be a whole number ≥ 0.');
  const baseMs = options.backoff?.baseMs ?? DEFAULT_BACKOFF.baseMs;
  const maxMs = options.backoff?.maxMs ?? DEFAULT_BACKOFF.maxMs;
  const log = options.logger ?? (() => undefined);
  const throttle =
    options.throttle === false
      ? null
      : createThrottle(
          (typeof options.throttle === 'object' ? options.throttle.defaultCost : undefined) ?? DEFAULT_COST,
        );
  const backoff = (attempt: number) => Math.min(maxMs, baseMs * 2 ** attempt) * (0.5 + Math.random() * 0.5);
  const emit = (event: ClientLogEvent) => {
    try {
      log(event);
    } catch {
      // A failing logger must not fail the request.
    }
  };

  return async function send<TData>(
    document: string,
    variables: Record<string, unknown> | undefined,
    requestOptions: RequestOptions = {},
  ): Promise<ClientResponse<TData>> {
    const { kind, name } = describeOperation(document, requestOptions.operationName);
    const headers = { ...baseHeaders, ...requestOptions.headers };
    const idempotencyKey = kind === 'mutation' ? (requestOptions.idempotencyKey ?? newIdempotencyKey()) : undefined;
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    const hash = options.persistedDocuments ? documentHashes?.get(document) : undefined;
    const bodyOf = (withQuery: boolean) =>
      JSON.stringify({
        ...(withQuery ? { query: document } : {}),
        variables: variables ?? {},
        ...(requestOptions.operationName ? { operationName: requestOptions.operationName } : {}),
        ...(hash ? { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } } : {}),
      });
    let withQuery = !hash;
    let body = bodyOf(withQuery);
    const maxRetries = requestOptions.retries ?? retries;
    const signal = requestOptions.signal;

    const computedCost =
      throttle && estimateCost ? estimateCost(document, variables, requestOptions.operationName) : null;
    for (let attempt = 0; ; attempt++) {
      if (throttle) {
        const { delayMs, estimatedCost, available } = throttle.reserve(document, computedCost);
        if (delayMs > 0) {
          emit({ type: 'throttle', operationName: name, delayMs, estimatedCost, available });
          await sleep(delayMs, signal);
        }
      }
      emit({ type: 'request', operationName: name, attempt, ...(idempotencyKey ? { idempotencyKey } : {}) });
      const started = Date.now();
      let response;
      try {
        response = await fetchFn(options.url, { method: 'POST', headers, body, ...(signal ? { signal } : {}) });
      } catch (error) {
        if (signal?.aborted) throw error;
        const message = error instanceof Error ? error.message : String(error);
        if (attempt < maxRetries) {
          const delayMs = Math.round(backoff(attempt));
          emit({
            type: 'retry',
            operationName: name,
            attempt: attempt + 1,
            delayMs,
            reason: 'network',
            error: message,
          });
          await sleep(delayMs, signal);
          continue;
        }
        throw new ShopWardenError('NETWORK_ERROR', `Could not reach ${options.url}: ${message}`, { cause: error });
      }

      if ((response.status === 429 || response.status === 503) && attempt < maxRetries) {
        const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
        // Honour Retry-After exactly (plus up to 10 % jitter so clients do not return in lockstep).
        const delayMs = Math.round(retryAfter === null ? backoff(attempt) : retryAfter * (1 + Math.random() * 0.1));
        // A throttled answer still reports the bucket: later requests pace themselves from it.
        throttle?.record(document, parseBody(await response.text().catch(() => ''), response.status).extensions?.cost);
        emit({
          type: 'retry',
          operationName: name,
          attempt: attempt + 1,
          delayMs,
          reason: response.status === 429 ? 'throttled' : 'unavailable',
          status: response.status,
        });
        await sleep(delayMs, signal);
        continue;
      }

      const parsed = parseBody(await response.text(), response.status);
      if (!withQuery && persistedNotFound(parsed.errors)) {
        // A server that has not registered this document: send its text along, once.
        withQuery = true;
        body = bodyOf(withQuery);
        continue;
      }
      throttle?.record(document, parsed.extensions?.cost);
      emit({
        type: 'response',
        operationName: name,
        status: response.status,
        ms: Date.now() - started,
        ...(parsed.extensions?.cost ? { cost: parsed.extensions.cost } : {}),
      });
      return {
        status: response.status,
        ...(parsed.data !== undefined ? { data: parsed.data as TData | null } : {}),
        ...(parsed.errors ? { errors: parsed.errors } : {}),
        ...(parsed.extensions ? { extensions: parsed.extensions } : {}),
      };
    }
  };
}

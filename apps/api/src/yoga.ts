import { randomUUID } from 'node:crypto';
import { useGraphQlJit } from '@envelop/graphql-jit';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { useGraphQLSSE } from '@graphql-yoga/plugin-graphql-sse';
import type { Database } from '@shopwarden/db';
import {
  BulkOperationFeed,
  CategoryCache,
  EventFeed,
  bulkOperationFeedKey,
  categoryCacheKey,
  createContext,
  eventFeedKey,
  feed,
  schema,
  type Context,
} from '@shopwarden/schema';
import { GraphQLError, NoSchemaIntrospectionCustomRule } from 'graphql';
import { createGraphQLError, createYoga, useReadinessCheck, type Plugin, type YogaInitialContext } from 'graphql-yoga';
import type { Logger } from 'pino';
import { ApiKeyCache, useApiKeyCacheInvalidation } from './api-key-cache.ts';
import type { ApiConfig } from './config.ts';
import { MemoryConcurrencyLimiter, type ConcurrencyLimiter } from './concurrency.ts';
import { bucketKeyOf, chargeCost, useQueryCost } from './cost.ts';
import { useExecutionBudget } from './execution-budget.ts';
import { useIdempotency } from './idempotency.ts';
import { maskError } from './errors.ts';
import { graphiqlOptions, renderTourGraphiQL } from './graphiql-examples.ts';
import { errorResponse, useHttpEdge } from './http-edge.ts';
import { createMetrics, metricsRefusal, type Metrics } from './metrics.ts';
import { useOperationLimits } from './operation-limits.ts';
import { loadTrustedDocuments, usePersistedDocuments } from './persisted-documents.ts';
import type { SharedRedis } from './shared-redis.ts';
import { MemoryRateLimiter, type RateLimiter } from './rate-limit.ts';
import { useReadPath } from './read-path.ts';
import { MemoryCacheStore, ResponseCache, type CacheStore } from './response-cache.ts';

export interface AppOptions {
  db: Database;
  config: ApiConfig;
  logger: Logger;
  /** Leaky buckets; defaults to one in this process. */
  rateLimiter?: RateLimiter;
  /** The per-key concurrency cap; defaults to one counted in this process. */
  slots?: ConcurrencyLimiter;
  /** Where response-cache entries live; defaults to this process (server.ts passes Redis when configured). */
  cacheStore?: CacheStore;
  /** The Redis connection the stores share, for its metrics. */
  redis?: SharedRedis;
  /** Set while shutting down: /ready answers 503 so load balancers stop sending work. */
  isShuttingDown?: () => boolean;
}

const requestIds = new WeakMap<Request, string>();

function requestIdOf(request: Request): string {
  let id = requestIds.get(request);
  if (!id) {
    const given = request.headers.get('x-request-id');
    id = given && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
    requestIds.set(request, id);
  }
  return id;
}

const tooLarge = (limit: number) => `The request body is over ${limit} bytes.`;

/** Request ids, JSON access logs, the body-size limit and Prometheus metrics. */
function useOperations(options: AppOptions, metrics: Metrics): Plugin<Context> {
  /** When each request started, and its path (as parsed for onRequest: not parsed again for the log). */
  const started = new WeakMap<Request, { at: number; path: string }>();
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      started.set(request, { at: performance.now(), path: url.pathname });
      requestIdOf(request);
      if (url.pathname === '/metrics') {
        const refusal = metricsRefusal(options.config, request.headers.get('authorization'));
        if (refusal) {
          const challenge = refusal.status === 401 ? { 'www-authenticate': 'Bearer realm="metrics"' } : undefined;
          endResponse(errorResponse(fetchAPI, refusal.status, refusal.message, requestIdOf(request), challenge));
          return undefined;
        }
        return metrics.registry
          .metrics()
          .then((body) =>
            endResponse(new fetchAPI.Response(body, { headers: { 'content-type': metrics.registry.contentType } })),
          );
      }
      const declared = request.headers.get('content-length');
      if (declared !== null && !/^\d+$/.test(declared)) {
        endResponse(errorResponse(fetchAPI, 400, 'The Content-Length header is not a length.', requestIdOf(request)));
      } else if (Number(declared ?? 0) > options.config.maxBodyBytes) {
        endResponse(errorResponse(fetchAPI, 413, tooLarge(options.config.maxBodyBytes), requestIdOf(request)));
      }
      return undefined;
    },
    // A body of a declared length was checked above (Node's HTTP parser never reads past it). Without
    // one (chunked), its bytes are counted as they arrive. This replaces Yoga's own limit, which wraps
    // every body in a counting stream: for a 780 KB bulk submission about 4 ms of copying.
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      if (request.headers.get('content-length') !== null || !requestParser || !request.body) return;
      const limit = options.config.maxBodyBytes;
      const parse = requestParser;
      setRequestParser((req) => {
        // Nothing to count without a body.
        const body = req.body;
        if (!body) return parse(req);
        let bytes = 0;
        // A native stream (Node's own Request) takes the native TransformStream, as in Yoga's own limit.
        const Transform = body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
        const counted = body.pipeThrough(
          new Transform({
            transform(chunk: Uint8Array, controller) {
              bytes += chunk.byteLength;
              if (bytes > limit)
                controller.error(
                  createGraphQLError(tooLarge(limit), {
                    extensions: { code: 'LIMIT_EXCEEDED', http: { status: 413 } },
                  }),
                );
              else controller.enqueue(chunk);
            },
          }),
        );
        // duplex is not in the DOM RequestInit type, but Node needs it for a streamed body
        const init = { method: req.method, headers: req.headers, signal: req.signal, body: counted, duplex: 'half' };
        return parse(new fetchAPI.Request(req.url, init as RequestInit));
      });
    },
    onResponse({ request, response }) {
      const id = requestIdOf(request);
      response.headers.set('x-request-id', id);
      if (options.isShuttingDown?.()) response.headers.set('connection', 'close');
      const start = started.get(request);
      const ms = start ? performance.now() - start.at : 0;
      const path = start ? start.path : new URL(request.url).pathname;
      if (path === '/graphql') {
        metrics.requests.inc({ status: String(response.status) });
        metrics.latency.observe(ms / 1000);
        options.logger.info(
          { requestId: id, method: request.method, path, status: response.status, ms: Math.round(ms * 10) / 10 },
          'request',
        );
      }
    },
    onExecute({ args }) {
      return {
        onExecuteDone({ result, setResult }) {
          if (!('data' in result || 'errors' in result)) return;
          setResult({
            ...result,
            extensions: { ...(result.extensions ?? {}), requestId: args.contextValue.requestId },
          });
        },
      };
    },
  };
}

/**
 * In production the schema is described to callers with a key only (an unknown key is 401 before
 * anything runs); the sandbox describes it to anyone. `__typename` stays open.
 */
function useIntrospectionWithKeyOnly(): Plugin<Context> {
  return {
    onValidate({ context, addValidationRule }) {
      if (!context.request.headers.get('authorization')) addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}

/** The API as a Yoga instance: no `listen` here, so tests call `yoga.fetch()` in-process. */
export function createApp(options: AppOptions) {
  const { db, config, logger } = options;
  const metrics = createMetrics();
  if (options.redis) {
    const redis = options.redis;
    metrics.redisSharing.set(redis.sharing ? 1 : 0);
    redis.onSharingChange((sharing) => metrics.redisSharing.set(sharing ? 1 : 0));
    redis.onFallback(() => metrics.redisFallbacks.inc());
  }
  const production = config.environment === 'production';
  const rateLimiter =
    options.rateLimiter ?? new MemoryRateLimiter(config.rateLimit.capacity, config.rateLimit.restoreRate);
  const slots = options.slots ?? new MemoryConcurrencyLimiter(config.rateLimit.maxConcurrentPerKey);
  const apiKeys = new ApiKeyCache(config.apiKeyCacheTtlMs);
  // One key lookup per request, shared by the response cache (before parsing) and the context.
  const auths = new WeakMap<Request, ReturnType<ApiKeyCache['authenticate']>>();
  const authOf = (request: Request) => {
    let auth = auths.get(request);
    if (!auth) auths.set(request, (auth = apiKeys.authenticate(db.prisma, request.headers.get('authorization'))));
    return auth;
  };
  const cache =
    config.compiledReads && config.responseCache.enabled
      ? new ResponseCache(options.cacheStore ?? new MemoryCacheStore(), {
          ttlMs: config.responseCache.ttlMs,
          maxEntryBytes: config.responseCache.maxEntryBytes,
          onError: (err) => logger.warn({ err }, 'response cache'),
        })
      : null;
  // "Bulk operation finished" for the subscription: one listener per process, opened with the first subscriber.
  const bulkOperationFeed = new BulkOperationFeed(db.listen, {
    maxPerKey: config.rateLimit.maxSubscriptionsPerKey,
    onError: (err) => logger.warn({ err }, 'bulk operation feed: notifications unavailable'),
  });
  // Committed events for the event subscriptions: one listener per process, opened with the first subscriber.
  const eventFeed = new EventFeed(db.listen, db.prisma, {
    maxPerKey: config.rateLimit.maxSubscriptionsPerKey,
    onError: (err) => logger.warn({ err }, 'event feed: notifications unavailable'),
  });
  // The category tree, kept while this process hears of category changes.
  const categories = new CategoryCache();
  const categoriesStarted = categories.start(db.listen, (err) =>
    logger.warn({ err }, 'category cache: change notifications unavailable; not caching'),
  );
  // Registered on every request's context; the schema's modules own their keys.
  const feeds = [
    feed(bulkOperationFeedKey, bulkOperationFeed),
    feed(eventFeedKey, eventFeed),
    feed(categoryCacheKey, categories),
  ];
  const started = cache
    ?.start(db)
    .catch((err: unknown) => logger.warn({ err }, 'response cache: change notifications unavailable; not caching'));

  const readPath = useReadPath({
    db,
    compiledReads: config.compiledReads,
    cache,
    onError: (err) => logger.warn({ err }, 'response cache'),
    viewerOf: async (request) => (await authOf(request)).viewer,
    charge: async (viewer, cost) => {
      const charged = await chargeCost(
        { limiter: rateLimiter, maxCost: config.limits.maxCost },
        bucketKeyOf(viewer),
        cost,
      );
      if (!charged.allowed) metrics.throttled.inc({ reason: 'rate' });
      return charged;
    },
    requestIdOf,
    metrics,
  });

  const yoga = createYoga<{ req?: unknown }, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    batching: false,
    multipart: false,
    // The body-size limit is useOperations' (MAX_BODY_BYTES), cheaper than Yoga's own.
    maxRequestBodySize: false,
    logging: {
      debug: (...args) => logger.debug(args),
      info: (...args) => logger.info(args),
      warn: (...args) => logger.warn(args),
      error: (...args) => logger.error(args),
    },
    graphiql: config.graphiql ? (request) => graphiqlOptions(request, !production) : false,
    renderGraphiQL: renderTourGraphiQL,
    maskedErrors: {
      maskError: (error) =>
        maskError(
          error,
          (err) => logger.error({ err }, 'unexpected error'),
          (reason) => metrics.databaseUnavailable.inc({ reason }),
        ),
    },
    context: async ({ request }: YogaInitialContext): Promise<Context> => {
      const requestId = requestIdOf(request);
      const auth = await authOf(request);
      if (!auth.viewer && auth.reason !== 'MISSING') {
        throw new GraphQLError(
          auth.reason === 'EXPIRED'
            ? 'This API key has expired.'
            : auth.reason === 'REVOKED'
              ? 'This API key has been revoked.'
              : 'This API key is not valid.',
          { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } },
        );
      }
      return createContext({
        prisma: db.prisma,
        database: db,
        viewer: auth.viewer,
        requestId,
        production,
        feeds,
      });
    },
    plugins: [
      // CSRF first (a browser's form post is refused before anything else), then the HTTP edge, whose
      // bodies for 405/406/415 responses useOperations' onResponse then stamps with x-request-id.
      useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf', 'authorization'] }),
      useHttpEdge(requestIdOf),
      useOperations(options, metrics),
      ...(production ? [useIntrospectionWithKeyOnly()] : []),
      {
        // The key is looked up while the body is read and parsed; the context awaits the same lookup.
        onRequest({ request, url }) {
          if (url.pathname === '/graphql') authOf(request).catch(() => undefined);
        },
      } satisfies Plugin<Context>,
      // Before the response cache: a key restricted to trusted documents is refused before any answer.
      ...usePersistedDocuments({
        trusted: loadTrustedDocuments(),
        trustedOnly: async (request) => !!(await authOf(request)).viewer?.trustedDocumentsOnly,
        streamEndpoint: '/graphql/stream',
      }),
      // GraphQL over SSE's single-connection mode (graphql-sse clients); /graphql serves the distinct-connections mode.
      useGraphQLSSE({ endpoint: '/graphql/stream' }),
      readPath.lookup,
      ...useOperationLimits(config.limits),
      useQueryCost({
        maxCost: config.limits.maxCost,
        maxFields: config.limits.maxFields,
        limiter: rateLimiter,
        slots,
        onThrottled: (reason) => metrics.throttled.inc({ reason }),
      }),
      useIdempotency(),
      useApiKeyCacheInvalidation(apiKeys),
      ...(config.jit ? [useGraphQlJit()] : []),
      readPath.execute,
      // After every plugin that replaces the execute step, so the budget covers them all.
      useExecutionBudget({ db, timeoutMs: config.executionTimeoutMs, onTimeout: () => metrics.timeouts.inc() }),
      useReadinessCheck({
        endpoint: '/ready',
        // Bounded: with the pool exhausted or the database away the ping waits, and /ready says 503 when it cannot tell.
        check: async () => {
          if (options.isShuttingDown?.()) return false;
          let timer: NodeJS.Timeout | undefined;
          const late = new Promise<boolean>(
            (resolve) => (timer = setTimeout(() => resolve(false), config.readyTimeoutMs)),
          );
          const ping = db.ping().then(
            () => true,
            () => false,
          );
          try {
            return await Promise.race([ping, late]);
          } finally {
            clearTimeout(timer);
          }
        },
      }),
    ],
  });
  return {
    yoga,
    metrics,
    rateLimiter,
    slots,
    apiKeys,
    cache,
    categories,
    /** Resolves once the response cache and the category cache listen for changes (or gave up). */
    ready: Promise.all([started, categoriesStarted]).then(() => undefined),
    bulkOperationFeed,
    eventFeed,
    /** Stops listening for changes and closes the cache store. */
    close: async () => {
      await Promise.all([cache?.stop(), bulkOperationFeed.stop(), eventFeed.stop(), categories.stop()]);
    },
  };
}

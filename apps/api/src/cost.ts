import { GraphQLError, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ConcurrencyLimiter, Slot } from './concurrency.ts';
import { calculateQueryCost, refusalsOf } from './query-analysis.ts';
import type { RateLimiter } from './rate-limit.ts';

export interface CostOptions {
  maxCost: number;
  /** Field selections per operation once its fragments are expanded. */
  maxFields: number;
  limiter: RateLimiter;
  /** The per-key concurrency cap. */
  slots: ConcurrencyLimiter;
  /** Told of every THROTTLED refusal (for metrics). */
  onThrottled?: (reason: 'rate' | 'concurrency') => void;
}

function throttled(message: string, retryAfterSeconds: number, extensions: Record<string, unknown>): ExecutionResult {
  return {
    errors: [
      new GraphQLError(message, {
        extensions: { code: 'THROTTLED', http: { status: 429, headers: { 'Retry-After': String(retryAfterSeconds) } } },
      }),
    ],
    extensions,
  };
}

/** The bucket of a caller (one per API key). */
export const bucketKeyOf = (viewer: { apiKeyId: number } | null | undefined) =>
  viewer ? `key:${viewer.apiKeyId}` : 'anonymous';

/** What the cost plugin leaves on the context of an operation it let run: its price, computed once. */
export interface PricedContext {
  operationCost?: number;
}

export type ChargeResult =
  { allowed: true; extensions: Record<string, unknown> } | { allowed: false; result: ExecutionResult };

/**
 * Charges an operation's cost to the caller's leaky bucket: the `extensions.cost` to report, or
 * the THROTTLED result. Shared by execution and by response-cache hits (which are charged alike).
 */
export async function chargeCost(
  options: Pick<CostOptions, 'limiter' | 'maxCost'>,
  bucketKey: string,
  cost: number,
): Promise<ChargeResult> {
  // If the shared bucket store is unreachable, serve the request rather than fail it.
  const bucket = await options.limiter
    .take(bucketKey, cost)
    .catch(() => ({ allowed: true, available: options.limiter.capacity, retryAfterSeconds: 0 }));
  if (!bucket.allowed) {
    return {
      allowed: false,
      result: throttled(
        `Throttled: this operation costs ${cost} and ${bucket.available} points are available (restoring ${options.limiter.restoreRate}/s). Retry after ${bucket.retryAfterSeconds}s.`,
        bucket.retryAfterSeconds,
        costExtensions(options, cost, 0, bucket.available),
      ),
    };
  }
  return { allowed: true, extensions: costExtensions(options, cost, cost, bucket.available) };
}

/** `extensions.cost`, as Shopify reports it. */
function costExtensions(
  options: Pick<CostOptions, 'limiter' | 'maxCost'>,
  requested: number,
  actual: number,
  available: number,
) {
  const throttleStatus = {
    maximumAvailable: options.limiter.capacity,
    currentlyAvailable: available,
    restoreRate: options.limiter.restoreRate,
  };
  return {
    cost: { requestedQueryCost: requested, actualQueryCost: actual, maximumCost: options.maxCost, throttleStatus },
  };
}

/**
 * Prices each operation before it runs (refusing it over the limit), charges the caller's leaky
 * bucket, caps concurrent requests per key, and reports it all in `extensions.cost`.
 */
export function useQueryCost(
  options: CostOptions,
): Plugin<{ viewer?: { apiKeyId: number } | null; request?: Request }> {
  /** The slot each executing request holds, released when its execution ends however it ends. */
  const slots = new WeakMap<Request, Slot>();
  /** The operation's price, or the refusal of one over the limits (then it does not run). */
  const price = (args: ExecutionArgs): { cost: number; refusal: ExecutionResult | null } => {
    const analysis = calculateQueryCost(
      args.schema,
      args.document,
      args.variableValues as Record<string, unknown>,
      args.operationName,
      options,
    );
    const { cost } = analysis;
    const errors = refusalsOf(analysis, options);
    if (errors.length) {
      return {
        cost,
        refusal: {
          errors,
          extensions: { cost: { requestedQueryCost: cost, actualQueryCost: 0, maximumCost: options.maxCost } },
        },
      };
    }
    return { cost, refusal: null };
  };
  return {
    // Wraps the whole execution phase, so a slot is given back on every path (a result, a refusal by a later plugin, a throw).
    instrumentation: {
      async execute({ context }, execute) {
        try {
          await execute();
        } finally {
          const request = (context as { request?: Request }).request;
          if (request) slots.get(request)?.release();
        }
      },
    },
    // A subscription is priced and charged once, when it starts (what it selects, as a query would be); it holds no request slot while it waits.
    async onSubscribe({ args, setResultAndStopExecution }) {
      const { cost, refusal } = price(args);
      if (refusal) return void setResultAndStopExecution(refusal);
      const charged = await chargeCost(options, bucketKeyOf(args.contextValue.viewer), cost);
      if (!charged.allowed) {
        options.onThrottled?.('rate');
        setResultAndStopExecution(charged.result);
      }
    },
    async onExecute({ args, setResultAndStopExecution }) {
      const { cost, refusal } = price(args);
      const bucketKey = bucketKeyOf(args.contextValue.viewer);
      if (refusal) {
        setResultAndStopExecution(refusal);
        return undefined;
      }
      const slot = await options.slots.acquire(bucketKey);
      if (!slot) {
        options.onThrottled?.('concurrency');
        setResultAndStopExecution(
          throttled(
            `At most ${options.slots.limit} requests per API key may run at once.`,
            1,
            costExtensions(options, cost, 0, options.limiter.capacity),
          ),
        );
        return undefined;
      }
      const request = args.contextValue.request;
      if (request) slots.set(request, slot);
      const charged = await chargeCost(options, bucketKey, cost);
      if (!charged.allowed) {
        slot.release();
        options.onThrottled?.('rate');
        setResultAndStopExecution(charged.result);
        return undefined;
      }
      (args.contextValue as PricedContext).operationCost = cost;
      return {
        onExecuteDone({ result, setResult }) {
          slot.release();
          if (!('data' in result || 'errors' in result)) return;
          setResult({ ...result, extensions: { ...(result.extensions ?? {}), ...charged.extensions } });
        },
      };
    },
  };
}

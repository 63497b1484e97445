import {
  GraphQLError,
  Kind,
  getNamedType,
  isCompositeType,
  isObjectType,
  isInterfaceType,
  valueFromASTUntyped,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ConcurrencyLimiter, Slot } from './concurrency.ts';
import type { RateLimiter } from './rate-limit.ts';

/** Connection pages are 20 long unless `first`/`last` says otherwise (the connections' default size). */
const DEFAULT_PAGE = 20;
/** The largest page a connection serves. */
export const MAX_PAGE = 100;

export interface QueryCost {
  cost: number;
  /** `first`/`last` values over MAX_PAGE, refused before execution. */
  oversizedPages: { field: string; value: number }[];
}

/**
 * The cost of an operation before it runs, from the document and its variables: every field that
 * returns an object costs 1, scalars are free, and a list field multiplies what it contains by
 * its `first`/`last` (20 when neither is given), like Shopify's calculated query cost.
 */
export function calculateQueryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | null | undefined,
  operationName?: string | null,
): QueryCost {
  const oversizedPages: QueryCost['oversizedPages'] = [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: OperationDefinitionNode | undefined;
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    if (def.kind === Kind.OPERATION_DEFINITION && (!operationName || def.name?.value === operationName))
      operation ??= def;
  }
  if (!operation) return { cost: 0, oversizedPages };
  const root =
    operation.operation === 'mutation'
      ? schema.getMutationType()
      : operation.operation === 'subscription'
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  if (!root) return { cost: 0, oversizedPages };
  const vars = variables ?? {};

  const costOf = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType, seen: ReadonlySet<string>): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const cond = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (cond && isCompositeType(cond)) total += costOf(selection.selectionSet, cond, seen);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || seen.has(name)) continue;
        const cond = schema.getType(fragment.typeCondition.name.value);
        if (cond && isCompositeType(cond)) total += costOf(fragment.selectionSet, cond, new Set([...seen, name]));
        continue;
      }
      if (!isObjectType(parent) && !isInterfaceType(parent)) continue;
      const field = parent.getFields()[selection.name.value];
      if (!field || !selection.selectionSet) continue;
      const named = getNamedType(field.type);
      if (!isCompositeType(named)) continue;
      let multiplier = 1;
      const sizeArg = selection.arguments?.find((a) => a.name.value === 'first' || a.name.value === 'last');
      if (sizeArg) {
        const value = valueFromASTUntyped(sizeArg.value, vars);
        multiplier = typeof value === 'number' && value > 0 ? value : DEFAULT_PAGE;
        if (typeof value === 'number' && value > MAX_PAGE)
          oversizedPages.push({ field: `${parent.name}.${field.name}`, value });
      } else if (named.name.endsWith('Connection')) {
        multiplier = DEFAULT_PAGE;
      }
      total += 1 + multiplier * costOf(selection.selectionSet, named, seen);
    }
    return total;
  };
  const cost = costOf(operation.selectionSet, root, new Set());
  return { cost, oversizedPages };
}

export interface CostOptions {
  maxCost: number;
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
    const { cost, oversizedPages } = calculateQueryCost(
      args.schema,
      args.document,
      args.variableValues as Record<string, unknown>,
      args.operationName,
    );
    if (oversizedPages.length) {
      return {
        cost,
        refusal: {
          errors: oversizedPages.map(
            (p) =>
              new GraphQLError(`${p.field} asks for ${p.value} items; a page holds at most ${MAX_PAGE}.`, {
                extensions: { code: 'LIMIT_EXCEEDED', field: p.field, maxPage: MAX_PAGE },
              }),
          ),
          extensions: { cost: { requestedQueryCost: cost, actualQueryCost: 0, maximumCost: options.maxCost } },
        },
      };
    }
    if (cost > options.maxCost) {
      return {
        cost,
        refusal: {
          errors: [
            new GraphQLError(
              `This operation would cost ${cost}, over the limit of ${options.maxCost}. Ask for smaller pages (first/last) or fewer nested lists.`,
              { extensions: { code: 'LIMIT_EXCEEDED', cost, maxCost: options.maxCost } },
            ),
          ],
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

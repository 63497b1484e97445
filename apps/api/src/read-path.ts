/**
 * The read path: a query answered from the response cache before parsing, else by one compiled SQL
 * statement (stored in the cache on the way out), else by the resolvers (docs/performance.md).
 */
import { createHash } from 'node:crypto';
import { preparedStatementName, type Database } from '@shopwarden/db';
import {
  bindPlan,
  compileRead,
  answerDeferredFields,
  answerDeferredLeaves,
  answerInPlace,
  compiledRootValue,
  executionValues,
  planRead,
  residualKey,
  resolversMustAnswer,
  variableShape,
  type CompileReadInput,
  type CompileReadResult,
  type Context,
  type ReadPlan,
  type VariableShape,
  type Viewer,
} from '@shopwarden/schema';
import { GraphQLError, getOperationAST, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ChargeResult, PricedContext } from './cost.ts';
import type { Metrics } from './metrics.ts';
import { RawJson, stringifyResult } from './raw-json.ts';
import type { DocumentRecord, ResponseCache } from './response-cache.ts';

/** What the read path keeps on a request's context between parsing and execution. */
export interface ReadPathContext {
  /** The response-cache key of a query that missed: its compiled read stores the answer under it. */
  responseCacheKey?: string;
  /** The query's document record, told whether its answer could be stored (see `DocumentRecord`). */
  responseCacheDocument?: DocumentRecord;
}

const documentIds = new WeakMap<DocumentNode, number>();
let documents = 0;
const shapes = new WeakMap<Viewer, string>();

/**
 * What a plan depends on about its caller: role, scopes and reach (hashed once per viewer object:
 * the key cache reuses it), not which key it is, so every key of the same shape shares plans.
 */
function callerShape(viewer: Viewer): string {
  let shape = shapes.get(viewer);
  if (!shape) {
    const reach = `${viewer.shopIds === null ? '*' : viewer.shopIds.join(',')};${viewer.representedCreatorIds.join(',')}`;
    shape = createHash('sha1')
      .update(
        `${viewer.role}\u0000${[...viewer.scopes].sort().join(',')}\u0000${viewer.shopId}\u0000${viewer.accountId}\u0000${reach}`,
      )
      .digest('base64url');
    shapes.set(viewer, shape);
  }
  return shape;
}

/** A plan's key names the variables it leaves out: two concurrent first plans of a shape may lift differently. */
const planKey = (shapeKey: string, lifted: readonly string[], residual: string) =>
  `${shapeKey}\u0001${lifted.join(',')}\u0001${residual}`;

/** How many times a document, caller shape and operation is probed before probing must pay off. */
const FREE_PROBES = 8;
/** A read of the clock whose answer changes sooner than this is not worth storing. */
const MIN_CLOCK_TTL_MS = 1_000;

/**
 * Compiled statements (and fallbacks), least recently used first out, per document (Yoga's parser
 * cache hands out one document object per query text), caller shape, operation name and the
 * variables' values, but for variables the compiler lifted into parameters (`planRead`): those
 * are bound per request, so new page sizes and IDs of one type reuse the plan.
 */
export class PlanCache {
  private readonly plans = new Map<string, ReadPlan>();
  /** Per shape key: the variables the first plan lifted (what its key leaves out). */
  private readonly lifted = new Map<string, readonly string[]>();
  /** Per document, caller shape and operation: probings, and plan reuses with other lifted values. */
  private readonly families = new Map<string, { probes: number; reuses: number }>();
  /** Families whose plans name the caller's key (`CompiledRead.perKey`): their keys add the key's id. */
  private readonly perKey = new Set<string>();
  /** Statements compiled (probes included), for tests and metrics. */
  compilations = 0;

  constructor(
    private readonly maxPlans = 2_000,
    private readonly onLookup?: (result: 'reused' | 'compiled') => void,
  ) {}

  private readonly compile = (input: CompileReadInput) => {
    this.compilations++;
    return compileRead(input);
  };

  async get(input: CompileReadInput): Promise<CompileReadResult> {
    const viewer = input.context.viewer;
    if (!viewer) return compileRead(input);
    let documentId = documentIds.get(input.document);
    if (documentId === undefined) documentIds.set(input.document, (documentId = ++documents));
    const values = input.variableValues ?? {};
    const shape = variableShape(input.document, input.operationName, values);
    const sharedKey = `${documentId}\u0000${callerShape(viewer)}\u0000${input.operationName ?? ''}\u0000${input.collectShops ? 1 : 0}`;
    const keyed = (key: string) => `${key}\u0000key:${viewer.apiKeyId}`;
    let familyKey = this.perKey.has(sharedKey) ? keyed(sharedKey) : sharedKey;
    let shapeKey = `${familyKey}\u0000${shape.key}`;
    const lifted = this.lifted.get(shapeKey);
    if (lifted) {
      const key = planKey(shapeKey, lifted, residualKey(shape, lifted, values));
      const plan = this.plans.get(key);
      if (plan) {
        // Refresh their places in the LRU order.
        this.plans.delete(key);
        this.plans.set(key, plan);
        this.lifted.delete(shapeKey);
        this.lifted.set(shapeKey, lifted);
        if (plan.slots.length) this.family(familyKey).reuses++;
        this.onLookup?.('reused');
        return bindPlan(plan, values);
      }
    }
    const family = this.family(familyKey);
    // Probing compiles twice more: only while it is new here or has paid off (varying text would not).
    const probe = family.probes < FREE_PROBES || family.reuses >= family.probes;
    if (probe && shape.candidates.length) family.probes++;
    this.onLookup?.('compiled');
    const plan = await planRead(input, shape, { probe, compile: this.compile });
    if (plan.result.ok && plan.result.read.perKey && familyKey === sharedKey) {
      // Learnt from this first plan: from now on the family is kept per key, this one included.
      if (this.perKey.size >= this.maxPlans) this.perKey.clear();
      this.perKey.add(sharedKey);
      familyKey = keyed(sharedKey);
      shapeKey = `${familyKey}\u0000${shape.key}`;
      return this.store(shapeKey, undefined, plan, shape, values);
    }
    return this.store(shapeKey, lifted, plan, shape, values);
  }

  private store(
    shapeKey: string,
    lifted: readonly string[] | undefined,
    plan: ReadPlan,
    shape: VariableShape,
    values: Readonly<Record<string, unknown>>,
  ): CompileReadResult {
    const known = lifted ?? plan.lifted;
    if (!lifted) this.remember(this.lifted, shapeKey, known);
    // A plan lifting less than the shape's first one cannot stand for the values that key leaves out.
    if (known.every((name) => plan.lifted.includes(name)))
      this.remember(this.plans, planKey(shapeKey, known, residualKey(shape, known, values)), plan);
    return plan.result;
  }

  private family(key: string) {
    let family = this.families.get(key);
    if (!family) {
      if (this.families.size >= this.maxPlans) this.families.clear();
      this.families.set(key, (family = { probes: 0, reuses: 0 }));
    }
    return family;
  }

  private remember<T>(map: Map<string, T>, key: string, value: T) {
    if (map.size >= this.maxPlans) {
      const oldest = map.keys().next();
      if (!oldest.done) map.delete(oldest.value);
    }
    map.set(key, value);
  }

  get size(): number {
    return this.plans.size;
  }
}

/** Ignored before the first token of a document: whitespace, commas, a byte-order mark and comments. */
const leadingIgnored = /^(?:[\s,\uFEFF]|#[^\n\r]*)*/;

/**
 * False when the document's first operation is a mutation or a subscription, so the cache neither
 * hashes nor looks up what it never stores (a bulk operation's 700 KB of lines, for one). Decided on
 * the text, before parsing; a document whose first definition is anything else (a query, the
 * shorthand `{ … }`, a fragment) may be a query and goes through the cache as before.
 */
export function mayBeQuery(document: string): boolean {
  // The pattern also matches the empty string, so exec never returns null; 0 is that empty match.
  const start = leadingIgnored.exec(document)?.[0].length ?? 0;
  return !/^(?:mutation|subscription)(?![_0-9A-Za-z])/.test(document.slice(start, start + 13));
}

export interface ReadPathOptions {
  db: Database;
  /** Answer queries with compiled statements where the compiler can (else only the cache applies). */
  compiledReads: boolean;
  /** Stores what compiled reads answer; null when the response cache is off. */
  cache: ResponseCache | null;
  /** The caller of a request (memoised per request, shared with the context factory). */
  viewerOf(request: Request): Promise<Viewer | null>;
  /** Charges a hit's cost to the caller's bucket, exactly as an execution is charged. */
  charge(viewer: Viewer, cost: number): Promise<ChargeResult>;
  requestIdOf(request: Request): string;
  metrics?: Metrics;
  onError?: (error: unknown) => void;
}

/**
 * The read path's two hooks. `lookup` goes before the operation limits and the cost (a hit is
 * answered before parsing, charged its stored cost); `execute` goes after every plugin that
 * replaces the execute step but the budget, and replaces only that step, so the limits, cost,
 * rate limit and extensions of the other plugins apply to every path alike.
 */
export function useReadPath(options: ReadPathOptions): { lookup: Plugin; execute: Plugin<Context> } {
  const { cache, db, metrics } = options;
  const plans = new PlanCache(undefined, (result) => metrics?.plans.inc({ result }));

  const lookup: Plugin = {
    onExecute({ args }) {
      if (!cache || getOperationAST(args.document, args.operationName)?.operation !== 'mutation') return undefined;
      return {
        // Answer a mutation only once its changes have invalidated the cache (read your writes).
        onExecuteDone: () => cache.sync(db).catch((error: unknown) => options.onError?.(error)),
      };
    },
    async onParams({ request, params, setResult, context }) {
      if (
        !cache?.active ||
        typeof params.query !== 'string' ||
        params.extensions?.persistedQuery ||
        !mayBeQuery(params.query)
      )
        return;
      const viewer = await options.viewerOf(request);
      if (!viewer) return;
      // Decided before hashing: a document whose reads are never stored is not looked up.
      const document = cache.document(params.query);
      if (!document.lookup()) return;
      const key = cache.key(
        viewer,
        { query: params.query, operationName: params.operationName, variables: params.variables },
        document,
      );
      if (!key) return;
      const hit = await cache.get(key);
      if (!hit) {
        metrics?.cache.inc({ result: 'miss' });
        const readPath = context as ReadPathContext;
        readPath.responseCacheDocument = document;
        if (document.admit()) readPath.responseCacheKey = key;
        return;
      }
      document.hit();
      metrics?.cache.inc({ result: 'hit' });
      const charged = await options.charge(viewer, hit.cost);
      if (!charged.allowed) {
        setResult(charged.result);
        return;
      }
      setResult({
        data: new RawJson(hit.json) as unknown as Record<string, unknown>,
        extensions: { requestId: options.requestIdOf(request), ...charged.extensions },
        stringify: stringifyResult,
      } as ExecutionResult);
    },
  };

  const execute: Plugin<Context> = {
    onExecute({ executeFn, setExecuteFn }) {
      if (!options.compiledReads) return;
      setExecuteFn(async (args: ExecutionArgs) => {
        // Only queries compile: a mutation goes straight to its resolvers, its variables (a bulk
        // operation's 700 KB of lines) never keyed, planned or kept.
        if (getOperationAST(args.document, args.operationName)?.operation !== 'query') return executeFn(args);
        const context = args.contextValue as Context & ReadPathContext & PricedContext;
        const storeIn = cache?.active && context.viewer ? cache : null;
        const cacheKey = storeIn ? context.responseCacheKey : undefined;
        const compiled = await plans.get({
          schema: args.schema,
          document: args.document,
          operationName: args.operationName,
          variableValues: args.variableValues as Record<string, unknown> | undefined,
          context,
          collectShops: cacheKey !== undefined,
        });
        if (!compiled.ok) {
          if (storeIn) context.responseCacheDocument?.outcome(false);
          metrics?.reads.inc({ path: 'resolvers' });
          return executeFn(args);
        }
        const { read } = compiled;
        // Taken before the statement runs (a change meanwhile keeps the answer out); none for a read of
        // the clock without a bound on its next change, nor one whose deferred resolvers read untagged rows.
        const storable = (read.clock === null || read.clockBounded) && !read.resolverReads;
        const snapshot = storeIn && cacheKey && storable ? storeIn.snapshot() : null;
        const started = Date.now();
        if (storeIn && !storable) context.responseCacheDocument?.outcome(false);
        let bytes: Buffer;
        try {
          [bytes = Buffer.from('null')] = await db.queryText({
            text: read.text,
            values: executionValues(read, new Date(started)),
            name: preparedStatementName(read.text),
          });
        } catch (error) {
          if (resolversMustAnswer(error)) {
            if (storeIn && storable) context.responseCacheDocument?.outcome(false);
            metrics?.reads.inc({ path: 'resolvers' });
            return executeFn(args);
          }
          metrics?.reads.inc({ path: read.partial ? 'partial' : 'compiled' });
          // An execution error like any resolver's: masked (SERVICE_UNAVAILABLE when the database is away), with extensions.
          return { data: null, errors: [new GraphQLError('The read failed.', { originalError: error as Error })] };
        }
        if (!bytes.length) {
          // A non-null root found no row (read.text): its resolver answers, or creates it, as without a SQL form.
          if (storeIn && storable) context.responseCacheDocument?.outcome(false);
          metrics?.reads.inc({ path: 'resolvers' });
          return executeFn(args);
        }
        metrics?.reads.inc({ path: read.partial ? 'partial' : 'compiled' });
        let json = bytes;
        let shops = '';
        /** For a read of the clock: how long from `started` its answer holds (Infinity: no change comes). */
        let holdsMs = Infinity;
        if (read.returnsShops) {
          let newline = bytes.lastIndexOf(10);
          if (read.clockBounded) {
            const until = bytes.toString('latin1', newline + 1);
            if (until) holdsMs = Number(until);
            bytes = bytes.subarray(0, newline);
            newline = bytes.lastIndexOf(10);
          }
          json = bytes.subarray(0, newline);
          shops = bytes.toString('latin1', newline + 1);
        }
        if (read.inPlace.length) {
          const answered = await answerInPlace(read.inPlace, json, args.contextValue);
          if (!answered) {
            // A row-only field failed: the resolvers answer the operation, its error with its path.
            if (storeIn && storable) context.responseCacheDocument?.outcome(false);
            return executeFn(args);
          }
          json = answered;
        }
        if (read.partial) {
          const text = json.toString('utf8');
          const root = compiledRootValue(text, args.rootValue, args.contextValue);
          // Only the deferred fields' resolvers run, and their values go in place, when they are leaves that resolve cleanly.
          let answered = await answerDeferredLeaves({ ...args, rootValue: root }, root);
          // Else graphql-js over the paths to the deferred fields alone (an unanswered attempt changes no value).
          if (answered === undefined && read.deferred)
            answered = await answerDeferredFields(
              args,
              root,
              read.deferred,
              executeFn as (a: ExecutionArgs) => Promise<ExecutionResult>,
            );
          if (answered === undefined) {
            if (storeIn && storable) context.responseCacheDocument?.outcome(false);
            // Else graphql-js answers from the JSON (a fresh copy), running only the deferred fields' resolvers.
            return executeFn({ ...args, rootValue: compiledRootValue(text, args.rootValue, args.contextValue) });
          }
          json = Buffer.from(answered);
        }
        if (
          storeIn &&
          cacheKey &&
          snapshot &&
          read.returnsShops &&
          context.viewer &&
          context.operationCost !== undefined
        ) {
          // Counted from when the clock was taken: the answer expires no later than its next change.
          const ttlMs = holdsMs - (Date.now() - started);
          const tags = storeIn.tags(read, context.viewer, shops.split(',').filter(Boolean));
          if (ttlMs >= MIN_CLOCK_TTL_MS)
            await storeIn.put(cacheKey, { json, cost: context.operationCost }, tags, snapshot, ttlMs);
          context.responseCacheDocument?.outcome(ttlMs >= MIN_CLOCK_TTL_MS);
        }
        return { data: new RawJson(json) as unknown as Record<string, unknown>, stringify: stringifyResult };
      });
    },
  };
  return { lookup, execute };
}

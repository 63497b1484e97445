import { createHash } from 'node:crypto';
import type { Database } from '@shopwarden/db';
import {
  compileRead,
  type CompileReadInput,
  type CompileReadResult,
  type Context,
  type Viewer,
} from '@shopwarden/schema';
import { GraphQLError, getOperationAST, type DocumentNode, type ExecutionArgs } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { calculateQueryCost } from './query-analysis.ts';
import type { Metrics } from './metrics.ts';
import { RawJson, stringifyResult } from './raw-json.ts';
import { responseCacheKeyOf, type ResponseCache } from './response-cache.ts';

/**
 * Compiled statements, reused for the same document (Yoga's parser cache hands out one document
 * object per query text), caller (the key cache hands out one viewer object per key and TTL),
 * operation name and variables: compiling walks the operation and translates its arguments, which
 * costs more than answering a cached plan. Root queries depend on the arguments and the viewer only.
 */
class PlanCache {
  private readonly plans = new WeakMap<DocumentNode, WeakMap<Viewer, Map<string, CompileReadResult>>>();

  async get(input: CompileReadInput): Promise<CompileReadResult> {
    const viewer = input.context.viewer;
    if (!viewer) return compileRead(input);
    let byViewer = this.plans.get(input.document);
    if (!byViewer) this.plans.set(input.document, (byViewer = new WeakMap()));
    let byVariables = byViewer.get(viewer);
    if (!byVariables) byViewer.set(viewer, (byVariables = new Map()));
    const key = `${input.operationName ?? ''}\u0000${input.collectShops ? 1 : 0}\u0000${JSON.stringify(input.variableValues ?? {})}`;
    let plan = byVariables.get(key);
    if (!plan) {
      plan = await compileRead(input);
      if (byVariables.size >= 64) byVariables.clear();
      byVariables.set(key, plan);
    }
    return plan;
  }
}

/** At most this many statement shapes are prepared per process (each pooled connection keeps its own). */
const MAX_PREPARED = 500;

export interface CompiledReadsOptions {
  db: Database;
  metrics?: Metrics;
  /** Stores what compiled reads answer (see response-cache.ts). */
  cache?: ResponseCache;
}

/**
 * Answers query operations that the schema's compiler understands with one SQL statement
 * (named prepared statement on PostgreSQL), and everything else through the resolvers. It replaces
 * only the execute step, so the limits, cost, rate limit and extensions of the other plugins apply
 * to both paths alike.
 */
export function useCompiledReads(options: CompiledReadsOptions): Plugin<Context> {
  const names = new Map<string, string>();
  const statementName = (text: string): string | undefined => {
    let name = names.get(text);
    if (!name && names.size < MAX_PREPARED) {
      name = `sw_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
      names.set(text, name);
    }
    return name;
  };
  const plans = new PlanCache();
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn(async (args: ExecutionArgs) => {
        // Only queries compile: a mutation goes straight to its resolvers, its variables (a bulk
        // operation's 700 KB of lines) never keyed, planned or kept.
        if (getOperationAST(args.document, args.operationName)?.operation !== 'query') return executeFn(args);
        const context = args.contextValue as Context & { request?: Request };
        const cache = options.cache;
        const cacheKey = cache?.active && context.viewer ? responseCacheKeyOf(context.request) : undefined;
        const compiled = await plans.get({
          schema: args.schema,
          document: args.document,
          operationName: args.operationName,
          variableValues: args.variableValues as Record<string, unknown> | undefined,
          context,
          collectShops: cacheKey !== undefined,
        });
        if (!compiled.ok) {
          options.metrics?.reads.inc({ path: 'resolvers' });
          return executeFn(args);
        }
        options.metrics?.reads.inc({ path: 'compiled' });
        const { read } = compiled;
        // Taken before the statement runs: a change committed meanwhile keeps this answer out of the cache.
        const snapshot = cacheKey ? cache!.snapshot() : null;
        let bytes: Buffer;
        try {
          [bytes = Buffer.from('null')] = await options.db.queryText({
            text: read.text,
            values: read.values,
            name: statementName(read.text),
          });
        } catch (error) {
          // An execution error like any resolver's: masked (SERVICE_UNAVAILABLE when the database is away), with extensions.
          return { data: null, errors: [new GraphQLError('The read failed.', { originalError: error as Error })] };
        }
        let json = bytes;
        if (read.returnsShops) {
          const newline = bytes.lastIndexOf(10);
          json = bytes.subarray(0, newline);
          if (cacheKey && snapshot && context.viewer) {
            const shops = bytes
              .toString('latin1', newline + 1)
              .split(',')
              .filter(Boolean);
            const { cost } = calculateQueryCost(
              args.schema,
              args.document,
              args.variableValues as Record<string, unknown>,
              args.operationName,
            );
            await cache!.put(cacheKey, { json, cost }, cache!.tags(read, context.viewer, shops), snapshot);
          }
        }
        return { data: new RawJson(json) as unknown as Record<string, unknown>, stringify: stringifyResult };
      });
    },
  };
}

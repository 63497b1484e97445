import { createHash } from 'node:crypto';
import type { Database } from '@shopwarden/db';
import { compileRead, type Context } from '@shopwarden/schema';
import { GraphQLError, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Metrics } from './metrics.ts';

/**
 * The `data` of a compiled read: JSON text straight from PostgreSQL. Serialised by splicing the
 * text into the response (see `stringifyResult`), so it is never parsed and re-encoded; `toJSON`
 * keeps it correct for any code that stringifies the result another way.
 */
export class RawJson {
  constructor(readonly json: string) {}
  toJSON(): unknown {
    return JSON.parse(this.json);
  }
}

/** Yoga's `result.stringify` hook: `{"data":<raw text>, …the other keys as usual}`. */
export function stringifyResult(result: ExecutionResult & { stringify?: unknown }): string {
  if (!(result.data instanceof RawJson)) return JSON.stringify(result);
  let out = `{"data":${result.data.json}`;
  for (const [key, value] of Object.entries(result)) {
    if (key === 'data' || key === 'stringify' || value === undefined) continue;
    out += `,${JSON.stringify(key)}:${JSON.stringify(value)}`;
  }
  return `${out}}`;
}

/** At most this many statement shapes are prepared per process (each pooled connection keeps its own). */
const MAX_PREPARED = 500;

export interface CompiledReadsOptions {
  db: Database;
  metrics?: Metrics;
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
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn(async (args: ExecutionArgs) => {
        const compiled = await compileRead({
          schema: args.schema,
          document: args.document,
          operationName: args.operationName,
          variableValues: args.variableValues as Record<string, unknown> | undefined,
          context: args.contextValue as Context,
        });
        if (!compiled.ok) {
          options.metrics?.reads.inc({ path: 'resolvers' });
          return executeFn(args);
        }
        options.metrics?.reads.inc({ path: 'compiled' });
        try {
          const [json] = await options.db.queryText({ text: compiled.read.text, values: compiled.read.values, name: statementName(compiled.read.text) });
          return { data: new RawJson(json!) as unknown as Record<string, unknown>, stringify: stringifyResult };
        } catch (error) {
          // An execution error like any resolver's: masked (SERVICE_UNAVAILABLE when the database is away), with extensions.
          return { data: null, errors: [new GraphQLError('The read failed.', { originalError: error as Error })] };
        }
      });
    },
  };
}

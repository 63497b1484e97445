import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError } from 'graphql';
import type { Plugin, YogaInitialContext } from 'graphql-yoga';
import type { ApiConfig } from './config.ts';
import { MAX_FIELD_REPEATS, calculateQueryCost, findRepeatedField, refusalsOf } from './query-analysis.ts';

/** Armor reports its refusals as syntax errors without a code; ours say which limit, with LIMIT_EXCEEDED. */
const refuse = (_context: unknown, error: GraphQLError): never => {
  throw new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { code: 'LIMIT_EXCEEDED' } });
};

/**
 * The limits checked on the document before it runs: tokens while parsing, repeated fields before
 * validation, depth, aliases and directives during validation (graphql-armor; each walk measures a
 * fragment once), then cost, expanded fields and page sizes with the variables as sent — before the
 * API key is awaited, so a refused document costs no database work. useQueryCost checks them again
 * with the coerced variables (defaults included) when it prices the operation.
 */
export function useOperationLimits(limits: ApiConfig['limits']): Plugin[] {
  const armor = { onReject: [refuse], propagateOnRejection: true };
  // The cost of an operation refused here, reported in `extensions.cost` as useQueryCost reports its refusals.
  const refusedCosts = new WeakMap<Request, number>();
  return [
    {
      onValidate({ params, setResult, context }) {
        const document = params.documentAST;
        const repeated = findRepeatedField(document);
        if (repeated) {
          return void setResult([
            new GraphQLError(
              `"${repeated.name}" is selected ${repeated.count} times in one selection set; at most ${MAX_FIELD_REPEATS} are allowed.`,
              { extensions: { code: 'LIMIT_EXCEEDED', maxFieldRepeats: MAX_FIELD_REPEATS } },
            ),
          ]);
        }
        return ({ valid }) => {
          if (!valid) return;
          const yogaContext = context as Partial<YogaInitialContext>;
          const sent = yogaContext.params;
          const variables = sent?.variables && typeof sent.variables === 'object' ? sent.variables : {};
          const analysis = calculateQueryCost(params.schema, document, variables, sent?.operationName, limits);
          const errors = refusalsOf(analysis, limits);
          if (!errors.length) return;
          if (yogaContext.request) refusedCosts.set(yogaContext.request, analysis.cost);
          // Thrown, not set as the validation result: Yoga caches that per document, and these depend on the variables.
          throw new AggregateError(errors);
        };
      },
      onResultProcess({ request, result, setResult }) {
        const cost = refusedCosts.get(request);
        if (cost === undefined || Array.isArray(result) || Symbol.asyncIterator in result) return;
        setResult({
          ...result,
          extensions: {
            ...result.extensions,
            cost: { requestedQueryCost: cost, actualQueryCost: 0, maximumCost: limits.maxCost },
          },
        });
      },
    },
    EnvelopArmorPlugin({
      maxDepth: { n: limits.maxDepth, flattenFragments: true, ...armor },
      maxAliases: { n: limits.maxAliases, ...armor },
      maxTokens: { n: limits.maxTokens, ...armor },
      maxDirectives: { n: limits.maxDirectives, ...armor },
      costLimit: { enabled: false },
      // http-edge.ts hides every suggestion, enum values' too (armor's rule misses those).
      blockFieldSuggestion: { enabled: false },
    }),
  ];
}

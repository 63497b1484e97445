import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError, Kind, type SelectionSetNode, type ValidationRule } from 'graphql';
import type { Plugin, YogaInitialContext } from 'graphql-yoga';
import type { ApiConfig } from './config.ts';
import { MAX_FIELD_REPEATS, calculateQueryCost, findRepeatedField, refusalsOf } from './query-analysis.ts';

/** Armor reports its refusals as syntax errors without a code; ours say which limit, with LIMIT_EXCEEDED. */
const refuse = (_context: unknown, error: GraphQLError): never => {
  throw new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { code: 'LIMIT_EXCEEDED' } });
};

/**
 * Mutations an operation may run at most once: keys, access, the platform's clock and settings
 * (one deliberate change per request, audited as one), and work that is already a batch — the bulk
 * submission, the synchronous bulk mutations (250 items each; aliases would multiply the batch a
 * request may carry) and the platform-wide runs over every shop.
 */
export const ONCE_PER_OPERATION = [
  'apiKeyCreate',
  'apiKeyRevoke',
  'shopAccessGrant',
  'sandboxClockSet',
  'platformSettingsUpdate',
  'bulkOperationRun',
  'listingBulkReview',
  'listingBulkSubmit',
  'orderImport',
  'primaryCategoryAutoAssign',
  'tierRecalculate',
  'platformJobRun',
] as const;

/** Refuses a mutation operation that runs one of ONCE_PER_OPERATION twice (under two aliases, directly or through fragments). */
const oncePerOperationRule: ValidationRule = (context) => ({
  OperationDefinition(operation) {
    if (operation.operation !== 'mutation') return;
    const once = new Set<string>(ONCE_PER_OPERATION);
    // Response keys per field: fields sharing one are merged into one execution, each other key runs it again.
    const keys = new Map<string, Set<string>>();
    const spread = new Set<string>();
    const walk = (set: SelectionSetNode) => {
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          const name = selection.name.value;
          if (once.has(name)) keys.set(name, (keys.get(name) ?? new Set()).add(selection.alias?.value ?? name));
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          walk(selection.selectionSet);
        } else if (!spread.has(selection.name.value)) {
          spread.add(selection.name.value);
          const fragment = context.getFragment(selection.name.value);
          if (fragment) walk(fragment.selectionSet);
        }
      }
    };
    walk(operation.selectionSet);
    for (const [name, aliases] of keys) {
      if (aliases.size < 2) continue;
      context.reportError(
        new GraphQLError(`${name} may run once per operation; this operation runs it ${aliases.size} times.`, {
          nodes: operation,
          extensions: { code: 'LIMIT_EXCEEDED', field: name },
        }),
      );
    }
  },
});

/**
 * The limits checked on the document before it runs: tokens while parsing, repeated fields before
 * validation, depth, aliases and directives (graphql-armor; each walk measures a fragment once) and
 * mutations that may run once per operation during validation, then cost, expanded fields and page sizes with the variables as sent — before the
 * API key is awaited, so a refused document costs no database work. useQueryCost checks them again
 * with the coerced variables (defaults included) when it prices the operation.
 */
export function useOperationLimits(limits: ApiConfig['limits']): Plugin[] {
  const armor = { onReject: [refuse], propagateOnRejection: true };
  // The cost of an operation refused here, reported in `extensions.cost` as useQueryCost reports its refusals.
  const refusedCosts = new WeakMap<Request, number>();
  return [
    {
      onValidate({ params, setResult, context, addValidationRule }) {
        addValidationRule(oncePerOperationRule);
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

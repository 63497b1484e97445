import {
  GraphQLError,
  Kind,
  getNamedType,
  isCompositeType,
  isObjectType,
  isInterfaceType,
  valueFromASTUntyped,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';

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
export function calculateQueryCost(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | null | undefined, operationName?: string | null): QueryCost {
  const oversizedPages: QueryCost['oversizedPages'] = [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: OperationDefinitionNode | undefined;
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    if (def.kind === Kind.OPERATION_DEFINITION && (!operationName || def.name?.value === operationName)) operation ??= def;
  }
  if (!operation) return { cost: 0, oversizedPages };
  const root = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
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
        if (typeof value === 'number' && value > MAX_PAGE) oversizedPages.push({ field: `${parent.name}.${field.name}`, value });
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

/** Refuses operations over the cost limit before they run, and reports the cost in `extensions.cost`. */
export function useQueryCost(maxCost: number): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution, extendContext }) {
      const { cost, oversizedPages } = calculateQueryCost(args.schema, args.document, args.variableValues as Record<string, unknown>, args.operationName);
      extendContext({ requestedQueryCost: cost } as never);
      const extensions = { cost: { requestedQueryCost: cost, maximumCost: maxCost } };
      if (oversizedPages.length) {
        setResultAndStopExecution({
          errors: oversizedPages.map(
            (p) => new GraphQLError(`${p.field} asks for ${p.value} items; a page holds at most ${MAX_PAGE}.`, { extensions: { code: 'LIMIT_EXCEEDED', field: p.field, maxPage: MAX_PAGE } }),
          ),
          extensions,
        });
        return undefined;
      }
      if (cost > maxCost) {
        setResultAndStopExecution({
          errors: [new GraphQLError(`This operation would cost ${cost}, over the limit of ${maxCost}. Ask for smaller pages (first/last) or fewer nested lists.`, { extensions: { code: 'LIMIT_EXCEEDED', cost: cost, maxCost } })],
          extensions,
        });
        return undefined;
      }
      return {
        onExecuteDone({ result, setResult }) {
          if (!('data' in result || 'errors' in result)) return;
          setResult({ ...result, extensions: { ...(result.extensions ?? {}), ...extensions } });
        },
      };
    },
  };
}

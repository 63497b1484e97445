import {
  GraphQLError,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  valueFromASTUntyped,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** Connection pages are 20 long unless `first`/`last` says otherwise (the connections' default size). */
const DEFAULT_PAGE = 20;
/** The largest page a connection serves. */
export const MAX_PAGE = 100;

export interface QueryCost {
  /** The calculated cost; when `exceeded` is set, only a lower bound (the walk stopped there). */
  cost: number;
  /** Field selections once every fragment spread is expanded where it appears (not multiplied by pages). */
  fields: number;
  /** `first`/`last` values over MAX_PAGE, refused before execution. */
  oversizedPages: { field: string; value: number }[];
  /** Negative `first`/`last` values, refused before execution. */
  negativePages: { field: string; value: number }[];
  /** The limit the walk passed, at which point it stopped. */
  exceeded: 'cost' | 'fields' | null;
}

/** Where the walk stops: past either bound the operation is refused, so counting further is wasted work. */
export interface AnalysisLimits {
  maxCost: number;
  maxFields: number;
}

const UNBOUNDED: AnalysisLimits = { maxCost: Infinity, maxFields: Infinity };

interface Measure {
  cost: number;
  fields: number;
}

class LimitPassed extends Error {
  constructor(
    readonly limit: 'cost' | 'fields',
    readonly reached: Measure,
  ) {
    super(limit);
  }
}

/**
 * The cost of an operation before it runs, from the document and its variables: every field that
 * returns an object costs 1, scalars are free, and a list field multiplies what it contains by
 * its `first`/`last` (20 when neither is given), like Shopify's calculated query cost.
 *
 * Linear in the document: a named fragment is measured once (its fields resolve against its own
 * type condition, so its measure does not depend on where it is spread) and reused at every
 * spread, and the walk stops as soon as a partial sum passes a limit (every term is ≥ 0 and every
 * multiplier ≥ 1, so a partial sum is a lower bound of the whole).
 */
export function calculateQueryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | null | undefined,
  operationName?: string | null,
  limits: AnalysisLimits = UNBOUNDED,
): QueryCost {
  const oversizedPages: QueryCost['oversizedPages'] = [];
  const negativePages: QueryCost['negativePages'] = [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: OperationDefinitionNode | undefined;
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    if (def.kind === Kind.OPERATION_DEFINITION && (!operationName || def.name?.value === operationName))
      operation ??= def;
  }
  const none: QueryCost = { cost: 0, fields: 0, oversizedPages, negativePages, exceeded: null };
  if (!operation) return none;
  const root =
    operation.operation === 'mutation'
      ? schema.getMutationType()
      : operation.operation === 'subscription'
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  if (!root) return none;
  // A variable left out takes its declared default, as execution will give it.
  const vars: Record<string, unknown> = {};
  for (const def of operation.variableDefinitions ?? []) {
    if (def.defaultValue) vars[def.variable.name.value] = valueFromASTUntyped(def.defaultValue);
  }
  Object.assign(vars, variables);
  // A fragment's measure (priced, or under introspection), or null while it is being measured (a cycle, which validation refuses anyway, counts 0).
  const measured = new Map<string, Measure | null>();

  const check = (m: Measure): void => {
    if (m.cost > limits.maxCost) throw new LimitPassed('cost', m);
    if (m.fields > limits.maxFields) throw new LimitPassed('fields', m);
  };
  const add = (total: Measure, part: Measure): void => {
    total.cost += part.cost;
    total.fields += part.fields;
    check(total);
  };

  const measureFragment = (name: string, priced: boolean): Measure => {
    const key = priced ? name : `free:${name}`;
    const known = measured.get(key);
    if (known !== undefined) return known ?? { cost: 0, fields: 0 };
    const fragment = fragments.get(name);
    const cond = fragment && schema.getType(fragment.typeCondition.name.value);
    if (!fragment || !cond || !isCompositeType(cond)) return { cost: 0, fields: 0 };
    measured.set(key, null);
    const m = measure(fragment.selectionSet, cond, priced);
    measured.set(key, m);
    return m;
  };

  // Introspection (`__schema`, `__type`) is free, as it always was, but its fields count like any others.
  const fieldOf = (parent: GraphQLCompositeType, name: string) =>
    isObjectType(parent) || isInterfaceType(parent)
      ? (parent.getFields()[name] ??
        (parent === schema.getQueryType() && name === '__schema'
          ? SchemaMetaFieldDef
          : parent === schema.getQueryType() && name === '__type'
            ? TypeMetaFieldDef
            : undefined))
      : undefined;

  const measure = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType, priced: boolean): Measure => {
    const total: Measure = { cost: 0, fields: 0 };
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const cond = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (cond && isCompositeType(cond)) add(total, measure(selection.selectionSet, cond, priced));
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        add(total, measureFragment(selection.name.value, priced));
        continue;
      }
      total.fields += 1;
      const field = fieldOf(parent, selection.name.value);
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
        if (typeof value === 'number' && value < 0)
          negativePages.push({ field: `${parent.name}.${field.name}`, value });
      } else if (named.name.endsWith('Connection')) {
        multiplier = DEFAULT_PAGE;
      }
      const pricedHere = priced && field !== SchemaMetaFieldDef && field !== TypeMetaFieldDef;
      const inner = measure(selection.selectionSet, named, pricedHere);
      add(total, { cost: pricedHere ? 1 + multiplier * inner.cost : 0, fields: inner.fields });
    }
    check(total);
    return total;
  };

  try {
    const { cost, fields } = measure(operation.selectionSet, root, true);
    return { cost, fields, oversizedPages, negativePages, exceeded: null };
  } catch (error) {
    if (!(error instanceof LimitPassed)) throw error;
    return { ...error.reached, oversizedPages, negativePages, exceeded: error.limit };
  }
}

/** Why an analysed operation may not run: pages out of bounds, or a limit passed (empty when it may). */
export function refusalsOf(analysis: QueryCost, limits: AnalysisLimits): GraphQLError[] {
  const pageErrors = [
    ...analysis.negativePages.map(
      (p) =>
        new GraphQLError(`${p.field} asks for ${p.value} items; first and last must not be negative.`, {
          extensions: { code: 'VALIDATION_FAILED', field: p.field },
        }),
    ),
    ...analysis.oversizedPages.map(
      (p) =>
        new GraphQLError(`${p.field} asks for ${p.value} items; a page holds at most ${MAX_PAGE}.`, {
          extensions: { code: 'LIMIT_EXCEEDED', field: p.field, maxPage: MAX_PAGE },
        }),
    ),
  ];
  if (pageErrors.length) return pageErrors;
  if (analysis.exceeded === 'fields') {
    return [
      new GraphQLError(
        `This operation selects more than ${limits.maxFields} fields once its fragments are expanded. Spread each fragment fewer times.`,
        { extensions: { code: 'LIMIT_EXCEEDED', maxFields: limits.maxFields } },
      ),
    ];
  }
  if (analysis.exceeded === 'cost') {
    return [
      new GraphQLError(
        `This operation would cost more than ${limits.maxCost} (at least ${analysis.cost}). Ask for smaller pages (first/last) or fewer nested lists.`,
        { extensions: { code: 'LIMIT_EXCEEDED', cost: analysis.cost, maxCost: limits.maxCost } },
      ),
    ];
  }
  return [];
}

/** How often one response name may appear in one selection set (inline fragments merged, as validation merges them). */
export const MAX_FIELD_REPEATS = 20;

/**
 * The first response name selected more than `max` times in one selection set, or null. graphql-js
 * compares every pair of fields sharing a response name (OverlappingFieldsCanBeMerged), so 250
 * copies of one field cost tens of milliseconds of validation; below this bound the pairs stay few.
 * One pass over the document: each selection set is counted with the inline fragments inside it.
 */
export function findRepeatedField(
  document: DocumentNode,
  max = MAX_FIELD_REPEATS,
): { name: string; count: number } | null {
  const pending: SelectionSetNode[] = [];
  for (const def of document.definitions) {
    if (def.kind === Kind.OPERATION_DEFINITION || def.kind === Kind.FRAGMENT_DEFINITION) pending.push(def.selectionSet);
  }
  for (let set = pending.pop(); set; set = pending.pop()) {
    const counts = new Map<string, number>();
    const merged = [set];
    for (let inner = merged.pop(); inner; inner = merged.pop()) {
      for (const selection of inner.selections) {
        if (selection.kind === Kind.INLINE_FRAGMENT) merged.push(selection.selectionSet);
        if (selection.kind !== Kind.FIELD) continue;
        const name = selection.alias?.value ?? selection.name.value;
        const count = (counts.get(name) ?? 0) + 1;
        if (count > max) return { name, count };
        counts.set(name, count);
        if (selection.selectionSet) pending.push(selection.selectionSet);
      }
    }
  }
  return null;
}

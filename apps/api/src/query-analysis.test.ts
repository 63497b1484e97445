import fc from 'fast-check';
import {
  Kind,
  getNamedType,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  parse,
  valueFromASTUntyped,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLObjectType,
  type SelectionSetNode,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '@shopwarden/schema';
import { calculateQueryCost } from './query-analysis.ts';

/** The cost walk as it was before memoization: every spread walked again. The reference for the property test. */
function naiveCost(document: DocumentNode, variables: Record<string, unknown> = {}) {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION)!;
  const oversized = new Set<string>();
  const walk = (set: SelectionSetNode, parent: GraphQLCompositeType): { cost: number; fields: number } => {
    let cost = 0;
    let fields = 0;
    for (const selection of set.selections) {
      if (selection.kind !== Kind.FIELD) {
        const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value)! : selection;
        const cond = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : parent;
        const inner = walk(fragment.selectionSet, cond as GraphQLCompositeType);
        cost += inner.cost;
        fields += inner.fields;
        continue;
      }
      fields += 1;
      if (!isObjectType(parent) && !isInterfaceType(parent)) continue;
      const field = parent.getFields()[selection.name.value];
      if (!field || !selection.selectionSet) continue;
      const named = getNamedType(field.type);
      if (!isCompositeType(named)) continue;
      let multiplier = 1;
      const sizeArg = selection.arguments?.find((a) => a.name.value === 'first' || a.name.value === 'last');
      if (sizeArg) {
        const value = valueFromASTUntyped(sizeArg.value, variables);
        multiplier = typeof value === 'number' && value > 0 ? value : 20;
        if (typeof value === 'number' && value > 100) oversized.add(`${parent.name}.${field.name}:${value}`);
      } else if (named.name.endsWith('Connection')) multiplier = 20;
      const inner = walk(selection.selectionSet, named);
      cost += 1 + multiplier * inner.cost;
      fields += inner.fields;
    }
    return { cost, fields };
  };
  return { ...walk(operation.selectionSet, schema.getQueryType()!), oversized };
}

const FRAGMENT_TYPES = ['Query', 'Shop', 'Viewer', 'Listing'];

/**
 * A random valid operation without fragment cycles, built from a list of choices: fields of the
 * real schema (with random page sizes), inline fragments and spreads of fragments defined later
 * (a fragment spreads only fragments after it, so none can reach itself).
 */
function buildDocument(choices: number[]): string {
  let i = 0;
  const next = (n: number) => (n <= 1 ? 0 : choices[i++ % choices.length]! % n);
  const fragmentCount = next(5);
  const fragmentTypes = Array.from({ length: fragmentCount }, () => FRAGMENT_TYPES[next(FRAGMENT_TYPES.length)]!);
  const selections = (type: GraphQLCompositeType, depth: number, from: number): string => {
    const parts: string[] = [];
    const count = 1 + next(3);
    for (let k = 0; k < count; k++) {
      const kind = next(6);
      const spreadable = fragmentTypes.map((t, j) => [t, j] as const).filter(([t, j]) => j >= from && t === type.name);
      if (kind === 0 && spreadable.length) {
        parts.push(`...F${spreadable[next(spreadable.length)]![1]}`);
        continue;
      }
      if (kind === 1 && depth < 4) {
        const target: GraphQLCompositeType = isAbstractType(type)
          ? schema.getPossibleTypes(type)[next(schema.getPossibleTypes(type).length)]!
          : type;
        parts.push(`... on ${target.name} { ${selections(target, depth + 1, from)} }`);
        continue;
      }
      if (!isObjectType(type) && !isInterfaceType(type)) {
        parts.push('__typename');
        continue;
      }
      const fields = Object.values((type as GraphQLObjectType).getFields()).filter(
        (f) => !f.args.some((a) => a.type.toString().endsWith('!')),
      );
      const field = fields[next(fields.length)]!;
      const named = getNamedType(field.type);
      if (!isCompositeType(named)) {
        parts.push(field.name);
        continue;
      }
      if (depth >= 4) continue;
      const page = field.args.some((a) => a.name === 'first') && next(2) ? `(first: ${1 + next(150)})` : '';
      parts.push(`${field.name}${page} { ${selections(named, depth + 1, from)} }`);
    }
    return parts.join(' ') || '__typename';
  };
  const operation = `query { ${selections(schema.getQueryType()!, 0, 0)} }`;
  const definitions = fragmentTypes.map(
    (t, j) => `fragment F${j} on ${t} { ${selections(schema.getType(t) as GraphQLCompositeType, 1, j + 1)} }`,
  );
  return [operation, ...definitions].join('\n');
}

/** `{ ...F0 } fragment F0 on Query { ...F1 ...F1 } … fragment Fn on Query { <leaf> }`: 2^n leaves once expanded. */
export function fragmentBomb(n: number, leaf = '__typename'): string {
  let text = '{ ...F0 } ';
  for (let i = 0; i < n; i++) text += `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} } `;
  return `${text}fragment F${n} on Query { ${leaf} }`;
}

describe('query analysis', () => {
  it('gives the same cost, fields and oversized pages as walking every spread again, on random documents', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 10_000 }), { minLength: 20, maxLength: 200 }), (choices) => {
        const document = parse(buildDocument(choices));
        const reference = naiveCost(document);
        const analysed = calculateQueryCost(schema, document, {});
        expect(analysed.cost).toBe(reference.cost);
        expect(analysed.fields).toBe(reference.fields);
        expect(new Set(analysed.oversizedPages.map((p) => `${p.field}:${p.value}`))).toEqual(reference.oversized);
        expect(analysed.exceeded).toBeNull();
        // At the exact limits it passes; one below, it is refused.
        const limits = { maxCost: reference.cost, maxFields: reference.fields };
        expect(calculateQueryCost(schema, document, {}, null, limits).exceeded).toBeNull();
        if (reference.cost > 0)
          expect(
            calculateQueryCost(schema, document, {}, null, { ...limits, maxCost: reference.cost - 1 }).exceeded,
          ).toBe('cost');
        expect(
          calculateQueryCost(schema, document, {}, null, { ...limits, maxFields: reference.fields - 1 }).exceeded,
        ).toBe('fields');
      }),
      { numRuns: 300 },
    );
  });

  it('measures each fragment once: a fragment bomb is refused at once, however many fragments', () => {
    const limits = { maxCost: 1000, maxFields: 2000 };
    for (const n of [24, 60, 1000]) {
      for (const leaf of ['__typename', 'viewer { role }']) {
        const document = parse(fragmentBomb(n, leaf));
        const started = performance.now();
        const result = calculateQueryCost(schema, document, {}, null, limits);
        expect(performance.now() - started, `${n} fragments, ${leaf}`).toBeLessThan(50);
        expect(result.exceeded).not.toBeNull();
      }
    }
    // Unbounded, it still finishes at once: 2^24 fields, counted without walking them.
    expect(calculateQueryCost(schema, parse(fragmentBomb(24)), {}).fields).toBe(2 ** 24);
  });

  it('counts introspection fields but does not price them', () => {
    const result = calculateQueryCost(schema, parse('{ __schema { types { name fields { name } } } }'), {});
    expect(result).toMatchObject({ cost: 0, fields: 5 });
  });
});

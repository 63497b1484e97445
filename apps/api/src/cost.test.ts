import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '@shopwarden/schema';
import { calculateQueryCost } from './query-analysis.ts';
import { exampleTabs } from './graphiql-examples.ts';

const cost = (query: string, variables?: Record<string, unknown>) =>
  calculateQueryCost(schema, parse(query), variables);

describe('query cost', () => {
  it('charges 1 per object field and nothing for scalars', () => {
    expect(cost('{ viewer { role scopes } }').cost).toBe(1);
    expect(cost('{ viewer { role apiKey { prefix } shop { name } } }').cost).toBe(3);
  });

  it('multiplies a connection by first/last, 20 by default, including from variables', () => {
    expect(cost('{ shops(first: 50) { edges { node { primaryCategory { name } } } } }').cost).toBe(1 + 50 * 3);
    expect(cost('{ shops { edges { node { name } } } }').cost).toBe(1 + 20 * 2);
    expect(cost('query($n: Int) { shops(first: $n) { edges { node { name } } } }', { n: 7 }).cost).toBe(1 + 7 * 2);
    expect(cost('query($n: Int) { shops(last: $n) { edges { node { name } } } }', {}).cost).toBe(1 + 20 * 2);
  });

  it('nests multipliers and follows fragments', () => {
    const q = `query { shops(first: 10) { edges { node { ...S } } } }
      fragment S on Shop { categorySelections(first: 5) { edges { node { category { name } } } } }`;
    expect(cost(q).cost).toBe(1 + 10 * (1 + 1 + (1 + 5 * (1 + 1 + 1))));
  });

  it('reports pages over 100', () => {
    expect(cost('{ shops(first: 101) { edges { node { name } } } }').oversizedPages).toEqual([
      { field: 'Query.shops', value: 101 },
    ]);
    expect(cost('{ shops(first: 100) { edges { node { name } } } }').oversizedPages).toEqual([]);
  });
});

describe('the GraphiQL tour', () => {
  it('has one tab per demo role, each valid against the schema, within the cost limit, with every variable filled', () => {
    expect(exampleTabs.map((t) => t.role)).toEqual(['admin', 'seller', 'agency', 'partner']);
    for (const tab of exampleTabs) {
      const document = parse(tab.operations);
      expect(validate(schema, document).map((e) => e.message)).toEqual([]);
      for (const def of document.definitions) {
        if (def.kind !== 'OperationDefinition') continue;
        const name = `${tab.role} ${def.name!.value}`;
        const missing = (def.variableDefinitions ?? [])
          .map((v) => v.variable.name.value)
          .filter((v) => !(v in tab.variables));
        expect(missing, name).toEqual([]);
        expect(calculateQueryCost(schema, document, tab.variables, def.name!.value).cost, name).toBeLessThanOrEqual(
          1000,
        );
      }
    }
  });
});

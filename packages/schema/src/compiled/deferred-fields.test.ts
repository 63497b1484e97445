import {
  buildSchema,
  execute,
  parse,
  print,
  visit,
  type ExecutionArgs,
  type FieldNode,
  type GraphQLObjectType,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { answerCompiledObjects, answerDeferredFields, compiledRootValue, type DeferredFields } from './partial.ts';

// A shop whose `grades` (no SQL form) returns objects: the compiled JSON leaves a null in its place.
const raw = buildSchema(`
  type Query { shop(id: Int!): Shop }
  type Shop { id: Int! name: String! grades(k: Int): [Grade!]! strict: Grade! items: [Item!]! }
  type Grade { code: String! score: Int }
  type Item { id: Int! title: String! }
`);
const calls: string[] = [];
// The deferred fields' own resolvers, which answerCompiledObjects runs with the row.
const shopFields = (raw.getType('Shop') as GraphQLObjectType).getFields();
shopFields.grades!.resolve = (row: { id: number }, args: { k?: number }) => {
  calls.push('grades');
  return [
    { code: `A${row.id}`, score: args.k ?? 1 },
    { code: 'B', score: null },
  ];
};
shopFields.strict!.resolve = (row: { id: number }) => (row.id === 2 ? null : { code: 'S', score: 9 });
const schema = answerCompiledObjects(raw);

/** The compiled JSON of QUERY (below) as the statement writes it: keys in document order, the deferred ones null. */
const compiled = (inc: boolean) =>
  JSON.stringify({
    $t: 'Query',
    shop: {
      $t: 'Shop',
      $r: { id: 1 },
      $d: inc ? ['grades', 'g2'] : ['grades'],
      id: 1,
      name: 'Shop',
      grades: null,
      items: [
        { $t: 'Item', id: 1, title: 'one' },
        { $t: 'Item', id: 2, title: 'two' },
      ],
      ...(inc ? { g2: null } : {}),
    },
  });

/** The deferred nodes of a document: every field named in `names`. */
function deferredOf(source: string, names: string[]): DeferredFields {
  const document = parse(source);
  const nodes = new Set<FieldNode>();
  visit(document, {
    Field(node) {
      if (names.includes(node.name.value)) nodes.add(node);
    },
  });
  return { document, nodes };
}

describe('answerDeferredFields', () => {
  const QUERY = `query Q($inc: Boolean!) {
    shop(id: 1) { ...S items { id title } g2: grades(k: 5) @include(if: $inc) { ...G } }
  }
  fragment S on Shop { id name ... on Shop { grades { code score } } }
  fragment G on Grade { code }`;

  it('runs graphql-js over the paths to the deferred fields only, and answers as the full walk does', async () => {
    const deferred = deferredOf(QUERY, ['grades']);
    for (const inc of [true, false]) {
      const args = { schema, document: deferred.document, variableValues: { inc } } as ExecutionArgs;
      const full = await execute({ ...args, rootValue: compiledRootValue(compiled(inc), undefined, {}) });
      const documents: string[] = [];
      calls.length = 0;
      const answered = await answerDeferredFields(
        args,
        compiledRootValue(compiled(inc), undefined, {}),
        deferred,
        (a) => {
          documents.push(print(a.document.definitions[0]!));
          return execute(a);
        },
      );
      expect(answered).toBe(JSON.stringify(full.data));
      expect(calls).toEqual(inc ? ['grades', 'grades'] : ['grades']);
      // Neither `id`, `name` nor the items: only the deferred fields and the way to them.
      expect(documents[0]).not.toMatch(/\bname\b|\bitems\b|\btitle\b/);
      expect(documents[0]).toMatch(/g2: grades\(k: 5\) @include\(if: \$inc\)/);
    }
  });

  it('gives up (undefined) when graphql-js answers an error, for the full walk to answer it', async () => {
    const source = `{ shop(id: 1) { id strict { code } } }`;
    const deferred = deferredOf(source, ['strict']);
    const root = (id: number) =>
      JSON.stringify({ $t: 'Query', shop: { $t: 'Shop', $r: { id }, $d: ['strict'], id, strict: null } });
    const args = { schema, document: deferred.document } as ExecutionArgs;
    // A null for a non-null field: graphql-js answers an error, and the shop null.
    expect(
      await answerDeferredFields(args, compiledRootValue(root(2), undefined, {}), deferred, execute as never),
    ).toBe(undefined);
    const fine = await answerDeferredFields(
      args,
      compiledRootValue(root(1), undefined, {}),
      deferred,
      execute as never,
    );
    expect(fine).toBe('{"shop":{"id":1,"strict":{"code":"S"}}}');
  });
});

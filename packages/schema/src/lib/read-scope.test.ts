import {
  GraphQLInterfaceType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  GraphQLUnionType,
  graphql,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Viewer } from '#modules/auth/viewer.ts';
import { enforceReadScopes, mayRead } from './read-scope.ts';

const viewer = (role: Viewer['role'], scopes: string[]): Viewer => ({
  apiKeyId: 1,
  role,
  scopes,
  shopId: null,
  accountId: null,
  shopIds: null,
  representedCreatorIds: [],
});

const secret = () =>
  new GraphQLObjectType({
    name: 'Secret',
    extensions: { pothosOptions: { readScope: 'secrets:read' } },
    fields: { text: { type: GraphQLString } },
  });

describe('read scopes', () => {
  it('refuse every field that returns the type or a list of it before its resolver runs', async () => {
    const Secret = secret();
    let resolved = 0;
    const schema = enforceReadScopes(
      new GraphQLSchema({
        query: new GraphQLObjectType({
          name: 'Query',
          fields: {
            one: { type: Secret, resolve: () => (resolved++, { text: 'a' }) },
            many: { type: new GraphQLNonNull(new GraphQLList(Secret)), resolve: () => (resolved++, [{ text: 'b' }]) },
            open: { type: GraphQLString, resolve: () => 'c' },
          },
        }),
      }),
    );
    const run = (v: Viewer) => graphql({ schema, source: '{ one { text } open }', contextValue: { viewer: v } });
    const refused = await run(viewer('SELLER', ['shops:read']));
    expect(refused.data).toEqual({ one: null, open: 'c' });
    expect(refused.errors?.map((e) => [e.message, (e.originalError as { code?: string }).code])).toEqual([
      ['Your API key needs the secrets:read scope to read this.', 'FORBIDDEN'],
    ]);
    expect(resolved).toBe(0);
    expect((await run(viewer('SELLER', ['secrets:read']))).data).toEqual({ one: { text: 'a' }, open: 'c' });
    expect(Secret.description).toBe('Reading it needs the `secrets:read` scope, on every path.');
  });

  it('apply a role-limited scope to the roles listed only', () => {
    const readScope = { scope: 'creators:read', roles: ['PARTNER'] as const };
    expect(mayRead(viewer('SELLER', []), readScope)).toBe(true);
    expect(mayRead(viewer('PARTNER', []), readScope)).toBe(false);
    expect(mayRead(viewer('PARTNER', ['creators:read']), readScope)).toBe(true);
    expect(mayRead(null, readScope)).toBe(false);
    expect(mayRead(viewer('ADMIN', ['*']), 'listings:read')).toBe(true);
  });

  it('refuse to build an abstract field other than node that could return a scoped type', () => {
    const Secret = secret();
    const Thing = new GraphQLUnionType({ name: 'Thing', types: [Secret] });
    const schema = new GraphQLSchema({
      query: new GraphQLObjectType({ name: 'Query', fields: { thing: { type: Thing } } }),
    });
    expect(() => enforceReadScopes(schema)).toThrow('Query.thing may return Secret, whose read scope it cannot check');
    const Node = new GraphQLInterfaceType({ name: 'Node', fields: { id: { type: GraphQLString } } });
    const Scoped = new GraphQLObjectType({
      name: 'Scoped',
      interfaces: [Node],
      extensions: { pothosOptions: { readScope: 'secrets:read' } },
      fields: { id: { type: GraphQLString } },
    });
    const withNode = new GraphQLSchema({
      query: new GraphQLObjectType({ name: 'Query', fields: { node: { type: Node } } }),
      types: [Scoped],
    });
    expect(() => enforceReadScopes(withNode)).not.toThrow();
  });
});

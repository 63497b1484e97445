/**
 * Read scopes, declared once per object type (`readScope` in its options) and enforced on every
 * path to it: each field that returns the type, a list of it or a connection of it is refused with
 * FORBIDDEN before its resolver runs (so the answer never depends on what exists), `node` and
 * `nodes` treat it as out of reach (null, like a missing ID), and the compiled-read planner falls
 * back to these resolvers. A field of an abstract type other than `Node` may not return a scoped
 * type, so no path escapes the check.
 */
import type { SchemaTypes } from '@pothos/core';
import type { Role } from '@shopwarden/db';
import {
  defaultFieldResolver,
  getNamedType,
  isAbstractType,
  isObjectType,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';
import { hasScope, type Viewer } from '#modules/auth/viewer.ts';
import { ForbiddenError } from './errors.ts';

/** The scope reading a type needs: from every key, or only from keys of the roles listed. */
export type ReadScope = string | { scope: string; roles: readonly Role[] };

// Pothos type options are declared by merging into its global namespace.
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  export namespace PothosSchemaTypes {
    // eslint-disable-next-line @typescript-eslint/no-unused-vars -- merged declarations repeat every parameter
    interface ObjectTypeOptions<Types extends SchemaTypes = SchemaTypes, Shape = unknown> {
      /** The scope a key needs to read this type, on every path (fields, lists, connections, `node`). */
      readScope?: ReadScope;
    }
  }
}

/** The read scope an object type declares, if any. */
export function readScopeOf(type: GraphQLNamedType | null | undefined): ReadScope | null {
  if (!type || !isObjectType(type)) return null;
  return (type.extensions as { pothosOptions?: { readScope?: ReadScope } }).pothosOptions?.readScope ?? null;
}

/** The scope's name, for messages and documentation. */
export const scopeName = (readScope: ReadScope) => (typeof readScope === 'string' ? readScope : readScope.scope);

/** Whether the caller may read a type that declares `readScope`. */
export function mayRead(viewer: Viewer | null | undefined, readScope: ReadScope | null): boolean {
  if (!readScope) return true;
  if (typeof readScope === 'string') return hasScope(viewer, readScope);
  if (!viewer) return false;
  return !readScope.roles.includes(viewer.role) || hasScope(viewer, readScope.scope);
}

/** The object a field's values are: its named type, or a connection's node type. */
function exposedType(type: GraphQLOutputType): GraphQLNamedType {
  const named = getNamedType(type);
  if (!isObjectType(named)) return named;
  const edges = named.getFields().edges;
  const edge = edges && getNamedType(edges.type);
  const node = edge && isObjectType(edge) ? edge.getFields().node : undefined;
  return node && named.getFields().pageInfo ? getNamedType(node.type) : named;
}

/** The read scope a field's values need (an object, a list of it or a connection of it), if any. */
export function fieldReadScope(type: GraphQLOutputType): ReadScope | null {
  return readScopeOf(exposedType(type));
}

function guard<TSource, TContext extends { viewer: Viewer | null }>(
  readScope: ReadScope,
  resolver: GraphQLFieldResolver<TSource, TContext>,
): GraphQLFieldResolver<TSource, TContext> {
  const message = `Your API key needs the ${scopeName(readScope)} scope to read this.`;
  return (source, args, ctx, info) => {
    if (!mayRead(ctx.viewer, readScope)) throw new ForbiddenError(message);
    return resolver(source, args, ctx, info);
  };
}

/**
 * Adds each type's read scope to every field that exposes it, and to the type's description.
 * Refuses, at build time, an abstract field other than `node`/`nodes` (or one flagged `checksNodeReach`,
 * which checks like them) that could return a scoped type.
 */
export function enforceReadScopes(schema: GraphQLSchema): GraphQLSchema {
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const own = readScopeOf(type);
    if (own) {
      const who = typeof own === 'string' ? 'Reading it needs' : `${own.roles.join(' and ')} keys need`;
      type.description = `${type.description ?? ''} ${who} the \`${scopeName(own)}\` scope, on every path.`.trim();
    }
    for (const field of Object.values(type.getFields()) as GraphQLField<unknown, { viewer: Viewer | null }>[]) {
      const named = getNamedType(field.type);
      if (isAbstractType(named)) {
        // A field flagged `checksNodeReach` resolves through the same reach and read-scope checks as `node`.
        const isNodeField =
          (roots.has(type) && (field.name === 'node' || field.name === 'nodes')) ||
          field.extensions?.checksNodeReach === true;
        const [scoped] = schema.getPossibleTypes(named).filter((t) => readScopeOf(t as GraphQLObjectType));
        if (scoped && !isNodeField)
          throw new Error(`${type.name}.${field.name} may return ${scoped.name}, whose read scope it cannot check`);
        continue;
      }
      const readScope = fieldReadScope(field.type);
      if (!readScope) continue;
      field.resolve = guard(readScope, field.resolve ?? defaultFieldResolver);
      if (field.subscribe) field.subscribe = guard(readScope, field.subscribe);
    }
  }
  return schema;
}

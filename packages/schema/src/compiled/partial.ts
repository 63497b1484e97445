/**
 * Partial compiled reads: an operation with fields that have no SQL form runs through graphql-js
 * with the compiled JSON as its root value. Each compiled object answers its fields from the JSON,
 * and only the fields the compiler deferred run their own resolvers (docs/performance.md#partial-reads).
 */
import {
  defaultFieldResolver,
  defaultTypeResolver,
  isInterfaceType,
  isObjectType,
  isUnionType,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';

/** Keys a compiled object carries in a partial read; `$` is in no GraphQL name, so no response key collides. */
export const TYPE_KEY = '$t';
/** The parent row's id, for a deferred field's resolver (the Prisma plugin reloads what the field selects). */
export const ID_KEY = '$i';
/** The response keys of the object that its resolvers answer. */
export const DEFERRED_KEY = '$d';

const ROOT_VALUE = Symbol('rootValue');
const ROW = Symbol('row');

interface CompiledObject {
  [TYPE_KEY]: string;
  [ID_KEY]?: unknown;
  [DEFERRED_KEY]?: readonly string[];
  [ROOT_VALUE]?: unknown;
  [ROW]?: { id: unknown };
  [key: string]: unknown;
}

const isCompiled = (value: unknown): value is CompiledObject =>
  typeof value === 'object' && value !== null && typeof (value as { [TYPE_KEY]?: unknown })[TYPE_KEY] === 'string';

/** What a deferred field's resolver gets as its parent: the row by its id (one object per row), or the root value. */
function parentOf(source: CompiledObject): unknown {
  if (!(ID_KEY in source)) return source[ROOT_VALUE];
  return (source[ROW] ??= { id: source[ID_KEY] });
}

/**
 * Makes every resolver answer a compiled object from its JSON, except the fields it defers; other
 * values go to the resolver as before. The outermost wrapper: the compiler checked the scopes of
 * what it compiled, and a deferred field runs every check of its resolver.
 */
export function answerCompiledObjects(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
        field.resolve = (source, args, context, info) => {
          if (!isCompiled(source)) return resolve(source, args, context, info);
          const key = info.path.key as string;
          if (!source[DEFERRED_KEY]?.includes(key)) return source[key];
          return resolve(parentOf(source), args, context, info);
        };
      }
      const isTypeOf = type.isTypeOf;
      if (isTypeOf)
        type.isTypeOf = (value, context, info) =>
          isCompiled(value) ? value[TYPE_KEY] === type.name : isTypeOf(value, context, info);
    } else if (isInterfaceType(type) || isUnionType(type)) {
      const resolveType = type.resolveType ?? defaultTypeResolver;
      type.resolveType = (value, context, info, abstract) =>
        isCompiled(value) ? value[TYPE_KEY] : resolveType(value, context, info, abstract);
    }
  }
  return schema;
}

/** The root value a partial read executes with: its compiled JSON, with the request's own root value for deferred root fields. */
export function compiledRootValue(json: string, rootValue: unknown): Record<string, unknown> {
  const root = JSON.parse(json) as CompiledObject;
  root[ROOT_VALUE] = rootValue;
  return root;
}

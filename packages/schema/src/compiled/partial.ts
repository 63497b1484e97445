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
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { handRowToPrisma, modelInfo, modelOf, selectedColumns } from './adapter.ts';

/** Keys a compiled object carries in a partial read; `$` is in no GraphQL name, so no response key collides. */
export const TYPE_KEY = '$t';
/**
 * The parent row for a deferred field's resolver: its id, and the columns the deferred fields
 * select that JSON carries (a field selecting only those is not reloaded by the Prisma plugin).
 */
export const ROW_KEY = '$r';
/** The response keys of the object that its resolvers answer. */
export const DEFERRED_KEY = '$d';

const ROOT_VALUE = Symbol('rootValue');

interface CompiledObject {
  [TYPE_KEY]: string;
  [ROW_KEY]?: Record<string, unknown>;
  [DEFERRED_KEY]?: readonly string[];
  [ROOT_VALUE]?: unknown;
  [key: string]: unknown;
}

const isCompiled = (value: unknown): value is CompiledObject =>
  typeof value === 'object' && value !== null && typeof (value as { [TYPE_KEY]?: unknown })[TYPE_KEY] === 'string';

/** A deferred field's fixed select, with those of its fields that are DateTime columns (JSON carries them as text). */
interface FixedSelect {
  fields: readonly string[];
  dates: readonly string[];
}

function fixedSelectOf(type: GraphQLObjectType, field: GraphQLField<unknown, unknown>): FixedSelect | undefined {
  const fields = selectedColumns(field);
  const model = modelOf(type);
  if (!fields || !model) return undefined;
  const columns = modelInfo(model).fields;
  return { fields, dates: fields.filter((name) => columns.get(name)?.type === 'DateTime') };
}

/** Whether the row carries every field the select names (the compiler left out what JSON cannot carry); revives its dates. */
function carries(row: Record<string, unknown>, select: FixedSelect): boolean {
  for (const name of select.fields) if (!(name in row)) return false;
  for (const name of select.dates) if (typeof row[name] === 'string') row[name] = new Date(row[name]);
  return true;
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
        const select = fixedSelectOf(type, field);
        field.resolve = (source, args, context, info) => {
          if (!isCompiled(source)) return resolve(source, args, context, info);
          const key = info.path.key as string;
          if (!source[DEFERRED_KEY]?.includes(key)) return source[key];
          const row = source[ROW_KEY];
          // A root field: the request's own root value.
          if (!row) return resolve(source[ROOT_VALUE], args, context, info);
          // Else the Prisma plugin reloads its selection from the row's id (one statement for the rows of a tick).
          if (select && carries(row, select)) handRowToPrisma(context as object, info, row);
          return resolve(row, args, context, info);
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

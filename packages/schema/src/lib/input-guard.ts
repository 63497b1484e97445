/**
 * One check of every argument and input field before any resolver runs (the field's own work):
 * list sizes (LIMIT_EXCEEDED), canonical global IDs and cursors, no NUL characters in stored
 * text, instants within 1970–2100 (VALIDATION_FAILED with the input path). A Pothos plugin, so a
 * mutation's refusal is its typed error (inside the errors plugin) and a query's a coded error.
 */
import SchemaBuilder, {
  BasePlugin,
  type FieldRequiredness,
  type InputType,
  type PothosInputFieldConfig,
  type SchemaTypes,
} from '@pothos/core';
import {
  getNullableType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLInputField,
  type GraphQLInputType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import { InvalidStateError, ValidationError, type FieldError } from './errors.ts';
import { isCanonicalCursor, parseGlobalId } from './ids.ts';
import { InvariantError } from './must.ts';

/** Items a list argument or list input field holds at most unless it declares `maxItems` (PLATFORM.md: input lists ≤ 250). */
export const DEFAULT_MAX_ITEMS = 250;

/** Every instant the API accepts lies in [EARLIEST_INSTANT, LATEST_INSTANT). */
export const EARLIEST_INSTANT = new Date('1970-01-01T00:00:00.000Z');
export const LATEST_INSTANT = new Date('2100-01-01T00:00:00.000Z');

// Pothos plugins declare their options by merging into its global namespace.
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  export namespace PothosSchemaTypes {
    interface Plugins<Types extends SchemaTypes> {
      inputGuard: InputGuardPlugin<Types>;
    }
    interface InputFieldOptions<
      Types extends SchemaTypes = SchemaTypes,
      Type extends InputType<Types> | [InputType<Types>] = InputType<Types> | [InputType<Types>],
      // eslint-disable-next-line @typescript-eslint/no-unused-vars -- merged declarations repeat every parameter
      Req extends FieldRequiredness<Type> = FieldRequiredness<Type>,
    > {
      /** For a list: the most items it takes (default DEFAULT_MAX_ITEMS); more is LIMIT_EXCEEDED. */
      maxItems?: number;
    }
  }
}

type Input = GraphQLArgument | GraphQLInputField;

/** The most items a list input takes; null when it is not a list. */
export function maxItemsOf(input: Input): number | null {
  if (!isListType(getNullableType(input.type))) return null;
  const options = (input.extensions as { pothosOptions?: { maxItems?: number } }).pothosOptions;
  return options?.maxItems ?? DEFAULT_MAX_ITEMS;
}

const nul = 'Must not contain the NUL character (U+0000).';

interface Findings {
  invalid: FieldError[];
  overLimit: { path: string[]; count: number; max: number } | null;
}

type Check = (value: unknown, path: string[], found: Findings) => void;

/** Types whose values need a look; null for those that never do (numbers, booleans, enums, code scalars). */
function checkFor(schema: GraphQLSchema, type: GraphQLInputType, input: Input | null, cache: Checks): Check | null {
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    const max = input ? (maxItemsOf(input) ?? DEFAULT_MAX_ITEMS) : DEFAULT_MAX_ITEMS;
    const item = checkFor(schema, nullable.ofType, input, cache);
    return (value, path, found) => {
      if (!Array.isArray(value)) return;
      if (value.length > max) {
        found.overLimit ??= { path, count: value.length, max };
        return;
      }
      if (item) for (let i = 0; i < value.length; i++) item(value[i], [...path, String(i)], found);
    };
  }
  if (isInputObjectType(nullable)) return objectCheck(schema, nullable, cache);
  if (isEnumType(nullable)) return null;
  switch (nullable.name) {
    case 'String':
      return stringCheck;
    case 'ID':
      return input ? idCheck(schema, input) : stringCheck;
    case 'DateTime':
    case 'Date':
      return instantCheck;
    case 'JSON':
      return jsonCheck;
    default:
      return null;
  }
}

type Checks = WeakMap<object, Check | null>;

function objectCheck(
  schema: GraphQLSchema,
  type: Extract<GraphQLInputType, { getFields: unknown }>,
  cache: Checks,
): Check | null {
  const cached = cache.get(type);
  if (cached !== undefined) return cached;
  let fields: [string, Check][] = [];
  // Recursive input types see this check before it is complete.
  const check: Check = (value, path, found) => {
    if (typeof value !== 'object' || value === null) return;
    for (const [name, c] of fields) {
      const v = (value as Record<string, unknown>)[name];
      if (v !== undefined && v !== null) c(v, [...path, name], found);
    }
  };
  cache.set(type, check);
  fields = Object.values(type.getFields()).flatMap((f) => {
    const c = checkFor(schema, f.type, f, cache);
    return c ? [[f.name, c] as [string, Check]] : [];
  });
  const result = fields.length ? check : null;
  cache.set(type, result);
  return result;
}

const stringCheck: Check = (value, path, found) => {
  if (typeof value === 'string' && value.includes('\0')) found.invalid.push({ path, message: nul });
};

const instantCheck: Check = (value, path, found) => {
  if (value instanceof Date && !(value >= EARLIEST_INSTANT && value < LATEST_INSTANT))
    found.invalid.push({ path, message: 'An instant from 1970-01-01 up to (not including) 2100-01-01.' });
};

const jsonCheck: Check = (value, path, found) => {
  const walk = (v: unknown, at: string[]): void => {
    if (typeof v === 'string') return stringCheck(v, at, found);
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, [...at, String(i)]));
    if (typeof v === 'object' && v !== null)
      for (const [k, x] of Object.entries(v)) {
        if (k.includes('\0')) found.invalid.push({ path: at, message: nul });
        walk(x, [...at, k]);
      }
  };
  walk(value, path);
};

function nodeTypenames(schema: GraphQLSchema): Set<string> {
  const node = schema.getType('Node');
  if (!node || !isInterfaceType(node)) return new Set();
  return new Set(schema.getPossibleTypes(node).map((t) => t.name));
}

/** A global ID (any node type, or the declared ones) in canonical form; other IDs only for NUL. */
function idCheck(schema: GraphQLSchema, input: Input): Check {
  const ext = input.extensions as { isRelayGlobalID?: boolean; relayGlobalIDFor?: { typename: string }[] | null };
  if (!ext.isRelayGlobalID) return stringCheck;
  const allowed = new Set(ext.relayGlobalIDFor?.map((f) => f.typename) ?? nodeTypenames(schema));
  const expected = ext.relayGlobalIDFor?.length
    ? `a global ID of a ${[...allowed].join(' or ')}`
    : 'a global ID, as the API returns it';
  const message = `Not ${expected}.`;
  return (value, path, found) => {
    const id = typeof value === 'string' ? parseGlobalId(value) : null;
    if (!id || !allowed.has(id.typename)) found.invalid.push({ path, message });
  };
}

const cursorCheck: Check = (value, path, found) => {
  if (typeof value === 'string' && !isCanonicalCursor(value))
    found.invalid.push({ path, message: 'Not a cursor this list returned.' });
};

const fieldChecks = new WeakMap<GraphQLField<unknown, unknown>, [string, Check][]>();

function argumentChecks(schema: GraphQLSchema, field: GraphQLField<unknown, unknown>): [string, Check][] {
  let checks = fieldChecks.get(field);
  if (!checks) {
    const cache: Checks = new WeakMap();
    // A connection whose cursors are not Pothos's (`extensions.ownCursor`, e.g. a ranking) checks them itself.
    const isConnection =
      field.args.some((a) => a.name === 'first') &&
      field.args.some((a) => a.name === 'after') &&
      !(field.extensions as { ownCursor?: boolean }).ownCursor;
    checks = field.args.flatMap((arg) => {
      const c =
        isConnection && (arg.name === 'after' || arg.name === 'before')
          ? cursorCheck
          : checkFor(schema, arg.type, arg, cache);
      return c ? [[arg.name, c] as [string, Check]] : [];
    });
    fieldChecks.set(field, checks);
  }
  return checks;
}

/**
 * Checks a field's arguments (as GraphQL coerced them, before any mapping): throws
 * LIMIT_EXCEEDED for a list over its maximum, else VALIDATION_FAILED listing every bad value.
 */
export function checkArguments(
  schema: GraphQLSchema,
  field: GraphQLField<unknown, unknown>,
  args: Record<string, unknown>,
): void {
  const checks = argumentChecks(schema, field);
  if (!checks.length) return;
  const found: Findings = { invalid: [], overLimit: null };
  for (const [name, check] of checks) {
    const value = args[name];
    if (value !== undefined && value !== null) check(value, [name], found);
  }
  if (found.overLimit) {
    const { path, count, max } = found.overLimit;
    throw new InvalidStateError(
      'LIMIT_EXCEEDED',
      `${path.join('.')} holds ${count} items; it takes at most ${max}. Nothing was done.`,
    );
  }
  if (found.invalid.length) throw new ValidationError(found.invalid);
}

function guarded(
  resolver: GraphQLFieldResolver<unknown, object, object>,
): GraphQLFieldResolver<unknown, object, object> {
  return (parent, args, ctx, info: GraphQLResolveInfo) => {
    const field = info.parentType.getFields()[info.fieldName];
    if (!field) throw new InvariantError(`${info.parentType.name}.${info.fieldName} is not a field of the schema`);
    checkArguments(info.schema, field, args as Record<string, unknown>);
    return resolver(parent, args, ctx, info);
  };
}

export class InputGuardPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  /** Says each list's maximum in its description, from the same number the check uses. */
  override onInputFieldConfig(fieldConfig: PothosInputFieldConfig<Types>): PothosInputFieldConfig<Types> {
    if (fieldConfig.type.kind !== 'List') return fieldConfig;
    const max = (fieldConfig.pothosOptions as { maxItems?: number }).maxItems ?? DEFAULT_MAX_ITEMS;
    const sentence = `At most ${max} items (more is LIMIT_EXCEEDED).`;
    return {
      ...fieldConfig,
      description: fieldConfig.description ? `${fieldConfig.description} ${sentence}` : sentence,
    };
  }

  override wrapArgMappers(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object> | undefined,
    fieldConfig: Parameters<BasePlugin<Types>['wrapArgMappers']>[1],
  ) {
    if (!resolver || Object.keys(fieldConfig.args).length === 0) return resolver;
    return guarded(resolver);
  }
}

const pluginName = 'inputGuard';
export default pluginName;
SchemaBuilder.registerPlugin(pluginName, InputGuardPlugin);

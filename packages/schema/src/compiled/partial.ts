/**
 * Partial compiled reads: an operation with fields that have no SQL form runs through graphql-js
 * with the compiled JSON as its root value. Each compiled object answers its fields from the JSON,
 * and only the fields the compiler deferred run their own resolvers (docs/performance.md#partial-reads).
 */
import {
  defaultFieldResolver,
  defaultTypeResolver,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  getOperationAST,
  getVariableValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isAbstractType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isUnionType,
  Kind,
  typeFromAST,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type NamedTypeNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Path } from 'graphql/jsutils/Path';
import type { PlatformSettings } from '@shopwarden/db';
import type { Context } from '../context.ts';
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
/** On the root object of a partial read whose resolvers may read more than their rows: the settings row the statement read. */
export const SETTINGS_KEY = '$s';

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
  reviveDates(row, select.dates);
  return true;
}

/** The named DateTime columns of a row read from JSON, as the Dates Prisma gives. */
function reviveDates(row: Record<string, unknown>, names: readonly string[]): void {
  for (const name of names) if (typeof row[name] === 'string') row[name] = new Date(row[name]);
}

let settingsDates: readonly string[] | undefined;

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

/**
 * The root value a partial read executes with: its compiled JSON, with the request's own root value
 * for deferred root fields. The settings row the statement read, if any, becomes the request's.
 */
export function compiledRootValue(json: string, rootValue: unknown, context: unknown): Record<string, unknown> {
  const root = JSON.parse(json) as CompiledObject;
  root[ROOT_VALUE] = rootValue;
  const settings = root[SETTINGS_KEY] as Record<string, unknown> | null | undefined;
  if (settings) {
    settingsDates ??= [...modelInfo('PlatformSettings').fields.values()]
      .filter((field) => field.type === 'DateTime')
      .map((field) => field.name);
    reviveDates(settings, settingsDates);
    (context as Partial<Pick<Context, 'primeSettings'>>).primeSettings?.(settings as unknown as PlatformSettings);
  }
  // Not a response key: left out of the answer.
  delete root[SETTINGS_KEY];
  return root;
}

/** A partial read's document and the nodes of its deferred fields (`CompiledRead.deferred`). */
export interface DeferredFields {
  document: DocumentNode;
  nodes: ReadonlySet<FieldNode>;
}

const pruned = new WeakMap<DeferredFields, DocumentNode | null>();

/**
 * The document with only the selections that lead to a deferred field (fragments inlined, each
 * kept node as it was: alias, arguments, directives), or null when it has none (a subscription…).
 */
function pruneToDeferred(deferred: DeferredFields): DocumentNode | null {
  let doc = pruned.get(deferred);
  if (doc !== undefined) return doc;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of deferred.document.definitions)
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const prune = (set: SelectionSetNode): SelectionSetNode | null => {
    const kept: SelectionNode[] = [];
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (deferred.nodes.has(selection)) kept.push(selection);
        else if (selection.selectionSet) {
          const inner = prune(selection.selectionSet);
          if (inner) kept.push({ ...selection, selectionSet: inner });
        }
      } else {
        const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
        const inner = fragment && prune(fragment.selectionSet);
        if (inner)
          kept.push({
            kind: Kind.INLINE_FRAGMENT,
            typeCondition: fragment.typeCondition,
            // A spread's own @skip/@include apply to what it spreads.
            directives: selection.directives,
            selectionSet: inner,
          });
      }
    }
    return kept.length ? { kind: Kind.SELECTION_SET, selections: kept } : null;
  };
  doc = null;
  for (const def of deferred.document.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    const selectionSet = prune(def.selectionSet);
    // The fragments too: a kept deferred field's own selection may spread them.
    if (selectionSet) doc = { kind: Kind.DOCUMENT, definitions: [{ ...def, selectionSet }, ...fragments.values()] };
    break;
  }
  pruned.set(deferred, doc);
  return doc;
}

/**
 * Answers a partial read whose deferred fields return objects without walking all of it through
 * graphql-js: graphql-js runs only the selections that lead to a deferred field (every compiled
 * object on the way answered from the JSON, each deferred field by its resolver, as on the full
 * walk), and their answers go in place in the JSON. Undefined when graphql-js answers an error or
 * a null the JSON does not hold (null propagation): then the full walk answers, with its errors.
 */
export async function answerDeferredFields(
  args: ExecutionArgs,
  root: Record<string, unknown>,
  deferred: DeferredFields,
  execute: (args: ExecutionArgs) => Promise<ExecutionResult> | ExecutionResult,
): Promise<string | undefined> {
  const document = pruneToDeferred(deferred);
  if (!document) return undefined;
  const result = await execute({ ...args, document, operationName: undefined, rootValue: root });
  if (result.errors?.length || !result.data) return undefined;
  const merge = (into: Record<string, unknown>, from: Record<string, unknown>): boolean => {
    const deferredKeys = (into as CompiledObject)[DEFERRED_KEY];
    for (const [key, value] of Object.entries(from)) {
      if (deferredKeys?.includes(key)) {
        into[key] = value;
        continue;
      }
      if (!mergeValue(into[key], value)) return false;
    }
    return true;
  };
  const mergeValue = (into: unknown, from: unknown): boolean => {
    if (from === null || typeof from !== 'object') return into === from;
    if (Array.isArray(from))
      return Array.isArray(into) && into.length === from.length && from.every((item, i) => mergeValue(into[i], item));
    return isCompiled(into) && merge(into, from as Record<string, unknown>);
  };
  if (!merge(root, result.data)) return undefined;
  stripMarks(root);
  return JSON.stringify(root);
}

/** Drops a compiled answer's marks, everywhere in it (JSON.stringify leaves out an undefined property). */
function stripMarks(value: unknown): void {
  if (Array.isArray(value)) for (const item of value) stripMarks(item);
  else if (isCompiled(value)) {
    const object = value as Record<string, unknown>;
    object[TYPE_KEY] = object[ROW_KEY] = object[DEFERRED_KEY] = undefined;
    for (const key in object) stripMarks(object[key]);
  }
}

/** A deferred field of one compiled object, as graphql-js would resolve it. */
interface Deferral {
  source: CompiledObject;
  key: string;
  field: GraphQLField<unknown, unknown>;
  resolve: GraphQLFieldResolver<unknown, unknown>;
  node: FieldNode;
  info: GraphQLResolveInfo;
}

export type FieldsByKey = Map<string, [FieldNode, ...FieldNode[]]>;

/**
 * Answers a partial read without walking it through graphql-js, when that cannot change the answer:
 * every deferred field returns a scalar or an enum (or a list of them), and every one resolves
 * without an error to a value its type accepts. Each runs the schema's own resolver (the chain
 * graphql-js would call, every check included) with the info graphql-js would give it, all in one
 * tick so their loaders batch; the values are serialised as graphql-js serialises them and put in
 * place in the JSON, in document order (the compiler leaves a `null` where a deferred field goes).
 * Anything else returns undefined, before any resolver runs for a field of another type: then
 * graphql-js answers the read, with its errors, paths and null propagation.
 */
export async function answerDeferredLeaves(
  args: ExecutionArgs,
  root: Record<string, unknown>,
): Promise<string | undefined> {
  const { schema, document } = args;
  const operation = getOperationAST(document, args.operationName);
  const queryType = schema.getQueryType();
  if (!operation || !queryType || !isCompiled(root)) return undefined;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], args.variableValues ?? {});
  if (coerced.errors) return undefined;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
  const variableValues = coerced.coerced;
  const base = {
    schema,
    fragments,
    rootValue: args.rootValue,
    operation,
    variableValues,
  };
  // The fields of a selection for a type, once per request for every row of a list.
  const collected = new Map<readonly SelectionSetNode[], Map<string, FieldsByKey>>();
  const fieldsOf = (type: GraphQLObjectType, sets: readonly SelectionSetNode[]): FieldsByKey => {
    let byType = collected.get(sets);
    if (!byType) collected.set(sets, (byType = new Map()));
    let fields = byType.get(type.name);
    if (!fields)
      byType.set(
        type.name,
        (fields = collectFields(schema, fragments, (node) => skipOrInclude(node, variableValues), type, sets)),
      );
    return fields;
  };
  const subSelections = new Map<FieldNode[], SelectionSetNode[]>();
  const deferrals: Deferral[] = [];
  const objects: CompiledObject[] = [];
  let eligible = true;
  const visit = (object: CompiledObject, sets: readonly SelectionSetNode[], path: Path | undefined): void => {
    objects.push(object);
    const type = schema.getType(object[TYPE_KEY]);
    if (!isObjectType(type)) {
      eligible = false;
      return;
    }
    const deferred = object[DEFERRED_KEY];
    for (const [key, nodes] of fieldsOf(type, sets)) {
      const name = nodes[0].name.value;
      if (name === '__typename') continue;
      const field = type.getFields()[name];
      if (!field?.resolve) {
        eligible = false;
        return;
      }
      const fieldPath: Path = { prev: path, key, typename: type.name };
      if (deferred?.includes(key)) {
        if (!isLeafType(getNamedType(field.type))) {
          eligible = false;
          return;
        }
        const info = {
          ...base,
          fieldName: name,
          fieldNodes: nodes,
          returnType: field.type,
          parentType: type,
          path: fieldPath,
        } as GraphQLResolveInfo;
        deferrals.push({ source: object, key, field, resolve: field.resolve, node: nodes[0], info });
        continue;
      }
      if (isLeafType(getNamedType(field.type))) continue;
      let sub = subSelections.get(nodes);
      if (!sub) subSelections.set(nodes, (sub = nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []))));
      const into = (value: unknown, at: Path): void => {
        if (!eligible || value === null || value === undefined) return;
        if (Array.isArray(value)) value.forEach((item, i) => into(item, { prev: at, key: i, typename: undefined }));
        else if (isCompiled(value)) visit(value, sub, at);
        else eligible = false;
      };
      into(object[key], fieldPath);
      if (!eligible) return;
    }
  };
  visit(root, [operation.selectionSet], undefined);
  if (!eligible) return undefined;
  // Started together: the resolvers' loaders batch as they do under graphql-js.
  const settled = await Promise.allSettled(
    deferrals.map(async (deferral) => {
      const { source, field, resolve, node, info } = deferral;
      return {
        deferral,
        value: await resolve(source, getArgumentValues(field, node, variableValues), args.contextValue, info),
      };
    }),
  );
  const answers: { deferral: Deferral; answer: unknown }[] = [];
  for (const outcome of settled) {
    if (outcome.status === 'rejected') return undefined;
    const { deferral, value } = outcome.value;
    const answer = serializeLeaf(deferral.field.type, value);
    if (answer === INVALID) return undefined;
    answers.push({ deferral, answer });
  }
  for (const { deferral, answer } of answers) deferral.source[deferral.key] = answer;
  // JSON.stringify leaves out an undefined property; a graphql-js fallback parses the JSON afresh.
  for (const object of objects as Record<string, unknown>[])
    object[TYPE_KEY] = object[ROW_KEY] = object[DEFERRED_KEY] = undefined;
  return JSON.stringify(root);
}

/**
 * Marks a row-only field's place in a compiled read's text, around its index and its row: a raw
 * control character, which PostgreSQL's JSON never writes (it escapes them inside strings).
 */
export const IN_PLACE_MARK = 1;

/** A field a compiled read answers in place (`CompiledRead.inPlace`): its declared resolver, over its row. */
export interface InPlaceField {
  resolve: GraphQLFieldResolver<unknown, unknown>;
  type: GraphQLOutputType;
  /** Its row's DateTime columns, which JSON carries as text. */
  dates: readonly string[];
  info: GraphQLResolveInfo;
}

/**
 * A compiled read's text with every in-place field's value where the statement wrote its row: each
 * field's declared resolver runs on its row (all started together) and its value is serialised as
 * graphql-js serialises a leaf. Undefined when one throws or returns what its type rejects: then the
 * resolvers answer the operation, with graphql-js' errors and paths.
 */
export async function answerInPlace(
  fields: readonly InPlaceField[],
  json: Buffer,
  context: unknown,
): Promise<Buffer | undefined> {
  let at = json.indexOf(IN_PLACE_MARK);
  if (at < 0) return json;
  const pending: { field: InPlaceField; value: unknown; before: Buffer }[] = [];
  let from = 0;
  try {
    while (at >= 0) {
      const end = json.indexOf(IN_PLACE_MARK, at + 1);
      const brace = json.indexOf(0x7b, at + 1);
      const field = fields[Number(json.toString('latin1', at + 1, brace))];
      if (!field || end < 0) return undefined;
      const row = JSON.parse(json.toString('utf8', brace, end)) as Record<string, unknown>;
      reviveDates(row, field.dates);
      pending.push({ field, value: field.resolve(row, {}, context, field.info), before: json.subarray(from, at) });
      from = end + 1;
      at = json.indexOf(IN_PLACE_MARK, from);
    }
    const values = pending.map((p) => p.value);
    // Promise.all: every rejection handled, whichever settles first.
    const settled = values.some((v) => v instanceof Promise) ? await Promise.all(values) : values;
    const parts: Buffer[] = [];
    for (const [i, { field, before }] of pending.entries()) {
      const answer = serializeLeaf(field.type, settled[i]);
      if (answer === INVALID) return undefined;
      parts.push(before, Buffer.from(JSON.stringify(answer)));
    }
    parts.push(json.subarray(from));
    return Buffer.concat(parts);
  } catch {
    return undefined;
  }
}

const INVALID = Symbol('invalid');

/** A resolved value as graphql-js completes a leaf, or INVALID where graphql-js would answer an error. */
function serializeLeaf(type: GraphQLOutputType, value: unknown): unknown {
  if (value instanceof Error) return INVALID;
  if (isNonNullType(type)) {
    if (value === null || value === undefined) return INVALID;
    return serializeLeaf(type.ofType, value);
  }
  if (value === null || value === undefined) return null;
  if (isListType(type)) {
    if (typeof value !== 'object' || !(Symbol.iterator in value)) return INVALID;
    const items: unknown[] = [];
    for (const item of value as Iterable<unknown>) {
      const serialized = serializeLeaf(type.ofType, item);
      if (serialized === INVALID) return INVALID;
      items.push(serialized);
    }
    return items;
  }
  if (!isLeafType(type)) return INVALID;
  try {
    const serialized: unknown = type.serialize(value);
    return serialized === undefined ? INVALID : serialized;
  } catch {
    return INVALID;
  }
}

/**
 * graphql-js' field collection: fields by response key, fragments and inline fragments of `type`
 * merged, a selection kept when `included` says so (`skipOrInclude`: @skip/@include). The compiler
 * and the partial-read answer share it.
 */
export function collectFields(
  schema: GraphQLSchema,
  fragments: Record<string, FragmentDefinitionNode>,
  included: (node: SelectionNode) => boolean,
  type: GraphQLObjectType,
  sets: readonly SelectionSetNode[],
  fields: FieldsByKey = new Map(),
  visited = new Set<string>(),
): FieldsByKey {
  const applies = (condition: NamedTypeNode | undefined) => {
    if (!condition) return true;
    const conditional = typeFromAST(schema, condition);
    if (conditional === type) return true;
    return isAbstractType(conditional) && schema.isSubType(conditional, type);
  };
  for (const set of sets)
    for (const selection of set.selections) {
      if (!included(selection)) continue;
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const nodes = fields.get(key);
        if (nodes) nodes.push(selection);
        else fields.set(key, [selection]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (applies(selection.typeCondition))
          collectFields(schema, fragments, included, type, [selection.selectionSet], fields, visited);
      } else {
        const name = selection.name.value;
        if (visited.has(name)) continue;
        visited.add(name);
        const fragment = fragments[name];
        if (fragment && applies(fragment.typeCondition))
          collectFields(schema, fragments, included, type, [fragment.selectionSet], fields, visited);
      }
    }
  return fields;
}

/** Whether @skip/@include keep `node` for these variable values. */
export function skipOrInclude(node: SelectionNode, variableValues: Record<string, unknown>): boolean {
  if (getDirectiveValues(GraphQLSkipDirective, node, variableValues)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, variableValues)?.if !== false;
}

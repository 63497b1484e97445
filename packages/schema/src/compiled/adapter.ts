/**
 * The only reader of Pothos and Prisma internals in the compiled read path: field extensions the
 * Pothos plugins set, their cursor and ID encodings, and the Prisma datamodel with real table and
 * column names. A Pothos or Prisma upgrade that changes any of these breaks adapter.test.ts.
 */
import { getMappedArgumentValues } from '@pothos/core';
import { parsePrismaCursor } from '@pothos/plugin-prisma';
import { setRowFieldMapping } from '@pothos/selection-mapper';
import { enumNames, getDatamodel, modelNames, shopFieldOf, type ModelNames } from '@shopwarden/db';
import type { FieldNode, GraphQLField, GraphQLFieldResolver, GraphQLNamedType, GraphQLResolveInfo } from 'graphql';
import { NotCompilable } from './not-compilable.ts';

// ---- GraphQL schema: what the Pothos plugins record on types and fields ----

type Extensions = Record<string, unknown> | null | undefined;
const extensionsOf = (owner: { extensions?: unknown }) => owner.extensions as Extensions;

/** The column a field exposes (`t.exposeString('name')` and the like), by Prisma field name. */
export function exposedField(def: GraphQLField<unknown, unknown>): string | undefined {
  const exposed = extensionsOf(def)?.pothosExposedField;
  return typeof exposed === 'string' ? exposed : undefined;
}

/** The resolver a field declared (`t.field({ resolve })`), before any plugin wrapped it. */
export function declaredResolver(
  def: GraphQLField<unknown, unknown>,
): GraphQLFieldResolver<unknown, unknown> | undefined {
  const resolve = (extensionsOf(def)?.pothosOptions as { resolve?: unknown } | undefined)?.resolve;
  return typeof resolve === 'function' ? (resolve as GraphQLFieldResolver<unknown, unknown>) : undefined;
}

/** The Prisma relation a `t.relation`/`t.relatedConnection` field reads. */
export function relationOf(def: GraphQLField<unknown, unknown>): string | undefined {
  const relation = (extensionsOf(def)?.pothosPrismaRelationField as { name?: unknown } | undefined)?.name;
  return typeof relation === 'string' ? relation : undefined;
}

/** The Prisma model behind a `prismaObject`/`prismaNode` type. */
export function modelOf(type: GraphQLNamedType): string | undefined {
  const model = extensionsOf(type)?.pothosPrismaModel;
  return typeof model === 'string' ? model : undefined;
}

/**
 * The Prisma `select` a field plans for its parent, or undefined: a relation's (its `query` option
 * applied), or a computed field's own `select` function.
 */
export type RelationSelect = (
  args: Record<string, unknown>,
  context: unknown,
  nestedQuery: (query: unknown) => unknown,
  selectedFields: () => Set<string>,
) => unknown;

export function relationSelectOf(def: GraphQLField<unknown, unknown>): RelationSelect | undefined {
  const select = extensionsOf(def)?.pothosPrismaSelect;
  return typeof select === 'function' ? (select as RelationSelect) : undefined;
}

/**
 * Whether a field of a Prisma type declares a `select` (a relation does too): the Prisma plugin
 * then loads that selection from the parent row's unique id when the row did not come with it.
 */
export function declaresSelect(def: GraphQLField<unknown, unknown>): boolean {
  return !!extensionsOf(def)?.pothosPrismaSelect;
}

/**
 * The fields a field's Prisma `select` names when it is a fixed map of `true`s (`{ id: true,
 * status: true }`), else undefined (a select function, or nested selections, need the plugin's
 * own load). Which of them are columns is the datamodel's to say.
 */
export function selectedColumns(def: GraphQLField<unknown, unknown>): readonly string[] | undefined {
  const select = extensionsOf(def)?.pothosPrismaSelect;
  if (typeof select !== 'object' || select === null) return undefined;
  const entries = Object.entries(select);
  return entries.every(([name, value]) => value === true && name !== '_count')
    ? entries.map(([name]) => name)
    : undefined;
}

/** What the Prisma plugin's plan records for a field with a fixed select: nothing beneath it (`EMPTY_MAPPING`). */
const FIXED_SELECTION: Parameters<typeof setRowFieldMapping>[2] = Object.freeze({ nested: Object.freeze({}) });

/**
 * Tells the Prisma plugin that `row` already holds what the field `info` resolves selects (a fixed
 * select: `selectedColumns`), so its resolver runs with `row` instead of reloading it by its id:
 * the loader mapping a planned query records, recorded for this row and field alone.
 */
export function handRowToPrisma(context: object, info: GraphQLResolveInfo, row: object): void {
  setRowFieldMapping(context, info, FIXED_SELECTION, row);
}

/** The `authScopes` option of a type or field (scope-auth plugin), as declared. */
export function authScopesOf(owner: { extensions?: unknown }): unknown {
  return (extensionsOf(owner)?.pothosOptions as { authScopes?: unknown } | undefined)?.authScopes;
}

/** A field's arguments as its resolver receives them (global IDs decoded, inputs mapped). */
export function mappedArguments(
  def: GraphQLField<unknown, unknown>,
  node: FieldNode,
  context: object,
  info: GraphQLResolveInfo,
): Promise<Record<string, unknown>> {
  return Promise.resolve(getMappedArgumentValues(def, node, context, info) as Record<string, unknown>);
}

/** The row id in a connection cursor of a `cursor: 'id'` Prisma connection. */
export function cursorId(cursor: string): unknown {
  return parsePrismaCursor(cursor);
}

/** What the Prisma plugin base64-encodes, before the integer id, for a `cursor: 'id'` cursor. */
export const ID_CURSOR_PREFIX = 'GPC:N:';

/** What the relay plugin base64-encodes, before the row id, for a global ID. */
export const globalIdPrefix = (typename: string) => `${typename}:`;

// ---- Prisma datamodel, with the database's names ----

export interface ModelField {
  name: string;
  /** The column in the database (`@map` honoured). */
  column: string;
  kind: 'scalar' | 'object' | 'enum' | 'unsupported';
  /** The Prisma type: a scalar, an enum or a model name. */
  type: string;
  /** For enums, the type in the database (`@@map` honoured). */
  dbType?: string;
  isRequired: boolean;
  isList: boolean;
  isId: boolean;
  relationName?: string;
  relationFromFields?: string[];
}

export interface Model {
  name: string;
  /** The table in the database (`@@map` honoured). */
  table: string;
  fields: Map<string, ModelField>;
}

type PothosField = Omit<ModelField, 'column' | 'dbType'>;

/** Joins Pothos' datamodel (kinds, types, relations) to the database names the schema maps them to. */
export function buildDatamodel(
  models: Readonly<Record<string, { fields: readonly PothosField[] }>>,
  names: Readonly<Record<string, ModelNames>>,
  enums: Readonly<Record<string, string>>,
): Map<string, Model> {
  const out = new Map<string, Model>();
  for (const [name, model] of Object.entries(models)) {
    const mapped = names[name];
    const fields = new Map<string, ModelField>();
    for (const f of model.fields) {
      fields.set(f.name, {
        name: f.name,
        column: mapped?.columns[f.name] ?? f.name,
        kind: f.kind,
        type: f.type,
        ...(f.kind === 'enum' ? { dbType: enums[f.type] ?? f.type } : {}),
        isRequired: f.isRequired,
        isList: f.isList,
        isId: f.isId,
        relationName: f.relationName,
        relationFromFields: f.relationFromFields,
      });
    }
    out.set(name, { name, table: mapped?.table ?? name, fields });
  }
  return out;
}

const datamodel = buildDatamodel(
  getDatamodel().datamodel.models as unknown as Record<string, { fields: readonly PothosField[] }>,
  modelNames,
  enumNames,
);

export function modelInfo(name: string): Model {
  const model = datamodel.get(name);
  if (!model) throw new NotCompilable(`unknown model ${name}`);
  return model;
}

export function modelField(model: string, field: string): ModelField {
  const f = modelInfo(model).fields.get(field);
  if (!f) throw new NotCompilable(`unknown field ${model}.${field}`);
  return f;
}

/** The field naming a row's shop (Shop's own id, or a required `shopId`): the change triggers' rule. */
export function shopField(model: string): string | null {
  modelInfo(model);
  return shopFieldOf(model);
}

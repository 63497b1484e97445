/**
 * How a field declares its compiled-SQL form, next to its resolver (as GraphQL field extensions).
 * Fields exposed from columns, Relay IDs, relations and related connections need nothing: the
 * compiler reads them from the Pothos and Prisma metadata. Root fields and computed fields say
 * here what they read; a field that declares nothing makes its operation run through resolvers.
 */
import type { Context } from '../context.ts';
import { columnOf, table } from './prisma-sql.ts';

/** The parent of a compiled field: a table row, or the SQL values a simple object was built from. */
export interface SqlParent {
  /** `alias."column"` of the parent row (Prisma-backed types). */
  col(field: string): string;
  /** SQL expressions a simple object was built from (see `compiledObject`). */
  values: Readonly<Record<string, string>>;
  /** One of `values`; a missing one makes the operation run through the resolvers. */
  value(name: string): string;
}

/** What a computed field's SQL may use besides its parent: its arguments, parameters and the clock. */
export interface SqlField {
  /** The field's arguments as its resolver receives them. */
  args: Readonly<Record<string, unknown>>;
  /** A statement parameter holding `value` (a `Date` as `timestamp(3)` in UTC), cast to `type`. */
  param(value: unknown, type: 'int' | 'text' | 'text[]' | 'boolean' | 'timestamp(3)'): string;
  /**
   * The platform clock (`ctx.now()`) as a `timestamp(3)` expression, evaluated when the statement
   * runs: never part of a plan; a read using it is stored in the response cache only until the
   * time the field declared with `changesAt`, never without.
   */
  now(): string;
  /**
   * A subquery the parent object's fields share (a shop's order sums, say), as the alias of its
   * one row: emitted once per parent object for every field passing the same text, so selecting
   * several such fields reads their sources once. At most one row (no row: its columns are NULL);
   * over the parent's columns, parameters and the clock. `reads` as `SqlObjectRow`'s.
   */
  shared(sql: string, reads: { reads: string[]; readsAcrossShops?: string[] }): string;
}

/** Options of `compiledJson`: the Prisma models its SQL reads (what the response cache tags). */
export interface CompiledJsonOptions {
  reads?: string[];
  /** The models are read across shops, not only within the parent row's shop. */
  acrossShops?: boolean;
}

/** What a root field reads: the Prisma arguments its resolver passes to `findMany`/`findFirst`. */
export interface RootQuery {
  where?: unknown;
  orderBy?: unknown;
}

export interface CompiledRootSpec<Args> {
  /** The Prisma model the field returns rows of. */
  model: string;
  /** `connection` (prismaConnection, by default with `cursor: 'id'`) or `first` (prismaField with findFirst). */
  kind: 'connection' | 'first';
  /**
   * The same arguments the resolver gives Prisma; tenant filters included. A function of the
   * arguments, `ctx.viewer` and `ctx.now()` only (compiled, `now()` is the platform clock as the
   * statement runs: compare columns with it, compute no other instant from it), that puts an id into the `where` rather than checking it
   * against the caller's reach itself: a compiled statement is reused for the same caller shape and
   * document with other page sizes and IDs of one type (lift.ts), so a decision on one particular
   * value here would be reused for the others.
   */
  query: (args: Args, ctx: Context) => RootQuery | Promise<RootQuery>;
  /** A connection's `cursor` field, if not `id`: a unique integer column its order ends with. */
  cursor?: string;
  /** Connection page sizes (must equal the field's `defaultSize`/`maxSize`). */
  defaultSize?: number;
  maxSize?: number;
}

/**
 * A connection over a parent row's rows of one Prisma `relation` (cursor `id`), narrowed by what the
 * resolver also passes to `findMany` (the caller's reach, the arguments' filters): the relation's
 * join stands for the resolver's own parent filter (`shopId: shop.id`).
 */
export interface CompiledConnectionSpec<Args> {
  /** The parent model's list relation whose rows the connection pages. */
  relation: string;
  /** The resolver's other Prisma arguments: a function of the arguments, `ctx.viewer` and `ctx.now()`, as `CompiledRootSpec.query`. */
  query: (args: Args, ctx: Context) => RootQuery | Promise<RootQuery>;
  /** Connection page sizes (must equal the field's `defaultSize`/`maxSize`). */
  defaultSize?: number;
  maxSize?: number;
}

/** A list of simple objects read in SQL: one object per row of `from`, in `orderBy` order. */
export interface SqlObjectList {
  /** `FROM` clause (tables, functions, joins and `WHERE`) of the rows, under the alias given. */
  from: string;
  orderBy: string;
  /** SQL values the objects' own fields compile from (see `compiledObject`). */
  values: Record<string, string>;
  /** Prisma models read, within the parent row's shop (what the response cache tags). */
  reads: string[];
}

/** A simple object built from at most one row of `from` (null, for a nullable field, when there is none). */
export interface SqlObjectRow {
  /** `FROM` clause of the one row (tables, subqueries, `LATERAL` joins, `WHERE`), under the alias given. */
  from: string;
  /** SQL values the object's own fields compile from (see `compiledObject`). */
  values: Record<string, string>;
  /** Prisma models read within the parent row's shop (what the response cache tags). */
  reads: string[];
  /** Prisma models read whatever the shop (tiers, settings). */
  readsAcrossShops?: string[];
}

export type CompiledFieldSpec =
  | {
      kind: 'json';
      sql: (parent: SqlParent, field: SqlField) => string;
      reads: readonly string[];
      acrossShops: boolean;
    }
  | { kind: 'object'; sql: (parent: SqlParent, field: SqlField) => Record<string, string> }
  | { kind: 'objectList'; sql: (parent: SqlParent, alias: string, field: SqlField) => SqlObjectList }
  | { kind: 'objectRow'; sql: (parent: SqlParent, field: SqlField, alias: string) => SqlObjectRow }
  | { kind: 'row'; model: string; id: (parent: SqlParent) => string; where?: (ctx: Context) => unknown }
  | { kind: 'rowsByIds'; model: string; ids: (parent: SqlParent) => string; read: RowsByIdsRead }
  | { kind: 'firstRelated'; relation: string }
  | { kind: 'connection'; spec: CompiledConnectionSpec<Record<string, unknown>> };

/** A root field whose value is computed from the request's context (`compiledFromContext`). */
export interface CompiledFromContextSpec {
  /**
   * The SQL values its object's fields compile from (see `compiledObject`), one record per item for a
   * list field, or null for a null answer. A function of `ctx.viewer`, `ctx.production` and the
   * field: put values in with `field.param` and the clock with `field.now()`. A plan is kept per
   * caller shape, so reading `ctx.viewer.apiKeyId` or `ctx.viewer.scopes` (the shape holds them as
   * a set, the answer in the key's order) keeps its plans per key.
   */
  sql: (ctx: Context, field: SqlField) => Record<string, string> | readonly Record<string, string>[] | null;
  /** Prisma models its values read (what the response cache tags). */
  reads: readonly string[];
}

const COMPILED_ROOT = 'shopwardenCompiledRoot';
const COMPILED_FROM_CONTEXT = 'shopwardenCompiledFromContext';
const CALLER_SCOPES = Symbol('callerScopes');
const COMPILED_FIELD = 'shopwardenCompiledField';
const FROM_ROW_ONLY = 'shopwardenFromRowOnly';
const CHANGES_AT = 'shopwardenChangesAt';
const ROW_INPUTS = 'shopwardenRowInputs';
const RESOLVER_READS = 'shopwardenResolverReads';

type Declaring = { extensions?: Readonly<Record<string, unknown>> | null };

/** What a root field declared with `compiledRoot`, if anything. */
export const compiledRootOf = (def: Declaring) =>
  def.extensions?.[COMPILED_ROOT] as CompiledRootSpec<Record<string, unknown>> | undefined;

/** What a root field declared with `compiledFromContext`, if anything. */
export const compiledFromContextOf = (def: Declaring) =>
  def.extensions?.[COMPILED_FROM_CONTEXT] as CompiledFromContextSpec | undefined;

/** What a computed field declared with `compiledJson`/`compiledObject`/…, if anything. */
export const compiledFieldOf = (def: Declaring) => def.extensions?.[COMPILED_FIELD] as CompiledFieldSpec | undefined;

/** Whether a field without a SQL form declared `fromRowOnly`: its resolver reads nothing but its row's columns. */
export const isFromRowOnly = (def: Declaring) => def.extensions?.[FROM_ROW_ONLY] === true;

/**
 * Field extensions for a field with no SQL form whose resolver is a function of the columns it
 * selects and nothing else (no statement, loader, cache, clock or `info`): a leaf without arguments
 * is answered in place (its declared resolver over the row the statement writes where its value
 * goes, no graphql-js); any other is deferred in a partial read. Either way its answer depends only
 * on rows the statement read, so the response cache may store it.
 */
export function fromRowOnly(): Record<string, unknown> {
  return { [FROM_ROW_ONLY]: true };
}

/** SQL (JSON text) per key, over a deferred field's row: what its resolver may take instead of reading it. */
export type RowInputs = (row: SqlParent) => Readonly<Record<`$${string}`, string>>;

/** What a field without a SQL form declared with `rowInputs`, if anything. */
export const rowInputsOf = (def: Declaring) => def.extensions?.[ROW_INPUTS] as RowInputs | undefined;

/**
 * Field extensions for a field without a SQL form whose resolver reads more than its row: values it
 * would read (a shop's grants), computed by the statement of a partial read and handed over in the
 * row under `$`-keys (no Prisma field starts with `$`). The resolver takes them with `rowInput`, and
 * reads them itself on the resolver path (or when the Prisma plugin reloaded the row).
 */
export function rowInputs(inputs: RowInputs): Record<string, unknown> {
  return { [ROW_INPUTS]: inputs };
}

/** What a deferred field's resolver reads beyond its row (`resolverReads`). */
export interface ResolverReads {
  /** Models whose rows of the parent row's shop it reads (tagged as a row's shop-keeping relations are). */
  reads: readonly string[];
  /** Models it reads whatever the shop (the category tree, the settings): any change drops a stored answer. */
  readsAcrossShops?: readonly string[];
  /** It reads the clock: when its value may next change is declared with `changesAt` beside. */
  clock?: boolean;
}

/** What a field without a SQL form declared with `resolverReads`, if anything. */
export const resolverReadsOf = (def: Declaring) => def.extensions?.[RESOLVER_READS] as ResolverReads | undefined;

/**
 * Field extensions for a field without a SQL form whose resolver reads more than its row: what it
 * reads, so that a partial read deferring it may be stored in the response cache, tagged with those
 * tables and, when it reads the clock, kept no longer than its `changesAt`. It covers the resolver
 * and the leaf fields of the objects it returns (which must read nothing but those objects): a read
 * selecting an object beneath it is never stored.
 */
export function resolverReads(reads: ResolverReads): Record<string, unknown> {
  return { [RESOLVER_READS]: reads };
}

/** A value the statement of a partial read handed a deferred field's resolver (`rowInputs`), if it did. */
export function rowInput<T>(row: object, key: `$${string}`): T | undefined {
  return (row as Record<string, unknown>)[key] as T | undefined;
}

/**
 * When a field reading the clock may next change its value: SQL for the earliest instant after
 * `field.now()` at which that can happen for any parent (a table's next expiry, say; NULL when
 * never), given the names of its selected subfields; null when its value changes with the clock
 * itself (an `asOf` instant). It sees the field's arguments and the clock, not its parent: it runs
 * once per statement.
 */
export type ChangesAt = (field: Pick<SqlField, 'args' | 'now'>, selected: ReadonlySet<string>) => string | null;

/** What a field reading the clock declared with `changesAt`, if anything. */
export const changesAtOf = (def: Declaring) => def.extensions?.[CHANGES_AT] as ChangesAt | undefined;

/**
 * For `changesAt`: the earliest `field` of `model` after `after` (SQL), among the rows `where`
 * (SQL over the alias `sw_next`) keeps; NULL when there is none. Index `field`: it runs on every
 * statement the answer of which may be stored.
 */
export function nextInstant(
  model: string,
  field: string,
  after: string,
  where?: (col: (name: string) => string) => string,
) {
  const col = (name: string) => columnOf('sw_next', model, name);
  const also = where ? ` AND ${where(col)}` : '';
  return `(SELECT min(${col(field)}) FROM ${table(model)} sw_next WHERE ${col(field)} > ${after}${also})`;
}

/**
 * Field extensions (spread beside its SQL form's) for a field whose SQL reads the clock: when its
 * value may next change with time alone, so the response cache may store a read of it until then
 * (a change of a row it reads, or of the clock's settings, drops the answer as for any read). A
 * field reading the clock without it makes the read never stored.
 */
export function changesAt(when: ChangesAt): Record<string, unknown> {
  return { [CHANGES_AT]: when };
}

/**
 * A field's `authScopes` that depend on the caller only (its role, scopes), not on the parent or the
 * arguments: the compiler can then evaluate them as the scope-auth plugin does.
 */
export function callerAuthScopes<Scopes>(scopes: (ctx: Context) => Scopes) {
  return Object.assign((_parent: unknown, _args: unknown, ctx: Context) => scopes(ctx), { [CALLER_SCOPES]: scopes });
}

/** The caller-only scopes function behind an `authScopes` made with `callerAuthScopes`, if it is one. */
export const callerScopesOf = (authScopes: unknown) =>
  typeof authScopes === 'function'
    ? ((authScopes as { [CALLER_SCOPES]?: (ctx: Context) => unknown })[CALLER_SCOPES] ?? undefined)
    : undefined;

/** Field extensions for a root field the compiler may answer in SQL. */
export function compiledRoot<Args>(spec: CompiledRootSpec<Args>): Record<string, unknown> {
  return { [COMPILED_ROOT]: spec };
}

/**
 * Field extensions for a root field that reads no table of its own (the caller, the clock, a
 * constant): a simple object, a list of them or null, whose fields compile from the values given.
 */
export function compiledFromContext(
  sql: CompiledFromContextSpec['sql'],
  options: { reads?: string[] } = {},
): Record<string, unknown> {
  return { [COMPILED_FROM_CONTEXT]: { sql, reads: options.reads ?? [] } satisfies CompiledFromContextSpec };
}

/** Field extensions for a computed field whose JSON value is one SQL expression over its parent. */
export function compiledJson(
  sql: (parent: SqlParent, field: SqlField) => string,
  options: CompiledJsonOptions = {},
): Record<string, unknown> {
  const spec: CompiledFieldSpec = { kind: 'json', sql, reads: options.reads ?? [], acrossShops: !!options.acrossShops };
  return { [COMPILED_FIELD]: spec };
}

/** Field extensions for a field returning a simple object: the SQL values its own fields compile from. */
export function compiledObject(
  sql: (parent: SqlParent, field: SqlField) => Record<string, string>,
): Record<string, unknown> {
  return { [COMPILED_FIELD]: { kind: 'object', sql } satisfies CompiledFieldSpec };
}

/** Field extensions for a field returning a list of simple objects built in SQL (`SqlObjectList`). */
export function compiledObjectList(
  sql: (parent: SqlParent, alias: string, field: SqlField) => SqlObjectList,
): Record<string, unknown> {
  return { [COMPILED_FIELD]: { kind: 'objectList', sql } satisfies CompiledFieldSpec };
}

/** Field extensions for a field returning a simple object built from at most one row (`SqlObjectRow`). */
export function compiledObjectRow(
  sql: (parent: SqlParent, field: SqlField, alias: string) => SqlObjectRow,
): Record<string, unknown> {
  return { [COMPILED_FIELD]: { kind: 'objectRow', sql } satisfies CompiledFieldSpec };
}

/** Field extensions for a connection over a parent row's related rows with the resolver's own filters. */
export function compiledConnection<Args>(spec: CompiledConnectionSpec<Args>): Record<string, unknown> {
  return {
    [COMPILED_FIELD]: {
      kind: 'connection',
      spec: spec as CompiledConnectionSpec<Record<string, unknown>>,
    } satisfies CompiledFieldSpec,
  };
}

/** Options of `compiledRow`. */
export interface CompiledRowOptions {
  /**
   * A Prisma `where` the row must also match, as its resolver checks it (the caller's reach): a
   * function of `ctx.viewer` only, since a plan is reused for every caller of the same shape.
   */
  where?: (ctx: Context) => unknown;
}

/** Field extensions for a field returning a row of `model` (a Prisma object) by the SQL of its id; null when none. */
export function compiledRow(
  model: string,
  id: (parent: SqlParent) => string,
  options: CompiledRowOptions = {},
): Record<string, unknown> {
  return { [COMPILED_FIELD]: { kind: 'row', model, id, where: options.where } satisfies CompiledFieldSpec };
}

/** How a field's resolver reads the rows of `model` whose ids an `int[]` of its parent holds (`compiledRowsByIds`). */
export type RowsByIdsRead =
  /** A loader's `loadMany(ids)`, rows that failed to load left out: one row per id, in the array's order, repeats included. */
  | { by: 'load' }
  /**
   * `findMany` of `{ AND: [{ id: { in: ids } }, where] }` by `orderBy`: each row once. `where` is the
   * caller's reach, a function of `ctx.viewer` only (a plan is reused for every caller of the same shape).
   */
  | {
      by: 'findMany';
      orderBy: unknown;
      where?: (ctx: Context) => unknown;
      /** A `where` over the parent row, of the caller only: none unless it matches (the resolver's reach check on the parent). */
      parentWhere?: (ctx: Context) => unknown;
    };

/**
 * Field extensions for a field listing the rows of `model` (Prisma objects, their fields compiled
 * as any row's) whose ids the `int[]` SQL `ids` of its parent holds, read as its resolver does;
 * a NULL or empty array lists none, an id without a row is left out.
 */
export function compiledRowsByIds(
  model: string,
  ids: (parent: SqlParent) => string,
  read: RowsByIdsRead,
): Record<string, unknown> {
  return { [COMPILED_FIELD]: { kind: 'rowsByIds', model, ids, read } satisfies CompiledFieldSpec };
}

/**
 * Field extensions for a field resolving to the first row its Prisma `select` loads of one list
 * `relation` (`select: … ({ reviews: nested({ take: 1, orderBy }) })`, resolved as
 * `row.reviews[0] ?? null`): read as that relation with the same query, `LIMIT 1`; null when none.
 */
export function compiledFirstRelated(relation: string): Record<string, unknown> {
  return { [COMPILED_FIELD]: { kind: 'firstRelated', relation } satisfies CompiledFieldSpec };
}

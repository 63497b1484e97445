/**
 * One SQL statement per query operation, built from the definitions the resolvers use, or the
 * reason it falls back to them (docs/performance.md#compiled-reads; compiled-reads.test.ts compares both paths).
 */
import {
  Kind,
  getArgumentValues,
  getNamedType,
  getNullableType,
  getVariableValues,
  isAbstractType,
  isEnumType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Context } from '../context.ts';
import { checkArguments } from '../lib/input-guard.ts';
import { nodeReachOf } from '../lib/node-reach.ts';
import { fieldReadScope, mayRead, readScopeOf } from '../lib/read-scope.ts';
import { hasScope, type Viewer } from '../modules/auth/viewer.ts';
import {
  ID_CURSOR_PREFIX,
  authScopesOf,
  cursorId,
  declaredResolver,
  declaresSelect,
  exposedField,
  mappedArguments,
  modelField,
  modelInfo,
  modelOf,
  relationOf,
  relationSelectOf,
  selectedColumns,
  shopField,
} from './adapter.ts';
import {
  callerScopesOf,
  changesAtOf,
  compiledFieldOf,
  compiledFromContextOf,
  compiledRootOf,
  isFromRowOnly,
  resolverReadsOf,
  rowInputsOf,
  type CompiledConnectionSpec,
  type CompiledFromContextSpec,
  type CompiledRootSpec,
  type RowsByIdsRead,
  type SqlField,
  type SqlObjectList,
  type SqlObjectRow,
  type SqlParent,
} from './annotations.ts';
import {
  base64Of,
  concat,
  jsonDateTime,
  jsonFromJsonb,
  jsonFromJsonbNonNull,
  jsonGlobalId,
  jsonIdCursor,
  jsonLiteral,
  jsonObject,
  jsonPlain,
  jsonString,
  jsonStringArray,
  jsonUnless,
} from './json-sql.ts';
import {
  collectFields,
  DEFERRED_KEY,
  IN_PLACE_MARK,
  ROW_KEY,
  SETTINGS_KEY,
  skipOrInclude,
  TYPE_KEY,
  type DeferredFields,
  type InPlaceField,
} from './partial.ts';
import {
  NotCompilable,
  PlatformInstant,
  SqlParams,
  column,
  columnOf,
  compileWhere,
  orderSql,
  orderTerms,
  pageQuery,
  relationJoin,
  table,
  type ModelField,
  type PageQuery,
} from './prisma-sql.ts';

/**
 * What a compiled read depends on, for the response cache: rows of `model` within the caller's
 * reach (`reach`: a root field, whose page any such row can enter), rows of the shops the root rows
 * belong to (`rows`: relations that stay within a shop), or any row at all (`all`).
 */
export interface ReadDependency {
  model: string;
  /** The model's table: what its change notifications name. */
  table: string;
  scope: 'reach' | 'rows' | 'all';
}

export interface CompiledRead {
  /**
   * One statement returning one row with one text column: the operation's `data` as JSON, then,
   * when `returnsShops`, a newline and the comma-separated ids of the shops of the root rows. Empty
   * when a non-null root or row found none (a settings row not created yet): the resolvers answer.
   */
  text: string;
  values: unknown[];
  /** The Prisma models the statement reads. */
  models: ReadonlySet<string>;
  dependencies: readonly ReadDependency[];
  returnsShops: boolean;
  /**
   * Where in `values` the real time goes that the platform clock is computed from (in the
   * statement, with the sandbox settings as they are then), or null when the read does not use the
   * clock. `executionValues` fills it on every execution; such a read is never stored.
   */
  clock: number | null;
  /**
   * Some fields have no SQL form: the statement's JSON marks each object (compiled/partial.ts) and
   * the document runs through graphql-js over it, their resolvers answering only those fields.
   */
  partial: boolean;
  /**
   * The read uses the clock (`clock`), and every field using it declared when its value may next
   * change (`changesAt`): when `returnsShops`, the text then ends with a third line, the milliseconds
   * of the platform clock until the earliest of those instants (empty when none comes), how long
   * the answer may be stored.
   */
  clockBounded: boolean;
  /**
   * Some deferred field's resolver may read what the statement did not (a root field, or a field not
   * declared `fromRowOnly`): what it read is tagged nowhere, so the answer is never stored.
   */
  resolverReads: boolean;
  /**
   * Fields answered in place (`fromRowOnly` leaves without arguments): where one goes, the text
   * holds its row instead, marked, and `answerInPlace` puts its resolver's value there.
   */
  inPlace: readonly InPlaceField[];
  /** A partial read's document and the field nodes it defers (`answerDeferredFields` walks only to them). */
  deferred?: DeferredFields;
  /** A root's query read the caller's key id (`viewer.apiKeyId`): plans are not shared between keys. */
  perKey?: boolean;
}

/** A timestamp parameter's text: UTC wall time, as `timestamp(3)` columns hold it. */
export const sqlTimestamp = (at: Date) => at.toISOString().replace('T', ' ').replace('Z', '');

/** The values to run a compiled read with now: the real time in the clock's place, when it has one. */
export function executionValues(read: CompiledRead, real: Date = new Date()): unknown[] {
  if (read.clock === null) return read.values;
  const values = [...read.values];
  values[read.clock] = sqlTimestamp(real);
  return values;
}

export interface CompileReadInput {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variableValues?: Record<string, unknown> | null;
  context: Context;
  /** Also return the shops of the root rows (see `CompiledRead.text`), for response-cache tags. */
  collectShops?: boolean;
}

/** The operation runs through the resolvers, for this reason. */
export interface Fallback {
  ok: false;
  reason: string;
}

export type CompileReadResult = { ok: true; read: CompiledRead } | Fallback;

/** The field nodes under one response key: never empty. */
type FieldGroup = [FieldNode, ...FieldNode[]];

/** `scoped`: the row belongs to one of the root rows' shops (a root row, or reached through shop-keeping relations). */
type Parent =
  | { kind: 'root' }
  | { kind: 'row'; model: string; alias: string; scoped: boolean }
  | { kind: 'values'; values: Record<string, string> };

const ROOT: Parent = { kind: 'root' };

/** The first field deferred to its resolver: compiling starts again, marking every object for the executor. */
class Restart extends Error {}

/**
 * Compiles a query operation to one statement, or says why it cannot. Fields without a SQL form
 * where a resolver can take over (a root field, a field the Prisma plugin reloads from its parent's
 * id) are deferred to their resolvers: the read is then `partial`.
 */
export async function compileRead(input: CompileReadInput): Promise<CompileReadResult> {
  try {
    let read: CompiledRead;
    try {
      read = await new Compilation(input, false).run();
    } catch (error) {
      if (!(error instanceof Restart)) throw error;
      read = await new Compilation(input, true).run();
    }
    return { ok: true, read };
  } catch (error) {
    if (error instanceof NotCompilable) return { ok: false, reason: error.message };
    throw error;
  }
}

const nameOf = (node: FieldNode) => node.alias?.value ?? node.name.value;

/** The alias of the one-row relation holding the platform clock (`SqlField.now`). */
const CLOCK = 'sw_clock';

class Compilation {
  private readonly params: SqlParams;
  private readonly models = new Set<string>();
  private readonly dependencies = new Map<string, ReadDependency>();
  /** SQL expressions (text) listing the shops of each root field's rows. */
  private readonly shopLists: string[] = [];
  private aliases = 0;
  private readonly fragments: Record<string, FragmentDefinitionNode> = {};
  private operation!: OperationDefinitionNode;
  private variables: Record<string, unknown> = {};
  /** The real-time parameter the platform clock is computed from, once a field uses the clock. */
  private clock: { index: number; sql: string } | null = null;
  /** Some use of the clock declared no `changesAt`: the read is never stored. */
  private clockUnbounded = false;
  /** SQL of the instants the clock's users declared they may next change at (`changesAt`). */
  private horizons: string[] = [];
  private deferrals = 0;
  /** Deferred fields whose resolvers may read more than their row. */
  private beyondRows = 0;
  /** Those of them that did not declare what (`CompiledRead.resolverReads`). */
  private readingDeferrals = 0;
  private readonly inPlace: InPlaceField[] = [];
  private readonly deferredNodes = new Set<FieldNode>();
  private perKey = false;
  /** The subqueries the fields of the object being compiled share (`SqlField.shared`): text → alias. */
  private shared = new Map<string, string>();

  /** `marked`: a partial read, whose objects carry their type, and their deferred fields (compiled/partial.ts). */
  constructor(
    private readonly input: CompileReadInput,
    private readonly marked: boolean,
  ) {
    const reach = input.context.viewer?.shopIds;
    this.params = new SqlParams(reach ? [reach] : []);
    // A filter comparing rows with the clock changes with it: nothing bounds when.
    this.params.clock = () => {
      this.clockUnbounded = true;
      return this.now();
    };
  }

  /** The platform clock, bound at execution (a placeholder parameter in the plan). */
  private now(): string {
    if (!this.clock) {
      const sql = this.params.add(null, 'timestamp(3)');
      this.clock = { index: this.params.values.length - 1, sql };
      this.depend('PlatformSettings', 'all');
    }
    return `${CLOCK}."now"`;
  }

  async run(): Promise<CompiledRead> {
    const { document, operationName, schema } = this.input;
    let operation: OperationDefinitionNode | undefined;
    let operations = 0;
    for (const def of document.definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) this.fragments[def.name.value] = def;
      else if (def.kind === Kind.OPERATION_DEFINITION) {
        operations++;
        if (operationName ? def.name?.value === operationName : true) operation ??= def;
      }
    }
    if (!operation || (!operationName && operations > 1)) throw new NotCompilable('no single operation');
    if (operation.operation !== 'query') throw new NotCompilable(`${operation.operation} operation`);
    this.operation = operation;
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], this.input.variableValues ?? {}, {
      maxErrors: 1,
    });
    if (coerced.errors) throw new NotCompilable('variables do not coerce');
    this.variables = coerced.coerced;
    const queryType = schema.getQueryType();
    if (!queryType) throw new NotCompilable('no query type');
    const body = await this.objectFields(queryType, this.collect(queryType, [operation.selectionSet]), {
      kind: 'root',
    });
    // Rows chosen by a filter over another table (a category subtree, a rejection reason) change when it does.
    for (const model of this.params.referenced) this.depend(model, 'all');
    const returnsShops = !!this.input.collectShops;
    const shops = this.shopLists.length ? `concat_ws(',', ${this.shopLists.join(', ')})` : `''`;
    // The clock is computed once per execution, in the statement, from the settings row as it is then
    // (OFFSET 0: not inlined into each use, where every use would read the settings row again).
    const from = this.clock ? ` FROM (SELECT ${this.clockSql(this.clock.sql)} AS "now" OFFSET 0) ${CLOCK}` : '';
    const clockBounded = this.clock !== null && !this.clockUnbounded && this.horizons.length > 0;
    const until =
      returnsShops && clockBounded
        ? ` || chr(10) || coalesce(floor(extract(epoch from (least(${this.horizons.join(', ')}) - ${CLOCK}."now")) * 1000)::bigint::text, '')`
        : '';
    return {
      // Empty text when a non-null field found no row (NULL spreads through the concatenation): see `CompiledRead.text`.
      text: returnsShops
        ? `SELECT coalesce((${body}) || chr(10) || ${shops}${until}, '')${from}`
        : `SELECT coalesce((${body})::text, '')${from}`,
      values: this.params.values,
      models: this.models,
      dependencies: [...this.dependencies.values()],
      returnsShops,
      clock: this.clock?.index ?? null,
      clockBounded,
      partial: this.deferrals > 0,
      deferred: this.deferrals > 0 ? { document, nodes: this.deferredNodes } : undefined,
      resolverReads: this.readingDeferrals > 0,
      inPlace: this.inPlace,
      perKey: this.perKey,
    };
  }

  /** `platformNow` (context.ts) in SQL: the sandbox instant, frozen or advancing from when it was set, else `real`. */
  private clockSql(real: string): string {
    if (this.input.context.production) return real;
    const s = 'sw_settings';
    const col = (field: string) => columnOf(s, 'PlatformSettings', field);
    const sandbox = `CASE WHEN ${col('sandboxFrozen')} OR ${col('sandboxSetAt')} IS NULL THEN ${col('sandboxNow')} ELSE ${col('sandboxNow')} + (${real} - ${col('sandboxSetAt')}) END`;
    return `coalesce((SELECT ${sandbox} FROM ${table('PlatformSettings')} ${s} WHERE ${col('id')} = 1), ${real})`;
  }

  /** What a computed field's SQL may use: its arguments, parameters, the clock bound at execution, shared subqueries. */
  private async sqlField(
    type: GraphQLObjectType,
    def: GraphQLField<unknown, unknown>,
    nodes: FieldGroup,
    parent: Parent,
  ): Promise<SqlField> {
    const args = def.args.length ? await this.args(type, def, nodes) : {};
    const shared = this.shared;
    const field: SqlField = {
      args,
      param: (value, sqlType) => this.params.add(value instanceof Date ? sqlTimestamp(value) : value, sqlType),
      now: () => {
        this.clockUsedBy(def, nodes, { args, now: () => this.now() });
        return this.now();
      },
      shared: (sql, reads) => {
        const scoped = parent.kind === 'row' && parent.scoped;
        for (const model of reads.reads) this.depend(model, scoped ? 'rows' : 'all');
        for (const model of reads.readsAcrossShops ?? []) this.depend(model, 'all');
        let alias = shared.get(sql);
        if (!alias) shared.set(sql, (alias = this.alias()));
        return alias;
      },
    };
    return field;
  }

  /** A field's SQL reads the clock: when its value may next change with time alone (`changesAt`), if it says. */
  private clockUsedBy(def: GraphQLField<unknown, unknown>, nodes: FieldGroup, field: Pick<SqlField, 'args' | 'now'>) {
    const when = changesAtOf(def);
    if (!when) {
      this.clockUnbounded = true;
      return;
    }
    const named = getNamedType(def.type);
    const selected = new Set(
      isObjectType(named) ? [...this.subfields(named, nodes).values()].map((group) => group[0].name.value) : [],
    );
    const horizon = when(field, selected);
    if (horizon === null) this.clockUnbounded = true;
    else if (!this.horizons.includes(horizon)) this.horizons.push(horizon);
  }

  private depend(model: string, scope: ReadDependency['scope']) {
    this.models.add(model);
    const key = `${model}:${scope}`;
    if (!this.dependencies.has(key)) this.dependencies.set(key, { model, table: modelInfo(model).table, scope });
  }

  private alias(): string {
    return `t${++this.aliases}`;
  }

  // ---- field collection (graphql-js semantics: fragments, type conditions, @skip/@include) ----

  private collect(type: GraphQLObjectType, selectionSets: readonly SelectionSetNode[]): Map<string, FieldGroup> {
    return collectFields(this.input.schema, this.fragments, (node) => this.included(node), type, selectionSets);
  }

  private included(node: SelectionNode): boolean {
    for (const d of node.directives ?? []) {
      if (d.name.value !== 'skip' && d.name.value !== 'include') throw new NotCompilable(`@${d.name.value}`);
    }
    return skipOrInclude(node, this.variables);
  }

  private subfields(type: GraphQLObjectType, nodes: readonly FieldNode[]): Map<string, FieldGroup> {
    return this.collect(
      type,
      nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : [])),
    );
  }

  // ---- authorization (the same authScopes the scope-auth plugin checks) ----

  private allowed(given: unknown): boolean {
    const ofCaller = callerScopesOf(given);
    const scopes = ofCaller ? ofCaller(this.input.context) : given;
    if (scopes === undefined || scopes === null) return true;
    if (typeof scopes !== 'object') throw new NotCompilable('authScopes function');
    const viewer = this.input.context.viewer;
    for (const [scope, value] of Object.entries(scopes as Record<string, unknown>)) {
      switch (scope) {
        case 'authenticated':
          if (value === true && viewer) return true;
          break;
        case 'admin':
          if (value === true && viewer?.role === 'ADMIN') return true;
          break;
        case 'seller':
          if (value === true && viewer?.role === 'SELLER') return true;
          break;
        case 'scope':
          if (typeof value === 'string' && hasScope(viewer, value)) return true;
          break;
        default:
          throw new NotCompilable(`auth scope ${scope}`);
      }
    }
    return false;
  }

  private checkAuth(owner: { extensions?: unknown }, what: string) {
    if (!this.allowed(authScopesOf(owner))) throw new NotCompilable(`not allowed: ${what}`);
  }

  /** A type's read scope (read-scope.ts): without it the resolvers answer, and refuse. */
  private checkReadScope(readScope: ReturnType<typeof readScopeOf>, what: string) {
    if (!mayRead(this.input.context.viewer, readScope)) throw new NotCompilable(`read scope: ${what}`);
  }

  // ---- objects and fields ----

  private async objectFields(
    type: GraphQLObjectType,
    fields: Map<string, FieldGroup>,
    parent: Parent,
  ): Promise<string> {
    this.checkAuth(type, type.name);
    this.checkReadScope(readScopeOf(type), type.name);
    const outer = this.shared;
    const shared = (this.shared = new Map());
    try {
      const json = await this.objectEntries(type, fields, parent);
      if (!shared.size) return json;
      // Each shared subquery once, beside the object's fields that read its row.
      const joins = [...shared].map(([sql, alias]) => ` LEFT JOIN LATERAL (${sql}) ${alias} ON true`).join('');
      return `(SELECT ${json} FROM (SELECT) sw_one${joins})`;
    } finally {
      this.shared = outer;
    }
  }

  private async objectEntries(
    type: GraphQLObjectType,
    fields: Map<string, FieldGroup>,
    parent: Parent,
  ): Promise<string> {
    const entries: [string, string][] = [];
    const deferred: string[] = [];
    /** What the deferred fields select of the row, for the row the JSON hands their resolvers. */
    const selected = new Set<string>();
    /** What the deferred fields' resolvers may take from the row instead of reading it (`rowInputs`). */
    const inputs = new Map<string, string>();
    let reason: string | undefined;
    for (const [key, nodes] of fields) {
      const name = nodes[0].name.value;
      if (name === '__typename') {
        entries.push([key, `'"${type.name}"'`]);
        continue;
      }
      const def = type.getFields()[name];
      if (!def) throw new NotCompilable(`unknown field ${type.name}.${name}`);
      const saved = this.save();
      try {
        this.checkAuth(def, `${type.name}.${name}`);
        this.checkReadScope(fieldReadScope(def.type), `${type.name}.${name}`);
        entries.push([
          key,
          this.rowOnlyInPlace(type, def, nodes, parent) ?? (await this.field(type, def, nodes, parent)),
        ]);
      } catch (error) {
        if (!(error instanceof NotCompilable) || !this.deferrable(def, parent)) throw error;
        if (!this.marked) throw new Restart();
        // Its resolver answers it (and any error it has) where graphql-js runs over the JSON.
        this.restore(saved);
        this.deferrals++;
        for (const node of nodes) this.deferredNodes.add(node);
        if (parent.kind !== 'row' || !isFromRowOnly(def)) {
          this.beyondRows++;
          if (!this.declaredReads(def, nodes, parent)) this.readingDeferrals++;
        }
        deferred.push(key);
        for (const name of selectedColumns(def) ?? []) selected.add(name);
        const given = rowInputsOf(def);
        if (given && parent.kind === 'row')
          for (const [key, sql] of Object.entries(given(this.sqlParent(parent)))) inputs.set(key, sql);
        // Its place in document order, for its value (compiled/partial.ts answerDeferredLeaves).
        entries.push([key, `'null'`]);
        reason ??= error.message;
      }
    }
    // Nothing left to read in SQL: the resolvers answer the whole operation.
    if (parent.kind === 'root' && deferred.length === fields.size) throw new NotCompilable(reason ?? 'no fields');
    return jsonObject(entries, this.marks(type.name, deferred, parent, selected, inputs));
  }

  /**
   * Whether a deferred field declared what its resolver reads (`resolverReads`) and the read selects
   * only leaves beneath it: its tables are then tagged, and its `changesAt` bounds the answer when it
   * reads the clock. False otherwise: the read is never stored.
   */
  private declaredReads(def: GraphQLField<unknown, unknown>, nodes: FieldGroup, parent: Parent): boolean {
    const declared = resolverReadsOf(def);
    if (!declared || parent.kind !== 'row') return false;
    const named = getNamedType(def.type);
    if (isObjectType(named))
      for (const group of this.subfields(named, nodes).values()) {
        const name = group[0].name.value;
        if (name !== '__typename' && !isLeafType(getNamedType(named.getFields()[name]?.type))) return false;
      }
    else if (!isLeafType(named)) return false;
    for (const model of declared.reads) this.depend(model, parent.scoped ? 'rows' : 'all');
    for (const model of declared.readsAcrossShops ?? []) this.depend(model, 'all');
    if (declared.clock) {
      const now = () => this.now();
      now();
      this.clockUsedBy(def, nodes, { args: {}, now });
    }
    return true;
  }

  /**
   * A field declared `fromRowOnly` that returns a leaf and takes no arguments, on a row whose columns
   * it selects JSON carries: its row in the text where its value goes (IN_PLACE_MARK, its index in
   * `inPlace`, the row, IN_PLACE_MARK), for its declared resolver to answer after the statement.
   * Its authScopes and read scope were checked as for any compiled field; undefined otherwise.
   */
  private rowOnlyInPlace(
    type: GraphQLObjectType,
    def: GraphQLField<unknown, unknown>,
    nodes: FieldGroup,
    parent: Parent,
  ): string | undefined {
    const resolve = declaredResolver(def);
    const columns = selectedColumns(def);
    if (parent.kind !== 'row' || !isFromRowOnly(def) || def.args.length || !resolve || !columns) return undefined;
    if (!isLeafType(getNamedType(def.type))) return undefined;
    const { row, dates, missing } = this.rowJson(parent, columns);
    // A list column may hold a NULL element, which Prisma fails to read: the resolvers' to answer.
    if (missing || columns.some((name) => modelInfo(parent.model).fields.get(name)?.isList)) return undefined;
    // A plan serves other variable values: the field takes no arguments and sees none.
    this.inPlace.push({ resolve, type: def.type, dates, info: this.fieldInfo(type, def, nodes, {}) });
    const mark = `chr(${IN_PLACE_MARK})`;
    return `${mark} || '${this.inPlace.length - 1}' || ${jsonObject(row)} || ${mark}`;
  }

  /**
   * A partial read's marks of an object: its type; its deferred fields and, for a row, the row: its
   * id, whichever of the columns they select JSON carries as Prisma reads them, and the inputs their
   * resolvers take from it (`rowInputs`).
   */
  private marks(
    typename: string,
    deferred: readonly string[],
    parent?: Parent,
    selected: ReadonlySet<string> = new Set(),
    inputs: ReadonlyMap<string, string> = new Map(),
  ): [string, string][] {
    if (!this.marked) return [];
    const marks: [string, string][] = [[TYPE_KEY, `'${JSON.stringify(typename)}'`]];
    // Deferred resolvers that read the settings row take the statement's (no statement of their own).
    const settings = parent?.kind === 'root' && this.beyondRows > 0 ? this.settingsRow() : undefined;
    if (settings) marks.push([SETTINGS_KEY, settings]);
    if (!deferred.length || !parent) return marks;
    if (parent.kind === 'row') marks.push([ROW_KEY, jsonObject(this.rowJson(parent, selected).row, [...inputs])]);
    marks.push([DEFERRED_KEY, `'${JSON.stringify(deferred)}'`]);
    return marks;
  }

  /**
   * Whether a resolver can answer a field the compiler cannot: a root field, or a computed field of
   * a row that declares a Prisma `select` (the Prisma plugin loads that selection from the row's
   * id). Not a relation: the resolvers plan it with its root field, whose error a bad argument is.
   */
  private deferrable(def: GraphQLField<unknown, unknown>, parent: Parent): boolean {
    if (parent.kind === 'root') return true;
    if (parent.kind !== 'row' || !declaresSelect(def) || relationOf(def) !== undefined) return false;
    const id = modelInfo(parent.model).fields.get('id');
    return !!id?.isId && (id.type === 'Int' || id.type === 'String');
  }

  /**
   * A row for a resolver: its id and whichever of `columns` JSON carries as Prisma reads them, with
   * those that are DateTimes (JSON carries them as text) and whether any could not be carried.
   */
  private rowJson(parent: Extract<Parent, { kind: 'row' }>, columns: Iterable<string>) {
    const row: [string, string][] = [['id', this.rowId(parent)]];
    const dates: string[] = [];
    let missing = false;
    for (const name of columns) {
      if (name === 'id') continue;
      const field = modelInfo(parent.model).fields.get(name);
      const json = field && rowColumnJson(column(parent.alias, field), field);
      if (!json) missing = true;
      else {
        row.push([name, json]);
        if (field.type === 'DateTime') dates.push(name);
      }
    }
    return { row, dates, missing };
  }

  /** The settings row as Prisma reads it (every column), or null when there is none; undefined when JSON cannot carry a column. */
  private settingsRow(): string | undefined {
    const alias = 'sw_settings_row';
    const entries: [string, string][] = [];
    for (const field of modelInfo('PlatformSettings').fields.values()) {
      if (field.kind !== 'scalar' && field.kind !== 'enum') continue;
      const json = rowColumnJson(column(alias, field), field);
      if (!json) return undefined;
      entries.push([field.name, json]);
    }
    const id = column(alias, modelField('PlatformSettings', 'id'));
    return `coalesce((SELECT ${jsonObject(entries)} FROM ${table('PlatformSettings')} ${alias} WHERE ${id} = 1), 'null')`;
  }

  private rowId(parent: Extract<Parent, { kind: 'row' }>): string {
    const id = modelField(parent.model, 'id');
    const col = column(parent.alias, id);
    return id.type === 'Int' ? jsonLiteral(col, false) : jsonString(col, false);
  }

  /** What a field's compilation adds to the statement, to take back when the field is deferred. */
  private save() {
    return {
      values: this.params.values.length,
      referenced: this.params.referenced.size,
      models: this.models.size,
      dependencies: this.dependencies.size,
      shopLists: this.shopLists.length,
      clock: this.clock,
      clockUnbounded: this.clockUnbounded,
      horizons: this.horizons.length,
      shared: this.shared.size,
      inPlace: this.inPlace.length,
    };
  }

  private restore(saved: ReturnType<Compilation['save']>) {
    this.params.values.splice(saved.values);
    for (const model of [...this.params.referenced].slice(saved.referenced)) this.params.referenced.delete(model);
    for (const model of [...this.models].slice(saved.models)) this.models.delete(model);
    for (const key of [...this.dependencies.keys()].slice(saved.dependencies)) this.dependencies.delete(key);
    this.shopLists.splice(saved.shopLists);
    this.clock = saved.clock;
    this.clockUnbounded = saved.clockUnbounded;
    this.horizons.splice(saved.horizons);
    for (const sql of [...this.shared.keys()].slice(saved.shared)) this.shared.delete(sql);
    this.inPlace.splice(saved.inPlace);
  }

  /** The `info` a field's resolver gets, but for its path: the field's key alone. */
  private fieldInfo(
    type: GraphQLObjectType,
    def: GraphQLField<unknown, unknown>,
    nodes: FieldGroup,
    variableValues: Record<string, unknown>,
  ): GraphQLResolveInfo {
    return {
      fieldName: def.name,
      fieldNodes: nodes,
      returnType: def.type,
      parentType: type,
      path: { prev: undefined, key: nameOf(nodes[0]), typename: type.name },
      schema: this.input.schema,
      fragments: this.fragments,
      rootValue: undefined,
      operation: this.operation,
      variableValues,
    } as unknown as GraphQLResolveInfo;
  }

  private async args(
    type: GraphQLObjectType,
    def: GraphQLField<unknown, unknown>,
    nodes: FieldGroup,
  ): Promise<Record<string, unknown>> {
    const info = this.fieldInfo(type, def, nodes, this.variables);
    try {
      // Arguments the input guard refuses run through the resolvers, which answer its error.
      checkArguments(this.input.schema, def, getArgumentValues(def, nodes[0], this.variables));
      return await mappedArguments(def, nodes[0], this.input.context, info);
    } catch {
      throw new NotCompilable(`arguments of ${type.name}.${def.name}`);
    }
  }

  private async field(
    type: GraphQLObjectType,
    def: GraphQLField<unknown, unknown>,
    nodes: FieldGroup,
    parent: Parent,
  ): Promise<string> {
    if (parent.kind === 'root') {
      if (isNodeLookup(def)) return this.nodeLookup(type, def, nodes);
      const spec = compiledRootOf(def);
      if (spec) return this.root(spec, type, def, nodes);
      const fromContext = compiledFromContextOf(def);
      if (fromContext) return this.fromContext(fromContext, type, def, nodes);
      throw new NotCompilable(`root field ${def.name}`);
    }
    const custom = compiledFieldOf(def);
    if (custom?.kind === 'firstRelated') return this.firstRelated(type, def, nodes, parent, custom.relation);
    if (custom?.kind === 'connection') return this.relatedConnection(type, def, nodes, parent, custom.spec);
    if (custom) {
      const sqlParent = this.sqlParent(parent);
      if (custom.kind === 'json') {
        const scoped = parent.kind === 'row' && parent.scoped && !custom.acrossShops;
        for (const model of custom.reads) this.depend(model, scoped ? 'rows' : 'all');
        return custom.sql(sqlParent, await this.sqlField(type, def, nodes, parent));
      }
      if (custom.kind === 'objectList')
        return this.objectList(
          type,
          def,
          nodes,
          parent,
          custom.sql(sqlParent, this.alias(), await this.sqlField(type, def, nodes, parent)),
        );
      if (custom.kind === 'objectRow')
        return this.objectRow(
          type,
          def,
          nodes,
          parent,
          custom.sql(sqlParent, await this.sqlField(type, def, nodes, parent), this.alias()),
        );
      if (custom.kind === 'row')
        return this.rowById(type, def, nodes, custom.model, custom.id(sqlParent), custom.where?.(this.input.context));
      if (custom.kind === 'rowsByIds')
        return this.rowsByIds(type, def, nodes, parent, custom.model, custom.ids(sqlParent), custom.read);
      const objectType = getNullableType(def.type);
      if (!isNonNullType(def.type) || !isObjectType(objectType))
        throw new NotCompilable(`${type.name}.${def.name} object shape`);
      return this.objectFields(objectType, this.subfields(objectType, nodes), {
        kind: 'values',
        values: custom.sql(sqlParent, await this.sqlField(type, def, nodes, parent)),
      });
    }
    if (parent.kind !== 'row') throw new NotCompilable(`${type.name}.${def.name} has no SQL form`);
    if (def.name === 'id' && type.getInterfaces().some((i) => i.name === 'Node')) {
      return jsonGlobalId(type.name, columnOf(parent.alias, parent.model, 'id'));
    }
    const exposed = exposedField(def);
    if (exposed !== undefined) {
      const field = modelField(parent.model, exposed);
      return scalarJson(def.type, field, column(parent.alias, field), `${type.name}.${def.name}`);
    }
    const relation = relationOf(def);
    if (relation !== undefined) return this.relation(type, def, nodes, parent, relation);
    throw new NotCompilable(`${type.name}.${def.name} has no SQL form`);
  }

  /** A declared list of simple objects (`compiledObjectList`), as a JSON array in its order. */
  private async objectList(
    type: GraphQLObjectType,
    def: GraphQLField<unknown, unknown>,
    nodes: FieldGroup,
    parent: Parent,
    list: SqlObjectList,
  ): Promise<string> {
    const listType = getNullableType(def.type);
    const itemType = isListType(listType) ? getNullableType(listType.ofType) : null;
    if (!isNonNullType(def.type) || !itemType || !isObjectType(itemType))
      throw new NotCompilable(`${type.name}.${def.name} list shape`);
    const scoped = parent.kind === 'row' && parent.scoped;
    for (const model of list.reads) this.depend(model, scoped ? 'rows' : 'all');
    const object = await this.objectFields(itemType, this.subfields(itemType, nodes), {
      kind: 'values',
      values: list.values,
    });
    return `('[' || coalesce((SELECT string_agg(${object}, ',' ORDER BY ${list.orderBy}) FROM ${list.from}), '') || ']')`;
  }

  /** A declared simple object over at most one row (`compiledObjectRow`): null when there is none. */
  private async objectRow(
    type: GraphQLObjectType,
    def: GraphQLField<unknown, unknown>,
    nodes: FieldGroup,
    parent: Parent,
    row: SqlObjectRow,
  ): Promise<string> {
    const objectType = getNullableType(def.type);
    if (!isObjectType(objectType)) throw new NotCompilable(`${type.name}.${def.name} object shape`);
    const scoped = parent.kind === 'row' && parent.scoped;
    for (const model of row.reads) this.depend(model, scoped ? 'rows' : 'all');
    for (const model of row.readsAcrossShops ?? []) this.depend(model, 'all');
    const object = await this.objectFields(objectType, this.subfields(objectType, nodes), {
      kind: 'values',
      values: row.values,
    });
    const expr = `(SELECT ${object} FROM ${row.from} LIMIT 1)`;
    return isNonNullType(def.type) ? expr : `coalesce(${expr}, 'null')`;
  }

  /**
   * A declared row of a model by the SQL of its id (`compiledRow`), read like a to-one relation;
   * only when it also matches `where` (a Prisma `where`: the caller's reach), else null.
   */
  private async rowById(
    type: GraphQLObjectType,
    def: GraphQLField<unknown, unknown>,
    nodes: FieldGroup,
    model: string,
    idSql: string,
    where?: unknown,
  ): Promise<string> {
    const target = this.objectType(def.type, model, `${type.name}.${def.name}`);
    const alias = this.alias();
    this.depend(model, 'all');
    const reach = where === undefined ? 'TRUE' : compileWhere(model, where, alias, this.params);
    const object = await this.objectFields(target, this.subfields(target, nodes), {
      kind: 'row',
      model,
      alias,
      scoped: false,
    });
    const expr = `(SELECT ${object} FROM ${table(model)} ${alias} WHERE ${columnOf(alias, model, 'id')} = ${idSql}${reach === 'TRUE' ? '' : ` AND ${reach}`})`;
    return isNonNullType(def.type) ? expr : `coalesce(${expr}, 'null')`;
  }

  /**
   * A declared list of `model` rows by an `int[]` of ids (`compiledRowsByIds`), read as the resolver
   * reads them: loaded one per id in the array's order, or found each once in `orderBy` order.
   */
  private async rowsByIds(
    type: GraphQLObjectType,
    def: GraphQLField<unknown, unknown>,
    nodes: FieldGroup,
    parent: Parent,
    model: string,
    idsSql: string,
    read: RowsByIdsRead,
  ): Promise<string> {
    const what = `${type.name}.${def.name}`;
    if (!isListType(getNullableType(def.type))) throw new NotCompilable(`${what} list shape`);
    const target = this.objectType(def.type, model, what);
    if (modelField(model, 'id').type !== 'Int') throw new NotCompilable(`${what}: ${model} ids are not integers`);
    const alias = this.alias();
    this.depend(model, 'all');
    const where = read.by === 'findMany' && read.where ? read.where(this.input.context) : undefined;
    const parentWhere = read.by === 'findMany' && read.parentWhere ? read.parentWhere(this.input.context) : undefined;
    if (parentWhere !== undefined && parent.kind !== 'row')
      throw new NotCompilable(`${what}: parentWhere of a simple object`);
    const reach = [
      compileWhere(model, where, alias, this.params),
      parent.kind === 'row' ? compileWhere(parent.model, parentWhere, parent.alias, this.params) : 'TRUE',
    ]
      .filter((c) => c !== 'TRUE')
      .join(' AND ');
    const object = await this.objectFields(target, this.subfields(target, nodes), {
      kind: 'row',
      model,
      alias,
      scoped: false,
    });
    const id = columnOf(alias, model, 'id');
    const and = reach ? ` AND ${reach}` : '';
    let rows: string;
    if (read.by === 'load') {
      // One row per element, in the array's order: a repeated id is loaded again, a missing one is not.
      const ids = this.alias();
      rows = `SELECT string_agg(${object}, ',' ORDER BY ${ids}.n) FROM unnest(${idsSql}) WITH ORDINALITY ${ids}(id, n) JOIN ${table(model)} ${alias} ON ${id} = ${ids}.id${and}`;
    } else {
      const terms = orderTerms(model, read.orderBy);
      if (!terms.length) throw new NotCompilable(`${what}: rows without an order`);
      rows = `SELECT string_agg(${object}, ',' ORDER BY ${orderSql(alias, terms)}) FROM ${table(model)} ${alias} WHERE ${id} = ANY(${idsSql})${and}`;
    }
    // A NULL element fails Prisma's read of the parent row: the resolvers' error to answer.
    return jsonUnless(`array_position(${idsSql}, NULL) IS NOT NULL`, `('[' || coalesce((${rows}), '') || ']')`);
  }

  private sqlParent(parent: Parent): SqlParent {
    if (parent.kind === 'row')
      return {
        col: (f) => columnOf(parent.alias, parent.model, f),
        values: {},
        value: (name) => {
          throw new NotCompilable(`value ${name} of a row`);
        },
      };
    if (parent.kind === 'values') {
      const { values } = parent;
      return {
        col: () => {
          throw new NotCompilable('column of a simple object');
        },
        values,
        value: (name) => {
          const value = values[name];
          if (value === undefined) throw new NotCompilable(`simple object without ${name}`);
          return value;
        },
      };
    }
    throw new NotCompilable('computed root field');
  }

  /**
   * The context a declared root sees compiling: `ctx.now()` is the clock when the statement runs,
   * not an instant of this plan; reading one of `perKey` of the viewer keeps the plans per key
   * (plans are shared by caller shape, which leaves the key out).
   */
  private planContext(perKey: readonly (keyof Viewer)[]): Context {
    const viewer = this.input.context.viewer;
    return Object.create(this.input.context, {
      now: { value: async () => new PlatformInstant() },
      viewer: {
        value:
          viewer &&
          new Proxy(viewer, {
            get: (target, key) => {
              if ((perKey as readonly (string | symbol)[]).includes(key)) this.perKey = true;
              return Reflect.get(target, key) as unknown;
            },
          }),
      },
    }) as Context;
  }

  /** A root computed from the context (`compiledFromContext`): its object, list of objects or null, from values. */
  private async fromContext(
    spec: CompiledFromContextSpec,
    type: GraphQLObjectType,
    def: GraphQLField<unknown, unknown>,
    nodes: FieldGroup,
  ): Promise<string> {
    // The shape holds the scopes as a set; a value of them is in the key's order.
    const value = spec.sql(this.planContext(['apiKeyId', 'scopes']), await this.sqlField(type, def, nodes, ROOT));
    for (const model of spec.reads) this.depend(model, 'all');
    const what = `Query.${def.name}`;
    const shape = getNullableType(def.type);
    const objectOf = (t: GraphQLOutputType) => {
      const object = getNullableType(t);
      if (!isObjectType(object)) throw new NotCompilable(`${what} object shape`);
      return object;
    };
    const build = (object: GraphQLObjectType, values: Record<string, string>) =>
      this.objectFields(object, this.subfields(object, nodes), { kind: 'values', values });
    if (isListType(shape)) {
      if (!Array.isArray(value)) throw new NotCompilable(`${what} list shape`);
      const item = objectOf(shape.ofType);
      const items: string[] = [];
      for (const values of value as readonly Record<string, string>[]) items.push(await build(item, values));
      return concat([`'['`, ...items.flatMap((item, i) => (i ? [`','`, item] : [item])), `']'`]);
    }
    if (value === null) {
      if (isNonNullType(def.type)) throw new NotCompilable(`${what}: null for a non-null field`);
      return `'null'`;
    }
    if (Array.isArray(value)) throw new NotCompilable(`${what} object shape`);
    return build(objectOf(def.type), value as Record<string, string>);
  }

  private async root(
    spec: CompiledRootSpec<Record<string, unknown>>,
    type: GraphQLObjectType,
    def: GraphQLField<unknown, unknown>,
    nodes: FieldGroup,
  ): Promise<string> {
    const args = await this.args(type, def, nodes);
    const query = await spec.query(args, this.planContext(['apiKeyId']));
    this.depend(spec.model, 'reach');
    if (spec.kind === 'first') {
      const target = this.objectType(def.type, spec.model, `Query.${def.name}`);
      const alias = this.alias();
      const page = pageQuery(spec.model, { where: query.where, orderBy: query.orderBy }, alias, this.params);
      const object = await this.objectFields(target, this.subfields(target, nodes), {
        kind: 'row',
        model: spec.model,
        alias,
        scoped: true,
      });
      const order = page.terms.length ? ` ORDER BY ${orderSql(alias, page.terms)}` : '';
      const from = `${table(spec.model)} ${alias} WHERE ${page.where}${order} LIMIT 1`;
      this.collectShops(spec.model, alias, () => from);
      const expr = `(SELECT ${object} FROM ${from})`;
      return isNonNullType(def.type) ? expr : `coalesce(${expr}, 'null')`;
    }
    const cursor = spec.cursor ?? 'id';
    const connection = connectionQuery(args, spec.defaultSize ?? 20, spec.maxSize ?? 100, cursor);
    return this.connection(
      def,
      nodes,
      spec.model,
      { where: query.where, orderBy: query.orderBy, ...connection },
      args,
      null,
      true,
      cursor,
    );
  }

  /** A declared connection over a parent row's related rows (`compiledConnection`), with its resolver's filters. */
  private async relatedConnection(
    type: GraphQLObjectType,
    def: GraphQLField<unknown, unknown>,
    nodes: FieldGroup,
    parent: Parent,
    spec: CompiledConnectionSpec<Record<string, unknown>>,
  ): Promise<string> {
    const what = `${type.name}.${def.name}`;
    if (parent.kind !== 'row') throw new NotCompilable(`${what} of a simple object`);
    const join = relationJoin(parent.model, spec.relation);
    if (!join.isList) throw new NotCompilable(`${what}: ${spec.relation} is not a list relation`);
    const args = await this.args(type, def, nodes);
    const query = await spec.query(args, this.planContext(['apiKeyId']));
    const scoped = this.sameShop(parent, join);
    this.depend(join.target, scoped ? 'rows' : 'all');
    const page = connectionQuery(args, spec.defaultSize ?? 20, spec.maxSize ?? 100);
    return this.connection(
      def,
      nodes,
      join.target,
      { where: query.where, orderBy: query.orderBy, ...page },
      args,
      // Its resolver runs one `findMany` per parent: a cursor pages within that parent's rows.
      { on: join.on, parentAlias: parent.alias, ownFindMany: true },
      scoped,
    );
  }

  /**
   * `node`/`nodes`: each ID's type read like a typed root, its reach (node-reach.ts) joined into the
   * row's condition; null for an ID whose type has no reach or whose read scope the caller lacks.
   */
  private async nodeLookup(
    type: GraphQLObjectType,
    def: GraphQLField<unknown, unknown>,
    nodes: FieldGroup,
  ): Promise<string> {
    const args = await this.args(type, def, nodes);
    if (def.name === 'node') {
      const ref = args.id as GlobalIdRef;
      const id = nodeRowId(ref);
      const target = id === null ? null : this.nodeTarget(ref.typename);
      if (!target || id === null) return `'null'`;
      const row = await this.nodeRow(target, nodes, this.params.add(id, 'int'));
      this.collectShops(target.model, row.alias, () => `${row.from} LIMIT 1`);
      return `coalesce(${row.select}, 'null')`;
    }
    const groups = new Map<string, { ids: number[]; positions: number[] }>();
    const missing: number[] = [];
    (args.ids as GlobalIdRef[]).forEach((ref, position) => {
      const id = nodeRowId(ref);
      if (id === null) return void missing.push(position);
      let group = groups.get(ref.typename);
      if (!group) groups.set(ref.typename, (group = { ids: [], positions: [] }));
      group.ids.push(id);
      group.positions.push(position);
    });
    const parts: string[] = [];
    for (const [typename, group] of groups) {
      const target = this.nodeTarget(typename);
      if (!target) {
        missing.push(...group.positions);
        continue;
      }
      const w = this.alias();
      const row = await this.nodeRow(target, nodes, `${w}.id`);
      this.collectShops(target.model, row.alias, () => {
        const where = compileWhere(target.model, target.reach, row.alias, this.params);
        return `${table(target.model)} ${row.alias} WHERE ${columnOf(row.alias, target.model, 'id')} = ANY(${this.params.add(group.ids, 'int[]')}) AND ${where}`;
      });
      parts.push(
        `SELECT ${w}.n, ${row.select} AS j FROM unnest(${this.params.add(group.ids, 'int[]')}, ${this.params.add(group.positions, 'int[]')}) AS ${w}(id, n)`,
      );
    }
    if (missing.length) {
      const w = this.alias();
      parts.push(`SELECT ${w}.n, NULL::text AS j FROM unnest(${this.params.add(missing, 'int[]')}) AS ${w}(n)`);
    }
    if (!parts.length) return `'[]'`;
    const list = this.alias();
    return `(SELECT '[' || coalesce(string_agg(coalesce(${list}.j, 'null'), ',' ORDER BY ${list}.n), '') || ']' FROM (${parts.join(' UNION ALL ')}) ${list})`;
  }

  /** What a node ID of this type reads, or null when no ID of it is reachable (as `reachableNodes` decides). */
  private nodeTarget(typename: string): NodeTarget | null {
    const reach = nodeReachOf(typename);
    const type = this.input.schema.getType(typename);
    if (!reach || !isObjectType(type) || !mayRead(this.input.context.viewer, readScopeOf(type))) return null;
    if (reach === 'check') throw new NotCompilable(`node reach of ${typename} has no SQL form`);
    const where = reach.where(this.input.context);
    if (where === null) return null;
    if (modelOf(type) !== reach.model || modelField(reach.model, 'id').type !== 'Int')
      throw new NotCompilable(`node type ${typename}`);
    return { type, model: reach.model, reach: where };
  }

  /** One node's JSON (`select`, a scalar subquery; NULL when out of reach) by the SQL expression of its id. */
  private async nodeRow(
    target: NodeTarget,
    nodes: FieldGroup,
    idSql: string,
  ): Promise<{ select: string; from: string; alias: string }> {
    const { model } = target;
    const alias = this.alias();
    this.depend(model, 'reach');
    const where = compileWhere(model, target.reach, alias, this.params);
    const object = await this.objectFields(target.type, this.subfields(target.type, nodes), {
      kind: 'row',
      model,
      alias,
      scoped: true,
    });
    const from = `${table(model)} ${alias} WHERE ${columnOf(alias, model, 'id')} = ${idSql}${where === 'TRUE' ? '' : ` AND ${where}`}`;
    return { select: `(SELECT ${object} FROM ${from} LIMIT 1)`, from, alias };
  }

  /** Lists the shops of a root field's rows (`from`: the rows' FROM … LIMIT clause), when asked to. */
  private collectShops(model: string, alias: string, from: () => string) {
    const col = shopField(model);
    if (this.input.collectShops && col)
      this.shopLists.push(`array_to_string(ARRAY(SELECT ${columnOf(alias, model, col)} FROM ${from()}), ',')`);
  }

  /** The object type a field returns, checked to be backed by `model`. */
  private objectType(type: GraphQLOutputType, model: string, what: string): GraphQLObjectType {
    const named = getNamedType(type);
    if (!isObjectType(named)) throw new NotCompilable(`${what} returns an abstract type`);
    if (modelOf(named) !== model) throw new NotCompilable(`${what} is not a ${model} type`);
    return named;
  }

  /**
   * The Prisma query a field's `select` plans for `relation` (a relation's `query` option applied to
   * its arguments; a computed field's own nested query), or `{}` without a `select`.
   */
  private async plannedQuery(
    type: GraphQLObjectType,
    def: GraphQLField<unknown, unknown>,
    nodes: FieldGroup,
    relation: string,
    args: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const select = relationSelectOf(def);
    if (!select) return {};
    const names = () =>
      new Set(
        [...this.subfields(getNamedType(def.type) as GraphQLObjectType, nodes).values()].map((n) => n[0].name.value),
      );
    let planned: { select?: Record<string, unknown> };
    try {
      planned = (await select(args, this.input.context, (q: unknown) => q, names)) as {
        select?: Record<string, unknown>;
      };
    } catch {
      throw new NotCompilable(`${type.name}.${def.name} query`);
    }
    const selected = planned.select ?? {};
    const keys = Object.keys(selected);
    if (keys.length !== 1 || keys[0] !== relation)
      throw new NotCompilable(`${type.name}.${def.name} selects more than its relation`);
    const value = await selected[relation];
    return value === true ? {} : (value as Record<string, unknown>);
  }

  /** Shop-keeping relations (a shop's rows, a row's shop) stay within the parent's shop. */
  private sameShop(parent: Extract<Parent, { kind: 'row' }>, join: ReturnType<typeof relationJoin>): boolean {
    return (
      parent.scoped &&
      ((parent.model === 'Shop' &&
        join.foreignKey.side === 'child' &&
        join.foreignKey.column === 'shopId' &&
        shopField(join.target) === 'shopId') ||
        (join.target === 'Shop' && join.foreignKey.side === 'parent' && join.foreignKey.column === 'shopId'))
    );
  }

  private async relation(
    type: GraphQLObjectType,
    def: GraphQLField<unknown, unknown>,
    nodes: FieldGroup,
    parent: Extract<Parent, { kind: 'row' }>,
    relation: string,
  ): Promise<string> {
    const join = relationJoin(parent.model, relation);
    const args = await this.args(type, def, nodes);
    const nested = await this.plannedQuery(type, def, nodes, relation, args);
    const sameShop = this.sameShop(parent, join);
    this.depend(join.target, sameShop ? 'rows' : 'all');
    const named = getNamedType(def.type);
    if (isObjectType(named) && isConnection(named))
      return this.connection(
        def,
        nodes,
        join.target,
        nested,
        args,
        { on: join.on, parentAlias: parent.alias },
        sameShop,
      );
    const target = this.objectType(def.type, join.target, `${type.name}.${def.name}`);
    const alias = this.alias();
    const on = join.on(parent.alias, alias);
    if (!join.isList) {
      for (const key of Object.keys(nested))
        if (key !== 'where' && key !== 'select' && key !== 'include') throw new NotCompilable(`to-one query ${key}`);
      if (isNonNullType(def.type) && !join.isRequired)
        throw new NotCompilable(`${type.name}.${def.name}: optional relation, non-null field`);
      const where = compileWhere(join.target, nested.where, alias, this.params);
      const object = await this.objectFields(target, this.subfields(target, nodes), {
        kind: 'row',
        model: join.target,
        alias,
        scoped: sameShop,
      });
      const expr = `(SELECT ${object} FROM ${table(join.target)} ${alias} WHERE ${on}${where === 'TRUE' ? '' : ` AND ${where}`} LIMIT 1)`;
      return isNonNullType(def.type) ? expr : `coalesce(${expr}, 'null')`;
    }
    const page = pageQuery(join.target, nested, alias, this.params, [on]);
    if (page.backward) throw new NotCompilable('backward list relation');
    const object = await this.objectFields(target, this.subfields(target, nodes), {
      kind: 'row',
      model: join.target,
      alias,
      scoped: sameShop,
    });
    return concat([
      `'['`,
      `array_to_string(ARRAY(SELECT ${object} FROM ${table(join.target)} ${alias} WHERE ${page.where}${this.tail(alias, page)}), ',')`,
      `']'`,
    ]);
  }

  /**
   * A declared first row of a list relation (`compiledFirstRelated`): the relation's rows as the
   * field's own `select` plans them, the first in their order; null when there is none.
   */
  private async firstRelated(
    type: GraphQLObjectType,
    def: GraphQLField<unknown, unknown>,
    nodes: FieldGroup,
    parent: Parent,
    relation: string,
  ): Promise<string> {
    const what = `${type.name}.${def.name}`;
    if (parent.kind !== 'row') throw new NotCompilable(`${what} of a simple object`);
    // Its resolver answers null when there is no row: a non-null field would be its error.
    if (isNonNullType(def.type)) throw new NotCompilable(`${what}: first row, non-null field`);
    const join = relationJoin(parent.model, relation);
    if (!join.isList) throw new NotCompilable(`${what}: ${relation} is not a list relation`);
    const nested = await this.plannedQuery(type, def, nodes, relation, await this.args(type, def, nodes));
    const scoped = this.sameShop(parent, join);
    this.depend(join.target, scoped ? 'rows' : 'all');
    const target = this.objectType(def.type, join.target, what);
    const alias = this.alias();
    const page = pageQuery(join.target, nested, alias, this.params, [join.on(parent.alias, alias)]);
    if (page.backward || page.skip || page.take === 0) throw new NotCompilable(`${what}: page of the first row`);
    const object = await this.objectFields(target, this.subfields(target, nodes), {
      kind: 'row',
      model: join.target,
      alias,
      scoped,
    });
    const order = page.terms.length ? ` ORDER BY ${orderSql(alias, page.terms)}` : '';
    return `coalesce((SELECT ${object} FROM ${table(join.target)} ${alias} WHERE ${page.where}${order} LIMIT 1), 'null')`;
  }

  private tail(alias: string, page: PageQuery, limit: number | null = page.take): string {
    const order = page.terms.length ? ` ORDER BY ${orderSql(alias, page.terms, page.backward)}` : '';
    const lim = limit === null ? '' : ` LIMIT ${this.params.add(Math.abs(limit), 'int')}`;
    const off = page.skip ? ` OFFSET ${this.params.add(page.skip, 'int')}` : '';
    return order + lim + off;
  }

  /**
   * A Relay connection over `model` rows, with Prisma's page semantics and Pothos' page info:
   * `take` is one more than the page size, so a full read means there is another page.
   */
  private async connection(
    def: GraphQLField<unknown, unknown>,
    nodes: FieldGroup,
    model: string,
    query: Record<string, unknown>,
    args: Record<string, unknown>,
    join: { on: (p: string, c: string) => string; parentAlias: string; ownFindMany?: boolean } | null,
    scoped: boolean,
    cursorField = 'id',
  ): Promise<string> {
    const connectionType = getNullableType(def.type);
    if (!isObjectType(connectionType) || !isConnection(connectionType))
      throw new NotCompilable(`${def.name} is not a connection`);
    this.checkAuth(connectionType, connectionType.name);
    const alias = this.alias();
    const page = pageQuery(model, query, alias, this.params, join ? [join.on(join.parentAlias, alias)] : [], {
      ownFindMany: join?.ownFindMany,
    });
    if (!page.terms.length) throw new NotCompilable('connection without an order');
    if (page.take === null) throw new NotCompilable('connection without take');
    const size = Math.abs(page.take) - 1;
    const edgeType = getNamedType(fieldOf(connectionType, 'edges').type) as GraphQLObjectType;
    const nodeType = this.objectType(fieldOf(edgeType, 'node').type, model, `${connectionType.name}.node`);
    const fields = this.subfields(connectionType, nodes);

    const edgeJson = async (edgeNodes: FieldGroup) => {
      this.checkAuth(edgeType, edgeType.name);
      const entries: [string, string][] = [];
      for (const [key, fieldNodes] of this.subfields(edgeType, edgeNodes)) {
        const name = fieldNodes[0].name.value;
        if (name === '__typename') entries.push([key, `'"${edgeType.name}"'`]);
        else if (name === 'cursor') entries.push([key, jsonIdCursor(columnOf(alias, model, cursorField))]);
        else if (name === 'node')
          entries.push([
            key,
            await this.objectFields(nodeType, this.subfields(nodeType, fieldNodes), {
              kind: 'row',
              model,
              alias,
              scoped,
            }),
          ]);
        else throw new NotCompilable(`edge field ${name}`);
      }
      return jsonObject(entries, this.marks(edgeType.name, []));
    };

    const wantsPageInfo = [...fields.values()].some((n) => n[0].name.value === 'pageInfo');
    const from = `${table(model)} ${alias} WHERE ${page.where}`;
    // A superset of the page's rows (look-ahead included) names the shops a root page shows.
    if (!join) this.collectShops(model, alias, () => `${from}${this.tail(alias, page)}`);
    if (!wantsPageInfo) {
      // Edges only: read exactly the page (no look-ahead row), in the read order.
      const entries: [string, string][] = [];
      for (const [key, fieldNodes] of fields) {
        const name = fieldNodes[0].name.value;
        if (name === '__typename') {
          entries.push([key, `'"${connectionType.name}"'`]);
          continue;
        }
        if (name !== 'edges') throw new NotCompilable(`connection field ${name}`);
        const edge = await edgeJson(fieldNodes);
        const rows = page.backward
          ? `SELECT ${edge} FROM (SELECT * FROM ${from}${this.tail(alias, page, size)}) ${alias} ORDER BY ${orderSql(alias, page.terms)}`
          : `SELECT ${edge} FROM ${from}${this.tail(alias, page, size)}`;
        entries.push([key, concat([`'['`, `array_to_string(ARRAY(${rows}), ',')`, `']'`])]);
      }
      return jsonObject(entries, this.marks(connectionType.name, []));
    }

    // With page info: number the rows read (look-ahead row included), aggregate once.
    const agg = this.alias();
    const keep = `FILTER (WHERE ${alias}."__n" <= ${this.params.add(size, 'int')})`;
    const columns: string[] = [
      `count(*) AS total`,
      `array_agg(${base64Of(ID_CURSOR_PREFIX, columnOf(alias, model, cursorField))} ORDER BY ${orderSql(alias, page.terms)}) ${keep} AS cursors`,
    ];
    const entries: [string, string][] = [];
    // Pothos' page info: a full read (the look-ahead row came back) means another page exists.
    const take = Math.abs(page.take);
    const full = () => `(${agg}.total = ${this.params.add(take, 'int')})::text`;
    const backward = args.before != null || args.last != null;
    const hasNext = () => (args.before != null ? `'true'` : args.last != null ? `'false'` : full());
    const hasPrevious = () => (args.after != null ? `'true'` : backward ? full() : `'false'`);
    for (const [key, fieldNodes] of fields) {
      const name = fieldNodes[0].name.value;
      if (name === '__typename') entries.push([key, `'"${connectionType.name}"'`]);
      else if (name === 'edges') {
        const col = `e${columns.length}`;
        columns.push(
          `string_agg(${await edgeJson(fieldNodes)}, ',' ORDER BY ${orderSql(alias, page.terms)}) ${keep} AS ${col}`,
        );
        entries.push([key, concat([`'['`, `coalesce(${agg}.${col}, '')`, `']'`])]);
      } else if (name === 'pageInfo') {
        const pageInfoType = getNamedType(fieldOf(connectionType, 'pageInfo').type) as GraphQLObjectType;
        this.checkAuth(pageInfoType, pageInfoType.name);
        const info: [string, string][] = [];
        for (const [infoKey, infoNodes] of this.subfields(pageInfoType, fieldNodes)) {
          const infoName = infoNodes[0].name.value;
          if (infoName === '__typename') info.push([infoKey, `'"${pageInfoType.name}"'`]);
          else if (infoName === 'hasNextPage') info.push([infoKey, hasNext()]);
          else if (infoName === 'hasPreviousPage') info.push([infoKey, hasPrevious()]);
          else if (infoName === 'startCursor')
            info.push([infoKey, `coalesce('"' || ${agg}.cursors[1] || '"', 'null')`]);
          else if (infoName === 'endCursor')
            info.push([infoKey, `coalesce('"' || ${agg}.cursors[cardinality(${agg}.cursors)] || '"', 'null')`]);
          else throw new NotCompilable(`page info field ${infoName}`);
        }
        entries.push([key, jsonObject(info, this.marks(pageInfoType.name, []))]);
      } else throw new NotCompilable(`connection field ${name}`);
    }
    const read = `SELECT * FROM ${from}${this.tail(alias, page)}`;
    const numbered = `SELECT ${alias}.*, row_number() OVER (ORDER BY ${orderSql(alias, page.terms, page.backward)}) AS "__n" FROM (${read}) ${alias}`;
    return `(SELECT ${jsonObject(entries, this.marks(connectionType.name, []))} FROM (SELECT ${columns.join(', ')} FROM (${numbered}) ${alias}) ${agg})`;
  }
}

/** A field the compiler relies on (a connection's edges, say); without it the resolvers answer. */
function fieldOf(type: GraphQLObjectType, name: string): GraphQLField<unknown, unknown> {
  const field = type.getFields()[name];
  if (!field) throw new NotCompilable(`${type.name} has no field ${name}`);
  return field;
}

interface GlobalIdRef {
  typename: string;
  id: string;
}

interface NodeTarget {
  type: GraphQLObjectType;
  model: string;
  /** The caller's reach, a Prisma `where` over `model`. */
  reach: unknown;
}

/** The relay plugin's `node`/`nodes` root fields. */
function isNodeLookup(def: GraphQLField<unknown, unknown>): boolean {
  const named = getNamedType(def.type);
  return (def.name === 'node' || def.name === 'nodes') && named.name === 'Node' && isAbstractType(named);
}

const INT4_MAX = 2 ** 31 - 1;

/**
 * A node ID's row id as `reachableNodes` reads it; null (the node is null) when it is no safe
 * integer. One beyond the int column's range fails in the resolvers' reach query: theirs to answer.
 */
function nodeRowId(ref: GlobalIdRef): number | null {
  const id = Number.parseInt(ref.id, 10);
  if (!Number.isSafeInteger(id)) return null;
  if (id > INT4_MAX || id < -INT4_MAX - 1) throw new NotCompilable('node id beyond the int range');
  return id;
}

/** An object type shaped like a Relay connection (edges with cursor and node, pageInfo). */
function isConnection(type: GraphQLObjectType): boolean {
  const fields = type.getFields();
  const edges = fields.edges && getNamedType(fields.edges.type);
  return !!edges && isObjectType(edges) && !!edges.getFields().node && !!edges.getFields().cursor && !!fields.pageInfo;
}

/** A connection's `take`/`skip`/`cursor` from its arguments, as the Prisma plugin computes them for `cursor: 'id'`. */
function connectionQuery(
  args: Record<string, unknown>,
  defaultSize: number,
  maxSize: number,
  cursorField = 'id',
): Record<string, unknown> {
  const { before, after, first, last } = args as {
    before?: string | null;
    after?: string | null;
    first?: number | null;
    last?: number | null;
  };
  if ((first != null && first < 0) || (last != null && last < 0)) throw new NotCompilable('negative page size');
  if ((before && after) || (before != null && first != null) || (after != null && last != null))
    throw new NotCompilable('conflicting page arguments');
  const cursor = before ?? after;
  let take = Math.min(first ?? last ?? defaultSize, maxSize) + 1;
  if (before != null || last != null) take = -take;
  if (cursor == null) return { take, skip: 0 };
  let id: unknown;
  try {
    id = cursorId(cursor);
  } catch {
    throw new NotCompilable('invalid cursor');
  }
  return { cursor: { [cursorField]: id }, take, skip: 1 };
}

/** A column's value as the field's GraphQL type serialises it. */
function scalarJson(type: GraphQLOutputType, field: ModelField, col: string, what: string): string {
  const nullable = !isNonNullType(type);
  if (!nullable && !field.isRequired) throw new NotCompilable(`${what}: nullable column, non-null field`);
  const t = getNullableType(type);
  if (isListType(t)) {
    const item = getNullableType(t.ofType);
    if (
      field.isList &&
      field.type === 'String' &&
      isScalarType(item) &&
      ['String', 'CountryCode', 'CurrencyCode'].includes(item.name)
    )
      // A NULL element, which Prisma fails to read (and a non-null item type refuses), is the resolvers' to answer.
      return jsonUnless(`array_position(${col}, NULL) IS NOT NULL`, jsonStringArray(col));
    throw new NotCompilable(`${what}: list type`);
  }
  if (field.isList) throw new NotCompilable(`${what}: list column`);
  if (isEnumType(t)) {
    if (field.kind !== 'enum' || !t.getValues().every((v) => v.value === v.name))
      throw new NotCompilable(`${what}: enum mapping`);
    return jsonPlain(col, nullable);
  }
  if (isScalarType(t)) {
    if (['String', 'ID', 'CountryCode', 'CurrencyCode'].includes(t.name) && field.type === 'String')
      return jsonString(col, nullable);
    if (t.name === 'Int' && field.type === 'Int') return jsonLiteral(col, nullable);
    if (t.name === 'Boolean' && field.type === 'Boolean') return jsonLiteral(col, nullable);
    if (t.name === 'DateTime' && field.type === 'DateTime') return jsonDateTime(col, nullable);
    if (t.name === 'JSON' && field.type === 'Json') return nullable ? jsonFromJsonb(col) : jsonFromJsonbNonNull(col);
  }
  throw new NotCompilable(`${what}: ${field.type} as ${t.toString()}`);
}

/**
 * A column as JSON that parses back to what Prisma reads (compiled/partial.ts revives a DateTime),
 * or undefined for a type whose JSON form is not Prisma's (BigInt, Decimal, Json, bytes, other lists).
 */
function rowColumnJson(expr: string, field: ModelField): string | undefined {
  const nullable = !field.isRequired;
  if (field.isList) return field.kind === 'scalar' && field.type === 'String' ? jsonStringArray(expr) : undefined;
  if (field.kind === 'enum') return jsonPlain(expr, nullable);
  if (field.kind !== 'scalar') return undefined;
  switch (field.type) {
    case 'Int':
    case 'Boolean':
      return jsonLiteral(expr, nullable);
    case 'String':
      return jsonString(expr, nullable);
    case 'DateTime':
      return jsonDateTime(expr, nullable);
    default:
      return undefined;
  }
}

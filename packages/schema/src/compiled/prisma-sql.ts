/**
 * Prisma query arguments (`where`, `orderBy`, `take`/`skip`/`cursor`) as PostgreSQL, driven by the
 * Prisma datamodel, for the compiled read path. The same argument objects feed Prisma on the
 * resolver path, so both paths read the same rows in the same order. Anything this translator does
 * not know throws `NotCompilable`, and the operation runs through the resolvers instead.
 */
import { arrayLiteral } from '../lib/sql.ts';
import { modelField, modelInfo, type ModelField } from './adapter.ts';
import { NotCompilable } from './not-compilable.ts';

export { NotCompilable };
export type { ModelField };

/** A model's table, quoted. */
export const table = (model: string) => `"${modelInfo(model).table}"`;
/** A row's column under `alias`, quoted. */
export const column = (alias: string, field: ModelField) => `${alias}."${field.column}"`;
/** A model's field as a column of the row under `alias`. */
export const columnOf = (alias: string, model: string, field: string) => column(alias, modelField(model, field));

/** How a relation joins its parent: `child.<childColumn> = parent.<parentColumn>` (every relation here references an `id`). */
export interface RelationJoin {
  target: string;
  isList: boolean;
  isRequired: boolean;
  /** The foreign-key field and the side it is on. */
  foreignKey: { side: 'parent' | 'child'; column: string };
  /** SQL condition joining the target alias to the parent alias. */
  on(parentAlias: string, childAlias: string): string;
}

export function relationJoin(model: string, relation: string): RelationJoin {
  const field = modelField(model, relation);
  if (field.kind !== 'object' || !field.relationName) throw new NotCompilable(`${model}.${relation} is not a relation`);
  if (field.relationFromFields?.length) {
    // This side holds the foreign key (e.g. Listing.category → Listing.categoryId = Category.id).
    const [fk] = field.relationFromFields;
    if (field.relationFromFields.length !== 1 || fk === undefined)
      throw new NotCompilable(`compound relation ${model}.${relation}`);
    return {
      target: field.type,
      isList: false,
      isRequired: field.isRequired,
      foreignKey: { side: 'parent', column: fk },
      on: (p, c) => `${columnOf(c, field.type, 'id')} = ${columnOf(p, model, fk)}`,
    };
  }
  // The other side holds it (e.g. Shop.listings → Listing.shopId = Shop.id).
  const back = [...modelInfo(field.type).fields.values()].find(
    (f) => f.relationName === field.relationName && f.type === model && f.relationFromFields?.length,
  );
  const fk = back?.relationFromFields?.length === 1 ? back.relationFromFields[0] : undefined;
  if (fk === undefined) throw new NotCompilable(`no foreign key for ${model}.${relation}`);
  return {
    target: field.type,
    isList: field.isList,
    isRequired: field.isRequired,
    foreignKey: { side: 'child', column: fk },
    on: (p, c) => `${columnOf(c, field.type, fk)} = ${columnOf(p, model, 'id')}`,
  };
}

/**
 * What `ctx.now()` returns to a root field's `query` while it is compiled: the platform clock when
 * the statement runs. An invalid date, so an instant computed from it refuses to compile.
 */
export class PlatformInstant extends Date {
  constructor() {
    super(Number.NaN);
  }
}

const literals = new WeakMap<readonly unknown[], string>();

/** Statement parameters, each with an explicit type so the text is the same for every value (prepared statements). */
export class SqlParams {
  readonly values: unknown[] = [];
  /** Models that filters read through relations (what the rows also depend on). */
  readonly referenced = new Set<string>();

  /** The platform clock's SQL (`PlatformInstant` in a filter), when the compilation offers it. */
  clock: (() => string) | null = null;

  /** `recurring`: integer lists that come back in every compilation (a caller's reach), encoded once per list object. */
  constructor(private readonly recurring: readonly (readonly number[])[] = []) {}

  add(value: unknown, type: string): string {
    // Arrays go as PostgreSQL array literals, encoded once here (a plan may be reused many times).
    this.values.push(Array.isArray(value) ? arrayLiteral(value) : value);
    return `$${this.values.length}::${type}`;
  }

  /** An integer list equal to a recurring one, as that one's literal; undefined when none is equal. */
  /** A filter value: a parameter, or the clock's SQL for `PlatformInstant`. */
  value(field: ModelField, value: unknown, type: string): string {
    if (!(value instanceof PlatformInstant)) return this.add(paramValue(field, value), type);
    if (!this.clock || field.type !== 'DateTime') throw new NotCompilable(`the clock compared with ${field.name}`);
    return this.clock();
  }

  recurringList(list: readonly unknown[], type: string): string | undefined {
    // A frozen list cannot change: its literal is found by identity (a viewer's `reachList`).
    let literal = literals.get(list);
    if (literal === undefined) {
      const known = this.recurring.find((r) => r.length === list.length && r.every((x, i) => x === list[i]));
      if (!known) return undefined;
      literal = literals.get(known);
      if (literal === undefined) literals.set(known, (literal = arrayLiteral(known)));
      if (Object.isFrozen(list)) literals.set(list, literal);
    }
    this.values.push(literal);
    return `$${this.values.length}::${type}`;
  }
}

/** The PostgreSQL type of a model's column (an enum's type name), for casts in declared SQL. */
export const columnType = (model: string, field: string) => sqlType(modelField(model, field));

/** The PostgreSQL type of a scalar or enum field, for parameter casts. */
export function sqlType(field: ModelField): string {
  if (field.kind === 'enum') return `"${field.dbType ?? field.type}"`;
  switch (field.type) {
    case 'Int':
      return 'int';
    case 'BigInt':
      return 'bigint';
    case 'String':
      return 'text';
    case 'Boolean':
      return 'boolean';
    case 'DateTime':
      return 'timestamp(3)';
    default:
      throw new NotCompilable(`no parameter type for ${field.type}`);
  }
}

function paramValue(field: ModelField, value: unknown): unknown {
  if (value === null || value === undefined) throw new NotCompilable('null parameter');
  switch (field.type) {
    case 'Int':
      if (typeof value !== 'number' || !Number.isInteger(value))
        throw new NotCompilable(`not an integer for ${field.name}`);
      return value;
    case 'BigInt':
      if (typeof value !== 'bigint' && !(typeof value === 'number' && Number.isInteger(value)))
        throw new NotCompilable(`not an integer for ${field.name}`);
      return value.toString();
    case 'Boolean':
      if (typeof value !== 'boolean') throw new NotCompilable(`not a boolean for ${field.name}`);
      return value;
    case 'DateTime': {
      const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : null;
      if (!date || Number.isNaN(date.getTime())) throw new NotCompilable(`not a date for ${field.name}`);
      return date.toISOString().replace('T', ' ').replace('Z', '');
    }
    default:
      if (typeof value !== 'string') throw new NotCompilable(`not a string for ${field.name}`);
      return value;
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

const comparison: Record<string, string> = { lt: '<', lte: '<=', gt: '>', gte: '>=' };

/** Compiles a Prisma `where` for `model` rows under `alias`. */
export function compileWhere(model: string, where: unknown, alias: string, params: SqlParams, depth = 0): string {
  if (where === undefined || where === null) return 'TRUE';
  if (!isPlainObject(where)) throw new NotCompilable('where is not an object');
  if (depth > 12) throw new NotCompilable('where nested too deep');
  const parts: string[] = [];
  for (const [key, value] of Object.entries(where)) {
    if (value === undefined) continue;
    if (key === 'AND' || key === 'OR' || key === 'NOT') {
      const list = Array.isArray(value) ? value : [value];
      const compiled = list.map((w) => compileWhere(model, w, alias, params, depth + 1));
      if (key === 'AND')
        parts.push(
          compiled
            .filter((c) => c !== 'TRUE')
            .map((c) => `(${c})`)
            .join(' AND ') || 'TRUE',
        );
      // Prisma: an empty OR matches nothing; NOT of a list negates each element.
      else if (key === 'OR') parts.push(compiled.length ? `(${compiled.map((c) => `(${c})`).join(' OR ')})` : 'FALSE');
      else parts.push(compiled.length ? compiled.map((c) => `NOT (${c})`).join(' AND ') : 'TRUE');
      continue;
    }
    const field = modelField(model, key);
    if (field.kind === 'object') parts.push(compileRelationFilter(model, field, value, alias, params, depth));
    else parts.push(compileScalarFilter(field, value, alias, params));
  }
  const real = parts.filter((p) => p !== 'TRUE');
  const [only, ...more] = real;
  if (only === undefined) return 'TRUE';
  return more.length ? real.map((p) => `(${p})`).join(' AND ') : only;
}

function compileScalarFilter(field: ModelField, filter: unknown, alias: string, params: SqlParams): string {
  const col = column(alias, field);
  if (field.type === 'Json') return compileJsonFilter(field, filter, col, params);
  const type = sqlType(field);
  if (field.isList) {
    if (!isPlainObject(filter)) throw new NotCompilable(`list equality on ${field.name}`);
    const parts: string[] = [];
    for (const [op, v] of Object.entries(filter)) {
      if (v === undefined) continue;
      if (op === 'has') parts.push(`${col} @> ARRAY[${params.value(field, v, type)}]`);
      else if (op === 'hasSome' && Array.isArray(v))
        parts.push(
          `${col} && ${params.add(
            v.map((x) => paramValue(field, x)),
            `${type}[]`,
          )}`,
        );
      else if (op === 'hasEvery' && Array.isArray(v))
        parts.push(
          `${col} @> ${params.add(
            v.map((x) => paramValue(field, x)),
            `${type}[]`,
          )}`,
        );
      else if (op === 'isEmpty' && typeof v === 'boolean')
        parts.push(v ? `cardinality(${col}) = 0` : `cardinality(${col}) > 0`);
      else throw new NotCompilable(`list filter ${op}`);
    }
    return parts.length ? parts.join(' AND ') : 'TRUE';
  }
  if (filter === null) return `${col} IS NULL`;
  if (!isPlainObject(filter)) return `${col} = ${params.value(field, filter, type)}`;
  const insensitive = filter.mode === 'insensitive';
  if (filter.mode !== undefined && filter.mode !== 'insensitive' && filter.mode !== 'default')
    throw new NotCompilable('unknown mode');
  const parts: string[] = [];
  for (const [op, v] of Object.entries(filter)) {
    if (v === undefined || op === 'mode') continue;
    // Insensitive equality is ILIKE as in Prisma's SQL: `%` and `_` in the value match as they do there.
    if (op === 'equals')
      parts.push(
        v === null
          ? `${col} IS NULL`
          : insensitive
            ? `${col}::text ILIKE ${params.value(field, v, 'text')}`
            : `${col} = ${params.value(field, v, type)}`,
      );
    else if (op === 'not') {
      if (v === null) parts.push(`${col} IS NOT NULL`);
      else if (isPlainObject(v)) parts.push(`NOT (${compileScalarFilter(field, v, alias, params)})`);
      else parts.push(`${col} <> ${params.value(field, v, type)}`);
    } else if (op === 'in' || op === 'notIn') {
      if (!Array.isArray(v)) throw new NotCompilable(`${op} without a list`);
      const list =
        (field.type === 'Int' && v.length > 8 ? params.recurringList(v, `${type}[]`) : undefined) ??
        params.add(
          v.map((x) => paramValue(field, x)),
          `${type}[]`,
        );
      parts.push(op === 'in' ? `${col} = ANY(${list})` : `NOT (${col} = ANY(${list}))`);
    } else if (op in comparison) parts.push(`${col} ${comparison[op]} ${params.value(field, v, type)}`);
    else if (op === 'contains' || op === 'startsWith' || op === 'endsWith') {
      if (typeof v !== 'string' || /[%_\\]/.test(v)) throw new NotCompilable('pattern with wildcard characters');
      const pattern = op === 'contains' ? `%${v}%` : op === 'startsWith' ? `${v}%` : `%${v}`;
      parts.push(`${col} ${insensitive ? 'ILIKE' : 'LIKE'} ${params.add(pattern, 'text')}`);
    } else throw new NotCompilable(`scalar filter ${op}`);
  }
  return parts.length ? parts.join(' AND ') : 'TRUE';
}

function compileJsonFilter(field: ModelField, filter: unknown, col: string, params: SqlParams): string {
  if (!isPlainObject(filter)) throw new NotCompilable('json equality');
  const parts: string[] = [];
  for (const [op, v] of Object.entries(filter)) {
    if (v === undefined) continue;
    // Prisma's array_contains on a JSON array: the column holds every element given (jsonb containment).
    if (op === 'array_contains' && Array.isArray(v))
      parts.push(`(jsonb_typeof(${col}) = 'array' AND ${col} @> ${params.add(JSON.stringify(v), 'jsonb')})`);
    else throw new NotCompilable(`json filter ${op} on ${field.name}`);
  }
  return parts.length ? parts.join(' AND ') : 'TRUE';
}

function compileRelationFilter(
  model: string,
  field: ModelField,
  filter: unknown,
  alias: string,
  params: SqlParams,
  depth: number,
): string {
  const join = relationJoin(model, field.name);
  params.referenced.add(join.target);
  const child = `w${depth + 1}_${field.name}`;
  const exists = (cond: string) =>
    `EXISTS (SELECT 1 FROM ${table(join.target)} ${child} WHERE ${join.on(alias, child)} AND (${cond}))`;
  if (join.isList) {
    if (!isPlainObject(filter)) throw new NotCompilable('list relation filter');
    const parts: string[] = [];
    for (const [op, w] of Object.entries(filter)) {
      if (w === undefined) continue;
      const cond = compileWhere(join.target, w, child, params, depth + 1);
      if (op === 'some') parts.push(exists(cond));
      else if (op === 'none') parts.push(`NOT ${exists(cond)}`);
      else if (op === 'every') parts.push(`NOT ${exists(`NOT (${cond})`)}`);
      else throw new NotCompilable(`relation filter ${op}`);
    }
    return parts.length ? parts.join(' AND ') : 'TRUE';
  }
  if (filter === null) throw new NotCompilable('to-one relation null filter');
  if (!isPlainObject(filter)) throw new NotCompilable('to-one relation filter');
  if ('is' in filter || 'isNot' in filter) {
    const parts: string[] = [];
    if (filter.is !== undefined)
      parts.push(
        filter.is === null
          ? `NOT ${exists('TRUE')}`
          : exists(compileWhere(join.target, filter.is, child, params, depth + 1)),
      );
    if (filter.isNot !== undefined)
      parts.push(
        filter.isNot === null
          ? exists('TRUE')
          : `NOT ${exists(compileWhere(join.target, filter.isNot, child, params, depth + 1))}`,
      );
    return parts.length ? parts.join(' AND ') : 'TRUE';
  }
  return exists(compileWhere(join.target, filter, child, params, depth + 1));
}

export interface OrderTerm {
  field: ModelField;
  desc: boolean;
}

/** Prisma `orderBy` (an object or a list of one-key objects over scalar columns). */
export function orderTerms(model: string, orderBy: unknown): OrderTerm[] {
  if (orderBy === undefined || orderBy === null) return [];
  const list = Array.isArray(orderBy) ? orderBy : [orderBy];
  const terms: OrderTerm[] = [];
  for (const item of list) {
    if (!isPlainObject(item)) throw new NotCompilable('orderBy item');
    for (const [key, dir] of Object.entries(item)) {
      if (dir === undefined) continue;
      const field = modelField(model, key);
      if (field.kind === 'object' || field.isList || field.type === 'Json') throw new NotCompilable(`orderBy ${key}`);
      if (dir !== 'asc' && dir !== 'desc') throw new NotCompilable('orderBy with nulls or relation');
      terms.push({ field, desc: dir === 'desc' });
    }
  }
  return terms;
}

export function orderSql(alias: string, terms: OrderTerm[], reverse = false): string {
  return terms.map((t) => `${column(alias, t.field)} ${t.desc !== reverse ? 'DESC' : 'ASC'}`).join(', ');
}

/** The rows a connection page reads: Prisma's `take`/`skip`/`cursor` semantics over `orderBy`. */
export interface PageQuery {
  where: string;
  /** The order the rows are returned in; a negative take reads them in reverse. */
  terms: OrderTerm[];
  /** Prisma's take (negative: backwards) and skip. */
  take: number | null;
  skip: number;
  /** True when Prisma reads backwards (negative take) and reverses the rows. */
  backward: boolean;
}

/**
 * `take`/`skip`/`cursor` as Prisma applies them: rows from the cursor row onwards in the order
 * (inclusive: `skip: 1` then drops it), backwards for a negative take. A cursor row that does not
 * exist yields no rows, as in Prisma (its values are read by subquery and compare as NULL).
 */
export function pageQuery(
  model: string,
  query: Record<string, unknown>,
  alias: string,
  params: SqlParams,
  extraWhere: string[] = [],
  options: { ownFindMany?: boolean } = {},
): PageQuery {
  for (const key of Object.keys(query)) {
    if (!['where', 'orderBy', 'take', 'skip', 'cursor', 'select', 'include'].includes(key))
      throw new NotCompilable(`query key ${key}`);
  }
  const terms = orderTerms(model, query.orderBy);
  const take = query.take;
  const skip = query.skip ?? 0;
  if (take !== undefined && (typeof take !== 'number' || !Number.isInteger(take))) throw new NotCompilable('take');
  if (typeof skip !== 'number' || !Number.isInteger(skip) || skip < 0) throw new NotCompilable('skip');
  const backward = typeof take === 'number' && take < 0;
  const conditions = [...extraWhere, compileWhere(model, query.where, alias, params)];
  if (query.cursor !== undefined) {
    // Prisma pages a nested relation with a cursor in one query over every parent, with `skip`
    // applied across all of them: not something to reproduce. Those operations use the resolvers.
    // A resolver's own `findMany` per parent (`ownFindMany`) pages as a root does, within its parent.
    if (extraWhere.length && !options.ownFindMany) throw new NotCompilable('cursor on a nested page');
    if (!isPlainObject(query.cursor)) throw new NotCompilable('cursor');
    const entries = Object.entries(query.cursor);
    const [cursorField, cursorValue] = entries[0] ?? [];
    if (entries.length !== 1 || cursorField === undefined) throw new NotCompilable('cursor of more than one field');
    // The id, or another unique integer column a root declares (a tier's rank), that the order ends with.
    const idField = modelField(model, cursorField);
    if (idField.type !== 'Int' || !idField.isRequired || idField.isList) throw new NotCompilable('cursor field');
    const last = terms[terms.length - 1];
    if (!last || last.field.name !== cursorField) throw new NotCompilable('cursor without an order ending in it');
    const cursorParam = params.add(paramValue(idField, cursorValue), sqlType(idField));
    const cursorOf = (f: ModelField) =>
      `(SELECT ${column('c', f)} FROM ${table(model)} c WHERE ${column('c', idField)} = ${cursorParam})`;
    // Rows at or after the cursor row in the read order, lexicographically over the order terms.
    // A nullable column compares as Prisma compares it: a NULL on either side counts as equal and
    // as after (so the text matches Prisma's SQL clause for clause; tests compare the rows).
    const atOrAfter = (t: OrderTerm, after: readonly OrderTerm[]): string => {
      const ascending = t.desc === backward;
      const col = column(alias, t.field);
      const value = cursorOf(t.field);
      const [next, ...rest] = after;
      if (!next) return `${col} ${ascending ? '>=' : '<='} ${value}`;
      const nulls = t.field.isRequired ? '' : ` OR ${value} IS NULL OR ${col} IS NULL`;
      const strict = `${col} ${ascending ? '>' : '<'} ${value}${nulls}`;
      const equal = `${col} = ${value}${nulls}`;
      return `((${strict}) OR ((${equal}) AND ${atOrAfter(next, rest)}))`;
    };
    const [first, ...after] = terms;
    if (first) conditions.push(atOrAfter(first, after));
    if (terms.some((t) => !t.field.isRequired)) {
      if (extraWhere.length) throw new NotCompilable('cursor over a nullable order within a parent');
      // Over a nullable order column Prisma pages in memory, from the cursor row within the filtered
      // rows: a cursor row outside the filter yields no rows.
      conditions.push(
        `EXISTS (SELECT 1 FROM ${table(model)} cw WHERE ${column('cw', idField)} = ${cursorParam} AND ${compileWhere(model, query.where, 'cw', params)})`,
      );
    }
  }
  return {
    where: conditions.filter((c) => c !== 'TRUE').join(' AND ') || 'TRUE',
    terms,
    take: typeof take === 'number' ? take : null,
    skip,
    backward,
  };
}

import { Prisma, preparedStatementName } from '@shopwarden/db';
import type { Context } from '#context';

/** `{1,2,3}` / `{"a","b \\"c\\""}`: a PostgreSQL array literal (elements quoted unless numbers). */
export function arrayLiteral(values: readonly unknown[]): string {
  return `{${values
    .map((v) => {
      if (v === null || v === undefined) return 'NULL';
      if (typeof v === 'number' || typeof v === 'bigint') return String(v);
      return `"${String(v).replace(/[\\"]/g, (c) => `\\${c}`)}"`;
    })
    .join(',')}}`;
}

/**
 * An `int[]` parameter sent as ONE text value (an `arrayLiteral`) instead of a JavaScript array: for
 * an array parameter the pg driver turns every element into a quoted, escaped string and Prisma
 * inspects each one, about 8 ms for 10,000 ids, where joining the digits takes a fraction of a
 * millisecond. Only safe integers (or null) are accepted.
 */
export function intArray(values: readonly (number | null)[]): Prisma.Sql {
  return Prisma.sql`${intArrayLiteral(values)}::int[]`;
}

/** `intArray`'s one text value (cast it with `::int[]`). */
export function intArrayLiteral(values: readonly (number | null)[]): string {
  for (const v of values)
    if (v !== null && !Number.isSafeInteger(v)) throw new TypeError(`intArray: ${String(v)} is not an integer`);
  return arrayLiteral(values);
}

/** A parameter of a statement built once per shape: its value is the call's argument of that key. */
class Slot {
  constructor(readonly key: string) {}
}

/** Every key of `A` as its slot. */
export type Slots<A> = { readonly [K in keyof A]-?: unknown };

const slots = new Proxy({} as Record<string, Slot>, { get: (_target, key) => new Slot(String(key)) });

/** A statement of a shape with one call's values. */
export interface BoundStatement {
  readonly text: string;
  readonly name: string | undefined;
  readonly values: unknown[];
  /** The same statement for Prisma's `$queryRaw`. */
  sql(): Prisma.Sql;
}

/**
 * A statement whose text depends only on a few flags (`shape`): built, as text and prepared-statement
 * name, once per shape by `build`, which puts `p.<key>` where a call's value goes; a call then only
 * fills in its values.
 */
export function statementShapes<S extends Record<string, boolean>, A extends object>(
  build: (shape: S, p: Slots<A>) => Prisma.Sql,
): (shape: S, args: A) => BoundStatement {
  const built = new Map<string, { sql: Prisma.Sql; text: string; name: string | undefined }>();
  return (shape, args) => {
    let key = '';
    for (const flag in shape) key += shape[flag] ? '1' : '0';
    let template = built.get(key);
    if (!template) {
      const sql = build(shape, slots as Slots<A>);
      template = { sql, text: sql.text, name: preparedStatementName(sql.text) };
      built.set(key, template);
    }
    const values = template.sql.values.map((v) => (v instanceof Slot ? (args as Record<string, unknown>)[v.key] : v));
    const { sql, text, name } = template;
    return { text, name, values, sql: () => new Prisma.Sql(sql.strings, values) };
  };
}

/**
 * Runs a statement (values as parameters) as `$queryRaw` would, but, when the context's client is the
 * database's own (not inside a transaction), on the direct path as a named prepared statement:
 * PostgreSQL parses and plans it once per connection instead of on every call.
 */
export function queryRows<T extends object>(ctx: Context, statement: Prisma.Sql | BoundStatement): Promise<T[]> {
  const database = ctx.database;
  const sql = statement instanceof Prisma.Sql ? statement : null;
  if (!database || database.prisma !== ctx.prisma)
    return ctx.prisma.$queryRaw<T[]>(sql ?? (statement as BoundStatement).sql());
  if (sql) {
    const text = sql.text;
    return database.queryRows<T>({ text, values: sql.values, name: preparedStatementName(text) });
  }
  const { text, values, name } = statement as BoundStatement;
  return database.queryRows<T>({ text, values, name });
}

import { createHash } from 'node:crypto';
import { Prisma } from '@shopwarden/db';
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
  for (const v of values)
    if (v !== null && !Number.isSafeInteger(v)) throw new TypeError(`intArray: ${String(v)} is not an integer`);
  return Prisma.sql`${arrayLiteral(values)}::int[]`;
}

/** Prepared-statement names by statement text: a write's text is fixed by its shape, so few. */
const preparedNames = new Map<string, string>();
const MAX_PREPARED = 100;

function preparedName(text: string): string | undefined {
  let name = preparedNames.get(text);
  if (!name && preparedNames.size < MAX_PREPARED) {
    name = `sw_w_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    preparedNames.set(text, name);
  }
  return name;
}

/**
 * Runs `sql` (values as parameters) as `$queryRaw` would, but, when the context's client is the
 * database's own (not inside a transaction), on the direct path as a named prepared statement:
 * PostgreSQL parses and plans it once per connection instead of on every call.
 */
export function queryRows<T extends object>(ctx: Context, sql: Prisma.Sql): Promise<T[]> {
  const database = ctx.database;
  if (!database || database.prisma !== ctx.prisma) return ctx.prisma.$queryRaw<T[]>(sql);
  const text = sql.text;
  return database.queryRows<T>({ text, values: sql.values, name: preparedName(text) });
}

import { Prisma } from '@shopwarden/db';

/**
 * An `int[]` parameter sent as ONE text value (`'{1,2,3}'`) instead of a JavaScript array: for an
 * array parameter the pg driver turns every element into a quoted, escaped string and Prisma
 * inspects each one, about 5 ms of CPU (and 10,000 short-lived strings) for 10,000 ids, where
 * joining the digits takes a fraction of a millisecond. Only safe integers (or null) are accepted, so
 * the text can never be anything but a valid array literal.
 */
export function intArray(values: readonly (number | null)[]): Prisma.Sql {
  let nulls = false;
  for (const v of values) {
    if (v === null) nulls = true;
    else if (!Number.isSafeInteger(v)) throw new TypeError(`intArray: ${String(v)} is not an integer`);
  }
  const text = nulls ? values.map((v) => (v === null ? 'NULL' : String(v))).join(',') : values.join(',');
  return Prisma.sql`${`{${text}}`}::int[]`;
}

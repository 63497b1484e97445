import { createHash } from 'node:crypto';
import { Prisma } from './generated/prisma/client.ts';

/** The database's clock in UTC (the columns are `timestamp(3)` without a time zone), read when the statement runs it. */
export const utcNow = Prisma.sql`(clock_timestamp() AT TIME ZONE 'UTC')`;

/** When a lease taken now ends, by the database's clock. */
export const leaseUntil = (leaseMs: number) => Prisma.sql`${utcNow} + ${leaseMs}::int * interval '1 millisecond'`;

/** Prepared-statement names by statement text, shared by every caller in the process. */
const preparedNames = new Map<string, string>();
/** At most this many statement shapes are prepared per process (each pooled connection keeps its own). */
const MAX_PREPARED = 600;

/** The name to prepare `text` under (`sw_` and its hash), or none once MAX_PREPARED shapes have names. */
export function preparedStatementName(text: string): string | undefined {
  let name = preparedNames.get(text);
  if (!name && preparedNames.size < MAX_PREPARED) {
    name = `sw_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    preparedNames.set(text, name);
  }
  return name;
}

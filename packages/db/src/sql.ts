import { Prisma } from './generated/prisma/client.ts';

/** The database's clock in UTC (the columns are `timestamp(3)` without a time zone), read when the statement runs it. */
export const utcNow = Prisma.sql`(clock_timestamp() AT TIME ZONE 'UTC')`;

/** When a lease taken now ends, by the database's clock. */
export const leaseUntil = (leaseMs: number) => Prisma.sql`${utcNow} + ${leaseMs}::int * interval '1 millisecond'`;

import { Prisma, type ListingStatus, type ReviewDecision } from '@shopwarden/db';
import type { Context } from '#context';
import { InvariantError } from '#lib/must.ts';
import { intArray } from '#lib/sql.ts';
import type { ListingIssue } from './listing-checks.ts';

/** Carries a result out of a transaction that must not commit (dry runs, REJECT_EVERYTHING with a failure). */
class Rollback<T> extends Error {
  constructor(readonly value: T) {
    super('rollback');
  }
}

/**
 * Runs `work` in one interactive transaction and commits only when it asks to and this is not a dry
 * run: a dry run executes exactly the same statements and rolls them back, so it reports exactly
 * what the real call would.
 */
export async function inListingTransaction<T>(
  ctx: Context,
  dryRun: boolean,
  work: (tx: Prisma.TransactionClient) => Promise<{ value: T; commit: boolean }>,
): Promise<T> {
  try {
    return await ctx.prisma.$transaction(
      async (tx) => {
        const { value, commit } = await work(tx);
        if (!commit || dryRun) throw new Rollback(value);
        return value;
      },
      { timeout: 15_000, maxWait: 5_000 },
    );
  } catch (error) {
    if (error instanceof Rollback) return error.value as T;
    throw error;
  }
}

/** What the rules need of a listing before a status change. */
export interface ListingForTransition {
  id: number;
  shopId: number;
  categoryId: number;
  status: ListingStatus;
  version: number;
}

/**
 * Reads the listings a batch of items names, in ONE statement whatever their number, limited to
 * `shopIds` when given (the caller's tenant restriction). Ids go in as one array parameter (Prisma's
 * `in` binds one parameter per id) and come back as one row of parallel arrays: turning thousands of
 * rows into objects costs the client more than the query costs the database.
 */
export async function readListingsForTransition(
  tx: Prisma.TransactionClient,
  ids: readonly number[],
  shopIds: readonly number[] | null,
): Promise<ListingForTransition[]> {
  if (!ids.length) return [];
  const [row] = await tx.$queryRaw<
    { id: number[] | null; shopId: number[]; categoryId: number[]; status: ListingStatus[]; version: number[] }[]
  >`
    SELECT array_agg("id") AS "id", array_agg("shopId") AS "shopId", array_agg("categoryId") AS "categoryId", array_agg("status"::text) AS "status", array_agg("version") AS "version"
    FROM "Listing"
    WHERE "id" = ANY(${intArray(ids)}) AND (${shopIds === null}::boolean OR "shopId" = ANY(${intArray(shopIds ?? [])}))`;
  if (!row?.id) return [];
  return row.id.map((id, i) => {
    const shopId = row.shopId[i];
    const categoryId = row.categoryId[i];
    const status = row.status[i];
    const version = row.version[i];
    if (shopId === undefined || categoryId === undefined || status === undefined || version === undefined)
      throw new InvariantError(`listing ${id}: the aggregated columns differ in length`);
    return { id, shopId, categoryId, status, version };
  });
}

/** One status change of one listing, with the review record it leaves. */
export interface Transition {
  listingId: number;
  from: ListingStatus;
  to: ListingStatus;
  /** The version the listing must still have: the conditional update fails otherwise. `null`: any version (the status condition alone). */
  expectedVersion: number | null;
  /** Set on submissions. */
  submittedAt: Date | null;
  decision: ReviewDecision;
  automatic: boolean;
  reasons: ListingIssue[];
  note: string | null;
}

const eventTypes: Record<ReviewDecision, string> = {
  SUBMITTED: 'listing.submitted',
  AUTO_REJECTED: 'listing.reviewed',
  APPROVED: 'listing.reviewed',
  REJECTED: 'listing.reviewed',
  SUSPENDED: 'listing.reviewed',
};

/**
 * The fields of a transition as columns of the statement: name, the type it is sent as (arrays of
 * these every driver serializes), the column's own type (so the statement casts nothing per row), value.
 */
type ColumnName =
  | 'from_status'
  | 'to_status'
  | 'version'
  | 'submitted_at'
  | 'decision'
  | 'automatic'
  | 'reasons'
  | 'note'
  | 'event_type';

const transitionColumns: readonly (readonly [
  name: ColumnName,
  wire: string,
  type: string,
  value: (t: Transition) => unknown,
])[] = [
  ['from_status', 'text', '"ListingStatus"', (t: Transition) => t.from],
  ['to_status', 'text', '"ListingStatus"', (t: Transition) => t.to],
  ['version', 'int', 'int', (t: Transition) => t.expectedVersion ?? null],
  ['submitted_at', 'text', 'timestamp(3)', (t: Transition) => t.submittedAt?.toISOString() ?? null],
  ['decision', 'text', '"ReviewDecision"', (t: Transition) => t.decision],
  ['automatic', 'boolean', 'boolean', (t: Transition) => t.automatic],
  [
    'reasons',
    'text',
    'jsonb',
    (t: Transition) =>
      t.reasons.length ? JSON.stringify(t.reasons.map((r) => ({ code: r.code, message: r.message }))) : '[]',
  ],
  ['note', 'text', 'text', (t: Transition) => t.note],
  ['event_type', 'text', 'text', (t: Transition) => eventTypes[t.decision]],
];

/**
 * Writes many status changes set-based, in ONE statement whatever their number: an UPDATE … FROM
 * unnest(…) that applies each row only if its version and status are still the expected ones, and
 * (in data-modifying CTEs over the rows it updated) the review records and outbox events. A field
 * with the same value in every transition (the decision of a bulk review, its empty reasons…) is
 * sent once and written as a constant; only the others travel per row. Only the rows that were not
 * applied come back, and the new version of those written without an expected version. Returns the
 * new version of each applied listing; a missing id was not applied (its status or version was not
 * the expected one, or it does not exist): the caller says why. Review records and events go in
 * unsorted: they share one timestamp and none depends on another, and sorting cost a tenth of the statement.
 */
export async function writeTransitions(
  tx: Prisma.TransactionClient,
  transitions: readonly Transition[],
  now: Date,
  actorApiKeyId: number | null,
): Promise<Map<number, number>> {
  return runTransitions(tx, planTransitions(transitions, now, actorApiKeyId));
}

/** A `writeTransitions` statement built ahead (no database needed), to run when its turn comes. */
export interface PlannedTransitions {
  transitions: readonly Transition[];
  statement: Prisma.Sql | null;
}

/** Builds the statement of `writeTransitions` (nothing to run for no transitions). */
export function planTransitions(
  transitions: readonly Transition[],
  now: Date,
  actorApiKeyId: number | null,
): PlannedTransitions {
  const [head] = transitions;
  if (!head) return { transitions, statement: null };
  const at = now.toISOString();
  const ids = transitions.map((t) => t.listingId);
  const idArray = intArray(ids);
  const arrays: Prisma.Sql[] = [idArray];
  const names = ['id'];
  // Each field as the UPDATE reads it (u: the input rows) and as the inserts read it (d: the updated rows).
  const inUpdate = {} as Record<ColumnName, Prisma.Sql>;
  const inInsert = {} as Record<ColumnName, Prisma.Sql>;
  for (const [name, wire, type, value] of transitionColumns) {
    const first = value(head);
    const same = transitions.every((t, i) => i === 0 || value(t) === first);
    if (same) {
      inUpdate[name] = inInsert[name] = Prisma.sql`${first}::${Prisma.raw(wire)}::${Prisma.raw(type)}`;
    } else {
      const values = transitions.map(value);
      arrays.push(
        wire === 'int'
          ? intArray(values as (number | null)[])
          : Prisma.sql`${values}::${Prisma.raw(wire)}[]::${Prisma.raw(type)}[]`,
      );
      names.push(name);
      inUpdate[name] = Prisma.raw(`u.${name}`);
      inInsert[name] = Prisma.raw(`d.${name}`);
    }
  }
  // Internal column names only: safe as raw SQL.
  // (The expected version is a condition only: the updated rows carry their new "version".)
  const carried = Prisma.raw(
    names
      .slice(1)
      .filter((n) => n !== 'version')
      .map((n) => `, u.${n}`)
      .join(''),
  );
  // Only the ids vary (a bulk review: one decision, one expected version): the rows are chosen with
  // = ANY, which PostgreSQL matches through a hash of the array, instead of a join to the input rows
  // (issue 8's bulk review of 10,000: about 240 ms in PostgreSQL where the join's plan took 300–350).
  const rowsFrom =
    names.length === 1 ? Prisma.sql`WHERE l."id" = ANY(${idArray})` : Prisma.sql`FROM u WHERE l."id" = u.id`;
  const statement = Prisma.sql`
    WITH u AS (
      SELECT * FROM unnest(${Prisma.join(arrays)}) AS u(${Prisma.raw(names.join(', '))})
    ),
    updated AS (
      UPDATE "Listing" AS l
      SET "status" = ${inUpdate.to_status},
          "version" = l."version" + 1,
          "submittedAt" = COALESCE(${inUpdate.submitted_at}, l."submittedAt"),
          "updatedAt" = ${at}::timestamp(3)
      ${rowsFrom} AND (${inUpdate.version} IS NULL OR l."version" = ${inUpdate.version}) AND l."status" = ${inUpdate.from_status}
      RETURNING l."id", l."version", l."shopId"${carried}
    ),
    reviews AS (
      INSERT INTO "ListingReview" ("listingId", "decision", "automatic", "fromStatus", "toStatus", "reasons", "note", "reviewerApiKeyId", "listingVersion", "createdAt")
      SELECT d."id", ${inInsert.decision}, ${inInsert.automatic}, ${inInsert.from_status}, ${inInsert.to_status}, ${inInsert.reasons}, ${inInsert.note}, ${actorApiKeyId}::int, d."version", ${at}::timestamp(3)
      FROM updated d
    ),
    events AS (
      INSERT INTO "OutboxEvent" ("type", "shopId", "subjectType", "subjectId", "payload", "occurredAt")
      SELECT ${inInsert.event_type}, d."shopId", 'Listing', d."id"::text,
             jsonb_build_object('listingId', d."id", 'decision', ${inInsert.decision}, 'automatic', ${inInsert.automatic}, 'fromStatus', ${inInsert.from_status}, 'toStatus', ${inInsert.to_status}, 'version', d."version", 'reasons', ${inInsert.reasons}),
             ${at}::timestamp(3)
      FROM updated d
    )
    SELECT array_agg(u.id) AS id, array_agg(d."version") AS version FROM u LEFT JOIN updated d ON d."id" = u.id WHERE d."id" IS NULL OR ${inUpdate.version} IS NULL`;
  return { transitions, statement };
}

/** Runs a planned `writeTransitions` statement: the new version of each applied listing (see `writeTransitions`). */
export async function runTransitions(
  tx: Prisma.TransactionClient,
  { transitions, statement }: PlannedTransitions,
): Promise<Map<number, number>> {
  if (!statement) return new Map();
  const rows = await tx.$queryRaw<{ id: number[] | null; version: (number | null)[] | null }[]>(statement);
  // Back: the rows not applied (version null) and the new version of those written without an expected one.
  const [back] = rows;
  const returned = new Map<number, number | null>();
  // Both arrays aggregate the same rows: null together when no row came back.
  const backVersions = back?.version ?? [];
  (back?.id ?? []).forEach((id, i) => returned.set(Number(id), backVersions[i] ?? null));
  const versions = new Map<number, number>();
  for (const t of transitions) {
    const version = returned.get(t.listingId);
    if (version === null) continue;
    if (version !== undefined) {
      versions.set(t.listingId, version);
      continue;
    }
    // Not returned: the update applied it with an expected version and set version = expected + 1.
    if (t.expectedVersion === null)
      throw new InvariantError(`listing ${t.listingId} was written without an expected version but not returned`);
    versions.set(t.listingId, t.expectedVersion + 1);
  }
  return versions;
}

import { Prisma, type ListingStatus, type ReviewDecision } from '@shopwarden/db';
import type { Context } from '../../context.ts';
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
export async function inListingTransaction<T>(ctx: Context, dryRun: boolean, work: (tx: Prisma.TransactionClient) => Promise<{ value: T; commit: boolean }>): Promise<T> {
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

/** One status change of one listing, with the review record it leaves. */
export interface Transition {
  listingId: number;
  shopId: number;
  from: ListingStatus;
  to: ListingStatus;
  /** The version the listing must still have: the conditional update fails otherwise. */
  expectedVersion: number;
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
 * Writes many status changes set-based, in ONE statement whatever their number: an UPDATE … FROM
 * unnest(…) that applies each row only if its version and status are still the expected ones, and
 * (in data-modifying CTEs over the rows it updated) the review records and outbox events. Returns the
 * new version of each applied listing; a missing id lost a race and is the caller's CONFLICT.
 */
export async function writeTransitions(tx: Prisma.TransactionClient, transitions: readonly Transition[], now: Date, actorApiKeyId: number | null): Promise<Map<number, number>> {
  if (!transitions.length) return new Map();
  const column = <T>(pick: (t: Transition) => T) => transitions.map(pick);
  const at = now.toISOString();
  const applied = await tx.$queryRaw<{ id: number; version: number }[]>(Prisma.sql`
    WITH u AS (
      SELECT * FROM unnest(
        ${column((t) => t.listingId)}::int[], ${column((t) => t.shopId)}::int[], ${column((t) => t.from)}::text[], ${column((t) => t.to)}::text[],
        ${column((t) => t.expectedVersion)}::int[], ${column((t) => t.submittedAt?.toISOString() ?? null)}::text[], ${column((t) => t.decision)}::text[],
        ${column((t) => t.automatic)}::boolean[], ${column((t) => JSON.stringify(t.reasons.map((r) => ({ code: r.code, message: r.message }))))}::text[],
        ${column((t) => t.note)}::text[], ${column((t) => eventTypes[t.decision])}::text[]
      ) AS u(id, shop_id, from_status, to_status, version, submitted_at, decision, automatic, reasons, note, event_type)
    ),
    updated AS (
      UPDATE "Listing" AS l
      SET "status" = u.to_status::"ListingStatus",
          "version" = l."version" + 1,
          "submittedAt" = COALESCE(u.submitted_at::timestamp(3), l."submittedAt"),
          "updatedAt" = ${at}::timestamp(3)
      FROM u
      WHERE l."id" = u.id AND l."version" = u.version AND l."status" = u.from_status::"ListingStatus"
      RETURNING l."id", l."version"
    ),
    reviews AS (
      INSERT INTO "ListingReview" ("listingId", "decision", "automatic", "fromStatus", "toStatus", "reasons", "note", "reviewerApiKeyId", "listingVersion", "createdAt")
      SELECT u.id, u.decision::"ReviewDecision", u.automatic, u.from_status::"ListingStatus", u.to_status::"ListingStatus", u.reasons::jsonb, u.note, ${actorApiKeyId}::int, updated."version", ${at}::timestamp(3)
      FROM updated JOIN u ON u.id = updated."id"
      ORDER BY u.id
    ),
    events AS (
      INSERT INTO "OutboxEvent" ("type", "shopId", "subjectType", "subjectId", "payload", "occurredAt")
      SELECT u.event_type, u.shop_id, 'Listing', u.id::text,
             jsonb_build_object('listingId', u.id, 'decision', u.decision, 'automatic', u.automatic, 'fromStatus', u.from_status, 'toStatus', u.to_status, 'version', updated."version", 'reasons', u.reasons::jsonb),
             ${at}::timestamp(3)
      FROM updated JOIN u ON u.id = updated."id"
      ORDER BY u.id
    )
    SELECT "id", "version" FROM updated`);
  return new Map(applied.map((r) => [Number(r.id), Number(r.version)]));
}

import { Prisma, type PartnershipStatus, type PrismaClient } from '@shopwarden/db';
import { sqlInstant } from '#modules/health/ledger.service.ts';

/** The status a caller sees: a proposal past its expiry is EXPIRED even before the job has written it. */
export function effectivePartnershipStatus(
  p: { status: PartnershipStatus; expiresAt: Date | null },
  now: Date,
): PartnershipStatus {
  return p.status === 'PROPOSED' && p.expiresAt !== null && p.expiresAt.getTime() <= now.getTime()
    ? 'EXPIRED'
    : p.status;
}

/** Rows whose effective status is `status` at `now` (for filters). */
export function partnershipStatusWhere(status: PartnershipStatus, now: Date): Prisma.PartnershipWhereInput {
  if (status === 'PROPOSED') return { status, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] };
  if (status === 'EXPIRED') return { OR: [{ status }, { status: 'PROPOSED', expiresAt: { lte: now } }] };
  return { status };
}

export interface ExpireOptions {
  /** Only these partnerships (a write that found one due); default: every one that is due. */
  ids?: readonly number[];
  /** At most this many in one transaction. @default 500 */
  limit?: number;
}

/**
 * Writes EXPIRED on proposals left unanswered past their expiry (platform clock), each with its
 * `partnership.expired` outbox event and audit record in the same transaction. Idempotent: a
 * partnership is expired once, whoever runs this and however often. Returns the ids it expired.
 */
export async function expireDuePartnerships(
  prisma: PrismaClient,
  now: Date,
  options: ExpireOptions = {},
): Promise<number[]> {
  if (options.ids && options.ids.length === 0) return [];
  return prisma.$transaction((tx) => expireDuePartnershipsIn(tx, now, options));
}

/** The same, inside the caller's transaction (a transactional job's). */
export async function expireDuePartnershipsIn(
  tx: Prisma.TransactionClient,
  now: Date,
  options: ExpireOptions = {},
): Promise<number[]> {
  if (options.ids && options.ids.length === 0) return [];
  const only = options.ids
    ? Prisma.sql`AND "id" IN (${Prisma.join(options.ids.map((id) => Prisma.sql`${id}::int`))})`
    : Prisma.empty;
  {
    // SKIP LOCKED: two runners (or a runner and a write) never wait on, or expire, the same row twice.
    const rows = await tx.$queryRaw<
      { id: number; shopId: number; creatorId: number; expiresAt: Date; commissionRateBps: number }[]
    >`
      UPDATE "Partnership" p SET "status" = 'EXPIRED', "openPairKey" = NULL, "closedBy" = 'PLATFORM',
        "closeReason" = 'No answer before the proposal expired.', "version" = p."version" + 1, "updatedAt" = ${sqlInstant(now)}
      WHERE p."id" IN (
        SELECT "id" FROM "Partnership"
        WHERE "status" = 'PROPOSED' AND "expiresAt" <= ${sqlInstant(now)} ${only}
        ORDER BY "expiresAt", "id" LIMIT ${options.limit ?? 500}
        FOR UPDATE SKIP LOCKED)
      RETURNING p."id", p."shopId", p."creatorId", p."expiresAt", p."commissionRateBps"`;
    if (rows.length === 0) return [];
    await tx.outboxEvent.createMany({
      data: rows.map((r) => ({
        type: 'partnership.expired',
        shopId: r.shopId,
        subjectType: 'Partnership',
        subjectId: String(r.id),
        payload: partnershipPayload(
          { id: r.id, shopId: r.shopId, creatorId: r.creatorId, commissionRateBps: r.commissionRateBps },
          'PROPOSED',
          'EXPIRED',
          'PLATFORM',
          null,
        ),
        occurredAt: new Date(r.expiresAt),
      })),
    });
    await tx.auditRecord.createMany({
      data: rows.map((r) => ({
        operation: 'partnership.expired',
        targetType: 'Partnership',
        targetId: String(r.id),
        shopId: r.shopId,
        outcome: 'SUCCESS' as const,
        createdAt: now,
      })),
    });
    return rows.map((r) => Number(r.id));
  }
}

export type PartnershipParty = 'SHOP' | 'CREATOR' | 'ADMIN' | 'PLATFORM';

/** The outbox payload of every `partnership.*` event (documented in docs/creators-and-partnerships.md). */
export function partnershipPayload(
  p: { id: number; shopId: number; creatorId: number; commissionRateBps: number },
  from: PartnershipStatus | null,
  to: PartnershipStatus,
  by: PartnershipParty,
  reason: string | null,
): Prisma.InputJsonObject {
  return {
    partnershipId: p.id,
    shopId: p.shopId,
    creatorId: p.creatorId,
    previousStatus: from,
    status: to,
    by,
    reason,
    commissionRateBps: p.commissionRateBps,
  };
}

import { Prisma, utcNow } from '@shopwarden/db';

export interface DomainEvent {
  /** Dotted event type, e.g. "listing.reviewed", "shop.primary_category_selected". */
  type: string;
  shopId: number | null;
  subjectType: string;
  subjectId: string;
  payload: Prisma.InputJsonValue;
  occurredAt: Date;
}

/**
 * Writes a domain event to the transactional outbox in the caller's transaction, so an event
 * exists exactly when its change does; subscriptions and webhooks deliver from this table.
 */
export async function recordEvent(tx: Prisma.TransactionClient, event: DomainEvent): Promise<void> {
  await tx.outboxEvent.create({ data: event });
}

/**
 * The INSERT of `event` once per row of `from` (a CTE of the same statement), for a set-based
 * write; it occurs at the database's clock, as the rows beside it.
 */
export function insertEventSql(event: Omit<DomainEvent, 'occurredAt'>, from: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`INSERT INTO "OutboxEvent" ("type", "shopId", "subjectType", "subjectId", "payload", "occurredAt")
    SELECT ${event.type}, ${event.shopId}::int, ${event.subjectType}, ${event.subjectId}, ${JSON.stringify(event.payload)}::jsonb, ${utcNow}
    FROM ${from}`;
}

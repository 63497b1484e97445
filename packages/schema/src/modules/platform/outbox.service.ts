import type { Prisma } from '@shopwarden/db';

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

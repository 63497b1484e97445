import type { BusinessModel, ShopStatus } from '@shopwarden/db';

/** What the migration rule reads of a shop. */
export interface MigrationFacts {
  businessModel: BusinessModel;
  migrationDeadline: Date | null;
}

/** True from the instant a SEMI_CLOSED_LOOP shop's migration deadline passes until it migrates. */
export function isMigrationOverdue(shop: MigrationFacts, at: Date): boolean {
  return shop.businessModel === 'SEMI_CLOSED_LOOP' && shop.migrationDeadline !== null && at >= shop.migrationDeadline;
}

/** A shop's status from its health's, held at least RESTRICTED while its migration is overdue. */
export function withMigration(healthStatus: ShopStatus, overdue: boolean): ShopStatus {
  return overdue && healthStatus === 'ACTIVE' ? 'RESTRICTED' : healthStatus;
}

export function migrationOverdueMessage(deadline: Date): string {
  return `The shop is restricted: its SEMI_CLOSED_LOOP migration deadline (${deadline.toISOString()}) has passed. Migrate to CLOSED_LOOP or SELF_OPERATED with shopBusinessModelMigrate.`;
}

/**
 * The status a check applies now: the stored one, and RESTRICTED once the migration deadline has
 * passed even before the job runner has recorded it; with the reason when the migration is why.
 */
export function statusInForce(
  shop: MigrationFacts & { status: ShopStatus },
  now: Date,
): { status: ShopStatus; statusReason: string | null } {
  if (!shop.migrationDeadline || !isMigrationOverdue(shop, now)) return { status: shop.status, statusReason: null };
  const status = withMigration(shop.status, true);
  return { status, statusReason: status === 'RESTRICTED' ? migrationOverdueMessage(shop.migrationDeadline) : null };
}

import type { PlatformSettings } from '@shopwarden/db';
import { isMigrationOverdue, type MigrationFacts } from './business-model-rules.ts';

export type CampaignPhase = 'BEFORE_ENFORCEMENT' | 'CONFIRMATION_OPEN' | 'AFTER_DEADLINE';

export interface PendingAction {
  kind: 'SELECT_PRIMARY_CATEGORY' | 'MIGRATE_BUSINESS_MODEL';
  deadline: Date;
  overdue: boolean;
  message: string;
}

const DAY_MS = 86_400_000;

/** The UTC day an instant falls on, as midnight UTC of that day. */
export function utcDay(at: Date): Date {
  return new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);
}

/** The last millisecond of a named UTC day: "confirm by 7 February" holds through 23:59:59.999 of it. */
export function endOfUtcDay(day: Date): Date {
  return new Date(utcDay(day).getTime() + DAY_MS - 1);
}

/** The exact instant of the confirm deadline: the end of the named day `categoryConfirmDeadline`. */
export function confirmDeadlineInstant(settings: Pick<PlatformSettings, 'categoryConfirmDeadline'>): Date {
  return endOfUtcDay(settings.categoryConfirmDeadline);
}

export function campaignPhase(
  settings: Pick<PlatformSettings, 'categoryEnforcementAt' | 'categoryConfirmDeadline'>,
  now: Date,
): CampaignPhase {
  if (now < settings.categoryEnforcementAt) return 'BEFORE_ENFORCEMENT';
  if (now <= confirmDeadlineInstant(settings)) return 'CONFIRMATION_OPEN';
  return 'AFTER_DEADLINE';
}

/** What a shop must do, with the deadline: migrate off SEMI_CLOSED_LOOP, select its primary category. */
export function pendingActionsFor(
  shop: { primaryCategoryId: number | null; needsManualCategoryDecision: boolean } & MigrationFacts,
  settings: Pick<PlatformSettings, 'categoryConfirmDeadline'>,
  now: Date,
): PendingAction[] {
  return [...migrationActions(shop, now), ...categoryActions(shop, settings, now)];
}

/** A SEMI_CLOSED_LOOP shop must move to another business model by its deadline; after it, it is RESTRICTED until it does. */
function migrationActions(shop: MigrationFacts, now: Date): PendingAction[] {
  if (shop.businessModel !== 'SEMI_CLOSED_LOOP' || shop.migrationDeadline === null) return [];
  const deadline = shop.migrationDeadline;
  const overdue = isMigrationOverdue(shop, now);
  return [
    {
      kind: 'MIGRATE_BUSINESS_MODEL',
      deadline,
      overdue,
      message: overdue
        ? 'The migration deadline has passed: the shop is restricted (no new listings) until it migrates to CLOSED_LOOP or SELF_OPERATED.'
        : `SEMI_CLOSED_LOOP is retired: migrate to CLOSED_LOOP or SELF_OPERATED before ${deadline.toISOString()}, or the shop is restricted (no new listings) until it does.`,
    },
  ];
}

/** The dashboard pop-up: a shop without a primary category must select one by the deadline. */
function categoryActions(
  shop: { primaryCategoryId: number | null; needsManualCategoryDecision: boolean },
  settings: Pick<PlatformSettings, 'categoryConfirmDeadline'>,
  now: Date,
): PendingAction[] {
  if (shop.primaryCategoryId !== null) return [];
  const deadline = confirmDeadlineInstant(settings);
  const overdue = now > deadline;
  return [
    {
      kind: 'SELECT_PRIMARY_CATEGORY',
      deadline,
      overdue,
      message: overdue
        ? shop.needsManualCategoryDecision
          ? 'The deadline has passed and the shop had no sales to assign a category from: the policy team will decide. You can still select one now.'
          : 'The deadline has passed: select your primary category now, or one will be assigned from your sales.'
        : `Select your primary category by the end of ${deadline.toISOString().slice(0, 10)} (UTC). It will apply to all your country sites.`,
    },
  ];
}

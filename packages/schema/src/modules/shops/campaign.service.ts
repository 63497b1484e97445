import type { PlatformSettings } from '@shopwarden/db';

export type CampaignPhase = 'BEFORE_ENFORCEMENT' | 'CONFIRMATION_OPEN' | 'AFTER_DEADLINE';

export interface PendingAction {
  kind: 'SELECT_PRIMARY_CATEGORY';
  deadline: Date;
  overdue: boolean;
  message: string;
}

export function campaignPhase(
  settings: Pick<PlatformSettings, 'categoryEnforcementAt' | 'categoryConfirmDeadline'>,
  now: Date,
): CampaignPhase {
  if (now < settings.categoryEnforcementAt) return 'BEFORE_ENFORCEMENT';
  if (now < settings.categoryConfirmDeadline) return 'CONFIRMATION_OPEN';
  return 'AFTER_DEADLINE';
}

/** The dashboard pop-up: a shop without a primary category must select one by the deadline. */
export function pendingActionsFor(
  shop: { primaryCategoryId: number | null; needsManualCategoryDecision: boolean },
  settings: Pick<PlatformSettings, 'categoryConfirmDeadline'>,
  now: Date,
): PendingAction[] {
  if (shop.primaryCategoryId !== null) return [];
  const deadline = settings.categoryConfirmDeadline;
  const overdue = now >= deadline;
  return [
    {
      kind: 'SELECT_PRIMARY_CATEGORY',
      deadline,
      overdue,
      message: overdue
        ? shop.needsManualCategoryDecision
          ? 'The deadline has passed and the shop had no sales to assign a category from: the policy team will decide. You can still select one now.'
          : 'The deadline has passed: select your primary category now, or one will be assigned from your sales.'
        : `Select your primary category by ${deadline.toISOString().slice(0, 10)}. It will apply to all your country sites.`,
    },
  ];
}

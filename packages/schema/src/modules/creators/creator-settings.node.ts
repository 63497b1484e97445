import type { PlatformSettings } from '@shopwarden/db';
import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { ValidationError, type FieldError } from '#lib/errors.ts';
import { assertAdmin } from '#modules/auth/viewer.ts';

/** The §7 settings: name, description, and the range an administrator may set. */
const CREATOR_SETTINGS = {
  creatorWatchThreshold: ['Points in the window from which a creator is WATCH.', 1, 10_000],
  creatorPoorThreshold: ['Points in the window from which a creator is POOR (left out of matching).', 1, 10_000],
  partnershipCommissionMinBps: ['Lowest commission a partnership may carry, in basis points (100 = 1 %).', 1, 10_000],
  partnershipCommissionMaxBps: [
    'Highest commission a partnership may carry, in basis points (8000 = 80 %).',
    1,
    10_000,
  ],
  partnershipProposalExpiryDays: ['Days a proposal waits for an answer before it is EXPIRED.', 1, 365],
  matchWeightPrimaryNiche: ["Matching points when a creator's niche is the shop's primary category.", 0, 100],
  matchWeightGrantedNiche: ["Matching points when a niche is only one of the shop's granted categories.", 0, 100],
  matchWeightRegion: ["Matching points when the creator's regions cover all of the shop's sites (pro rata).", 0, 100],
  matchWeightAudience: ['Matching points for the largest audience tier (1M followers or more).', 0, 100],
  matchWeightEngagement: ['Matching points for an engagement rate of 10 % or more (pro rata below).', 0, 100],
  matchPenaltyPerPoint: [
    'Matching points taken off per violation point on the creator’s content in the window.',
    0,
    100,
  ],
  matchRecentViolationDays: ['Violations this recent weigh double in the matching penalty.', 1, 365],
  matchAlreadyPartneredPenalty: [
    'Matching points taken off while a partnership is already proposed or active.',
    0,
    100,
  ],
} as const satisfies Record<string, readonly [string, number, number]>;

type CreatorSettingKey = keyof typeof CREATOR_SETTINGS;
const keys = Object.keys(CREATOR_SETTINGS) as CreatorSettingKey[];

builder.prismaObjectFields('PlatformSettings', (t) =>
  Object.fromEntries(keys.map((key) => [key, t.exposeInt(key, { description: CREATOR_SETTINGS[key][0] })])),
);

const CreatorSettingsUpdateInput = builder.inputType('CreatorSettingsUpdateInput', {
  description: 'Creator, partnership and matching settings to change; omitted fields keep their value.',
  fields: (t) =>
    Object.fromEntries(
      keys.map((key) => {
        const [description, min, max] = CREATOR_SETTINGS[key];
        return [key, t.int({ description: `${description} (${min}–${max})` })];
      }),
    ) as Record<CreatorSettingKey, ReturnType<typeof t.int>>,
});

type Update = Partial<Record<CreatorSettingKey, number | null | undefined>>;

/** The largest score the weights allow: the best niche reason plus region, audience and engagement. */
export function maxMatchScore(s: Pick<PlatformSettings, CreatorSettingKey>): number {
  return (
    Math.max(s.matchWeightPrimaryNiche, s.matchWeightGrantedNiche) +
    s.matchWeightRegion +
    s.matchWeightAudience +
    s.matchWeightEngagement
  );
}

export function validateCreatorSettings(input: Update, current: PlatformSettings): Record<string, number> {
  const errors: FieldError[] = [];
  const data: Record<string, number> = {};
  for (const key of keys) {
    const v = input[key];
    if (v === null || v === undefined) continue;
    const [, min, max] = CREATOR_SETTINGS[key];
    if (v < min || v > max) errors.push({ path: ['input', key], message: `Must be between ${min} and ${max}.` });
    data[key] = v;
  }
  const merged = { ...current, ...data };
  if (merged.creatorWatchThreshold >= merged.creatorPoorThreshold)
    errors.push({
      path: ['input', 'creatorWatchThreshold'],
      message: 'The WATCH threshold must be below the POOR one.',
    });
  if (merged.partnershipCommissionMinBps > merged.partnershipCommissionMaxBps)
    errors.push({
      path: ['input', 'partnershipCommissionMinBps'],
      message: 'The lowest commission exceeds the highest.',
    });
  if (merged.matchWeightGrantedNiche >= merged.matchWeightPrimaryNiche)
    errors.push({
      path: ['input', 'matchWeightGrantedNiche'],
      message: 'A granted-category niche must weigh less than the primary category.',
    });
  if (maxMatchScore(merged) > 100)
    errors.push({
      path: ['input', 'matchWeightPrimaryNiche'],
      message: 'The best niche weight plus region, audience and engagement weights must not exceed 100.',
    });
  if (errors.length) throw new ValidationError(errors);
  return data;
}

const CreatorSettingsUpdateSuccess = builder.objectRef<{ ok: true }>('CreatorSettingsUpdateSuccess').implement({
  description: 'The creator, partnership and matching settings were changed.',
  fields: (t) => ({
    settings: t.prismaField({
      type: 'PlatformSettings',
      description: 'The settings now in force.',
      resolve: (q, _r, _a, ctx) => ctx.prisma.platformSettings.findUniqueOrThrow({ ...q, where: { id: 1 } }),
    }),
  }),
});

builder.mutationField('creatorSettingsUpdate', (t) =>
  t.field({
    type: CreatorSettingsUpdateSuccess,
    description:
      'Changes the compliance thresholds, the partnership rules and the matching weights (administrators). See docs/creators-and-partnerships.md.',
    errors: {},
    args: { input: t.arg({ type: CreatorSettingsUpdateInput, required: true }) },
    resolve: audited('creatorSettingsUpdate', async (_root, { input }, ctx) => {
      assertAdmin(ctx.viewer);
      const data = validateCreatorSettings(input, await ctx.settings());
      await ctx.prisma.platformSettings.update({ where: { id: 1 }, data });
      return { ok: true as const };
    }),
  }),
);

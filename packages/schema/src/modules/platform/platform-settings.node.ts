import { builder } from '#builder';
import {
  compiledFromContext,
  compiledJson,
  compiledRoot,
  jsonDateTime,
  jsonLiteral,
  jsonPlain,
  sqlColumn,
  sqlTable,
  type SqlField,
} from '#compiled';
import { platformNow, type Context } from '#context';
import { audited } from '#lib/audit.ts';
import { InvalidStateError, ValidationError } from '#lib/errors.ts';
import { assertAdmin } from '#modules/auth/viewer.ts';
import { confirmDeadlineInstant, utcDay } from '#modules/shops/campaign.service.ts';

builder.prismaObject('PlatformSettings', {
  description: 'Every policy number, changeable at run time by administrators. Times are UTC.',
  fields: (t) => ({
    categoryEnforcementAt: t.expose('categoryEnforcementAt', {
      type: 'DateTime',
      description: 'When the one-primary-category policy takes effect.',
    }),
    categoryConfirmDeadline: t.field({
      type: 'DateTime',
      description:
        'The exact instant merchants confirm a primary category by: the last millisecond of `categoryConfirmDeadlineDay`.',
      select: { categoryConfirmDeadline: true },
      // `confirmDeadlineInstant`: a date column's midnight, without the session's time zone, plus the day.
      extensions: compiledJson((s) =>
        jsonDateTime(
          `(${s.col('categoryConfirmDeadline')}::timestamp + interval '1 day' - interval '1 millisecond')`,
          false,
        ),
      ),
      resolve: (s) => confirmDeadlineInstant(s),
    }),
    categoryConfirmDeadlineDay: t.expose('categoryConfirmDeadline', {
      type: 'Date',
      description: 'The named day (UTC) merchants confirm a primary category by, through its end.',
      extensions: compiledJson((s) => jsonPlain(`to_char(${s.col('categoryConfirmDeadline')}, 'YYYY-MM-DD')`, false)),
    }),
    categoryLookbackStart: t.expose('categoryLookbackStart', {
      type: 'DateTime',
      description: 'Auto-assignment sales window start (inclusive).',
    }),
    categoryLookbackEnd: t.expose('categoryLookbackEnd', {
      type: 'DateTime',
      description: 'Auto-assignment sales window end (exclusive).',
    }),
    previousPolicyMaxCategories: t.exposeInt('previousPolicyMaxCategories', {
      description: 'Categories allowed under the previous policy.',
    }),
    semiClosedLoopRetiredAt: t.expose('semiClosedLoopRetiredAt', {
      type: 'DateTime',
      description: 'No SEMI_CLOSED_LOOP shop can be onboarded from this instant.',
    }),
    semiClosedLoopMigrationDays: t.exposeInt('semiClosedLoopMigrationDays', {
      description: 'Days after retirement that SEMI_CLOSED_LOOP shops have to migrate.',
    }),
    inviteOnlySites: t.exposeStringList('inviteOnlySites', {
      description: 'Sites that need an invitation code to onboard.',
    }),
    verificationRequiredSites: t.exposeStringList('verificationRequiredSites', {
      description: 'Sites that need a verification document to onboard.',
    }),
    pointExpiryDays: t.exposeInt('pointExpiryDays', { description: 'Days after which violation points expire.' }),
    atRiskThreshold: t.exposeInt('atRiskThreshold', { description: 'Points from which a shop is AT_RISK.' }),
    restrictedThreshold: t.exposeInt('restrictedThreshold', { description: 'Points from which a shop is RESTRICTED.' }),
    suspendedThreshold: t.exposeInt('suspendedThreshold', { description: 'Points from which a shop is SUSPENDED.' }),
    quizAttemptsPerMonth: t.exposeInt('quizAttemptsPerMonth', {
      description: 'Attempts per shop, quiz and calendar month.',
    }),
    quizPointsRemoved: t.exposeInt('quizPointsRemoved', { description: 'Points a passed quiz removes.' }),
    quizRemovalCooldownDays: t.exposeInt('quizRemovalCooldownDays', {
      description: 'At most one quiz removal per policy in this many days.',
    }),
    quizQuestionCount: t.exposeInt('quizQuestionCount', {
      description: 'Questions in a quiz: a new question set (`quizUpdate`) has exactly this many.',
    }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'Last change.' }),
  }),
});

const PlatformSettingsUpdateInput = builder.inputType('PlatformSettingsUpdateInput', {
  description: 'Settings to change; omitted fields keep their value.',
  fields: (t) => ({
    categoryEnforcementAt: t.field({
      type: 'DateTime',
      description: 'When the one-primary-category policy takes effect.',
    }),
    categoryConfirmDeadline: t.field({
      type: 'DateTime',
      description: 'The confirm deadline as an instant: the UTC day it falls on becomes the deadline day.',
      deprecationReason: 'Use categoryConfirmDeadlineDay: the deadline is a named day, confirmable through its end.',
    }),
    categoryConfirmDeadlineDay: t.field({
      type: 'Date',
      description: 'The named day (UTC) merchants confirm by, through its end. Wins over `categoryConfirmDeadline`.',
    }),
    categoryLookbackStart: t.field({ type: 'DateTime', description: 'Auto-assignment window start.' }),
    categoryLookbackEnd: t.field({ type: 'DateTime', description: 'Auto-assignment window end.' }),
    previousPolicyMaxCategories: t.int({ description: 'Categories under the previous policy (1–20).' }),
    semiClosedLoopRetiredAt: t.field({ type: 'DateTime', description: 'Retirement of SEMI_CLOSED_LOOP.' }),
    semiClosedLoopMigrationDays: t.int({
      description:
        'Days after retirement that SEMI_CLOSED_LOOP shops have to migrate (1–3650); for shops onboarded from then on (a deadline already set stays).',
    }),
    inviteOnlySites: t.field({ type: ['CountryCode'], description: 'Invite-only sites.' }),
    verificationRequiredSites: t.field({ type: ['CountryCode'], description: 'Sites needing verification.' }),
    pointExpiryDays: t.int({ description: 'Point expiry in days (1–3650).' }),
    atRiskThreshold: t.int({ description: 'AT_RISK threshold.' }),
    restrictedThreshold: t.int({ description: 'RESTRICTED threshold.' }),
    suspendedThreshold: t.int({ description: 'SUSPENDED threshold.' }),
    quizAttemptsPerMonth: t.int({ description: 'Quiz attempts per month (1–100).' }),
    quizPointsRemoved: t.int({ description: 'Points removed by a passed quiz.' }),
    quizRemovalCooldownDays: t.int({ description: 'Days between quiz removals per policy.' }),
    quizQuestionCount: t.int({
      description: 'Questions in a quiz (1–20): new question sets must have this many; existing quizzes keep theirs.',
    }),
  }),
});

const PlatformSettingsUpdateSuccess = builder.objectRef<{ ok: true }>('PlatformSettingsUpdateSuccess').implement({
  description: 'The settings were changed.',
  fields: (t) => ({
    settings: t.prismaField({
      type: 'PlatformSettings',
      description: 'The settings now in force.',
      resolve: (q, _r, _a, ctx) => ctx.prisma.platformSettings.findUniqueOrThrow({ ...q, where: { id: 1 } }),
    }),
  }),
});

type SettingsUpdate = typeof PlatformSettingsUpdateInput.$inferInput;

/** The columns an update writes: the fields sent, with the deadline reduced to its named UTC day. */
function settingsData(input: SettingsUpdate): Record<string, unknown> {
  const { categoryConfirmDeadlineDay, categoryConfirmDeadline, ...rest } = input;
  const day = categoryConfirmDeadlineDay ?? categoryConfirmDeadline;
  return {
    ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== null && v !== undefined)),
    ...(day ? { categoryConfirmDeadline: utcDay(day) } : {}),
  };
}

function validateSettings(
  input: SettingsUpdate,
  current: {
    categoryEnforcementAt: Date;
    categoryConfirmDeadline: Date;
    categoryLookbackStart: Date;
    categoryLookbackEnd: Date;
    atRiskThreshold: number;
    restrictedThreshold: number;
    suspendedThreshold: number;
  },
) {
  const fields: { path: string[]; message: string }[] = [];
  const positive: [keyof SettingsUpdate, number, number][] = [
    ['previousPolicyMaxCategories', 1, 20],
    ['pointExpiryDays', 1, 3650],
    ['quizAttemptsPerMonth', 1, 100],
    ['quizPointsRemoved', 0, 100],
    ['quizRemovalCooldownDays', 0, 365],
    ['semiClosedLoopMigrationDays', 1, 3650],
    ['quizQuestionCount', 1, 20],
    ['atRiskThreshold', 1, 10_000],
    ['restrictedThreshold', 1, 10_000],
    ['suspendedThreshold', 1, 10_000],
  ];
  for (const [key, min, max] of positive) {
    const v = input[key];
    if (typeof v === 'number' && (v < min || v > max))
      fields.push({ path: ['input', key], message: `Must be between ${min} and ${max}.` });
  }
  const merged = { ...current, ...settingsData(input) } as typeof current;
  if (confirmDeadlineInstant(merged) < merged.categoryEnforcementAt)
    fields.push({
      path: ['input', input.categoryConfirmDeadlineDay ? 'categoryConfirmDeadlineDay' : 'categoryConfirmDeadline'],
      message: 'The deadline cannot precede the enforcement date.',
    });
  if (merged.categoryLookbackEnd <= merged.categoryLookbackStart)
    fields.push({ path: ['input', 'categoryLookbackEnd'], message: 'The look-back window must end after it starts.' });
  if (!(
    merged.atRiskThreshold < merged.restrictedThreshold && merged.restrictedThreshold < merged.suspendedThreshold
  )) {
    fields.push({
      path: ['input', 'restrictedThreshold'],
      message: 'Thresholds must rise: at risk < restricted < suspended.',
    });
  }
  if (fields.length) throw new ValidationError(fields);
}

builder.mutationField('platformSettingsUpdate', (t) =>
  t.field({
    type: PlatformSettingsUpdateSuccess,
    description: 'Changes policy numbers at run time (administrators).',
    errors: {},
    args: { input: t.arg({ type: PlatformSettingsUpdateInput, required: true }) },
    resolve: audited('platformSettingsUpdate', async (_root, { input }, ctx) => {
      assertAdmin(ctx.viewer);
      validateSettings(input, await ctx.settings());
      await ctx.prisma.platformSettings.update({ where: { id: 1 }, data: settingsData(input) });
      return { ok: true as const };
    }),
  }),
);

interface ClockShape {
  now: Date;
  sandbox: boolean;
  frozen: boolean;
}

const PlatformClockRef = builder.objectRef<ClockShape>('PlatformClock').implement({
  description: 'The platform\'s "now". Outside production an administrator can move it (the sandbox clock).',
  fields: (t) => ({
    now: t.expose('now', {
      type: 'DateTime',
      description: 'The instant every rule uses as "now".',
      extensions: compiledJson((c) => jsonDateTime(c.value('now'), false)),
    }),
    sandbox: t.exposeBoolean('sandbox', {
      description: 'True when the sandbox clock is set.',
      extensions: compiledJson((c) => jsonLiteral(c.value('sandbox'), false)),
    }),
    frozen: t.exposeBoolean('frozen', {
      description:
        'True when the sandbox clock stands still; false when it advances in real time from the instant set.',
      extensions: compiledJson((c) => jsonLiteral(c.value('frozen'), false)),
    }),
  }),
});

async function readClock(ctx: Context): Promise<ClockShape> {
  const s = await ctx.settings();
  return { now: await ctx.now(), sandbox: !ctx.production && s.sandboxNow !== null, frozen: s.sandboxFrozen };
}

/** The column default of `PlatformSettings.sandboxFrozen`: `readClock` creates a missing row with it. */
const DEFAULT_SANDBOX_FROZEN = true;

/** `readClock` in SQL, as the statement runs (getters: only what the selection reads is in it). */
function clockValues(ctx: Context, f: SqlField): Record<string, string> {
  const settings = (column: string, where = 'TRUE') =>
    `(SELECT ${column} FROM ${sqlTable('PlatformSettings')} sw_s WHERE ${sqlColumn('sw_s', 'PlatformSettings', 'id')} = 1 AND ${where})`;
  return {
    get now() {
      return f.now();
    },
    get sandbox() {
      if (ctx.production) return 'false';
      return `EXISTS ${settings('1', `${sqlColumn('sw_s', 'PlatformSettings', 'sandboxNow')} IS NOT NULL`)}`;
    },
    get frozen() {
      return `coalesce(${settings(sqlColumn('sw_s', 'PlatformSettings', 'sandboxFrozen'))}, ${DEFAULT_SANDBOX_FROZEN})`;
    },
  };
}

builder.queryFields((t) => ({
  platformSettings: t.prismaField({
    type: 'PlatformSettings',
    description: 'The policy numbers in force.',
    authScopes: { authenticated: true },
    // Without the row the statement hands over to this resolver, which creates it.
    extensions: compiledRoot({ model: 'PlatformSettings', kind: 'first', query: () => ({ where: { id: 1 } }) }),
    resolve: async (q, _r, _a, ctx) => {
      await ctx.settings();
      return ctx.prisma.platformSettings.findUniqueOrThrow({ ...q, where: { id: 1 } });
    },
  }),
  platformClock: t.field({
    type: PlatformClockRef,
    description: 'The platform clock.',
    authScopes: { authenticated: true },
    extensions: compiledFromContext(clockValues, { reads: ['PlatformSettings'] }),
    resolve: (_r, _a, ctx) => readClock(ctx),
  }),
}));

const SandboxClockSetInput = builder.inputType('SandboxClockSetInput', {
  description: 'Where to put the sandbox clock.',
  fields: (t) => ({
    now: t.field({ type: 'DateTime', description: 'The new "now"; null returns to real time.' }),
    frozen: t.boolean({ description: 'Stand still at `now` (default true) or advance from it in real time.' }),
  }),
});

const SandboxClockSetSuccess = builder.objectRef<ClockShape>('SandboxClockSetSuccess').implement({
  description: 'The clock was moved.',
  fields: (t) => ({ clock: t.field({ type: PlatformClockRef, description: 'The clock now.', resolve: (c) => c }) }),
});

builder.mutationField('sandboxClockSet', (t) =>
  t.field({
    type: SandboxClockSetSuccess,
    description:
      'Moves the platform\'s "now" (administrators, outside production) so you can step past a deadline, run auto-assignment, or produce a weekly report without waiting.',
    errors: {},
    args: { input: t.arg({ type: SandboxClockSetInput, required: true }) },
    resolve: audited('sandboxClockSet', async (_root, { input }, ctx) => {
      assertAdmin(ctx.viewer);
      if (ctx.production) throw new InvalidStateError('SANDBOX_ONLY', 'The sandbox clock is disabled in production.');
      await ctx.settings();
      const updated = await ctx.prisma.platformSettings.update({
        where: { id: 1 },
        data: {
          sandboxNow: input.now ?? null,
          sandboxSetAt: input.now ? new Date() : null,
          sandboxFrozen: input.frozen ?? true,
        },
      });
      return { now: platformNow(updated, false), sandbox: updated.sandboxNow !== null, frozen: updated.sandboxFrozen };
    }),
  }),
);

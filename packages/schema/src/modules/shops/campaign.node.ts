import { builder } from '#builder';
import { campaignPhase, confirmDeadlineInstant, type CampaignPhase } from './campaign.service.ts';
import { categoryQuestionnaire, type QuestionnaireQuestion } from './questionnaire.ts';

const CampaignPhaseEnum = builder.enumType('CategoryCampaignPhase', {
  description: 'Where the platform clock stands in the category-selection campaign.',
  values: {
    BEFORE_ENFORCEMENT: {
      description: 'Before the effective date: the previous policy (up to three categories) holds.',
    },
    CONFIRMATION_OPEN: {
      description: 'The policy is in force and merchants confirm their primary category until the deadline.',
    },
    AFTER_DEADLINE: {
      description: 'The deadline day has ended (UTC): administrators run auto-assignment.',
    },
  } as const,
});

const QuestionRef = builder.objectRef<QuestionnaireQuestion>('QuestionnaireQuestion').implement({
  description: 'A question of the category-selection questionnaire.',
  fields: (t) => ({
    key: t.exposeString('key', { description: 'Pass it as `answers[].key`.' }),
    prompt: t.exposeString('prompt', { description: 'The question as shown to merchants.' }),
    required: t.exposeBoolean('required', { description: 'Whether an answer is required.' }),
  }),
});

interface CampaignShape {
  enforcementAt: Date;
  confirmDeadline: Date;
  confirmDeadlineDay: Date;
  lookbackStart: Date;
  lookbackEnd: Date;
  previousPolicyMaxCategories: number;
  now: Date;
  phase: CampaignPhase;
}

const CampaignRef = builder.objectRef<CampaignShape>('CategorySelectionCampaign').implement({
  description: 'The one-primary-category campaign: its dates (administrator settings) and where "now" stands.',
  fields: (t) => ({
    enforcementAt: t.expose('enforcementAt', {
      type: 'DateTime',
      description: 'When the one-primary-category policy takes effect (2024-02-01 by default).',
    }),
    confirmDeadline: t.expose('confirmDeadline', {
      type: 'DateTime',
      description:
        'The exact instant of the deadline: the last millisecond of `confirmDeadlineDay` (2024-02-07T23:59:59.999Z by default). Confirming at it is on time.',
    }),
    confirmDeadlineDay: t.expose('confirmDeadlineDay', {
      type: 'Date',
      description: 'The named day merchants confirm by, in UTC (2024-02-07 by default): through the end of that day.',
    }),
    lookbackStart: t.expose('lookbackStart', {
      type: 'DateTime',
      description: 'Start of the sales window auto-assignment uses (inclusive).',
    }),
    lookbackEnd: t.expose('lookbackEnd', { type: 'DateTime', description: 'End of the sales window (exclusive).' }),
    previousPolicyMaxCategories: t.exposeInt('previousPolicyMaxCategories', {
      description: 'Categories a shop could sell in under the previous policy.',
    }),
    now: t.expose('now', {
      type: 'DateTime',
      description: 'The platform clock (the sandbox clock outside production).',
    }),
    phase: t.field({ type: CampaignPhaseEnum, description: 'Where "now" stands.', resolve: (c) => c.phase }),
    questionnaire: t.field({
      type: [QuestionRef],
      description: 'The questions to answer when selecting.',
      resolve: () => [...categoryQuestionnaire],
    }),
  }),
});

builder.queryField('categorySelectionCampaign', (t) =>
  t.field({
    type: CampaignRef,
    description: 'The category-selection campaign, its questionnaire, and the current phase.',
    authScopes: { authenticated: true },
    resolve: async (_root, _args, ctx) => {
      const [s, now] = await Promise.all([ctx.settings(), ctx.now()]);
      return {
        enforcementAt: s.categoryEnforcementAt,
        confirmDeadline: confirmDeadlineInstant(s),
        confirmDeadlineDay: s.categoryConfirmDeadline,
        lookbackStart: s.categoryLookbackStart,
        lookbackEnd: s.categoryLookbackEnd,
        previousPolicyMaxCategories: s.previousPolicyMaxCategories,
        now,
        phase: campaignPhase(s, now),
      };
    },
  }),
);

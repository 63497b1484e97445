import { builder } from '#builder';
import { listPlatformJobs, type PlatformJobView } from './platform-job.service.ts';

const CatchUpEnum = builder.enumType('PlatformJobCatchUp', {
  description: 'What a scheduled job does with the occurrences a sandbox clock jump (or downtime) skipped.',
  values: {
    EVERY: { value: 'every', description: 'Runs once for each, oldest first, each as of its own occurrence.' },
    LATEST: { value: 'latest', description: 'Runs once for all of them (a sweep that works as of now).' },
  } as const,
});

const RunResultEnum = builder.enumType('PlatformJobOutcome', {
  description: 'How a run of a job ended.',
  values: {
    SUCCEEDED: { value: 'succeeded', description: 'It did its work.' },
    RESCHEDULED: { value: 'rescheduled', description: 'It did part of its work and asked to run again.' },
    RETRIED: { value: 'retried', description: 'It failed and will be retried after a backoff.' },
    FAILED: { value: 'failed', description: 'Its last attempt failed (a scheduled job moves on to its next turn).' },
  } as const,
});

export const PlatformJobRef = builder.objectRef<PlatformJobView>('PlatformJob').implement({
  description:
    'A background job of the policy calendar (docs/policy-calendar.md): its schedule, its last run and its next run, on the platform clock.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Its unique name, `<module>.<what>`.' }),
    description: t.exposeString('description', { nullable: true, description: 'What it does.' }),
    schedule: t.exposeString('cron', {
      nullable: true,
      description: 'Its cron pattern (UTC, platform clock); null for a job scheduled by each event that needs it.',
    }),
    catchUp: t.field({
      type: CatchUpEnum,
      nullable: true,
      description: 'For a scheduled job: what it does with skipped occurrences.',
      resolve: (j) => j.catchUp,
    }),
    lastRunAt: t.expose('lastRunAt', {
      type: 'DateTime',
      nullable: true,
      description: 'The platform instant its last recorded run started (scheduled jobs keep it).',
    }),
    lastScheduledFor: t.expose('lastScheduledFor', {
      type: 'DateTime',
      nullable: true,
      description: 'The instant that run was due at: its occurrence, or when an administrator asked for it.',
    }),
    lastResult: t.field({
      type: RunResultEnum,
      nullable: true,
      description: 'How that run ended.',
      resolve: (j) => j.lastResult,
    }),
    nextRunAt: t.expose('nextRunAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it runs next (its earliest pending run); null when nothing is pending.',
    }),
    pendingCount: t.exposeInt('pendingCount', { description: 'Runs waiting (one for a scheduled job).' }),
    failedCount: t.exposeInt('failedCount', { description: 'Runs kept as failed after their last attempt.' }),
  }),
});

builder.queryField('platformJobs', (t) =>
  t.field({
    type: [PlatformJobRef],
    description: 'Every background job of the platform with its last and next run (administrators).',
    authScopes: { admin: true },
    resolve: async (_r, _a, ctx) => listPlatformJobs(ctx.prisma, await ctx.now()),
  }),
);

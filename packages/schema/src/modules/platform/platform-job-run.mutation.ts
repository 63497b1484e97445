import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { must } from '#lib/must.ts';
import { assertAdmin } from '#modules/auth/viewer.ts';
import { PlatformJobRef } from './platform-job.node.ts';
import { listPlatformJobs, runPlatformJobNow, type PlatformJobView } from './platform-job.service.ts';

const PlatformJobRunInput = builder.inputType('PlatformJobRunInput', {
  description: 'The scheduled job to run now.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Its name, as `platformJobs` lists it.' }),
  }),
});

const PlatformJobRunSuccess = builder.objectRef<PlatformJobView>('PlatformJobRunSuccess').implement({
  description: 'The job is due at once: a runner takes it within moments; its next occurrence follows as usual.',
  fields: (t) => ({
    job: t.field({ type: PlatformJobRef, description: 'The job, re-read.', resolve: (j) => j }),
  }),
});

builder.mutationField('platformJobRun', (t) =>
  t.field({
    type: PlatformJobRunSuccess,
    description:
      'Runs a scheduled job now, besides its schedule (administrators): a weekly report for the week that ended last, a tier recalculation as of now, a sweep. Running it twice is safe: every job is idempotent.',
    errors: {},
    args: { input: t.arg({ type: PlatformJobRunInput, required: true }) },
    resolve: audited('platformJobRun', async (_root, { input }, ctx) => {
      assertAdmin(ctx.viewer);
      const now = await ctx.now();
      await runPlatformJobNow(ctx.prisma, input.name, now);
      const views = await listPlatformJobs(ctx.prisma, now);
      return must(
        views.find((v) => v.name === input.name),
        `platform job ${input.name}`,
      );
    }),
  }),
);

import { defineJob, defineRecurringJob } from '@shopwarden/jobs';
import { applyPointsExpiry } from '#modules/health/points-expiry.service.ts';
import { enforceMigrationDeadlineJob, scheduleMissingMigrationDeadlines } from './business-model.service.ts';

/** Due at a SEMI_CLOSED_LOOP shop's migration deadline: it is RESTRICTED from then until it migrates. */
export const enforceMigrationDeadline = defineJob<{ shopId: number }>({
  name: enforceMigrationDeadlineJob.name,
  description: 'Restricts a SEMI_CLOSED_LOOP shop at the instant its migration deadline passes (until it migrates).',
  transactional: true,
  async run({ shopId }, { tx, scheduledFor, now }) {
    const settings = await tx.platformSettings.findUniqueOrThrow({ where: { id: 1 } });
    await applyPointsExpiry(tx, shopId, scheduledFor ?? now, now, settings, 'Business-model migration deadline passed');
  },
});

/** Hourly: gives a deadline job to every SEMI_CLOSED_LOOP shop that has none (demo data, rows written by hand). */
export const scheduleMissingMigrationDeadlinesSweep = defineRecurringJob({
  name: 'shops.schedule-migration-deadlines',
  description:
    'Schedules the deadline job of SEMI_CLOSED_LOOP shops written without one (demo data, rows written by hand).',
  recurrence: { cron: '7 * * * *', catchUp: 'latest' },
  transactional: true,
  async run(_payload, { tx, now }) {
    await scheduleMissingMigrationDeadlines(tx, now);
  },
});

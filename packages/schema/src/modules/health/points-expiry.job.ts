import { defineJob, defineRecurringJob } from '@shopwarden/jobs';
import { applyPointsExpiry, followPointsExpiryJob, scheduleMissingPointsExpiries } from './points-expiry.service.ts';

/** Due at the instant a shop's points expire: its health and status follow the ledger then. */
export const followPointsExpiry = defineJob<{ shopId: number }>({
  name: followPointsExpiryJob.name,
  description: "Changes a shop's health and status at the instant its points expire.",
  transactional: true,
  async run({ shopId }, { tx, scheduledFor, now }) {
    const settings = await tx.platformSettings.findUniqueOrThrow({ where: { id: 1 } });
    await applyPointsExpiry(tx, shopId, scheduledFor ?? now, now, settings);
  },
});

const HOUR_MS = 3_600_000;

/** Hourly: gives a job to every expiry that has none (points written by the seed or before the runner). */
export const scheduleMissingExpiries = defineRecurringJob({
  name: 'health.schedule-expiries',
  description: 'Schedules the expiry job of points written without one (demo data, rows written by hand).',
  recurrence: { cron: '3 * * * *', catchUp: 'latest' },
  transactional: true,
  async run(_payload, { tx, scheduledFor, now }) {
    await scheduleMissingPointsExpiries(tx, new Date((scheduledFor ?? now).getTime() - HOUR_MS));
  },
});

import { defineRecurringJob } from '@shopwarden/jobs';
import { runTierRecalculation } from './tier.service.ts';

/** The 1st of each month 00:00 UTC: every shop's tier from the month that ended (a repeat changes nothing). */
export const recalculateMonthlyTiers = defineRecurringJob({
  name: 'revenue.monthly-tiers',
  description: "Recalculates every shop's tier; a shop losing self-shipping goes to platform fulfilment.",
  recurrence: { cron: '0 0 1 * *', catchUp: 'every' },
  async run(_payload, { prisma, scheduledFor, now }) {
    const asOf = scheduledFor ?? now;
    await runTierRecalculation(prisma, { dryRun: false, asOf, now: asOf, actorApiKeyId: null });
  },
});

import { defineJob, defineRecurringJob } from '@shopwarden/jobs';
import { expireDuePartnershipsIn } from './partnership-expiry.service.ts';

const SWEEP_BATCH = 500;

/** Enqueued with each proposal, due at its expiry: expires it then unless it was answered. */
export const expirePartnership = defineJob<{ partnershipId: number }>({
  name: 'partnerships.expire',
  description: 'Expires a partnership proposal left unanswered at its expiry.',
  transactional: true,
  async run({ partnershipId }, { tx, now }) {
    await expireDuePartnershipsIn(tx, now, { ids: [partnershipId] });
  },
});

/** Hourly, for any proposal whose own job is missing (rows written before the runner, or by hand). */
export const expireDuePartnershipsSweep = defineRecurringJob({
  name: 'partnerships.expire-due',
  description: 'Expires any due proposal whose own job is missing.',
  recurrence: { cron: '41 * * * *', catchUp: 'latest' },
  transactional: true,
  async run(_payload, { tx, now }) {
    const expired = await expireDuePartnershipsIn(tx, now, { limit: SWEEP_BATCH });
    return expired.length === SWEEP_BATCH ? { runAgain: {} } : undefined;
  },
});

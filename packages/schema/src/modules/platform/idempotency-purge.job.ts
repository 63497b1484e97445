import { defineRecurringJob } from '@shopwarden/jobs';

/** Idempotency records are kept 24 h (PLATFORM.md); a key reused later replaces its own, the rest are deleted here. */
export const purgeIdempotencyRecords = defineRecurringJob({
  name: 'platform.purge-idempotency-records',
  description: 'Deletes idempotency records past their 24 hours.',
  recurrence: { cron: '17 * * * *', catchUp: 'latest' },
  async run(_payload, { prisma }) {
    // Real time, as the records' expiry is written (the sandbox clock only decides when this runs).
    await prisma.idempotencyRecord.deleteMany({ where: { expiresAt: { lt: new Date() } } });
  },
});

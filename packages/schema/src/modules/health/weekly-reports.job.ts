import { defineRecurringJob } from '@shopwarden/jobs';
import { storeHealthReports, WEEK_MS, weekStartOf } from './health-report.service.ts';

/** Monday 00:00 UTC: every shop's Account Health Report of the week that just ended (issuing twice changes nothing). */
export const issueWeeklyReports = defineRecurringJob({
  name: 'health.weekly-reports',
  description: "Issues every shop's Account Health Report of the week that ended.",
  recurrence: { cron: '0 0 * * 1', catchUp: 'every' },
  async run(_payload, { prisma, scheduledFor, now }) {
    // On demand (due on a weekday): the week that ended last.
    const weekEnd = weekStartOf(scheduledFor ?? now);
    const settings = await prisma.platformSettings.findUniqueOrThrow({ where: { id: 1 } });
    // As of the week's end, as if issued on time however late the run.
    await storeHealthReports(prisma, {
      shopId: null,
      weekStart: new Date(weekEnd.getTime() - WEEK_MS),
      now: weekEnd,
      settings,
    });
  },
});

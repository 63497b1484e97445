/**
 * The weekly Account Health Report of the shop with the most violations (a tenth of them), for a
 * finished week that was never issued, so it is computed live; under load, our API only
 * (PostGraphile cannot express the report: it is aggregation and ledger arithmetic, not rows).
 */
import { DEMO_KEYS } from '@shopwarden/db/seed';
import { must } from '../lib/must.ts';
import { compareRead } from '../lib/read.ts';
import { benchDb, type Scenario } from '../lib/scenario.ts';

const REPORT = `query HealthReport($id: ID!, $weekOf: DateTime) {
  shop(id: $id) {
    healthReport(weekOf: $weekOf) {
      issued weekStart weekEnd violationCount violationPoints previousWeekViolationCount
      byPolicy { code count points } bySource { source count points } topPolicies { code count }
      liveSessionViolations { policyCode contentTitle creatorHandle } videoViolations { policyCode contentTitle creatorHandle }
      pointsAtStart pointsAtEnd pointsChange healthAtEnd educationLinks { url } quizzes { title }
    }
  }
}`;

const DAY_MS = 86_400_000;

const scenario: Scenario = {
  name: 'health-report',
  title: 'Account Health Report',
  measures:
    'the weekly Account Health Report of the shop with the most violations, computed live, under load (our API only)',
  databases: ['postgres', 'pglite'],
  usesBenchDatabase: true,
  async run(ctx) {
    const db = benchDb(ctx);
    // Two weeks before the seed's clock: a finished week, never issued (the top-up writes no snapshots).
    const seeded = new Date(db.seededAt);
    const monday = new Date(
      Date.UTC(seeded.getUTCFullYear(), seeded.getUTCMonth(), seeded.getUTCDate()) -
        ((seeded.getUTCDay() + 6) % 7) * DAY_MS -
        14 * DAY_MS,
    );
    const weekEnd = new Date(monday.getTime() + 7 * DAY_MS);
    const sqlTime = (d: Date) => `timestamp '${d.toISOString().replace('T', ' ').replace('Z', '')}'`;
    const week = must(
      (
        await db.query<{ n: number | string; total: number | string }>(
          `SELECT count(*) FILTER (WHERE "occurredAt" >= ${sqlTime(monday)} AND "occurredAt" < ${sqlTime(weekEnd)}) AS n, count(*) AS total FROM "Violation" WHERE "shopId" = ${db.healthShopId}`,
        )
      )[0],
      'the violation counts of the health shop',
    );
    return compareRead(ctx, {
      description: `\`shop(id:) { healthReport(weekOf: "${monday.toISOString()}") { … } }\` of shop ${db.healthShopId} (${Number(week.total).toLocaleString('en-US')} violations over 14 months, ${week.n} in that week), every field of the report; demo admin key.`,
      verify(data) {
        const report = (data as { shop: { healthReport: { issued: boolean; violationCount: number } | null } | null })
          .shop?.healthReport;
        if (!report) return 'the health report is missing';
        if (report.issued) return 'the report was an issued snapshot, not computed live';
        if (report.violationCount !== Number(week.n))
          return `the report counts ${report.violationCount} violations in the week, the table ${week.n}`;
        return undefined;
      },
      api: {
        query: REPORT,
        variables: { id: Buffer.from(`Shop:${db.healthShopId}`).toString('base64'), weekOf: monday.toISOString() },
        apiKey: DEMO_KEYS.admin,
      },
    });
  },
};
export default scenario;

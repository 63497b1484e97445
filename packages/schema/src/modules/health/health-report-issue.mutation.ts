import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { ShopNode } from '#modules/shops/shop.node.ts';
import { assertAdmin } from '#modules/auth/viewer.ts';
import { issueHealthReports, type IssueResult } from './health-report.service.ts';

const HealthReportIssueInput = builder.inputType('HealthReportIssueInput', {
  description: 'Which finished week to issue, for one shop or for every shop.',
  fields: (t) => ({
    shopId: t.globalID({ for: ShopNode, description: 'One shop; omit to issue for every shop.' }),
    weekStart: t.field({ type: 'DateTime', required: true, description: 'Monday 00:00 UTC of a week that has ended.' }),
  }),
});

const HealthReportIssueSuccess = builder.objectRef<IssueResult>('HealthReportIssueSuccess').implement({
  description: 'The snapshots exist: one per shop and week, whatever ran at the same time.',
  fields: (t) => ({
    weekStart: t.field({ type: 'DateTime', description: 'The week issued.', resolve: (r) => r.weekStart }),
    issuedCount: t.int({ description: 'Reports this call stored.', resolve: (r) => r.issuedCount }),
    alreadyIssuedCount: t.int({
      description: 'Shops whose report for the week already existed (left unchanged).',
      resolve: (r) => r.alreadyIssuedCount,
    }),
    report: t.prismaField({
      type: 'HealthReport',
      nullable: true,
      description: 'For a single shop: the stored report (new or existing).',
      resolve: (q, r, _a, ctx) =>
        r.reportId === null ? null : ctx.prisma.healthReport.findUnique({ ...q, where: { id: r.reportId } }),
    }),
  }),
});

builder.mutationField('healthReportIssue', (t) =>
  t.field({
    type: HealthReportIssueSuccess,
    description:
      'Issues the weekly Account Health Report snapshot of a finished week (administrators). Idempotent: a week issued twice or concurrently yields one report, and an issued report never changes.',
    errors: {},
    args: { input: t.arg({ type: HealthReportIssueInput, required: true }) },
    resolve: audited('healthReportIssue', async (_root, { input }, ctx) => {
      assertAdmin(ctx.viewer);
      return issueHealthReports(ctx, {
        shopId: input.shopId ? toDbId(input.shopId, ['input', 'shopId']) : null,
        weekStart: input.weekStart,
      });
    }),
  }),
);

import { builder } from '#builder';
import { registerNodeReach } from '#lib/node-reach.ts';
import { HealthStatusEnum } from '#modules/shops/shop.node.ts';
import { shopOwnedWhere } from '#modules/shops/shop.policy.ts';
import type { Context } from '#context';
import { loaderFor } from '#lib/loaders.ts';
import {
  readHealthReport,
  weekStartOf,
  type ContentViolationEntry,
  type HealthReportData,
  type PolicyTally,
  type ReportView,
} from './health-report.service.ts';
import { ViolationSourceEnum } from './violation.node.ts';

const PolicyTallyRef = builder.objectRef<PolicyTally>('HealthReportPolicyTally').implement({
  description: 'Violations of one policy in the report week.',
  fields: (t) => ({
    policyId: t.globalID({
      description: "The policy's global ID.",
      resolve: (p) => ({ type: 'Policy', id: p.policyId }),
    }),
    code: t.exposeString('code', { description: 'The policy code.' }),
    title: t.exposeString('title', { description: 'The policy title.' }),
    count: t.exposeInt('count', { description: 'Violations of it in the week.' }),
    points: t.exposeInt('points', { description: 'Points those violations added.' }),
  }),
});

const SourceTallyRef = builder.objectRef<HealthReportData['bySource'][number]>('HealthReportSourceTally').implement({
  description: 'Violations from one source in the report week (every source is listed, zeros included).',
  fields: (t) => ({
    source: t.field({ type: ViolationSourceEnum, description: 'The source.', resolve: (s) => s.source }),
    count: t.exposeInt('count', { description: 'Violations from it in the week.' }),
    points: t.exposeInt('points', { description: 'Points those violations added.' }),
  }),
});

const ContentViolationRef = builder.objectRef<ContentViolationEntry>('HealthReportContentViolation').implement({
  description: 'A violation found in a live session or video, with the content and its creator.',
  fields: (t) => ({
    violationId: t.globalID({
      description: "The violation's global ID.",
      resolve: (v) => ({ type: 'Violation', id: v.violationId }),
    }),
    occurredAt: t.field({ type: 'DateTime', description: 'When it occurred.', resolve: (v) => new Date(v.occurredAt) }),
    points: t.exposeInt('points', { description: 'Points it added.' }),
    policyCode: t.exposeString('policyCode', { description: 'The policy breached.' }),
    contentItemId: t.globalID({
      nullable: true,
      description: "The content item's global ID.",
      resolve: (v) => (v.contentItemId === null ? null : { type: 'ContentItem', id: v.contentItemId }),
    }),
    contentTitle: t.exposeString('contentTitle', { nullable: true, description: "The content's title." }),
    contentUrl: t.exposeString('contentUrl', { nullable: true, description: 'Where the content can be watched.' }),
    creatorHandle: t.exposeString('creatorHandle', { nullable: true, description: "The creator's handle." }),
    creatorDisplayName: t.exposeString('creatorDisplayName', {
      nullable: true,
      description: "The creator's display name.",
    }),
  }),
});

const EducationLinkRef = builder
  .objectRef<HealthReportData['educationLinks'][number]>('HealthReportEducationLink')
  .implement({
    description: 'The educational resource of a policy violated in the week.',
    fields: (t) => ({
      policyId: t.globalID({
        description: "The policy's global ID.",
        resolve: (l) => ({ type: 'Policy', id: l.policyId }),
      }),
      code: t.exposeString('code', { description: 'The policy code.' }),
      title: t.exposeString('title', { description: 'The policy title.' }),
      url: t.exposeString('url', { description: 'The link.' }),
    }),
  });

const QuizLinkRef = builder.objectRef<HealthReportData['quizzes'][number]>('HealthReportQuiz').implement({
  description: 'A Creator Policy Quiz targeting a policy violated in the week; passing it removes points.',
  fields: (t) => ({
    quizId: t.globalID({
      description: "The quiz's global ID (pass it to `quizAttemptSubmit`).",
      resolve: (q) => ({ type: 'Quiz', id: q.quizId }),
    }),
    policyCode: t.exposeString('policyCode', { description: 'The policy it targets.' }),
    title: t.exposeString('title', { description: 'The quiz title.' }),
  }),
});

const d = (r: ReportView) => r.data;

export const AccountHealthReportRef = builder.objectRef<ReportView>('AccountHealthReport').implement({
  readScope: 'health:read',
  description:
    'The Account Health Report of one shop for one week (Monday 00:00 UTC to the next Monday 00:00 UTC). An issued report is a frozen snapshot; otherwise it is computed live from the database.',
  fields: (t) => ({
    issued: t.boolean({
      description:
        'True when this is the stored snapshot (it never changes); false when computed live (e.g. the current, unfinished week).',
      resolve: (r) => r.issued,
    }),
    issuedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the snapshot was issued.',
      resolve: (r) => r.issuedAt,
    }),
    snapshotId: t.globalID({
      nullable: true,
      description: "The stored HealthReport's global ID, when issued.",
      resolve: (r) => (r.snapshotId === null ? null : { type: 'HealthReport', id: r.snapshotId }),
    }),
    weekStart: t.field({
      type: 'DateTime',
      description: 'Monday 00:00 UTC (inclusive).',
      resolve: (r) => new Date(d(r).weekStart),
    }),
    weekEnd: t.field({
      type: 'DateTime',
      description: 'The next Monday 00:00 UTC (exclusive).',
      resolve: (r) => new Date(d(r).weekEnd),
    }),
    pointsAsOf: t.field({
      type: 'DateTime',
      description:
        'The instant `pointsAtEnd` is measured at: weekEnd, or the clock at computation for an unfinished week.',
      resolve: (r) => new Date(d(r).pointsAsOf),
    }),
    violationCount: t.int({
      description: 'Violations that occurred in the week.',
      resolve: (r) => d(r).violationCount,
    }),
    violationPoints: t.int({ description: 'Points those violations added.', resolve: (r) => d(r).violationPoints }),
    previousWeekViolationCount: t.int({
      description: 'Violations that occurred in the previous week, for comparison.',
      resolve: (r) => d(r).previousWeekViolationCount,
    }),
    byPolicy: t.field({
      type: [PolicyTallyRef],
      description: 'Violations in the week by policy, most frequent first (ties: more points, then code).',
      resolve: (r) => d(r).byPolicy,
    }),
    bySource: t.field({
      type: [SourceTallyRef],
      description: 'Violations in the week by source, every source listed.',
      resolve: (r) => d(r).bySource,
    }),
    topPolicies: t.field({
      type: [PolicyTallyRef],
      description: 'The most frequently violated policies of the week (up to 3).',
      resolve: (r) => d(r).topPolicies,
    }),
    liveSessionViolations: t.field({
      type: [ContentViolationRef],
      description: 'Violations found in live sessions, listed apart, in time order.',
      resolve: (r) => d(r).liveSessionViolations,
    }),
    videoViolations: t.field({
      type: [ContentViolationRef],
      description: 'Violations found in videos, listed apart, in time order.',
      resolve: (r) => d(r).videoViolations,
    }),
    pointsAtStart: t.int({
      description: "Ledger balance at weekStart (the previous week's end).",
      resolve: (r) => d(r).pointsAtStart,
    }),
    pointsAtEnd: t.int({
      description: 'Ledger balance at `pointsAsOf` (weekEnd for a finished week).',
      resolve: (r) => d(r).pointsAtEnd,
    }),
    pointsChange: t.int({
      description:
        "pointsAtEnd − pointsAtStart: the change from the previous week's end (additions minus expiries and removals).",
      resolve: (r) => d(r).pointsChange,
    }),
    healthAtEnd: t.field({
      type: HealthStatusEnum,
      description: 'Health that pointsAtEnd implies under the thresholds in force when computed.',
      resolve: (r) => d(r).healthAtEnd,
    }),
    educationLinks: t.field({
      type: [EducationLinkRef],
      description: 'Educational resources of the policies violated in the week.',
      resolve: (r) => d(r).educationLinks,
    }),
    quizzes: t.field({
      type: [QuizLinkRef],
      description: 'Quizzes targeting the policies violated in the week.',
      resolve: (r) => d(r).quizzes,
    }),
  }),
});

export const HealthReportNode = builder.prismaNode('HealthReport', {
  readScope: 'health:read',
  id: { field: 'id' },
  description: 'An issued weekly Account Health Report: a snapshot stored once per shop and week that never changes.',
  findUnique: (id) => ({ id: Number.parseInt(id, 10) || 0 }),
  fields: (t) => ({
    shop: t.relation('shop', { description: 'The shop.' }),
    weekStart: t.expose('weekStart', { type: 'DateTime', description: 'Monday 00:00 UTC of the week.' }),
    issuedAt: t.expose('issuedAt', { type: 'DateTime', description: 'When it was issued (platform clock).' }),
    report: t.field({
      type: AccountHealthReportRef,
      description: 'The report content.',
      select: { id: true, shopId: true, data: true, issuedAt: true },
      resolve: (r) => ({
        shopId: r.shopId,
        data: r.data as unknown as HealthReportData,
        issued: true,
        issuedAt: r.issuedAt,
        snapshotId: r.id,
      }),
    }),
  }),
});

builder.prismaObjectFields('Shop', (t) => ({
  healthReport: t.field({
    type: AccountHealthReportRef,
    nullable: true,
    description:
      'The Account Health Report of the week containing `weekOf` (default: this week): the issued snapshot if there is one, else computed live with `issued: false`. Null for a week that has not started.',
    authScopes: { scope: 'health:read' },
    args: { weekOf: t.arg({ type: 'DateTime', required: false, description: 'Any instant in the week wanted.' }) },
    select: { id: true },
    resolve: async (shop, args, ctx) =>
      healthReportLoader(ctx).load(`${shop.id}|${weekStartOf(args.weekOf ?? (await ctx.now())).toISOString()}`),
  }),
  healthReports: t.relatedConnection('healthReports', {
    cursor: 'id',
    description: 'Issued weekly reports, newest week first.',
    authScopes: { scope: 'health:read' },
    query: { orderBy: [{ weekStart: 'desc' }, { id: 'desc' }] },
  }),
}));

/** One report per shop and week per request (`shopId|weekStart`): a shop many rows reach is read once. */
function healthReportLoader(ctx: Context) {
  return loaderFor<string, ReportView | null>(ctx, 'healthReport', (keys) =>
    Promise.all(
      keys.map((key) => {
        const [shopId = '', weekStart = ''] = key.split('|');
        return readHealthReport(ctx, Number(shopId), new Date(weekStart)).catch((error: Error) => error);
      }),
    ),
  );
}

registerNodeReach('HealthReport', async (ctx, ids) =>
  (
    await ctx.prisma.healthReport.findMany({
      where: { AND: [{ id: { in: ids } }, shopOwnedWhere(ctx.viewer)] },
      select: { id: true },
    })
  ).map((r) => r.id),
);

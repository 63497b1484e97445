import {
  Prisma,
  type HealthStatus,
  type PlatformSettings,
  type PrismaClient,
  type ViolationSource,
} from '@shopwarden/db';
import type { Context } from '#context';
import { InvalidStateError, NotFoundError, ValidationError } from '#lib/errors.ts';
import { DAY_MS, healthForBalance, ledgerBalances, sqlInstant, type Db } from './ledger.service.ts';

export const WEEK_MS = 7 * DAY_MS;

type Thresholds = Pick<PlatformSettings, 'atRiskThreshold' | 'restrictedThreshold' | 'suspendedThreshold'>;
export const VIOLATION_SOURCES: readonly ViolationSource[] = ['LIVE_SESSION', 'VIDEO', 'LISTING', 'ORDER', 'OTHER'];
/** How many policies "most frequent" lists. */
export const TOP_POLICY_COUNT = 3;

/** Monday 00:00 UTC of the week that contains `at`. */
export function weekStartOf(at: Date): Date {
  const midnight = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  const daysSinceMonday = (at.getUTCDay() + 6) % 7;
  return new Date(midnight - daysSinceMonday * DAY_MS);
}

export function isWeekStart(at: Date): boolean {
  return weekStartOf(at).getTime() === at.getTime();
}

export interface PolicyTally {
  policyId: number;
  code: string;
  title: string;
  count: number;
  points: number;
}

export interface ContentViolationEntry {
  violationId: number;
  source: 'LIVE_SESSION' | 'VIDEO';
  occurredAt: string;
  points: number;
  policyId: number;
  policyCode: string;
  contentItemId: number | null;
  contentTitle: string | null;
  contentUrl: string | null;
  creatorHandle: string | null;
  creatorDisplayName: string | null;
}

/** The report as stored in HealthReport.data (ISO strings for instants) and as computed live. */
export interface HealthReportData {
  version: 1;
  weekStart: string;
  weekEnd: string;
  /** The instant pointsAtEnd is measured at: weekEnd, or the clock for an unfinished week. */
  pointsAsOf: string;
  violationCount: number;
  violationPoints: number;
  previousWeekViolationCount: number;
  byPolicy: PolicyTally[];
  bySource: { source: ViolationSource; count: number; points: number }[];
  topPolicies: PolicyTally[];
  liveSessionViolations: ContentViolationEntry[];
  videoViolations: ContentViolationEntry[];
  pointsAtStart: number;
  pointsAtEnd: number;
  pointsChange: number;
  healthAtEnd: HealthStatus;
  educationLinks: { policyId: number; code: string; title: string; url: string }[];
  quizzes: { quizId: number; policyId: number; policyCode: string; title: string }[];
}

interface AggregateRow {
  policyId: number;
  code: string;
  title: string;
  educationUrl: string;
  source: ViolationSource;
  inWeek: boolean;
  count: number;
  points: number;
}

interface ContentRow {
  id: number;
  source: 'LIVE_SESSION' | 'VIDEO';
  occurredAt: Date;
  points: number;
  policyId: number;
  policyCode: string;
  contentItemId: number | null;
  contentTitle: string | null;
  contentUrl: string | null;
  creatorHandle: string | null;
  creatorDisplayName: string | null;
}

const byFrequency = (a: PolicyTally, b: PolicyTally) =>
  b.count - a.count || b.points - a.points || a.code.localeCompare(b.code);

/**
 * Computes the Account Health Report of one shop and week with a fixed number of statements
 * (aggregation by policy × source × week in the database, the week's content violations, the two
 * ledger balances, and the quizzes of the violated policies) — never by loading every violation.
 */
export async function computeHealthReport(
  db: Db,
  shopId: number,
  weekStart: Date,
  now: Date,
  settings: Pick<PlatformSettings, 'atRiskThreshold' | 'restrictedThreshold' | 'suspendedThreshold'>,
): Promise<HealthReportData> {
  const weekEnd = new Date(weekStart.getTime() + WEEK_MS);
  const previousStart = new Date(weekStart.getTime() - WEEK_MS);
  const pointsAsOf = weekEnd.getTime() <= now.getTime() ? weekEnd : now;

  const aggregates = await db.$queryRaw<AggregateRow[]>`
    SELECT v."policyId" AS "policyId", p."code", p."title", p."educationUrl" AS "educationUrl", v."source"::text AS "source",
           (v."occurredAt" >= ${sqlInstant(weekStart)}) AS "inWeek", COUNT(*)::int AS "count", COALESCE(SUM(v."points"), 0)::int AS "points"
    FROM "Violation" v JOIN "Policy" p ON p."id" = v."policyId"
    WHERE v."shopId" = ${shopId}::int AND v."occurredAt" >= ${sqlInstant(previousStart)} AND v."occurredAt" < ${sqlInstant(weekEnd)}
    GROUP BY 1, 2, 3, 4, 5, 6`;
  const content = await db.$queryRaw<ContentRow[]>`
    SELECT v."id", v."source"::text AS "source", v."occurredAt" AS "occurredAt", v."points", v."policyId" AS "policyId", p."code" AS "policyCode",
           ci."id" AS "contentItemId", ci."title" AS "contentTitle", ci."url" AS "contentUrl", cr."handle" AS "creatorHandle", cr."displayName" AS "creatorDisplayName"
    FROM "Violation" v
    JOIN "Policy" p ON p."id" = v."policyId"
    LEFT JOIN "ContentItem" ci ON ci."id" = v."contentItemId"
    LEFT JOIN "Creator" cr ON cr."id" = ci."creatorId"
    WHERE v."shopId" = ${shopId}::int AND v."source" IN ('LIVE_SESSION', 'VIDEO')
      AND v."occurredAt" >= ${sqlInstant(weekStart)} AND v."occurredAt" < ${sqlInstant(weekEnd)}
    ORDER BY v."occurredAt", v."id"`;
  const [pointsAtStart = 0, pointsAtEnd = 0] = await ledgerBalances(db, [
    { shopId, at: weekStart },
    { shopId, at: pointsAsOf },
  ]);

  const week = aggregates.filter((r) => r.inWeek);
  const policies = new Map<number, PolicyTally & { url: string }>();
  for (const r of week) {
    const p = policies.get(r.policyId) ?? {
      policyId: r.policyId,
      code: r.code,
      title: r.title,
      url: r.educationUrl,
      count: 0,
      points: 0,
    };
    p.count += Number(r.count);
    p.points += Number(r.points);
    policies.set(r.policyId, p);
  }
  const byPolicy = [...policies.values()]
    .sort(byFrequency)
    .map(({ policyId, code, title, count, points }) => ({ policyId, code, title, count, points }));
  const bySource = VIOLATION_SOURCES.map((source) => {
    const rows = week.filter((r) => r.source === source);
    return {
      source,
      count: rows.reduce((s, r) => s + Number(r.count), 0),
      points: rows.reduce((s, r) => s + Number(r.points), 0),
    };
  });
  const violatedIds = byPolicy.map((p) => p.policyId);
  const quizzes = violatedIds.length
    ? await db.quiz.findMany({
        where: { policyId: { in: violatedIds }, active: true },
        select: { id: true, title: true, policyId: true },
        orderBy: { id: 'asc' },
      })
    : [];
  const toEntry = (r: ContentRow): ContentViolationEntry => ({
    violationId: Number(r.id),
    source: r.source,
    occurredAt: new Date(r.occurredAt).toISOString(),
    points: Number(r.points),
    policyId: Number(r.policyId),
    policyCode: r.policyCode,
    contentItemId: r.contentItemId === null ? null : Number(r.contentItemId),
    contentTitle: r.contentTitle,
    contentUrl: r.contentUrl,
    creatorHandle: r.creatorHandle,
    creatorDisplayName: r.creatorDisplayName,
  });

  return {
    version: 1,
    weekStart: weekStart.toISOString(),
    weekEnd: weekEnd.toISOString(),
    pointsAsOf: pointsAsOf.toISOString(),
    violationCount: week.reduce((s, r) => s + Number(r.count), 0),
    violationPoints: week.reduce((s, r) => s + Number(r.points), 0),
    previousWeekViolationCount: aggregates.filter((r) => !r.inWeek).reduce((s, r) => s + Number(r.count), 0),
    byPolicy,
    bySource,
    topPolicies: byPolicy.slice(0, TOP_POLICY_COUNT),
    liveSessionViolations: content.filter((r) => r.source === 'LIVE_SESSION').map(toEntry),
    videoViolations: content.filter((r) => r.source === 'VIDEO').map(toEntry),
    pointsAtStart,
    pointsAtEnd,
    pointsChange: pointsAtEnd - pointsAtStart,
    healthAtEnd: healthForBalance(pointsAtEnd, settings),
    educationLinks: [...policies.values()]
      .sort(byFrequency)
      .map((p) => ({ policyId: p.policyId, code: p.code, title: p.title, url: p.url })),
    quizzes: quizzes.map((q) => ({
      quizId: q.id,
      policyId: q.policyId,
      policyCode: policies.get(q.policyId)?.code ?? '',
      title: q.title,
    })),
  };
}

export interface ReportView {
  shopId: number;
  data: HealthReportData;
  issued: boolean;
  issuedAt: Date | null;
  snapshotId: number | null;
}

/** The report for the week containing `weekOf`: the issued snapshot when one exists, else computed live (issued: false); null for a week that has not started. */
export async function readHealthReport(ctx: Context, shopId: number, weekOf: Date): Promise<ReportView | null> {
  const now = await ctx.now();
  const weekStart = weekStartOf(weekOf);
  if (weekStart.getTime() > now.getTime()) return null;
  const snapshot = await ctx.prisma.healthReport.findUnique({ where: { shopId_weekStart: { shopId, weekStart } } });
  if (snapshot)
    return {
      shopId,
      data: snapshot.data as unknown as HealthReportData,
      issued: true,
      issuedAt: snapshot.issuedAt,
      snapshotId: snapshot.id,
    };
  const data = await computeHealthReport(ctx.prisma, shopId, weekStart, now, await ctx.settings());
  return { shopId, data, issued: false, issuedAt: null, snapshotId: null };
}

export interface IssueResult {
  weekStart: Date;
  /** Reports this call created. */
  issuedCount: number;
  /** Shops whose report for the week already existed (issued before or by a concurrent call). */
  alreadyIssuedCount: number;
  /** For a single shop: the stored report. */
  reportId: number | null;
}

/**
 * Stores the snapshot of a finished week for one shop or for every shop. INSERT … ON CONFLICT DO
 * NOTHING on (shopId, weekStart) makes issuing idempotent under any concurrency: one row per shop
 * and week, and the first snapshot is never overwritten.
 */
export async function issueHealthReports(
  ctx: Context,
  input: { shopId: number | null; weekStart: Date },
): Promise<IssueResult> {
  const [settings, now] = [await ctx.settings(), await ctx.now()];
  const { weekStart } = input;
  if (!isWeekStart(weekStart)) {
    throw ValidationError.field(
      ['input', 'weekStart'],
      `A week starts on Monday 00:00 UTC; this week starts ${weekStartOf(weekStart).toISOString()}.`,
    );
  }
  const weekEnd = new Date(weekStart.getTime() + WEEK_MS);
  if (weekEnd.getTime() > now.getTime()) {
    throw new InvalidStateError(
      'REPORT_WEEK_NOT_ENDED',
      `The week of ${weekStart.toISOString()} ends ${weekEnd.toISOString()}; the platform clock is ${now.toISOString()}.`,
    );
  }
  const { issuedCount, total } = await storeHealthReports(ctx.prisma, {
    shopId: input.shopId,
    weekStart,
    now,
    settings,
  });
  const reportId =
    input.shopId !== null
      ? ((
          await ctx.prisma.healthReport.findUnique({
            where: { shopId_weekStart: { shopId: input.shopId, weekStart } },
            select: { id: true },
          })
        )?.id ?? null)
      : null;
  return { weekStart, issuedCount, alreadyIssuedCount: total - issuedCount, reportId };
}

/**
 * Stores the snapshots of a finished week for one shop (which must exist) or for every shop that has
 * none yet; INSERT … ON CONFLICT DO NOTHING keeps the first snapshot of each (shop, week).
 */
export async function storeHealthReports(
  prisma: PrismaClient,
  input: { shopId: number | null; weekStart: Date; now: Date; settings: Thresholds },
): Promise<{ issuedCount: number; total: number }> {
  const { weekStart, now, settings } = input;
  let shopIds: number[];
  let total: number;
  if (input.shopId !== null) {
    if (!(await prisma.shop.findUnique({ where: { id: input.shopId }, select: { id: true } })))
      throw new NotFoundError('Shop');
    shopIds = [input.shopId];
    total = 1;
  } else {
    total = await prisma.shop.count();
    shopIds = (
      await prisma.shop.findMany({
        where: { healthReports: { none: { weekStart } } },
        select: { id: true },
        orderBy: { id: 'asc' },
      })
    ).map((s) => s.id);
  }
  let issuedCount = 0;
  for (let i = 0; i < shopIds.length; i += 50) {
    const chunk = shopIds.slice(i, i + 50);
    const rows: Prisma.HealthReportCreateManyInput[] = [];
    for (const shopId of chunk) {
      const data = await computeHealthReport(prisma, shopId, weekStart, now, settings);
      rows.push({ shopId, weekStart, issuedAt: now, data: data as unknown as Prisma.InputJsonValue });
    }
    issuedCount += (await prisma.healthReport.createMany({ data: rows, skipDuplicates: true })).count;
  }
  return { issuedCount, total };
}

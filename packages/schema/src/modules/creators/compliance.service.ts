import { Prisma, type PlatformSettings, type ViolationSource } from '@shopwarden/db';
import { must } from '#lib/must.ts';
import { DAY_MS, sqlInstant, type Db } from '#modules/health/ledger.service.ts';

export type ComplianceStanding = 'GOOD' | 'WATCH' | 'POOR';

export interface ComplianceCount {
  count: number;
  points: number;
}

/** A creator's compliance record, derived on every read from the violations on their content. */
export interface ComplianceRecord {
  creatorId: number;
  /** Points of violations that count (ACTIVE or APPEALED) and occurred in the window. */
  points: number;
  violationCount: number;
  byPolicy: (ComplianceCount & { policyId: number })[];
  bySource: (ComplianceCount & { source: ViolationSource })[];
  /** The most recent counting violation, in the window or before it. */
  lastViolationAt: Date | null;
  standing: ComplianceStanding;
  windowStart: Date;
  windowEnd: Date;
}

type StandingSettings = Pick<PlatformSettings, 'creatorWatchThreshold' | 'creatorPoorThreshold' | 'pointExpiryDays'>;

export function standingForPoints(points: number, s: StandingSettings): ComplianceStanding {
  if (points >= s.creatorPoorThreshold) return 'POOR';
  if (points >= s.creatorWatchThreshold) return 'WATCH';
  return 'GOOD';
}

/** The violation statuses whose points count against a creator (removed and expired ones do not). */
export const COUNTING_STATUSES = Prisma.sql`('ACTIVE', 'APPEALED')`;

/**
 * The compliance records of many creators at `now`, in ONE statement. The window is the last
 * `pointExpiryDays` days (90 by default): a violation counts when now − window < occurredAt ≤ now.
 */
export async function complianceRecords(
  db: Db,
  creatorIds: readonly number[],
  now: Date,
  settings: StandingSettings,
): Promise<Map<number, ComplianceRecord>> {
  const windowStart = new Date(now.getTime() - settings.pointExpiryDays * DAY_MS);
  const records = new Map<number, ComplianceRecord>();
  for (const creatorId of creatorIds)
    records.set(creatorId, {
      creatorId,
      points: 0,
      violationCount: 0,
      byPolicy: [],
      bySource: [],
      lastViolationAt: null,
      standing: standingForPoints(0, settings),
      windowStart,
      windowEnd: now,
    });
  if (creatorIds.length === 0) return records;
  const rows = await db.$queryRaw<
    { creatorId: number; policyId: number; source: ViolationSource; n: number; points: number; lastAt: Date }[]
  >`
    SELECT ci."creatorId", v."policyId", v."source"::text AS source,
      (COUNT(*) FILTER (WHERE v."occurredAt" > ${sqlInstant(windowStart)}))::int AS n,
      COALESCE(SUM(v."points") FILTER (WHERE v."occurredAt" > ${sqlInstant(windowStart)}), 0)::int AS points,
      MAX(v."occurredAt") AS "lastAt"
    FROM "Violation" v JOIN "ContentItem" ci ON ci."id" = v."contentItemId"
    WHERE ci."creatorId" IN (${Prisma.join(creatorIds.map((id) => Prisma.sql`${id}::int`))})
      AND v."status" IN ${COUNTING_STATUSES} AND v."occurredAt" <= ${sqlInstant(now)}
    GROUP BY ci."creatorId", v."policyId", v."source"
    ORDER BY ci."creatorId", v."policyId", v."source"`;
  for (const row of rows) {
    const record = must(records.get(Number(row.creatorId)), `compliance record of creator ${row.creatorId}`);
    const lastAt = new Date(row.lastAt);
    if (!record.lastViolationAt || lastAt > record.lastViolationAt) record.lastViolationAt = lastAt;
    if (row.n === 0) continue;
    record.points += row.points;
    record.violationCount += row.n;
    addTo(record.byPolicy, (c) => c.policyId === row.policyId, { policyId: row.policyId, count: 0, points: 0 }, row);
    addTo(record.bySource, (c) => c.source === row.source, { source: row.source, count: 0, points: 0 }, row);
  }
  for (const record of records.values()) {
    record.standing = standingForPoints(record.points, settings);
    record.byPolicy.sort((a, b) => b.points - a.points || a.policyId - b.policyId);
    record.bySource.sort((a, b) => b.points - a.points || a.source.localeCompare(b.source));
  }
  return records;
}

function addTo<T extends ComplianceCount>(
  list: T[],
  match: (c: T) => boolean,
  fresh: T,
  row: { n: number; points: number },
) {
  let entry = list.find(match);
  if (!entry) list.push((entry = fresh));
  entry.count += row.n;
  entry.points += row.points;
}

import { applyMigrations, createDatabase, type Database } from '@shopwarden/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthForBalance, ledgerBalances, remainingPoints, statusForHealth } from './ledger.service.ts';
import { isWeekStart, weekStartOf } from './health-report.service.ts';
import { effectiveViolationStatus } from './violation.service.ts';

const thresholds = { atRiskThreshold: 12, restrictedThreshold: 24, suspendedThreshold: 48 };

describe('health thresholds', () => {
  it('maps balances to health and status at the exact thresholds', () => {
    expect([0, 11, 12, 23, 24, 47, 48, 500].map((b) => healthForBalance(b, thresholds))).toEqual([
      'HEALTHY',
      'HEALTHY',
      'AT_RISK',
      'AT_RISK',
      'RESTRICTED',
      'RESTRICTED',
      'SUSPENDED',
      'SUSPENDED',
    ]);
    expect((['HEALTHY', 'AT_RISK', 'RESTRICTED', 'SUSPENDED'] as const).map(statusForHealth)).toEqual([
      'ACTIVE',
      'ACTIVE',
      'RESTRICTED',
      'SUSPENDED',
    ]);
  });
});

describe('report weeks', () => {
  it('starts every week on Monday 00:00 UTC', () => {
    expect(weekStartOf(new Date('2024-03-04T00:00:00Z')).toISOString()).toBe('2024-03-04T00:00:00.000Z');
    expect(weekStartOf(new Date('2024-03-10T23:59:59.999Z')).toISOString()).toBe('2024-03-04T00:00:00.000Z');
    expect(weekStartOf(new Date('2024-03-11T00:00:00Z')).toISOString()).toBe('2024-03-11T00:00:00.000Z');
    expect(weekStartOf(new Date('2024-01-01T05:00:00Z')).toISOString()).toBe('2024-01-01T00:00:00.000Z');
    expect(isWeekStart(new Date('2024-03-04T00:00:00Z'))).toBe(true);
    expect(isWeekStart(new Date('2024-03-04T00:00:00.001Z'))).toBe(false);
  });
});

describe('violation status', () => {
  it('is EXPIRED from the expiry instant, and REMOVED stays REMOVED', () => {
    const expiry = new Date('2024-05-30T10:00:00Z');
    expect(effectiveViolationStatus('ACTIVE', expiry, new Date(expiry.getTime() - 1))).toBe('ACTIVE');
    expect(effectiveViolationStatus('ACTIVE', expiry, expiry)).toBe('EXPIRED');
    expect(effectiveViolationStatus('APPEALED', expiry, expiry)).toBe('EXPIRED');
    expect(effectiveViolationStatus('REMOVED', expiry, expiry)).toBe('REMOVED');
  });
});

/** The ledger formula, written out in TypeScript, to check the SQL against on random ledgers. */
function referenceBalance(
  entries: { violationId: number; points: number; effectiveAt: number; expiresAt: number }[],
  at: number,
): number {
  const byViolation = new Map<number, number>();
  for (const e of entries) {
    if (e.effectiveAt <= at && at < e.expiresAt)
      byViolation.set(e.violationId, (byViolation.get(e.violationId) ?? 0) + e.points);
  }
  return [...byViolation.values()].reduce((s, v) => s + Math.max(0, v), 0);
}

describe('ledger balance SQL', () => {
  let db: Database;
  beforeAll(async () => {
    db = await createDatabase({ kind: 'pglite', dataDir: 'memory://' });
    await applyMigrations(db.migrationAdapterFactory);
  });
  afterAll(async () => db.close());

  it('equals the reference formula at every boundary of a random ledger with removals', async () => {
    const shop = await db.prisma.shop.create({ data: { name: 'Random ledger', sites: ['GB'] } });
    const policy = await db.prisma.policy.create({
      data: {
        code: 'RANDOM',
        title: 'Random',
        description: 'x',
        defaultPoints: 3,
        educationUrl: 'https://example.com',
      },
    });
    let seed = 7;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    const base = Date.UTC(2024, 0, 1);
    const day = 86_400_000;
    const reference: { violationId: number; points: number; effectiveAt: number; expiresAt: number }[] = [];
    for (let i = 0; i < 40; i++) {
      const effectiveAt = base + rand(200) * day + rand(day);
      const expiresAt = effectiveAt + 90 * day;
      const points = 1 + rand(8);
      const v = await db.prisma.violation.create({
        data: { shopId: shop.id, policyId: policy.id, source: 'OTHER', occurredAt: new Date(effectiveAt), points },
      });
      await db.prisma.pointsLedgerEntry.create({
        data: {
          shopId: shop.id,
          policyId: policy.id,
          violationId: v.id,
          kind: 'VIOLATION_ADDED',
          points,
          effectiveAt: new Date(effectiveAt),
          expiresAt: new Date(expiresAt),
        },
      });
      reference.push({ violationId: v.id, points, effectiveAt, expiresAt });
      // Some removals, a few larger than what is left: the clamp keeps the violation at zero.
      if (rand(3) === 0) {
        const removedAt = effectiveAt + rand(120) * day;
        const removed = -(1 + rand(points + 2));
        await db.prisma.pointsLedgerEntry.create({
          data: {
            shopId: shop.id,
            policyId: policy.id,
            violationId: v.id,
            kind: 'QUIZ_REMOVAL',
            points: removed,
            effectiveAt: new Date(removedAt),
            expiresAt: new Date(expiresAt),
          },
        });
        reference.push({ violationId: v.id, points: removed, effectiveAt: removedAt, expiresAt });
      }
    }
    const instants = [
      ...new Set(reference.flatMap((e) => [e.effectiveAt - 1, e.effectiveAt, e.expiresAt - 1, e.expiresAt])),
    ].sort((a, b) => a - b);
    const balances = await ledgerBalances(
      db.prisma,
      instants.map((at) => ({ shopId: shop.id, at: new Date(at) })),
    );
    expect(balances).toEqual(instants.map((at) => referenceBalance(reference, at)));
    expect(Math.max(...balances)).toBeGreaterThan(0);

    const at = instants[Math.floor(instants.length / 2)]!;
    const remaining = await remainingPoints(db.prisma, [...new Set(reference.map((e) => e.violationId))], new Date(at));
    expect([...remaining.values()].reduce((s, v) => s + v, 0)).toBe(referenceBalance(reference, at));
  });
});

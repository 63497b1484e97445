import { describe, expect, it } from 'vitest';
import { distanceToNextTier, metricWindows, qualifyingTier } from './metrics.service.ts';

const tiers = [
  { code: 'ENTRY', rank: 0, minTrailingRevenue: 0n, minLastMonthSales: 0n },
  { code: 'ESTABLISHED', rank: 1, minTrailingRevenue: 100_000_000n, minLastMonthSales: 6_500_000n },
  { code: 'STRATEGIC', rank: 2, minTrailingRevenue: 1_000_000_000n, minLastMonthSales: 80_000_000n },
];

describe('metric windows', () => {
  it('takes the last full UTC calendar month and the 12 months before asOf', () => {
    expect(metricWindows(new Date('2024-03-31T10:00:00Z'))).toEqual({
      asOf: new Date('2024-03-31T10:00:00Z'),
      trailingStart: new Date('2023-03-31T10:00:00Z'),
      lastMonthStart: new Date('2024-02-01T00:00:00Z'),
      lastMonthEnd: new Date('2024-03-01T00:00:00Z'),
    });
    // On the first instant of a month, the month just ended is the last full one; January wraps to December.
    const jan = metricWindows(new Date('2024-01-01T00:00:00Z'));
    expect([jan.lastMonthStart, jan.lastMonthEnd]).toEqual([
      new Date('2023-12-01T00:00:00Z'),
      new Date('2024-01-01T00:00:00Z'),
    ]);
    // 29 February minus 12 months clamps to 28 February.
    expect(metricWindows(new Date('2024-02-29T12:00:00Z')).trailingStart).toEqual(new Date('2023-02-28T12:00:00Z'));
  });
});

describe('tier qualification', () => {
  it('needs both thresholds, inclusive, and picks the highest rank', () => {
    expect(qualifyingTier(tiers, { trailingRevenue: 100_000_000n, lastMonthSales: 6_500_000n })?.code).toBe(
      'ESTABLISHED',
    );
    expect(qualifyingTier(tiers, { trailingRevenue: 99_999_999n, lastMonthSales: 6_500_000n })?.code).toBe('ENTRY');
    expect(qualifyingTier(tiers, { trailingRevenue: 100_000_000n, lastMonthSales: 6_499_999n })?.code).toBe('ENTRY');
    expect(qualifyingTier(tiers, { trailingRevenue: 5_000_000_000n, lastMonthSales: 80_000_000n })?.code).toBe(
      'STRATEGIC',
    );
    expect(qualifyingTier(tiers.slice(1), { trailingRevenue: 0n, lastMonthSales: 0n })).toBeNull();
  });

  it('measures the distance to the next tier, zero for a threshold already met, null at the top', () => {
    expect(distanceToNextTier(tiers, { trailingRevenue: 150_000_000n, lastMonthSales: 1_000_000n })).toMatchObject({
      tier: { code: 'ESTABLISHED' },
      trailingRevenueNeeded: 0n,
      lastMonthSalesNeeded: 5_500_000n,
    });
    expect(distanceToNextTier(tiers, { trailingRevenue: 1_000_000_000n, lastMonthSales: 80_000_000n })).toBeNull();
  });
});

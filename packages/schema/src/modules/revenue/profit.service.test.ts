import { describe, expect, it } from 'vitest';
import { feeAt, marginPercent } from './profit.service.ts';

describe('profit arithmetic (integers only)', () => {
  it('rounds a margin half up to two decimals', () => {
    expect(marginPercent(37_477n, 47_000n)).toBe('79.74');
    expect(marginPercent(1n, 3n)).toBe('33.33');
    expect(marginPercent(2n, 3n)).toBe('66.67');
    expect(marginPercent(-1n, 8n)).toBe('-12.50');
    expect(marginPercent(0n, 0n)).toBeNull();
  });

  it('charges basis-point fees rounded half up to the cent', () => {
    expect(feeAt(10_000n, 700)).toBe(700n);
    expect(feeAt(1_999n, 290)).toBe(58n); // 57.971 → 58
    expect(feeAt(50n, 100)).toBe(1n); // 0.5 → 1
    expect(feeAt(49n, 100)).toBe(0n);
  });
});

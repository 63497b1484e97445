import type { MoneyShape } from '#modules/core/money.ts';

/** Tier metrics and thresholds are USD minor units. */
export const usd = (minor: number | bigint): MoneyShape => ({ minor, currency: 'USD' });

import type { PlatformSettings, Prisma } from '../generated/prisma/client';

export type Tx = Prisma.TransactionClient;

export type Site = 'US' | 'GB' | 'DE' | 'FR' | 'ES' | 'IT' | 'ID' | 'MY' | 'TH' | 'VN' | 'PH' | 'SG';

export const SITES: readonly Site[] = ['US', 'GB', 'DE', 'FR', 'ES', 'IT', 'ID', 'MY', 'TH', 'VN', 'PH', 'SG'];

/** What every part of the seed reads: the clock and the policy calendar as stored in PlatformSettings. */
export interface SeedContext {
  now: Date;
  settings: PlatformSettings;
  /** When the catalogues (categories, fees, policies) were published. */
  catalogueAt: Date;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

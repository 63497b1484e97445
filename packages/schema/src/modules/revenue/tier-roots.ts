/**
 * What the tier root fields read, shared by their resolvers and their compiled reads (kept apart
 * from tier.node.ts, whose computed fields change on their own).
 */
import { compiledRoot } from '#compiled';

/** What `tiers` reads: every tier, lowest rank first (its cursor is the rank). */
export const tiersQuery = () => ({ orderBy: { rank: 'asc' as const } });

/** What `tierRecalculationRuns` reads: every run, newest first. */
export const tierRunsQuery = () => ({ orderBy: { id: 'desc' as const } });

export const tiersRoot = compiledRoot({
  model: 'Tier',
  kind: 'connection',
  query: tiersQuery,
  cursor: 'rank',
  defaultSize: 20,
  maxSize: 100,
});

export const tierRunsRoot = compiledRoot({
  model: 'TierRecalculationRun',
  kind: 'connection',
  query: tierRunsQuery,
  defaultSize: 20,
  maxSize: 100,
});

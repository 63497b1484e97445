import { builder } from '#builder';
import { loaderFor } from '#lib/loaders.ts';
import { must } from '#lib/must.ts';
import type { Context } from '#context';
import { PolicyNode } from '#modules/health/policy.node.ts';
import { ViolationSourceEnum } from '#modules/health/violation.node.ts';
import { complianceRecords, type ComplianceRecord } from './compliance.service.ts';

export const ComplianceStandingEnum = builder.enumType('ComplianceStanding', {
  description: "A creator's standing from the points on their content in the window (thresholds in the settings).",
  values: {
    GOOD: { description: 'Below creatorWatchThreshold points.' },
    WATCH: { description: 'From creatorWatchThreshold points: worth a look before partnering.' },
    POOR: { description: 'From creatorPoorThreshold points: left out of matching unless asked for.' },
  } as const,
});

const PolicyCountRef = builder.objectRef<ComplianceRecord['byPolicy'][number]>('CreatorPolicyViolations').implement({
  description: 'Violations of one policy on a creator’s content in the window.',
  fields: (t) => ({
    policy: t.prismaField({
      type: PolicyNode,
      description: 'The policy breached.',
      resolve: (query, row, _a, ctx) => ctx.prisma.policy.findUniqueOrThrow({ ...query, where: { id: row.policyId } }),
    }),
    count: t.exposeInt('count', { description: 'How many violations.' }),
    points: t.exposeInt('points', { description: 'Their points.' }),
  }),
});

const SourceCountRef = builder.objectRef<ComplianceRecord['bySource'][number]>('CreatorSourceViolations').implement({
  description: 'Violations from one source (live sessions or videos) on a creator’s content in the window.',
  fields: (t) => ({
    source: t.expose('source', { type: ViolationSourceEnum, description: 'Where they were found.' }),
    count: t.exposeInt('count', { description: 'How many violations.' }),
    points: t.exposeInt('points', { description: 'Their points.' }),
  }),
});

export const CreatorComplianceRef = builder.objectRef<ComplianceRecord>('CreatorCompliance').implement({
  readScope: 'creators:read',
  description:
    "A creator's compliance record, derived when read from the violations recorded against their content (never stored). Violations count while ACTIVE or APPEALED and within the window.",
  fields: (t) => ({
    points: t.exposeInt('points', { description: 'Points of the counting violations in the window.' }),
    violationCount: t.exposeInt('violationCount', { description: 'Counting violations in the window.' }),
    standing: t.expose('standing', { type: ComplianceStandingEnum, description: 'GOOD, WATCH or POOR.' }),
    byPolicy: t.field({
      type: [PolicyCountRef],
      description: 'Violations in the window by policy, most points first.',
      resolve: (r) => r.byPolicy,
    }),
    bySource: t.field({
      type: [SourceCountRef],
      description: 'Violations in the window by source, most points first.',
      resolve: (r) => r.bySource,
    }),
    lastViolationAt: t.expose('lastViolationAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the most recent counting violation occurred (in the window or before); null for none.',
    }),
    windowStart: t.expose('windowStart', {
      type: 'DateTime',
      description: 'Start of the window (exclusive): pointExpiryDays before windowEnd.',
    }),
    windowEnd: t.expose('windowEnd', { type: 'DateTime', description: 'End of the window: the platform clock.' }),
  }),
});

/** Compliance records of the creators on a page, batched into one statement per request. */
export function complianceOf(ctx: Context, creatorId: number): Promise<ComplianceRecord> {
  return loaderFor<number, ComplianceRecord>(ctx, 'creatorCompliance', async (ids) => {
    const records = await complianceRecords(ctx.prisma, ids, await ctx.now(), await ctx.settings());
    return ids.map((id) => must(records.get(id), `compliance record of creator ${id}`));
  }).load(creatorId);
}

builder.prismaObjectFields('Creator', (t) => ({
  compliance: t.field({
    type: CreatorComplianceRef,
    description: "The creator's compliance record, from the violations on their content (needs `creators:read`).",
    authScopes: { scope: 'creators:read' },
    select: { id: true },
    resolve: (creator, _args, ctx) => complianceOf(ctx, creator.id),
  }),
}));

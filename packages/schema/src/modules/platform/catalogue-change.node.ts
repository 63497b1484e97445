import type { CatalogueEntity } from '@shopwarden/db';
import { builder } from '#builder';
import { compiledJson, compiledRoot, jsonPlain } from '#compiled';
import { encodeGlobalId } from '#lib/ids.ts';
import { registerNodeReach } from '#lib/node-reach.ts';

export const CatalogueEntityEnum = builder.enumType('CatalogueEntity', {
  description: 'The kinds of catalogue row an administrator changes at run time.',
  values: {
    TIER: { description: 'A revenue tier (thresholds and benefits): `tierUpdate`.' },
    POLICY: { description: 'A policy (points, education link, active): `policyUpdate`.' },
    FEE_CATEGORY: { description: 'A fee category (default rate): `feeCategoryUpdate`.' },
    QUIZ: { description: 'A Creator Policy Quiz (questions, active): `quizUpdate`.' },
    CATEGORY: { description: 'A category (restricted or prohibited): `categoryUpdate`.' },
  } as const,
});

const typenames: Record<CatalogueEntity, string> = {
  TIER: 'Tier',
  POLICY: 'Policy',
  FEE_CATEGORY: 'FeeCategory',
  QUIZ: 'Quiz',
  CATEGORY: 'Category',
};

export const CatalogueChangeNode = builder.prismaNode('CatalogueChange', {
  id: { field: 'id' },
  description:
    'An administrator’s change to a catalogue row, in force from `effectiveFrom`. Decisions made before then (violations’ points, issued reports and tiers, graded quiz attempts) keep the values they were made with. Administrators only.',
  findUnique: (id) => ({ id: Number.parseInt(id, 10) || 0 }),
  fields: (t) => ({
    entity: t.expose('entity', { type: CatalogueEntityEnum, description: 'The kind of row changed.' }),
    subjectId: t.id({
      description: 'The global ID of the row changed (a Tier, Policy, FeeCategory, Quiz or Category).',
      select: { entity: true, entityId: true },
      extensions: compiledJson((c) => {
        const prefix = Object.entries(typenames)
          .map(([entity, typename]) => `WHEN '${entity}' THEN '${typename}:'`)
          .join(' ');
        // The relay plugin's base64 of `Type:id`, the type picked by the entity.
        const encoded = `encode((CASE ${c.col('entity')}::text ${prefix} END || ${c.col('entityId')})::bytea, 'base64')`;
        return jsonPlain(`replace(${encoded}, E'\\n', '')`, false);
      }),
      resolve: (c) => encodeGlobalId(typenames[c.entity], c.entityId),
    }),
    changes: t.expose('changes', {
      type: 'JSON',
      description: 'The fields changed and their new values (amounts as decimal strings of minor units).',
    }),
    previous: t.expose('previous', {
      type: 'JSON',
      nullable: true,
      description: 'The same fields’ values just before the change was applied; null while pending.',
    }),
    effectiveFrom: t.expose('effectiveFrom', {
      type: 'DateTime',
      description: 'The platform instant from which the change is in force.',
    }),
    appliedAt: t.expose('appliedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was applied (platform clock); null while it waits for `effectiveFrom`.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was requested (platform clock).' }),
  }),
});

/** What `catalogueChanges` reads: by entity and whether applied, newest first (the resolver's and the compiled read's). */
function changesQuery(args: { entity?: CatalogueEntity | null; pending?: boolean | null }) {
  return {
    where: {
      ...(args.entity ? { entity: args.entity } : {}),
      ...(args.pending === true ? { appliedAt: null } : args.pending === false ? { appliedAt: { not: null } } : {}),
    },
    orderBy: { id: 'desc' as const },
  };
}

builder.queryField('catalogueChanges', (t) =>
  t.prismaConnection({
    type: 'CatalogueChange',
    cursor: 'id',
    defaultSize: 20,
    maxSize: 100,
    description:
      'Every catalogue change, newest first (administrators only): the history of the tiers, policies, fee categories, quizzes and categories.',
    authScopes: { admin: true },
    args: {
      entity: t.arg({ type: CatalogueEntityEnum, required: false, description: 'Only changes to this kind of row.' }),
      pending: t.arg.boolean({
        required: false,
        description: 'True: only changes waiting for their `effectiveFrom`; false: only applied ones.',
      }),
    },
    extensions: compiledRoot({
      model: 'CatalogueChange',
      kind: 'connection',
      query: changesQuery,
      defaultSize: 20,
      maxSize: 100,
    }),
    resolve: (query, _root, args, ctx) => ctx.prisma.catalogueChange.findMany({ ...query, ...changesQuery(args) }),
  }),
);

registerNodeReach('CatalogueChange', async (ctx, ids) =>
  ctx.viewer?.role === 'ADMIN'
    ? (await ctx.prisma.catalogueChange.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((r) => r.id)
    : [],
);

import { builder } from '#builder';
import { compiledRoot } from '#compiled';
import { registerNodeReachWhere } from '#lib/node-reach.ts';

export const PolicyNode = builder.prismaNode('Policy', {
  id: { field: 'id' },
  description:
    'A marketplace policy from the catalogue: what it forbids, the points a violation costs by default, and where to learn about it.',
  findUnique: (id) => ({ id: Number.parseInt(id, 10) || 0 }),
  fields: (t) => ({
    code: t.exposeString('code', { description: 'Stable machine-readable code, e.g. MISLEADING_CLAIMS.' }),
    title: t.exposeString('title', { description: 'Short human title.' }),
    description: t.exposeString('description', { description: 'What the policy forbids.' }),
    defaultPoints: t.exposeInt('defaultPoints', {
      description: 'Points a violation of this policy costs unless the administrator records another number.',
    }),
    educationUrl: t.exposeString('educationUrl', { description: 'Link to the educational resource for this policy.' }),
    active: t.exposeBoolean('active', {
      description: 'False: no new violation can be recorded under it (`policyUpdate`); existing ones stay.',
    }),
    quizzes: t.relation('quizzes', {
      description: 'Active Creator Policy Quizzes that target this policy; passing one removes points.',
      query: { where: { active: true }, orderBy: { id: 'asc' } },
    }),
  }),
});

/** What `policies` reads: the catalogue by id, or the one policy with `code` (the resolver's and the compiled read's). */
function policiesQuery(args: { code?: string | null }) {
  return { where: args.code ? { code: args.code } : {}, orderBy: { id: 'asc' as const } };
}

builder.queryFields((t) => ({
  policies: t.prismaConnection({
    type: 'Policy',
    cursor: 'id',
    defaultSize: 20,
    maxSize: 100,
    description: 'The policy catalogue, by id. Readable by every authenticated caller.',
    authScopes: { authenticated: true },
    args: { code: t.arg.string({ required: false, description: 'Only the policy with this code.' }) },
    extensions: compiledRoot({
      model: 'Policy',
      kind: 'connection',
      query: policiesQuery,
      defaultSize: 20,
      maxSize: 100,
    }),
    resolve: (query, _root, args, ctx) => ctx.prisma.policy.findMany({ ...query, ...policiesQuery(args) }),
  }),
}));

// The catalogue is public to every authenticated caller.
registerNodeReachWhere('Policy', 'Policy', (ctx) => (ctx.viewer ? {} : null));

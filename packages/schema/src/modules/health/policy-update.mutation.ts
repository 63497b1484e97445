import type { CatalogueChange, Policy, Prisma } from '@shopwarden/db';
import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { assertAdmin } from '#modules/auth/viewer.ts';
import { ValidationError, type FieldError } from '#lib/errors.ts';
import {
  changeCatalogueRow,
  found,
  given,
  registerCatalogueApplier,
  type CatalogueValues,
} from '#modules/platform/catalogue-change.service.ts';
import { PolicyNode } from './policy.node.ts';

const PolicyUpdateInput = builder.inputType('PolicyUpdateInput', {
  description: "A policy's new values; omitted fields keep theirs.",
  fields: (t) => ({
    policyId: t.globalID({ for: PolicyNode, required: true, description: 'The policy to change.' }),
    title: t.string({ description: 'Short human title, 1–200 characters.' }),
    description: t.string({ description: 'What the policy forbids, 1–5000 characters.' }),
    defaultPoints: t.int({ description: 'Points a new violation costs by default (1–1000).' }),
    educationUrl: t.string({ description: 'An https link to the educational resource.' }),
    active: t.boolean({ description: 'False: no new violation can be recorded under it (existing ones stay).' }),
    effectiveFrom: t.field({
      type: 'DateTime',
      description:
        "When the change takes effect (default: the platform clock's now; never earlier). Violations already recorded keep their points.",
    }),
  }),
});

const PolicyUpdateSuccess = builder.objectRef<CatalogueChange>('PolicyUpdateSuccess').implement({
  description: 'The change was recorded: applied at once, or waiting for its `effectiveFrom`.',
  fields: (t) => ({
    change: t.prismaField({
      type: 'CatalogueChange',
      description: 'The recorded change.',
      resolve: (query, c, _a, ctx) => ctx.prisma.catalogueChange.findUniqueOrThrow({ ...query, where: { id: c.id } }),
    }),
    policy: t.prismaField({
      type: 'Policy',
      description: 'The policy as it stands now (unchanged until `effectiveFrom`).',
      resolve: (query, c, _a, ctx) => ctx.prisma.policy.findUniqueOrThrow({ ...query, where: { id: c.entityId } }),
    }),
  }),
});

type PolicyFields = Pick<Policy, 'title' | 'description' | 'defaultPoints' | 'educationUrl' | 'active'>;

/** Whether a string is an absolute https URL. */
function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

registerCatalogueApplier('POLICY', {
  typename: 'Policy',
  async apply(tx, id, changes) {
    const policy = await tx.policy.findUnique({ where: { id } });
    if (!policy) return null;
    await tx.policy.update({ where: { id }, data: changes as Prisma.PolicyUpdateInput });
    return Object.fromEntries(Object.keys(changes).map((k) => [k, policy[k as keyof PolicyFields]])) as CatalogueValues;
  },
});

builder.mutationField('policyUpdate', (t) =>
  t.field({
    type: PolicyUpdateSuccess,
    description:
      "Changes a policy's title, description, default points, education link or whether it is active, from an instant on (administrators). Violations recorded before keep their points; issued Account Health Reports keep what they showed.",
    errors: {},
    args: { input: t.arg({ type: PolicyUpdateInput, required: true }) },
    resolve: audited('policyUpdate', async (_root, { input }, ctx) => {
      assertAdmin(ctx.viewer);
      const id = Number.parseInt(input.policyId.id, 10) || 0;
      const { policyId: _id, effectiveFrom, ...rest } = input;
      const changes = given(rest);
      const errors: FieldError[] = [];
      if (changes.title !== undefined) {
        changes.title = changes.title.trim();
        if (!changes.title || changes.title.length > 200)
          errors.push({ path: ['input', 'title'], message: 'The title must be 1–200 characters.' });
      }
      if (changes.description !== undefined && (!changes.description.trim() || changes.description.length > 5000))
        errors.push({ path: ['input', 'description'], message: 'The description must be 1–5000 characters.' });
      if (changes.defaultPoints !== undefined && (changes.defaultPoints < 1 || changes.defaultPoints > 1000))
        errors.push({ path: ['input', 'defaultPoints'], message: 'Must be between 1 and 1000.' });
      if (
        changes.educationUrl !== undefined &&
        (changes.educationUrl.length > 2000 || !isHttpsUrl(changes.educationUrl))
      )
        errors.push({
          path: ['input', 'educationUrl'],
          message: 'Give an absolute https URL (at most 2000 characters).',
        });
      if (errors.length) throw new ValidationError(errors);
      return changeCatalogueRow(ctx, {
        entity: 'POLICY',
        entityId: id,
        changes: changes as CatalogueValues,
        effectiveFrom,
        validate: async (tx) => {
          found(await tx.policy.findUnique({ where: { id }, select: { id: true } }), 'Policy');
        },
      });
    }),
  }),
);

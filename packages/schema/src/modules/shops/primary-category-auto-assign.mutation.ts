import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { minorToDecimal } from '#lib/scalars.ts';
import type { AutoAssignmentEntry, AutoAssignmentResult, CategoryFigure } from './auto-assignment.service.ts';
import { runAutoAssignment } from './auto-assignment.service.ts';
import { assertAdmin } from '#modules/auth/viewer.ts';

const AutoAssignmentOutcomeEnum = builder.enumType('AutoAssignmentOutcome', {
  description: 'What auto-assignment does with a shop that has no primary category.',
  values: {
    ASSIGN: { description: 'Assign the top-level category with the highest sales in the look-back window.' },
    NEEDS_MANUAL_DECISION: { description: 'No sales in the window: not guessed at; an administrator decides.' },
  } as const,
});

const CategoryFigureRef = builder.objectRef<CategoryFigure>('AutoAssignmentFigure').implement({
  description: "A shop's sales in one top-level category over the look-back window.",
  fields: (t) => ({
    category: t.prismaField({
      type: 'Category',
      description: 'The top-level category.',
      resolve: (q, f, _a, ctx) => ctx.prisma.category.findUniqueOrThrow({ ...q, where: { id: f.categoryId } }),
    }),
    salesMinor: t.string({
      description: 'Sales in minor units (cents), as a string.',
      resolve: (f) => f.sales.toString(),
    }),
    sales: t.string({
      description: 'Sales as a decimal amount, e.g. "1234.50".',
      resolve: (f) => minorToDecimal(f.sales),
    }),
    orderCount: t.exposeInt('orderCount', { description: 'Orders in the window.' }),
  }),
});

const AutoAssignmentEntryRef = builder.objectRef<AutoAssignmentEntry>('AutoAssignmentEntry').implement({
  description: 'One shop in an auto-assignment run, with the figures behind it.',
  fields: (t) => ({
    shop: t.prismaField({
      type: 'Shop',
      description: 'The shop.',
      resolve: (q, e, _a, ctx) => ctx.prisma.shop.findUniqueOrThrow({ ...q, where: { id: e.shopId } }),
    }),
    outcome: t.field({
      type: AutoAssignmentOutcomeEnum,
      description: 'Assigned, or left for a manual decision.',
      resolve: (e) => e.outcome,
    }),
    category: t.prismaField({
      type: 'Category',
      nullable: true,
      description: 'The category chosen (highest sales; ties to more orders, then the smaller id).',
      resolve: (q, e, _a, ctx) =>
        e.categoryId === null ? null : ctx.prisma.category.findUnique({ ...q, where: { id: e.categoryId } }),
    }),
    figures: t.field({
      type: [CategoryFigureRef],
      description: 'Sales per top-level category, best first.',
      resolve: (e) => e.figures,
    }),
  }),
});

const PrimaryCategoryAutoAssignInput = builder.inputType('PrimaryCategoryAutoAssignInput', {
  description: 'Options for the auto-assignment run.',
  fields: (t) => ({
    dryRun: t.boolean({
      description: 'Preview only: list what would happen and write nothing (allowed before the deadline too).',
    }),
  }),
});

const PrimaryCategoryAutoAssignSuccess = builder
  .objectRef<AutoAssignmentResult>('PrimaryCategoryAutoAssignSuccess')
  .implement({
    description: 'The run (or its preview).',
    fields: (t) => ({
      dryRun: t.exposeBoolean('dryRun', { description: 'True when nothing was written.' }),
      runId: t.exposeInt('runId', { nullable: true, description: 'The recorded run; null for a dry run.' }),
      assignedCount: t.exposeInt('assignedCount', {
        description: 'Shops assigned by this run (for a dry run: that would be).',
      }),
      manualDecisionCount: t.exposeInt('manualDecisionCount', {
        description: 'Shops with no sales in the window, left for an administrator.',
      }),
      entries: t.field({
        type: [AutoAssignmentEntryRef],
        description: 'Every shop still without a primary category before the run, by id.',
        resolve: (r) => r.entries,
      }),
    }),
  });

builder.mutationField('primaryCategoryAutoAssign', (t) =>
  t.field({
    type: PrimaryCategoryAutoAssignSuccess,
    description:
      'Assigns every shop still without a primary category the top-level category with the highest sales in the look-back window (administrators, after the deadline). Idempotent: a second run changes nothing.',
    errors: {},
    args: { input: t.arg({ type: PrimaryCategoryAutoAssignInput, required: false }) },
    resolve: audited('primaryCategoryAutoAssign', async (_root, { input }, ctx) => {
      assertAdmin(ctx.viewer);
      return runAutoAssignment(ctx, input?.dryRun ?? false);
    }),
  }),
);

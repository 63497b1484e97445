import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { CategoryNode } from './category.node.ts';
import { assertCanWriteShop } from './shop.policy.ts';
import { selectPrimaryCategory } from './shop.service.ts';
import { ShopNode } from './shop.node.ts';

const QuestionnaireAnswerInput = builder.inputType('QuestionnaireAnswerInput', {
  description: 'One questionnaire answer (see `categoryQuestionnaire` for the questions).',
  fields: (t) => ({
    key: t.string({ required: true, description: 'The question key.' }),
    answer: t.string({ required: true, description: 'The answer, as text.' }),
  }),
});

const SpecialCircumstancesInput = builder.inputType('SpecialCircumstancesInput', {
  description: 'A request for an exception: extra categories beyond the primary category.',
  fields: (t) => ({
    comment: t.string({ required: true, description: 'Why the shop needs an exception.' }),
    requestedCategoryIds: t.globalIDList({
      for: CategoryNode,
      required: true,
      description: 'The extra categories asked for.',
    }),
  }),
});

const ShopSelectPrimaryCategoryInput = builder.inputType('ShopSelectPrimaryCategoryInput', {
  description: "A merchant's primary-category confirmation.",
  fields: (t) => ({
    shopId: t.globalID({ for: ShopNode, required: true, description: 'The shop.' }),
    categoryId: t.globalID({ for: CategoryNode, required: true, description: 'A top-level, non-prohibited category.' }),
    answers: t.field({
      type: [QuestionnaireAnswerInput],
      required: true,
      maxItems: 50,
      description: 'Answers to the questionnaire; every required question must be answered.',
    }),
    specialCircumstances: t.field({
      type: SpecialCircumstancesInput,
      description: 'Optional: request an exception, reviewed by an administrator.',
    }),
  }),
});

interface SelectResult {
  shopId: number;
  selectionId: number;
  exceptionRequestId: number | null;
}

const ShopSelectPrimaryCategorySuccess = builder.objectRef<SelectResult>('ShopSelectPrimaryCategorySuccess').implement({
  description: 'The primary category is set. Changing it later is an administrator decision.',
  fields: (t) => ({
    shop: t.prismaField({
      type: 'Shop',
      description: 'The shop, re-read.',
      resolve: (q, r, _a, ctx) => ctx.prisma.shop.findUniqueOrThrow({ ...q, where: { id: r.shopId } }),
    }),
    selection: t.prismaField({
      type: 'PrimaryCategorySelection',
      description: 'The recorded selection with the answers.',
      resolve: (q, r, _a, ctx) =>
        ctx.prisma.primaryCategorySelection.findUniqueOrThrow({ ...q, where: { id: r.selectionId } }),
    }),
    exceptionRequest: t.prismaField({
      type: 'CategoryExceptionRequest',
      nullable: true,
      description: 'The special-circumstances request, PENDING until an administrator decides.',
      resolve: (q, r, _a, ctx) =>
        r.exceptionRequestId === null
          ? null
          : ctx.prisma.categoryExceptionRequest.findUnique({ ...q, where: { id: r.exceptionRequestId } }),
    }),
  }),
});

builder.mutationField('shopSelectPrimaryCategory', (t) =>
  t.field({
    type: ShopSelectPrimaryCategorySuccess,
    description:
      "Confirms the shop's primary category through the questionnaire, optionally with a special-circumstances request. Allowed once; under concurrent calls exactly one succeeds.",
    errors: {},
    args: { input: t.arg({ type: ShopSelectPrimaryCategoryInput, required: true }) },
    resolve: audited('shopSelectPrimaryCategory', async (_root, { input }, ctx) => {
      const shopId = toDbId(input.shopId, ['input', 'shopId']);
      assertCanWriteShop(ctx.viewer, shopId, 'shops:write');
      const result = await selectPrimaryCategory(ctx, {
        shopId,
        categoryId: toDbId(input.categoryId, ['input', 'categoryId']),
        answers: input.answers,
        specialCircumstances: input.specialCircumstances
          ? {
              comment: input.specialCircumstances.comment,
              requestedCategoryIds: input.specialCircumstances.requestedCategoryIds.map((g, i) =>
                toDbId(g, ['input', 'specialCircumstances', 'requestedCategoryIds', String(i)]),
              ),
            }
          : null,
      });
      return { shopId, selectionId: result.selection.id, exceptionRequestId: result.exceptionRequest?.id ?? null };
    }),
  }),
);

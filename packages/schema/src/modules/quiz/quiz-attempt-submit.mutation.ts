import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { ShopNode } from '#modules/shops/shop.node.ts';
import { assertCanWriteShop } from '#modules/shops/shop.policy.ts';
import { QuestionResultRef, QuizNode } from './quiz.node.ts';
import { submitQuizAttempt, type QuizAttemptOutcome } from './quiz.service.ts';

const QuizAttemptSubmitInput = builder.inputType('QuizAttemptSubmitInput', {
  description: "A shop's answers to a quiz.",
  fields: (t) => ({
    shopId: t.globalID({ for: ShopNode, required: true, description: 'The shop taking the quiz.' }),
    quizId: t.globalID({ for: QuizNode, required: true, description: 'The quiz.' }),
    answers: t.intList({
      required: true,
      maxItems: 50,
      description: 'One 0-based choice index per question, in question order.',
    }),
  }),
});

const QuizAttemptSubmitSuccess = builder.objectRef<QuizAttemptOutcome>('QuizAttemptSubmitSuccess').implement({
  description: 'The graded attempt: whether it passed, how many points it removed, and the new balance.',
  fields: (t) => ({
    attempt: t.prismaField({
      type: 'QuizAttempt',
      description: 'The recorded attempt, re-read.',
      resolve: (q, r, _a, ctx) => ctx.prisma.quizAttempt.findUniqueOrThrow({ ...q, where: { id: r.attemptId } }),
    }),
    shop: t.prismaField({
      type: 'Shop',
      description: 'The shop, re-read (health after any removal).',
      resolve: (q, r, _a, ctx) => ctx.prisma.shop.findUniqueOrThrow({ ...q, where: { id: r.shopId } }),
    }),
    passed: t.boolean({ description: 'True with full marks.', resolve: (r) => r.passed }),
    correctCount: t.int({ description: 'How many answers were correct.', resolve: (r) => r.correctCount }),
    pointsRemoved: t.int({
      description:
        "Points removed from the shop's active points of the quiz's policy (0 when failed, in the cooldown, or with no active points).",
      resolve: (r) => r.pointsRemoved,
    }),
    newBalance: t.int({ description: "The shop's points balance after the attempt.", resolve: (r) => r.newBalance }),
    attemptsLeftThisMonth: t.int({
      description: 'Attempts at this quiz the shop has left in this UTC calendar month.',
      resolve: (r) => r.attemptsLeftThisMonth,
    }),
    results: t.field({
      type: [QuestionResultRef],
      description: 'Per-question correctness, now that the attempt has ended.',
      resolve: (r) => r.results,
    }),
  }),
});

builder.mutationField('quizAttemptSubmit', (t) =>
  t.field({
    type: QuizAttemptSubmitSuccess,
    description:
      'Submits and grades a quiz attempt (sellers and agencies with `quiz:write`). At most quizAttemptsPerMonth attempts per shop, quiz and UTC month, enforced under concurrency; a pass removes quizPointsRemoved points of the policy, at most once per policy per quizRemovalCooldownDays.',
    errors: {},
    args: { input: t.arg({ type: QuizAttemptSubmitInput, required: true }) },
    resolve: audited('quizAttemptSubmit', async (_root, { input }, ctx) => {
      const shopId = toDbId(input.shopId, ['input', 'shopId']);
      assertCanWriteShop(ctx.viewer, shopId, 'quiz:write');
      return submitQuizAttempt(ctx, {
        shopId,
        quizId: toDbId(input.quizId, ['input', 'quizId']),
        answers: input.answers,
      });
    }),
  }),
);

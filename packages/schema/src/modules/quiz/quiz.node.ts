import { builder } from '#builder';
import { compiledRoot } from '#compiled';
import type { Context } from '#context';
import { loaderFor } from '#lib/loaders.ts';
import { registerNodeReach } from '#lib/node-reach.ts';
import { PolicyNode } from '#modules/health/policy.node.ts';
import { shopOwnedWhere } from '#modules/shops/shop.policy.ts';
import { gradeAnswers, type GradedQuestion } from './quiz.service.ts';

export const QuizNode = builder.prismaNode('Quiz', {
  id: { field: 'id' },
  description:
    'A Creator Policy Quiz targeting one policy. Questions are served without their answers; grading happens on the server.',
  findUnique: (id) => ({ id: Number.parseInt(id, 10) || 0 }),
  fields: (t) => ({
    policy: t.relation('policy', { description: 'The policy it targets; passing removes points of this policy.' }),
    title: t.exposeString('title', { description: 'Title.' }),
    description: t.exposeString('description', { description: 'What the quiz checks.' }),
    active: t.exposeBoolean('active', { description: 'Whether attempts are accepted.' }),
    questions: t.relation('questions', {
      description: 'The questions in force, in order (prompt and choices only; never the answer).',
      query: { where: { retiredAt: null }, orderBy: { position: 'asc' } },
    }),
  }),
});

// Only the prompt and the choices: the correct index and explanation are deliberately absent.
builder.prismaObject('QuizQuestion', {
  description: 'One multiple-choice question with exactly one correct choice (which is never served).',
  fields: (t) => ({
    position: t.exposeInt('position', { description: 'Order in the quiz, from 1; answers are given in this order.' }),
    prompt: t.exposeString('prompt', { description: 'The question.' }),
    choices: t.exposeStringList('choices', { description: 'The choices; answer with the 0-based index of one.' }),
  }),
});

export const QuestionResultRef = builder.objectRef<GradedQuestion>('QuizQuestionResult').implement({
  description: 'Whether one answer of a finished attempt was right (the right choice itself is not revealed).',
  fields: (t) => ({
    position: t.exposeInt('position', { description: "The question's position." }),
    correct: t.exposeBoolean('correct', { description: 'True when the chosen answer was correct.' }),
  }),
});

/** The answer key of the question set an attempt answered, by "quizId:version". */
function gradingKeyLoader(ctx: Context) {
  return loaderFor<string, { position: number; correctIndex: number }[]>(ctx, 'quizGradingKey', async (keys) => {
    const pairs = keys.map((k) => k.split(':').map(Number) as [number, number]);
    const rows = await ctx.prisma.quizQuestion.findMany({
      where: { OR: pairs.map(([quizId, version]) => ({ quizId, version })) },
      select: { quizId: true, version: true, position: true, correctIndex: true },
      orderBy: { position: 'asc' },
    });
    return pairs.map(([quizId, version]) => rows.filter((r) => r.quizId === quizId && r.version === version));
  });
}

export const QuizAttemptNode = builder.prismaNode('QuizAttempt', {
  readScope: 'health:read',
  id: { field: 'id' },
  description: 'A graded attempt at a quiz by a shop.',
  findUnique: (id) => ({ id: Number.parseInt(id, 10) || 0 }),
  fields: (t) => ({
    quiz: t.relation('quiz', { description: 'The quiz.' }),
    shop: t.relation('shop', { description: 'The shop that attempted it.' }),
    month: t.exposeString('month', { description: 'The UTC calendar month ("YYYY-MM") the attempt counts against.' }),
    answers: t.exposeIntList('answers', { description: 'The chosen choice index for each question, in order.' }),
    correctCount: t.exposeInt('correctCount', { description: 'How many answers were correct.' }),
    passed: t.exposeBoolean('passed', { description: 'True with full marks.' }),
    pointsRemoved: t.exposeInt('pointsRemoved', {
      description:
        'Points the pass removed from the ledger (0 in the cooldown or without active points of the policy).',
    }),
    submittedAt: t.expose('submittedAt', { type: 'DateTime', description: 'When it was submitted (platform clock).' }),
    results: t.field({
      type: [QuestionResultRef],
      description: 'Per-question correctness of this finished attempt.',
      select: { quizId: true, questionVersion: true, answers: true },
      resolve: async (a, _args, ctx) =>
        gradeAnswers(await gradingKeyLoader(ctx).load(`${a.quizId}:${a.questionVersion}`), a.answers).results,
    }),
    ledgerEntries: t.relation('ledgerEntries', {
      description: 'The QUIZ_REMOVAL entries that name this attempt.',
      query: { orderBy: { id: 'asc' } },
    }),
  }),
});

/** What `quizzes` reads: active quizzes by id, narrowed to one policy (the resolver's and the compiled read's). */
function quizzesQuery(args: { policyId?: { id: string } | null }) {
  return {
    where: { active: true, ...(args.policyId ? { policyId: Number.parseInt(args.policyId.id, 10) || 0 } : {}) },
    orderBy: { id: 'asc' as const },
  };
}

builder.queryFields((t) => ({
  quizzes: t.prismaConnection({
    type: 'Quiz',
    cursor: 'id',
    defaultSize: 20,
    maxSize: 100,
    description: 'Active Creator Policy Quizzes, by id. Readable by every authenticated caller.',
    authScopes: { authenticated: true },
    args: {
      policyId: t.arg.globalID({
        for: PolicyNode,
        required: false,
        description: 'Only quizzes targeting this policy.',
      }),
    },
    extensions: compiledRoot({ model: 'Quiz', kind: 'connection', query: quizzesQuery, defaultSize: 20, maxSize: 100 }),
    resolve: (query, _root, args, ctx) => ctx.prisma.quiz.findMany({ ...query, ...quizzesQuery(args) }),
  }),
}));

builder.prismaObjectFields('Shop', (t) => ({
  quizAttempts: t.relatedConnection('quizAttempts', {
    cursor: 'id',
    description: 'Quiz attempts, newest first.',
    authScopes: { scope: 'health:read' },
    query: { orderBy: [{ submittedAt: 'desc' }, { id: 'desc' }] },
  }),
}));

registerNodeReach('Quiz', async (ctx, ids) =>
  ctx.viewer
    ? (await ctx.prisma.quiz.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((r) => r.id)
    : [],
);
registerNodeReach('QuizAttempt', async (ctx, ids) =>
  (
    await ctx.prisma.quizAttempt.findMany({
      where: { AND: [{ id: { in: ids } }, shopOwnedWhere(ctx.viewer)] },
      select: { id: true },
    })
  ).map((r) => r.id),
);

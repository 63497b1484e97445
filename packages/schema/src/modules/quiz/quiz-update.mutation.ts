import type { CatalogueChange, Prisma } from '@shopwarden/db';
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
import { QuizNode } from './quiz.node.ts';

const QuizQuestionInput = builder.inputType('QuizQuestionInput', {
  description: 'One multiple-choice question with exactly one correct choice.',
  fields: (t) => ({
    prompt: t.string({ required: true, description: 'The question, 1–1000 characters.' }),
    choices: t.stringList({ required: true, description: 'The choices (2–10, each 1–500 characters).' }),
    correctIndex: t.int({ required: true, description: 'The 0-based index of the correct choice (never served).' }),
    explanation: t.string({ description: 'Why the answer is right (never served).' }),
  }),
});

const QuizUpdateInput = builder.inputType('QuizUpdateInput', {
  description: "A quiz's new values; omitted fields keep theirs.",
  fields: (t) => ({
    quizId: t.globalID({ for: QuizNode, required: true, description: 'The quiz to change.' }),
    title: t.string({ description: 'Title, 1–200 characters.' }),
    description: t.string({ description: 'What the quiz checks, at most 2000 characters.' }),
    active: t.boolean({ description: 'False: attempts are refused and the quiz is no longer listed.' }),
    questions: t.field({
      type: [QuizQuestionInput],
      description:
        'A new question set, replacing the current one (as many questions as `PlatformSettings.quizQuestionCount`). Attempts already made keep the questions they answered.',
    }),
    effectiveFrom: t.field({
      type: 'DateTime',
      description: "When the change takes effect (default: the platform clock's now; never earlier).",
    }),
  }),
});

const QuizUpdateSuccess = builder.objectRef<CatalogueChange>('QuizUpdateSuccess').implement({
  description: 'The change was recorded: applied at once, or waiting for its `effectiveFrom`.',
  fields: (t) => ({
    change: t.prismaField({
      type: 'CatalogueChange',
      description: 'The recorded change.',
      resolve: (query, c, _a, ctx) => ctx.prisma.catalogueChange.findUniqueOrThrow({ ...query, where: { id: c.id } }),
    }),
    quiz: t.prismaField({
      type: 'Quiz',
      description: 'The quiz as it stands now (unchanged until `effectiveFrom`).',
      resolve: (query, c, _a, ctx) => ctx.prisma.quiz.findUniqueOrThrow({ ...query, where: { id: c.entityId } }),
    }),
  }),
});

interface QuestionValue {
  prompt: string;
  choices: string[];
  correctIndex: number;
  explanation: string;
}

registerCatalogueApplier('QUIZ', {
  typename: 'Quiz',
  async apply(tx, id, changes, now) {
    const quiz = await tx.quiz.findUnique({ where: { id } });
    if (!quiz) return null;
    const { questions, ...fields } = changes as Record<string, unknown>;
    const previous: Record<string, unknown> = Object.fromEntries(
      Object.keys(fields).map((k) => [k, quiz[k as 'title' | 'description' | 'active']]),
    );
    const data: Prisma.QuizUpdateInput = { ...(fields as Prisma.QuizUpdateInput) };
    if (Array.isArray(questions)) {
      const version = quiz.questionVersion + 1;
      // The replaced set stays, retired, so the attempts that answered it are still graded against it.
      await tx.quizQuestion.updateMany({ where: { quizId: id, retiredAt: null }, data: { retiredAt: now } });
      await tx.quizQuestion.createMany({
        data: (questions as unknown as QuestionValue[]).map((q, i) => ({ ...q, quizId: id, version, position: i + 1 })),
      });
      data.questionVersion = version;
      previous.questionVersion = quiz.questionVersion;
    }
    await tx.quiz.update({ where: { id }, data });
    return previous as CatalogueValues;
  },
});

function validateQuestions(questions: readonly (typeof QuizQuestionInput.$inferInput)[], count: number): FieldError[] {
  const errors: FieldError[] = [];
  if (questions.length !== count)
    errors.push({ path: ['input', 'questions'], message: `A quiz has ${count} questions (quizQuestionCount).` });
  questions.forEach((q, i) => {
    const at = (...rest: string[]) => ['input', 'questions', String(i), ...rest];
    if (!q.prompt.trim() || q.prompt.length > 1000) errors.push({ path: at('prompt'), message: '1–1000 characters.' });
    if (q.choices.length < 2 || q.choices.length > 10)
      errors.push({ path: at('choices'), message: 'Give 2–10 choices.' });
    q.choices.forEach((c, j) => {
      if (!c.trim() || c.length > 500) errors.push({ path: at('choices', String(j)), message: '1–500 characters.' });
    });
    if (new Set(q.choices.map((c) => c.trim())).size !== q.choices.length)
      errors.push({ path: at('choices'), message: 'Choices must not repeat.' });
    if (!Number.isInteger(q.correctIndex) || q.correctIndex < 0 || q.correctIndex >= q.choices.length)
      errors.push({ path: at('correctIndex'), message: 'Must be the index of one of the choices.' });
    if ((q.explanation ?? '').length > 2000)
      errors.push({ path: at('explanation'), message: 'At most 2000 characters.' });
  });
  return errors;
}

builder.mutationField('quizUpdate', (t) =>
  t.field({
    type: QuizUpdateSuccess,
    description:
      "Changes a quiz's title, description, whether it is active, or its question set, from an instant on (administrators). Attempts already made keep the questions they answered and their grades.",
    errors: {},
    args: { input: t.arg({ type: QuizUpdateInput, required: true }) },
    resolve: audited('quizUpdate', async (_root, { input }, ctx) => {
      assertAdmin(ctx.viewer);
      const id = Number.parseInt(input.quizId.id, 10) || 0;
      const { quizId: _id, effectiveFrom, questions, ...rest } = input;
      const changes: Record<string, unknown> = given(rest);
      const errors: FieldError[] = [];
      if (typeof changes.title === 'string') {
        changes.title = changes.title.trim();
        if (!changes.title || (changes.title as string).length > 200)
          errors.push({ path: ['input', 'title'], message: 'The title must be 1–200 characters.' });
      }
      if (typeof changes.description === 'string' && changes.description.length > 2000)
        errors.push({ path: ['input', 'description'], message: 'At most 2000 characters.' });
      if (questions) {
        errors.push(...validateQuestions(questions, (await ctx.settings()).quizQuestionCount));
        changes.questions = questions.map((q) => ({
          prompt: q.prompt.trim(),
          choices: q.choices.map((c) => c.trim()),
          correctIndex: q.correctIndex,
          explanation: q.explanation ?? '',
        }));
      }
      if (errors.length) throw new ValidationError(errors);
      return changeCatalogueRow(ctx, {
        entity: 'QUIZ',
        entityId: id,
        changes: changes as CatalogueValues,
        effectiveFrom,
        validate: async (tx) => {
          found(await tx.quiz.findUnique({ where: { id }, select: { id: true } }), 'Quiz');
        },
      });
    }),
  }),
);

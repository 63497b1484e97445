import { Prisma } from '@shopwarden/db';
import type { Context } from '#context';
import { InvalidStateError, NotFoundError, ValidationError, type FieldError } from '#lib/errors.ts';
import { recordEvent } from '#modules/platform/outbox.service.ts';
import {
  DAY_MS,
  inShopTransaction,
  ledgerBalance,
  recomputeShopHealth,
  sqlInstant,
} from '#modules/health/ledger.service.ts';

/** The UTC calendar month an attempt counts against, "YYYY-MM". */
export function monthKeyOf(at: Date): string {
  return at.toISOString().slice(0, 7);
}

export interface GradedQuestion {
  position: number;
  correct: boolean;
}

/** Grades answers against the questions (in position order); passing needs full marks. */
export function gradeAnswers(
  questions: readonly { position: number; correctIndex: number }[],
  answers: readonly number[],
) {
  const results: GradedQuestion[] = questions.map((q, i) => ({
    position: q.position,
    correct: answers[i] === q.correctIndex,
  }));
  const correctCount = results.filter((r) => r.correct).length;
  return { results, correctCount, passed: questions.length > 0 && correctCount === questions.length };
}

/** Validates one answer per question, each a valid choice index, with input paths for each offender. */
export function validateAnswers(
  questions: readonly { choices: readonly string[] }[],
  answers: readonly number[],
): FieldError[] {
  if (answers.length !== questions.length)
    return [{ path: ['input', 'answers'], message: `Give exactly one answer per question (${questions.length}).` }];
  return questions.flatMap((question, i) => {
    const a = answers[i];
    const max = question.choices.length - 1;
    return a !== undefined && Number.isInteger(a) && a >= 0 && a <= max
      ? []
      : [{ path: ['input', 'answers', String(i)], message: `Choose a choice index between 0 and ${max}.` }];
  });
}

export interface QuizAttemptOutcome {
  attemptId: number;
  shopId: number;
  passed: boolean;
  correctCount: number;
  pointsRemoved: number;
  newBalance: number;
  attemptsLeftThisMonth: number;
  results: GradedQuestion[];
}

/**
 * Grades an attempt on the server and, for a pass, removes points from the shop's active
 * violations of the quiz's policy (SPEC §4). Runs under the shop row lock, so the monthly limit and
 * the removal cooldown hold whatever arrives at once.
 */
export async function submitQuizAttempt(
  ctx: Context,
  input: { shopId: number; quizId: number; answers: number[] },
): Promise<QuizAttemptOutcome> {
  const [settings, now] = [await ctx.settings(), await ctx.now()];
  const quiz = await ctx.prisma.quiz.findUnique({
    where: { id: input.quizId },
    include: {
      questions: {
        where: { retiredAt: null },
        orderBy: { position: 'asc' },
        select: { position: true, choices: true, correctIndex: true },
      },
      policy: { select: { id: true, code: true } },
    },
  });
  if (!quiz || !quiz.active) throw new NotFoundError('Quiz');
  const errors = validateAnswers(quiz.questions, input.answers);
  if (errors.length) throw new ValidationError(errors);
  const { results, correctCount, passed } = gradeAnswers(quiz.questions, input.answers);
  const month = monthKeyOf(now);

  return inShopTransaction(ctx, input.shopId, async (tx) => {
    const used = await tx.quizAttempt.count({ where: { shopId: input.shopId, quizId: quiz.id, month } });
    if (used >= settings.quizAttemptsPerMonth) {
      throw new InvalidStateError(
        'ATTEMPT_LIMIT_REACHED',
        `This shop has used its ${settings.quizAttemptsPerMonth} attempts at this quiz for ${month}; try again next month.`,
      );
    }
    const attempt = await tx.quizAttempt.create({
      data: {
        quizId: quiz.id,
        shopId: input.shopId,
        month,
        answers: input.answers,
        correctCount,
        passed,
        questionVersion: quiz.questionVersion,
        submittedAt: now,
        apiKeyId: ctx.viewer?.apiKeyId ?? null,
      },
    });
    const pointsRemoved = passed
      ? await removeQuizPoints(tx, {
          shopId: input.shopId,
          policyId: quiz.policyId,
          attemptId: attempt.id,
          now,
          points: settings.quizPointsRemoved,
          cooldownDays: settings.quizRemovalCooldownDays,
        })
      : 0;
    if (pointsRemoved > 0) await tx.quizAttempt.update({ where: { id: attempt.id }, data: { pointsRemoved } });
    await recordEvent(tx, {
      type: 'quiz.attempted',
      shopId: input.shopId,
      subjectType: 'QuizAttempt',
      subjectId: String(attempt.id),
      payload: { quizId: quiz.id, policyCode: quiz.policy.code, passed, correctCount, pointsRemoved },
      occurredAt: now,
    });
    const newBalance =
      pointsRemoved > 0
        ? (
            await recomputeShopHealth(
              tx,
              input.shopId,
              now,
              settings,
              `Quiz ${quiz.policy.code} passed (-${pointsRemoved})`,
            )
          ).balance
        : await ledgerBalance(tx, input.shopId, now);
    return {
      attemptId: attempt.id,
      shopId: input.shopId,
      passed,
      correctCount,
      pointsRemoved,
      newBalance,
      attemptsLeftThisMonth: settings.quizAttemptsPerMonth - used - 1,
      results,
    };
  });
}

/**
 * Writes QUIZ_REMOVAL entries (naming the attempt) for up to `points` of the shop's points of this
 * policy that count now, at most once per policy per cooldown window. The violation whose points
 * would count longest is reduced first; a violation left with none becomes REMOVED.
 */
async function removeQuizPoints(
  tx: Prisma.TransactionClient,
  args: { shopId: number; policyId: number; attemptId: number; now: Date; points: number; cooldownDays: number },
): Promise<number> {
  const since = new Date(args.now.getTime() - args.cooldownDays * DAY_MS);
  const recent = await tx.pointsLedgerEntry.findFirst({
    where: { shopId: args.shopId, policyId: args.policyId, kind: 'QUIZ_REMOVAL', effectiveAt: { gt: since } },
    select: { id: true },
  });
  if (recent || args.points <= 0) return 0;
  const active = await tx.$queryRaw<{ id: number; remaining: number; expiresAt: Date }[]>`
    SELECT e."violationId" AS "id", SUM(e."points")::int AS "remaining", MAX(e."expiresAt") AS "expiresAt"
    FROM "PointsLedgerEntry" e JOIN "Violation" v ON v."id" = e."violationId"
    WHERE e."shopId" = ${args.shopId}::int AND e."policyId" = ${args.policyId}::int AND v."status" IN ('ACTIVE', 'APPEALED')
      AND e."effectiveAt" <= ${sqlInstant(args.now)} AND (e."expiresAt" IS NULL OR e."expiresAt" > ${sqlInstant(args.now)})
    GROUP BY e."violationId"
    HAVING SUM(e."points") > 0
    ORDER BY MAX(e."expiresAt") DESC, e."violationId" DESC`;
  let left = args.points;
  for (const v of active) {
    if (left === 0) break;
    const take = Math.min(left, Number(v.remaining));
    await tx.pointsLedgerEntry.create({
      data: {
        shopId: args.shopId,
        policyId: args.policyId,
        violationId: Number(v.id),
        quizAttemptId: args.attemptId,
        kind: 'QUIZ_REMOVAL',
        points: -take,
        effectiveAt: args.now,
        expiresAt: v.expiresAt,
        createdAt: args.now,
      },
    });
    if (take === Number(v.remaining))
      await tx.violation.update({ where: { id: Number(v.id) }, data: { status: 'REMOVED' } });
    left -= take;
  }
  return args.points - left;
}

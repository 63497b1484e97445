import { beforeEach, describe, expect, it } from 'vitest';
import { createKey, createShop } from './support/fixtures.ts';
import { gid } from './support/client.ts';
import { useSuite } from './support/suite.ts';
import { testTargets } from './support/database.ts';
import { createPolicy, createQuiz, QUIZ_KEY } from './support/health-fixtures.ts';

const CLOCK = /* GraphQL */ `
  mutation Clock($now: DateTime) {
    sandboxClockSet(input: { now: $now }) {
      __typename
      ... on Error {
        code
      }
    }
  }
`;

const SUBMIT = /* GraphQL */ `
  mutation Submit($input: QuizAttemptSubmitInput!) {
    quizAttemptSubmit(input: $input) {
      __typename
      ... on QuizAttemptSubmitSuccess {
        passed
        correctCount
        pointsRemoved
        newBalance
        attemptsLeftThisMonth
        results {
          position
          correct
        }
        attempt {
          id
          month
          passed
          pointsRemoved
          ledgerEntries {
            kind
            points
          }
        }
        shop {
          healthStatus
        }
      }
      ... on Error {
        code
        message
      }
      ... on ValidationError {
        fields {
          path
          message
        }
      }
    }
  }
`;

const RECORD = /* GraphQL */ `
  mutation Record($input: ViolationRecordInput!) {
    violationRecord(input: $input) {
      __typename
      ... on ViolationRecordSuccess {
        violation {
          id
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`;

const PASS = [...QUIZ_KEY];
const FAIL = [QUIZ_KEY[0], QUIZ_KEY[1], (QUIZ_KEY[2] + 1) % 4];

describe.each(testTargets())('Creator Policy Quiz (SPEC §4) on %s', (target) => {
  const { db, world, gql } = useSuite(target);

  beforeEach(async () => {
    await gql(world.adminKey, CLOCK, { now: null });
  });

  const clock = (now: string) => gql(world.adminKey, CLOCK, { now });

  async function quizShop(name: string, points = 4) {
    const shop = await createShop(db.prisma, name);
    const { key } = await createKey(db.prisma, 'SELLER', {
      shopId: shop.id,
      scopes: ['shops:read', 'shops:write', 'health:read', 'quiz:write'],
    });
    const policy = await createPolicy(db.prisma, { points });
    const quiz = await createQuiz(db.prisma, policy.id);
    const shopGid = gid('Shop', shop.id);
    const submit = async (answers: number[]) =>
      (await gql(key, SUBMIT, { input: { shopId: shopGid, quizId: gid('Quiz', quiz.id), answers } })).data!
        .quizAttemptSubmit;
    const violate = async (occurredAt: string, extra: Record<string, unknown> = {}) => {
      const res = await gql(world.adminKey, RECORD, {
        input: { shopId: shopGid, policyId: gid('Policy', policy.id), source: 'OTHER', occurredAt, ...extra },
      });
      expect(res.data!.violationRecord.__typename).toBe('ViolationRecordSuccess');
      return res.data!.violationRecord.violation.id as string;
    };
    return { shop, key, shopGid, policy, quiz, submit, violate };
  }

  it('never exposes the correct choice: no field of Quiz or QuizQuestion leaks it', async () => {
    const fieldsOf = async (name: string) =>
      (
        (
          await gql(
            world.adminKey,
            `query($name: String!) { __type(name: $name) { fields { name type { name ofType { name ofType { name ofType { name } } } } } } }`,
            { name },
          )
        ).data!.__type.fields as {
          name: string;
        }[]
      ).map((f) => f.name);
    const questionFields = await fieldsOf('QuizQuestion');
    expect(questionFields.sort()).toEqual(['choices', 'position', 'prompt']);
    for (const name of [...questionFields, ...(await fieldsOf('Quiz')), ...(await fieldsOf('QuizQuestionResult'))]) {
      expect(name).not.toMatch(/correctIndex|correctChoice|answerKey|explanation|solution/i);
    }
    const { key, quiz } = await quizShop('Curious Seller');
    const served = await gql(
      key,
      `query($id: ID!) { node(id: $id) { ... on Quiz { title questions { position prompt choices } } } }`,
      { id: gid('Quiz', quiz.id) },
    );
    expect(served.data!.node.questions).toHaveLength(3);
    expect(JSON.stringify(served)).not.toMatch(/correct|Because of rule/);
    const bogus = await gql(key, `query($id: ID!) { node(id: $id) { ... on Quiz { questions { correctIndex } } } }`, {
      id: gid('Quiz', quiz.id),
    });
    expect(bogus.errors?.[0]?.message).toMatch(/correctIndex/);
  });

  it('grades on the server; a pass removes one point as a ledger entry naming the attempt', async () => {
    const { shop, submit, violate } = await quizShop('Learner');
    await clock('2024-05-10T00:00:00Z');
    const violationId = await violate('2024-05-01T00:00:00Z');

    const failed = await submit(FAIL);
    expect(failed).toMatchObject({
      __typename: 'QuizAttemptSubmitSuccess',
      passed: false,
      correctCount: 2,
      pointsRemoved: 0,
      newBalance: 4,
      attemptsLeftThisMonth: 2,
      results: [
        { position: 1, correct: true },
        { position: 2, correct: true },
        { position: 3, correct: false },
      ],
    });
    const passed = await submit(PASS);
    expect(passed).toMatchObject({
      passed: true,
      correctCount: 3,
      pointsRemoved: 1,
      newBalance: 3,
      attemptsLeftThisMonth: 1,
      attempt: { month: '2024-05', ledgerEntries: [{ kind: 'QUIZ_REMOVAL', points: -1 }] },
    });
    const removal = await db.prisma.pointsLedgerEntry.findFirstOrThrow({
      where: { shopId: shop.id, kind: 'QUIZ_REMOVAL' },
    });
    expect(removal.quizAttemptId).toBe(Number(Buffer.from(passed.attempt.id, 'base64').toString().split(':')[1]));
    expect(removal.violationId).toBe(Number(Buffer.from(violationId, 'base64').toString().split(':')[1]));
    // The removal expires with the points it removed, so the violation never goes below zero.
    expect(removal.expiresAt?.toISOString()).toBe('2024-07-30T00:00:00.000Z');
    expect(await db.prisma.quizAttempt.count({ where: { shopId: shop.id } })).toBe(2);
  });

  it('two passes within 30 days remove one point, not two; after the cooldown another pass removes again', async () => {
    const { shop, submit, violate } = await quizShop('Repeat Passer');
    await clock('2024-05-10T00:00:00Z');
    await violate('2024-05-01T00:00:00Z');
    expect((await submit(PASS)).pointsRemoved).toBe(1);
    await clock('2024-06-08T23:59:59Z'); // 29 days later, a new month
    expect(await submit(PASS)).toMatchObject({
      passed: true,
      pointsRemoved: 0,
      newBalance: 3,
      attemptsLeftThisMonth: 2,
    });
    await clock('2024-06-09T00:00:01Z'); // just over 30 days after the first removal
    expect(await submit(PASS)).toMatchObject({ passed: true, pointsRemoved: 1, newBalance: 2 });
    expect(await db.prisma.pointsLedgerEntry.count({ where: { shopId: shop.id, kind: 'QUIZ_REMOVAL' } })).toBe(2);
  });

  it('a pass with no active points of the policy is recorded and removes nothing', async () => {
    const { shop, submit, violate } = await quizShop('Clean Record');
    await clock('2024-05-10T00:00:00Z');
    // Only an expired violation of the policy.
    await violate('2024-01-01T00:00:00Z');
    expect(await submit(PASS)).toMatchObject({ passed: true, pointsRemoved: 0, newBalance: 0 });
    expect(await db.prisma.quizAttempt.count({ where: { shopId: shop.id, passed: true } })).toBe(1);
    expect(await db.prisma.pointsLedgerEntry.count({ where: { shopId: shop.id, kind: 'QUIZ_REMOVAL' } })).toBe(0);
  });

  it('rejects malformed answers and keys without quiz:write, recording nothing', async () => {
    const { shop, shopGid, quiz, submit } = await quizShop('Sloppy');
    const short = await submit([1, 2]);
    expect(short.code).toBe('VALIDATION_FAILED');
    expect(short.fields.map((f: { path: string[] }) => f.path.join('.'))).toEqual(['input.answers']);
    const outOfRange = await submit([1, 9, -1]);
    expect(outOfRange.fields.map((f: { path: string[] }) => f.path.join('.'))).toEqual([
      'input.answers.1',
      'input.answers.2',
    ]);
    const readOnly = await createKey(db.prisma, 'SELLER', { shopId: shop.id, scopes: ['shops:read', 'health:read'] });
    const forbidden = await gql(readOnly.key, SUBMIT, {
      input: { shopId: shopGid, quizId: gid('Quiz', quiz.id), answers: PASS },
    });
    expect(forbidden.data!.quizAttemptSubmit.code).toBe('FORBIDDEN');
    const other = await createShop(db.prisma, 'Not Sloppy');
    const { key } = await createKey(db.prisma, 'SELLER', { shopId: shop.id, scopes: ['quiz:write'] });
    const crossTenant = await gql(key, SUBMIT, {
      input: { shopId: gid('Shop', other.id), quizId: gid('Quiz', quiz.id), answers: PASS },
    });
    expect(crossTenant.data!.quizAttemptSubmit.code).toBe('NOT_FOUND');
    expect(await db.prisma.quizAttempt.count({ where: { shopId: { in: [shop.id, other.id] } } })).toBe(0);
  });

  it('20 concurrent submissions for one shop and quiz: exactly 3 graded, the rest ATTEMPT_LIMIT_REACHED', async () => {
    const { shop, submit, violate } = await quizShop('Stampede', 6);
    await clock('2024-05-10T00:00:00Z');
    await violate('2024-05-01T00:00:00Z');
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => submit(i % 2 ? PASS : FAIL)));
    const graded = results.filter((r) => r.__typename === 'QuizAttemptSubmitSuccess');
    const limited = results.filter((r) => r.code === 'ATTEMPT_LIMIT_REACHED');
    expect(graded).toHaveLength(3);
    expect(limited).toHaveLength(17);
    expect(graded.map((r) => r.attemptsLeftThisMonth).sort()).toEqual([0, 1, 2]);
    expect(await db.prisma.quizAttempt.count({ where: { shopId: shop.id } })).toBe(3);
    // Whatever passed, at most one removal in the cooldown window.
    expect(await db.prisma.pointsLedgerEntry.count({ where: { shopId: shop.id, kind: 'QUIZ_REMOVAL' } })).toBe(
      graded.some((r) => r.passed) ? 1 : 0,
    );
  });

  it('counts attempts per UTC calendar month of the sandbox clock', async () => {
    const { shop, submit } = await quizShop('Month End');
    await clock('2024-01-31T23:59:00Z');
    for (const left of [2, 1, 0]) expect((await submit(FAIL)).attemptsLeftThisMonth).toBe(left);
    expect((await submit(PASS)).code).toBe('ATTEMPT_LIMIT_REACHED');
    await clock('2024-02-01T00:00:00Z');
    expect(await submit(FAIL)).toMatchObject({ __typename: 'QuizAttemptSubmitSuccess', attemptsLeftThisMonth: 2 });
    const months = await db.prisma.quizAttempt.groupBy({
      by: ['month'],
      where: { shopId: shop.id },
      _count: true,
      orderBy: { month: 'asc' },
    });
    expect(months.map((m) => [m.month, m._count])).toEqual([
      ['2024-01', 3],
      ['2024-02', 1],
    ]);
  });

  it("lists a shop's attempts, newest first, with per-question correctness", async () => {
    const { key, shopGid, submit } = await quizShop('Historian');
    await clock('2024-03-01T00:00:00Z');
    await submit(FAIL);
    await clock('2024-03-02T00:00:00Z');
    await submit(PASS);
    const res = await gql(
      key,
      `query($id: ID!) { shop(id: $id) { quizAttempts(first: 10) { edges { node { passed correctCount submittedAt results { correct } } } } } }`,
      { id: shopGid },
    );
    expect(res.data!.shop.quizAttempts.edges.map((e: { node: unknown }) => e.node)).toEqual([
      {
        passed: true,
        correctCount: 3,
        submittedAt: '2024-03-02T00:00:00.000Z',
        results: [{ correct: true }, { correct: true }, { correct: true }],
      },
      {
        passed: false,
        correctCount: 2,
        submittedAt: '2024-03-01T00:00:00.000Z',
        results: [{ correct: true }, { correct: true }, { correct: false }],
      },
    ]);
  });
});

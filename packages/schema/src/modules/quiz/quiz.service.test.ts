import { describe, expect, it } from 'vitest';
import { gradeAnswers, monthKeyOf, validateAnswers } from './quiz.service.ts';

const questions = [
  { position: 1, correctIndex: 1, choices: ['a', 'b', 'c'] },
  { position: 2, correctIndex: 0, choices: ['a', 'b'] },
  { position: 3, correctIndex: 3, choices: ['a', 'b', 'c', 'd'] },
];

describe('quiz grading', () => {
  it('passes only with full marks and reports per-question correctness', () => {
    expect(gradeAnswers(questions, [1, 0, 3])).toEqual({
      passed: true,
      correctCount: 3,
      results: [
        { position: 1, correct: true },
        { position: 2, correct: true },
        { position: 3, correct: true },
      ],
    });
    expect(gradeAnswers(questions, [1, 1, 3])).toMatchObject({ passed: false, correctCount: 2 });
    expect(gradeAnswers([], [])).toMatchObject({ passed: false, correctCount: 0 });
  });

  it('validates one in-range answer per question, with a path for each offender', () => {
    expect(validateAnswers(questions, [1, 0, 3])).toEqual([]);
    expect(validateAnswers(questions, [1, 0])).toEqual([
      { path: ['input', 'answers'], message: 'Give exactly one answer per question (3).' },
    ]);
    expect(validateAnswers(questions, [3, -1, 3]).map((e) => e.path.join('.'))).toEqual([
      'input.answers.0',
      'input.answers.1',
    ]);
  });

  it('counts attempts per UTC calendar month', () => {
    expect(monthKeyOf(new Date('2024-01-31T23:59:59.999Z'))).toBe('2024-01');
    expect(monthKeyOf(new Date('2024-02-01T00:00:00Z'))).toBe('2024-02');
  });
});

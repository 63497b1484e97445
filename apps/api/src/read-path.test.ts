import { describe, expect, it } from 'vitest';
import { mayBeQuery } from './read-path.ts';

describe('mayBeQuery (which documents the response cache looks at)', () => {
  it('skips documents whose first operation is a mutation or a subscription, after whitespace, commas, a BOM and comments', () => {
    for (const doc of [
      'mutation { a }',
      '  \n\tmutation Run($x: Int) { a }',
      '\uFEFF# a comment\n, mutation{a}',
      '#c1\r\n#c2\nsubscription S { a }',
      'mutation',
    ]) {
      expect(mayBeQuery(doc), JSON.stringify(doc)).toBe(false);
    }
  });

  it('looks at queries, the shorthand form, fragments first, and names that only start like a keyword', () => {
    for (const doc of [
      '{ shop { id } }',
      'query Q { a }',
      '  # mutation in a comment\n query { a }',
      'fragment F on Shop { id } mutation { a }',
      'mutations { a }',
      'mutation_x { a }',
      '',
    ]) {
      expect(mayBeQuery(doc), JSON.stringify(doc)).toBe(true);
    }
  });
});

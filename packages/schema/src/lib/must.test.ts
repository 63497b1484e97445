import { describe, expect, it } from 'vitest';
import { InvariantError, must } from './must.ts';

describe('must', () => {
  it('returns a present value, falsy ones included', () => {
    expect(must(0, 'count')).toBe(0);
    expect(must('', 'label')).toBe('');
    expect(must(false, 'flag')).toBe(false);
  });

  it('throws an InvariantError naming what is missing for null and undefined', () => {
    expect(() => must(undefined, 'shop 7')).toThrow(new InvariantError('shop 7 is missing'));
    expect(() => must(null, 'the viewer')).toThrow(InvariantError);
    expect(() => must(new Map<number, string>().get(1), 'listing 1')).toThrow(/^listing 1 is missing$/);
  });
});

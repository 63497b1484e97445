import { describe, expect, it } from 'vitest';
import { intArray } from './sql.ts';

describe('intArray', () => {
  it('sends the ids as one array literal, nulls as NULL', () => {
    expect(intArray([3, 1, 2]).values).toEqual(['{3,1,2}']);
    expect(intArray([]).values).toEqual(['{}']);
    expect(intArray([5, null, -7]).values).toEqual(['{5,NULL,-7}']);
    expect(intArray([1]).sql).toBe('?::int[]');
  });

  it('refuses anything but safe integers, so the text is always a valid literal', () => {
    for (const bad of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, '1}' as unknown as number])
      expect(() => intArray([1, bad])).toThrow(TypeError);
  });
});

import { describe, expect, it } from 'vitest';
import { Prisma } from '@shopwarden/db';
import { intArray, statementShapes } from './sql.ts';

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

describe('statementShapes', () => {
  it('builds a shape once and binds each call its values, the same statement as built with them', () => {
    let builds = 0;
    const statement = statementShapes<{ audited: boolean }, { id: number; note: string | null }>(({ audited }, p) => {
      builds++;
      return Prisma.sql`SELECT ${p.id}::int, ${[1, 2]}::int[]${audited ? Prisma.sql`, ${p.note}::text, ${p.id}::int` : Prisma.empty}`;
    });
    const first = statement({ audited: true }, { id: 7, note: 'a' });
    const second = statement({ audited: true }, { id: 8, note: null });
    const plain = statement({ audited: false }, { id: 9, note: 'b' });
    expect(builds).toBe(2);
    expect(second.text).toBe(first.text);
    expect(second.name).toBe(first.name);
    expect(plain.name).not.toBe(first.name);
    expect(first.values).toEqual([7, [1, 2], 'a', 7]);
    expect(second.values).toEqual([8, [1, 2], null, 8]);
    expect(plain.values).toEqual([9, [1, 2]]);
    const direct = Prisma.sql`SELECT ${8}::int, ${[1, 2]}::int[], ${null}::text, ${8}::int`;
    expect([second.text, second.sql().text, second.sql().values]).toEqual([direct.text, direct.text, direct.values]);
  });
});

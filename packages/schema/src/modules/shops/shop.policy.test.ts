import { describe, expect, it } from 'vitest';
import { SqlParams } from '../../compiled/prisma-sql.ts';
import type { Viewer } from '../auth/viewer.ts';
import { shopOwnedWhere, shopWhere } from './shop.policy.ts';

const viewer = (shopIds: number[] | null): Viewer => ({
  apiKeyId: 1,
  role: shopIds === null ? 'ADMIN' : 'PARTNER',
  scopes: ['*'],
  shopId: null,
  accountId: shopIds === null ? null : 7,
  shopIds,
  representedCreatorIds: [],
});

describe('tenant filters (one reach list per viewer object)', () => {
  it('hand out one frozen copy of the reach per viewer, which nobody can change', () => {
    const reach = Array.from({ length: 2_000 }, (_, i) => i + 1);
    const partner = viewer(reach);
    const list = (shopWhere(partner) as { id: { in: number[] } }).id.in;
    expect(list).toEqual(reach);
    expect(list).not.toBe(reach);
    expect(shopOwnedWhere(partner).shopId!.in).toBe(list);
    expect(Object.isFrozen(list)).toBe(true);
    expect(() => list.push(1)).toThrow(TypeError);
    // Another viewer object (a key looked up again) gets its own list.
    expect(shopOwnedWhere(viewer([...reach])).shopId!.in).not.toBe(list);
    expect(shopWhere(viewer(null))).toEqual({});
    expect(shopOwnedWhere(null)).toEqual({ shopId: { in: [] } });
  });

  it("encode as the reach's literal, found by identity once seen", () => {
    const reach = [5, 3, 9, 10, 11, 12, 13, 14, 15];
    const list = shopOwnedWhere(viewer(reach)).shopId!.in;
    const literal = '{5,3,9,10,11,12,13,14,15}';
    const first = new SqlParams([reach]);
    expect(first.recurringList(list, 'int[]')).toBe('$1::int[]');
    expect(first.values).toEqual([literal]);
    // Seen once, the frozen list is recognised without a recurring list to compare with.
    const again = new SqlParams([]);
    expect(again.recurringList(list, 'int[]')).toBe('$1::int[]');
    expect(again.values).toEqual([literal]);
    expect(new SqlParams([]).recurringList([...list], 'int[]')).toBeUndefined();
  });
});

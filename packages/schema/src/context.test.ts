import { describe, expect, it } from 'vitest';
import { platformNow } from './context.ts';

describe('the sandbox clock', () => {
  const real = new Date('2026-11-23T12:00:00Z');
  it('is real time when unset or in production', () => {
    expect(platformNow({ sandboxNow: null, sandboxSetAt: null, sandboxFrozen: true }, false, real)).toBe(real);
    expect(
      platformNow(
        { sandboxNow: new Date('2024-02-08T00:00:00Z'), sandboxSetAt: real, sandboxFrozen: true },
        true,
        real,
      ),
    ).toBe(real);
  });
  it('stands still when frozen and advances from the set instant otherwise', () => {
    const set = new Date('2026-11-23T11:00:00Z');
    const sandboxNow = new Date('2024-02-08T00:00:00Z');
    expect(platformNow({ sandboxNow, sandboxSetAt: set, sandboxFrozen: true }, false, real).toISOString()).toBe(
      '2024-02-08T00:00:00.000Z',
    );
    expect(platformNow({ sandboxNow, sandboxSetAt: set, sandboxFrozen: false }, false, real).toISOString()).toBe(
      '2024-02-08T01:00:00.000Z',
    );
  });
});

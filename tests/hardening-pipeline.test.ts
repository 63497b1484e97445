import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, type World } from './support/fixtures.ts';
import { createTestApp } from './support/client.ts';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';

/** `{ ...F0 } fragment F0 on Query { ...F1 ...F1 } … fragment Fn on Query { __typename }`: 2^n fields once expanded. */
function fragmentBomb(n: number): string {
  let text = '{ ...F0 } ';
  for (let i = 0; i < n; i++) text += `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} } `;
  return `${text}fragment F${n} on Query { __typename }`;
}

describe.each(testTargets())('the request pipeline under hostile documents on %s', (target) => {
  let db: TestDatabase;
  let world: World;

  beforeAll(async () => {
    db = await createTestDatabase(target);
    world = await createWorld(db.prisma);
  });
  afterAll(async () => db.drop());

  // Before, the cost walk followed every spread again: 24 fragments kept the event loop busy for over 40 s.
  it.each([24, 60, 1000])(
    'refuses a fragment bomb of %i fragments with LIMIT_EXCEEDED at once, with and without a key',
    async (n) => {
      // The key cache as in production: the first request looks the key up, the bomb then waits for no database.
      const { gql } = createTestApp(db, { API_KEY_CACHE_TTL_MS: '60000' });
      await gql(world.adminKey, '{ viewer { role } }');
      for (const key of [world.adminKey, null]) {
        const times: number[] = [];
        for (let i = 0; i < 5; i++) {
          const started = performance.now();
          const res = await gql(key, fragmentBomb(n));
          times.push(performance.now() - started);
          expect(res.data ?? null).toBeNull();
          expect(res.errors!.map((e) => e.extensions?.code)).toEqual(['LIMIT_EXCEEDED']);
        }
        // A refusal takes a few milliseconds of CPU: on a loaded machine some tries wait for a core, the best does not.
        const label = `${n} fragments, ${key ? 'with' : 'without'} a key: ${times.map(Math.round)} ms`;
        expect(Math.min(...times), label).toBeLessThan(50);
        expect(Math.max(...times), label).toBeLessThan(1000);
      }
    },
  );

  it('refuses a field repeated past the limit in one selection set before validation compares every pair', async () => {
    const { gql } = createTestApp(db);
    const res = await gql(world.adminKey, `{ ${Array.from({ length: 21 }, () => 'viewer { role }').join(' ')} }`);
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', maxFieldRepeats: 20 });
    const fine = await gql(world.adminKey, `{ ${Array.from({ length: 20 }, () => 'viewer { role }').join(' ')} }`);
    expect(fine.errors).toBeUndefined();
    expect(fine.data).toEqual({ viewer: { role: 'ADMIN' } });
  });

  it('refuses pages out of bounds before running, from literals, variables and variable defaults', async () => {
    const { gql } = createTestApp(db);
    const page = (first: string) => `query($n: Int${first}) { shops(first: $n) { edges { node { id } } } }`;
    for (const [query, variables, code] of [
      ['{ shops(first: -1) { edges { node { id } } } }', {}, 'VALIDATION_FAILED'],
      [page(''), { n: -5 }, 'VALIDATION_FAILED'],
      [page(''), { n: 101 }, 'LIMIT_EXCEEDED'],
      [page(' = 500'), {}, 'LIMIT_EXCEEDED'],
    ] as const) {
      const res = await gql(world.adminKey, query, variables);
      expect(res.data ?? null, query).toBeNull();
      expect(
        res.errors!.map((e) => e.extensions?.code),
        query,
      ).toEqual([code]);
      expect(res.extensions?.cost, query).toMatchObject({ actualQueryCost: 0, maximumCost: 1000 });
    }
  });

  it('refuses depth, alias, token and directive excess with LIMIT_EXCEEDED', async () => {
    const { gql } = createTestApp(db, { MAX_DEPTH: '2', MAX_DIRECTIVES: '1' });
    const cases = {
      depth: '{ viewer { shop { primaryCategory { name } } } }',
      aliases: `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: viewer { role }`).join(' ')} }`,
      tokens: `{ ${'__typename '.repeat(1001)}}`,
      directives: '{ viewer @include(if: true) { role @include(if: true) } }',
    };
    for (const [limit, query] of Object.entries(cases)) {
      const res = await gql(world.adminKey, query);
      expect(
        res.errors!.map((e) => e.extensions?.code),
        limit,
      ).toEqual(['LIMIT_EXCEEDED']);
      expect(res.errors![0]!.message, limit).not.toMatch(/Syntax Error/);
    }
  });
});

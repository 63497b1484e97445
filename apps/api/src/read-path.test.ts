import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileRead,
  createContext,
  executionValues,
  schema,
  type CompileReadResult,
  type Viewer,
} from '@shopwarden/schema';
import { parse, type DocumentNode } from 'graphql';
import { mayBeQuery, PlanCache } from './read-path.ts';

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

describe('PlanCache (compiled plans per document, caller shape and the values of unlifted variables)', () => {
  const viewer = (shopIds: number[] | null, apiKeyId = 1): Viewer => ({
    apiKeyId,
    role: shopIds === null ? 'ADMIN' : 'PARTNER',
    scopes: ['*'],
    shopId: null,
    accountId: shopIds === null ? null : 7,
    shopIds,
    representedCreatorIds: [],
  });
  const input = (document: DocumentNode, v: Viewer, variables: Record<string, unknown> = {}, production = true) => ({
    schema,
    document,
    variableValues: variables,
    context: createContext({ prisma: null as never, viewer: v, requestId: 'r', production }),
  });
  const gid = (typename: string, id: number | string) => Buffer.from(`${typename}:${id}`).toString('base64');
  const read = parse(`query($n: Int) { shops(first: $n) { edges { node { id name } } } }`);
  // The varying-variables bench document (bench/scenarios/varying-variables.ts).
  const shopPage = parse(`query ShopPage($id: ID!, $l: Int!, $v: Int!) {
    shop(id: $id) { id name status
      listings(first: $l) { edges { node { id title status price { minorUnits currencyCode } } } }
      violations(first: $v) { edges { node { id source points occurredAt } } }
    }
  }`);
  const admin = viewer(null);
  const partner = viewer(Array.from({ length: 2_000 }, (_, i) => i + 1));

  /** A plan's answer for these values is exactly what compiling them afresh gives. */
  async function same(plans: PlanCache, document: DocumentNode, v: Viewer, variables: Record<string, unknown>) {
    const planned: CompileReadResult = await plans.get(input(document, v, variables));
    const fresh = await compileRead(input(document, v, variables));
    expect(planned, JSON.stringify(variables)).toEqual(fresh);
    return planned;
  }

  it('compiles the varying-variables bench document once for any shop and page sizes', async () => {
    const plans = new PlanCache();
    for (let i = 0; i < 60; i++) {
      const planned = await same(plans, shopPage, admin, {
        id: gid('Shop', 1 + ((i * 37) % 2_000)),
        l: 1 + (i % 10),
        v: 1 + ((i * 7) % 10),
      });
      expect(planned.ok).toBe(true);
    }
    // One plan, from the real values and two probes.
    expect(plans.compilations).toBe(3);
    expect(plans.size).toBe(1);
  });

  it('shares a plan between keys of the same shape, and not across reaches', async () => {
    const plans = new PlanCache();
    const reach = Array.from({ length: 2_000 }, (_, i) => i + 1);
    const a = await plans.get(input(read, viewer(reach, 1), { n: 5 }));
    expect(a.ok).toBe(true);
    await same(plans, read, viewer([...reach], 2), { n: 7 });
    expect(plans.compilations).toBe(3);
    await same(plans, read, viewer(reach.slice(1), 3), { n: 5 });
    expect(plans.compilations).toBe(6);
    expect(plans.size).toBe(2);
  });

  it('keeps the values that shape the statement or are decided while compiling in the key', async () => {
    const plans = new PlanCache();
    const byId = parse(`query($id: ID!) { shop(id: $id) { id name } }`);
    const nodeById = parse(`query($id: ID!) { node(id: $id) { id ... on Shop { name } ... on Listing { title } } }`);
    const sorted = parse(
      `query($s: ListingSort, $n: Int, $a: String) { listings(sort: $s, first: $n, after: $a) { edges { cursor node { id } } pageInfo { hasNextPage } } }`,
    );
    const nodes = parse(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`);
    const small = viewer([1, 2, 3]);
    const cases: [DocumentNode, Viewer, Record<string, unknown>][] = [
      // A second caller shape, an id outside reach (its reach is in the statement), a foreign typename.
      [byId, partner, { id: gid('Shop', 12) }],
      [byId, small, { id: gid('Shop', 12) }],
      [byId, small, { id: gid('Shop', 2) }],
      [byId, admin, { id: gid('Listing', 12) }],
      [byId, admin, { id: gid('Shop', 12) }],
      // IDs not spelled as the relay plugin spells them, or beyond the int column.
      [byId, admin, { id: gid('Shop', '012') }],
      [byId, admin, { id: gid('Shop', 2 ** 31) }],
      [byId, admin, { id: gid('Shop', 'x') }],
      [byId, admin, { id: gid('Shop', 7).replace(/=+$/, '') }],
      [byId, admin, { id: 12 }],
      [nodeById, small, { id: gid('Shop', 3) }],
      [nodeById, small, { id: gid('Listing', 3) }],
      [nodeById, small, { id: gid('Shop', 4) }],
      [nodeById, small, { id: gid('Order', 3) }],
      // Null where a value was, page sizes outside the lifted range, enum values, cursors.
      [read, admin, { n: 3 }],
      [read, admin, { n: null }],
      [read, admin, {}],
      [read, admin, { n: 0 }],
      [read, admin, { n: 100 }],
      [read, admin, { n: 101 }],
      [read, admin, { n: 500 }],
      [read, admin, { n: -1 }],
      [sorted, admin, { s: 'PRICE_ASC', n: 3 }],
      [sorted, admin, { s: 'PRICE_DESC', n: 4 }],
      [sorted, admin, { s: 'PRICE_DESC', n: 4, a: Buffer.from('GPC:N:9').toString('base64') }],
      [sorted, admin, { s: 'PRICE_DESC', n: 5, a: Buffer.from('GPC:N:10').toString('base64') }],
      [sorted, admin, { s: null, n: 5 }],
      // List variables of other lengths.
      [nodes, small, { ids: [gid('Shop', 1)] }],
      [nodes, small, { ids: [gid('Shop', 2), gid('Shop', 3)] }],
      [nodes, small, { ids: [gid('Shop', 2), gid('Listing', 3), gid('Shop', 9)] }],
    ];
    // Twice, in both orders: whatever compiled first, every later request reads its own values.
    for (const round of [cases, [...cases].reverse()])
      for (const [document, v, variables] of round) await same(plans, document, v, variables);
  });

  it('never answers other values than compiling afresh would, for random values (property)', async () => {
    const plans = new PlanCache();
    const documents = [
      read,
      shopPage,
      parse(`query($id: ID!) { node(id: $id) { id ... on Shop { name } } }`),
      parse(
        `query($s: ListingSort, $n: Int, $m: Int!) { listings(sort: $s, first: $n) { edges { node { id shop { listings(first: $m) { edges { node { id } } } } } } } }`,
      ),
    ];
    const int = fc.oneof(fc.integer({ min: -2, max: 120 }), fc.constant(null), fc.constant(1.5));
    const id = fc.oneof(
      fc
        .tuple(fc.constantFrom('Shop', 'Listing', 'Violation'), fc.integer({ min: 0, max: 3_000 }))
        .map(([t, n]) => gid(t, n)),
      fc.constantFrom('not an id', gid('Shop', '01'), gid('Shop', 2 ** 31 - 1), gid('Shop', 2 ** 31)),
    );
    const variables = fc.record({
      n: int,
      l: int,
      v: int,
      m: int,
      id,
      s: fc.constantFrom('ID', 'PRICE_ASC', 'SUBMITTED_AT_DESC', null),
    });
    const callers = [admin, partner, viewer([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), viewer([2])];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...documents), fc.constantFrom(...callers), variables, async (d, v, values) => {
        await same(plans, d, v, values);
      }),
      { numRuns: 300, seed: 20261207 },
    );
    // The plans were reused, not compiled per request.
    expect(plans.compilations).toBeLessThan(300);
  });

  it('keeps at most its bound, dropping the least recently used', async () => {
    const plans = new PlanCache(2);
    const first = await plans.get(input(read, admin, { n: null }));
    await plans.get(input(read, admin, {}));
    expect(await plans.get(input(read, admin, { n: null }))).toBe(first);
    await plans.get(input(read, admin, { n: 500 }));
    expect(plans.size).toBe(2);
    expect(await plans.get(input(read, admin, { n: null }))).toBe(first);
    const before = plans.compilations;
    await plans.get(input(read, admin, {}));
    expect(plans.compilations).toBe(before + 1);
  });

  it('stops probing a document whose plans are never reused (values that shape the statement vary)', async () => {
    const plans = new PlanCache();
    const named = parse(`query($f: ShopFilter, $n: Int) { shops(first: $n, filter: $f) { edges { node { id } } } }`);
    for (let i = 0; i < 30; i++) await same(plans, named, admin, { f: { nameContains: `shop ${i}` }, n: 5 });
    // Eight probed plans (three statements each), then one statement per new filter.
    expect(plans.compilations).toBe(8 * 3 + 22);
  });

  it("sends a caller's reach as the same literal, whichever list object the filter copied it into", async () => {
    const reach = [3, 1, 2, 10, 11, 12, 13, 14, 15];
    const plan = await new PlanCache().get(input(read, viewer(reach)));
    expect(plan.ok && plan.read.values).toContain('{3,1,2,10,11,12,13,14,15}');
  });

  it('keeps the platform clock out of a plan: the real time is bound at each execution, asOf is a parameter', async () => {
    const balance = parse(
      `query($at: DateTime) { shops(first: 2) { edges { node { id a: pointsBalance b: pointsBalance(asOf: $at) } } } }`,
    );
    for (const production of [true, false]) {
      const plans = new PlanCache();
      const at = { at: '2024-01-02T03:04:05.678Z' };
      const plan = await plans.get(input(balance, viewer(null), at, production));
      expect(await plans.get(input(balance, viewer(null), at, production))).toBe(plan);
      if (!plan.ok) throw new Error(plan.reason);
      const { read } = plan;
      const slot = read.clock;
      if (slot === null) throw new Error('the read uses the clock');
      expect(read.values[slot]).toBeNull();
      expect(read.values).toContain('2024-01-02 03:04:05.678');
      // Production has no sandbox clock: the real time alone; elsewhere the settings row is read in the statement.
      expect(read.text.includes('"PlatformSettings"')).toBe(!production);
      const first = executionValues(read, new Date('2026-12-07T10:00:00.000Z'));
      const later = executionValues(read, new Date('2026-12-07T10:00:01.500Z'));
      expect(first[slot]).toBe('2026-12-07 10:00:00.000');
      expect(later[slot]).toBe('2026-12-07 10:00:01.500');
      expect(read.values[slot]).toBeNull();
    }
    const asOfOnly = await new PlanCache().get(
      input(parse(`{ shops { edges { node { pointsBalance(asOf: "2024-01-01T00:00:00Z") } } } }`), viewer(null)),
    );
    expect(asOfOnly.ok && asOfOnly.read.clock).toBeNull();
    expect(asOfOnly.ok && executionValues(asOfOnly.read)).toBe(asOfOnly.ok && asOfOnly.read.values);
  });
});

import { describe, expect, it } from 'vitest';
import { createContext, schema, type Viewer } from '@shopwarden/schema';
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

describe('PlanCache (compiled plans per document, caller shape and variables)', () => {
  const viewer = (shopIds: number[] | null, apiKeyId = 1): Viewer => ({
    apiKeyId,
    role: shopIds === null ? 'ADMIN' : 'PARTNER',
    scopes: ['*'],
    shopId: null,
    accountId: shopIds === null ? null : 7,
    shopIds,
    representedCreatorIds: [],
  });
  const input = (document: DocumentNode, v: Viewer, variables: Record<string, unknown> = {}) => ({
    schema,
    document,
    variableValues: variables,
    context: createContext({ prisma: null as never, viewer: v, requestId: 'r', production: true }),
  });
  const read = parse(`query($n: Int) { shops(first: $n) { edges { node { id name } } } }`);

  it('shares a plan between keys of the same shape, and not across reaches or variables', async () => {
    const plans = new PlanCache();
    const reach = Array.from({ length: 2_000 }, (_, i) => i + 1);
    const a = await plans.get(input(read, viewer(reach, 1)));
    expect(a.ok).toBe(true);
    expect(await plans.get(input(read, viewer([...reach], 2)))).toBe(a);
    expect(await plans.get(input(read, viewer(reach.slice(1), 3)))).not.toBe(a);
    expect(await plans.get(input(read, viewer(reach, 1), { n: 3 }))).not.toBe(a);
    expect(plans.size).toBe(3);
  });

  it('keeps at most its bound, dropping the least recently used', async () => {
    const plans = new PlanCache(2);
    const admin = viewer(null);
    const first = await plans.get(input(read, admin, { n: 1 }));
    await plans.get(input(read, admin, { n: 2 }));
    expect(await plans.get(input(read, admin, { n: 1 }))).toBe(first);
    await plans.get(input(read, admin, { n: 3 }));
    expect(plans.size).toBe(2);
    expect(await plans.get(input(read, admin, { n: 1 }))).toBe(first);
    expect(await plans.get(input(read, admin, { n: 2 }))).not.toBe(first);
  });

  it("sends a caller's reach as the same literal, whichever list object the filter copied it into", async () => {
    const reach = [3, 1, 2, 10, 11, 12, 13, 14, 15];
    const plan = await new PlanCache().get(input(read, viewer(reach)));
    expect(plan.ok && plan.read.values).toContain('{3,1,2,10,11,12,13,14,15}');
  });
});

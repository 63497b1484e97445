import { readFileSync } from 'node:fs';
import { buildSchema, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calculateQueryCost } from '../apps/api/src/query-analysis.ts';
import { estimateCost, parseForCost } from '../packages/sdk/src/cost.ts';
import { costSchema } from '../packages/sdk/src/generated/cost-schema.ts';
import { createShopWardenClient, operationTable, type ClientLogEvent } from '../packages/sdk/src/index.ts';
import { createWorld, type World } from './support/fixtures.ts';
import { createTestApp } from './support/client.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

/** Documents written by hand, as a partner would: every construct the cost walk treats differently. */
const adHoc: { name: string; document: string; variables?: Record<string, unknown>; operationName?: string }[] = [
  { name: 'default page of a connection', document: '{ shops { edges { node { id name } } } }' },
  { name: 'first as a literal', document: '{ shops(first: 50) { edges { node { id } } } }' },
  {
    name: 'nested connections with variables and a default',
    document: `query Q($n: Int = 7, $m: Int) {
      shops(first: $n) { edges { node { id listings(first: $m) { edges { node { id title shop { name } } } pageInfo { hasNextPage } } } } }
    }`,
    variables: { m: 3 },
  },
  {
    name: 'a variable set to null, last, aliases and a string with braces',
    document: `query ($n: Int = 5) { a: shops(first: $n, filter: { nameContains: "{ shops(first: 99) }" }) { edges { node { id } } } b: shops(last: 2) { edges { cursor } } }`,
    variables: { n: null },
  },
  {
    name: 'fragments, inline fragments on an interface and a union, __typename, introspection',
    document: `# a comment { shops }
      query Frag { viewer { ...V } node(id: "U2hvcDox") { __typename ... on Shop { ...S primaryCategory { name } } }
        __schema { types { name fields { name } } } }
      fragment V on Viewer { role shop { ...S } account { id } }
      fragment S on Shop { id name listings(first: 4) { edges { node { id } } } }`,
  },
  {
    name: 'the second of two operations, with directives and a block string',
    document: `query One { shops { edges { node { id } } } }
      query Two($skip: Boolean = false) { shops(first: 3, filter: { nameContains: """ a "quoted" } """ }) @include(if: true) { edges @skip(if: $skip) { node { id ... @include(if: true) { name listings { edges { node { id } } } } } } } }`,
    operationName: 'Two',
  },
  {
    name: 'a mutation result union',
    document: `mutation ($input: ShopSelectPrimaryCategoryInput!) { shopSelectPrimaryCategory(input: $input) {
      __typename ... on ShopSelectPrimaryCategorySuccess { shop { id primaryCategory { id name } } } ... on Error { code message }
      ... on ValidationError { fields { path message } } } }`,
  },
];

const schema = buildSchema(readFileSync(new URL('../packages/schema/schema.graphql', import.meta.url), 'utf8'));

describe('the SDK computes the cost the API charges', () => {
  let db: TestDatabase;
  let world: World;
  let app: ReturnType<typeof createTestApp>;

  beforeAll(async () => {
    db = await createTestDatabase('pglite');
    world = await createWorld(db.prisma);
    app = createTestApp(db, { RATE_LIMIT_CAPACITY: '1000000', RATE_LIMIT_RESTORE_RATE: '1000000' });
  });
  afterAll(async () => db?.drop());

  // Variables are left incomplete (no `input`, no ids), so every operation is priced and nothing is written.
  it('for every SDK operation, with and without page sizes', async () => {
    const entries = Object.values(operationTable).flat();
    expect(entries.length).toBeGreaterThan(60);
    const mismatches: unknown[] = [];
    for (const entry of entries) {
      for (const variables of [{}, { first: 7 }, { first: 100, last: 3 }]) {
        const res = await app.yoga.fetch('http://localhost/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${world.adminKey}` },
          body: JSON.stringify({ query: entry.document, variables }),
        });
        const body = (await res.json()) as { extensions?: { cost?: { requestedQueryCost?: number } } };
        const server = body.extensions?.cost?.requestedQueryCost;
        const client = estimateCost(costSchema, entry.document, variables);
        if (typeof server !== 'number' || client !== server)
          mismatches.push({ method: entry.method, field: entry.field, variables, server, client });
      }
    }
    expect(mismatches).toEqual([]);
  });

  it.each(adHoc)('for a hand-written document: $name', async ({ document, variables, operationName }) => {
    const res = await app.yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${world.adminKey}` },
      body: JSON.stringify({ query: document, variables: variables ?? {}, operationName }),
    });
    const body = (await res.json()) as { errors?: unknown[]; extensions?: { cost?: { requestedQueryCost?: number } } };
    const server = body.extensions?.cost?.requestedQueryCost;
    expect(typeof server, JSON.stringify(body.errors)).toBe('number');
    expect(estimateCost(costSchema, document, variables, operationName)).toBe(server);
    // And as the server's own walk computes it, from the parsed document.
    expect(calculateQueryCost(schema, parse(document), variables, operationName).cost).toBe(server);
  });

  it('the client waits for the budget instead of collecting 429s', async () => {
    const limited = createTestApp(db, { RATE_LIMIT_CAPACITY: '300', RATE_LIMIT_RESTORE_RATE: '600' });
    const events: ClientLogEvent[] = [];
    const client = createShopWardenClient({
      url: 'http://localhost/graphql',
      apiKey: world.adminKey,
      fetch: (url, init) => limited.yoga.fetch(url, init),
      logger: (e) => events.push(e),
    });
    // 101 points each: three fit in the bucket, then the client paces itself from the reported budget.
    for (let i = 0; i < 6; i++) await client.request('{ shops(first: 50) { edges { node { id } } } }');
    expect(events.filter((e) => e.type === 'retry')).toEqual([]);
    const waits = events.filter((e) => e.type === 'throttle');
    expect(waits.length).toBeGreaterThan(0);
    expect(waits.every((e) => e.type === 'throttle' && e.estimatedCost === 101)).toBe(true);
  });

  it('a document it cannot parse falls back to the default cost', () => {
    expect(estimateCost(costSchema, 'type Query { a: Int }')).toBeNull();
    expect(estimateCost(costSchema, '{ shops { edges { node { id } } }')).toBeNull();
    expect(() => parseForCost('{ shops(first: 1) { edges { node { id } } } }')).not.toThrow();
  });
});

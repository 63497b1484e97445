import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes, schema } from '@shopwarden/schema';
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

const CREATE_KEY = `mutation { apiKeyCreate(input: { name: "csrf", role: ADMIN, scopes: ["*"] }) { __typename } }`;

describe.each(testTargets())('the HTTP edge and error codes on %s', (target) => {
  let db: TestDatabase;
  let world: World;

  beforeAll(async () => {
    db = await createTestDatabase(target);
    world = await createWorld(db.prisma);
  });
  afterAll(async () => db.drop());

  const post = async (yoga: ReturnType<typeof createTestApp>['yoga'], headers: Record<string, string>, body: string) =>
    yoga.fetch('http://localhost/graphql', { method: 'POST', headers, body });

  /** Every top-level error has a code of the documented set and the request id the response header gives. */
  async function expectCoded(res: Response, status: number, code: string) {
    const text = await res.text();
    expect(res.status, text.slice(0, 300)).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/json/);
    const body = JSON.parse(text) as { errors?: { message: string; extensions?: Record<string, unknown> }[] };
    expect(body.errors?.length, JSON.stringify(body)).toBeGreaterThan(0);
    for (const error of body.errors!) {
      expect(errorCodes, JSON.stringify(error)).toContain(error.extensions?.code);
      expect(error.extensions?.requestId, JSON.stringify(error)).toBe(res.headers.get('x-request-id'));
    }
    expect(body.errors![0]!.extensions!.code, JSON.stringify(body)).toBe(code);
    return body;
  }

  it('refuses form posts (CSRF) and any body but JSON in UTF-8, without running the operation', async () => {
    const { yoga } = createTestApp(db);
    const keysBefore = await db.prisma.apiKey.count();
    const form = `query=${encodeURIComponent(CREATE_KEY)}`;
    for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain']) {
      // As a browser's form sends it: refused by CSRF prevention.
      await expectCoded(await post(yoga, { 'content-type': type }, form), 403, 'FORBIDDEN');
      // With a key (no browser can add one to a form post): still never parsed.
      const keyed = await post(yoga, { 'content-type': type, authorization: `Bearer ${world.adminKey}` }, form);
      await expectCoded(keyed, 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
    const utf16 = await post(
      yoga,
      { 'content-type': 'application/json; charset=utf-16', authorization: `Bearer ${world.adminKey}` },
      JSON.stringify({ query: CREATE_KEY }),
    );
    await expectCoded(utf16, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(await db.prisma.apiKey.count()).toBe(keysBefore);
    // JSON in UTF-8, with or without the charset, is what the API takes.
    for (const type of ['application/json', 'application/json; charset=UTF-8', 'application/json;charset="utf-8"']) {
      const ok = await post(
        yoga,
        { 'content-type': type, authorization: `Bearer ${world.adminKey}` },
        '{"query":"{ viewer { role } }"}',
      );
      expect(await ok.json()).toMatchObject({ data: { viewer: { role: 'ADMIN' } } });
    }
  });

  it('answers 406 and 415 with a coded JSON body, and malformed JSON without the parser message', async () => {
    const { yoga } = createTestApp(db);
    const json = { 'content-type': 'application/json', authorization: `Bearer ${world.adminKey}` };
    await expectCoded(
      await post(yoga, { ...json, accept: 'image/png' }, '{"query":"{ __typename }"}'),
      406,
      'NOT_ACCEPTABLE',
    );
    const malformed = await expectCoded(await post(yoga, json, '{"query": "{ viewer { role } }'), 400, 'BAD_REQUEST');
    expect(JSON.stringify(malformed)).not.toMatch(/Unexpected|position|JSON input|originalError|SyntaxError/);
    const put = await yoga.fetch('http://localhost/graphql', { method: 'PUT', headers: json, body: '{}' });
    await expectCoded(put, 405, 'BAD_REQUEST');
  });

  it('gives every top-level error a documented code and the request id', async () => {
    const { yoga } = createTestApp(db, { RATE_LIMIT_CAPACITY: '100', RATE_LIMIT_RESTORE_RATE: '1' });
    const json = { 'content-type': 'application/json', authorization: `Bearer ${world.adminKey}` };
    const send = (query: string, variables?: Record<string, unknown>, headers: Record<string, string> = json) =>
      post(yoga, headers, JSON.stringify({ query, variables }));
    const cases: [string, () => Promise<Response>, number, string][] = [
      [
        'armor limit',
        () => send(`{ ${Array.from({ length: 16 }, (_, i) => `a${i}: viewer { role }`).join(' ')} }`),
        200,
        'LIMIT_EXCEEDED',
      ],
      ['parse error', () => send('{ viewer { '), 200, 'GRAPHQL_PARSE_FAILED'],
      ['validation error', () => send('{ nope }'), 200, 'GRAPHQL_VALIDATION_FAILED'],
      [
        'bad literal',
        () => send('{ bulkOperations(status: RUNNIN) { edges { node { id } } } }'),
        200,
        'GRAPHQL_VALIDATION_FAILED',
      ],
      [
        'variable coercion',
        () =>
          send('query($s: BulkOperationStatus) { bulkOperations(status: $s) { edges { node { id } } } }', {
            s: 'RUNNIN',
          }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'missing variable',
        () => send('query($n: Int!) { shops(first: $n) { edges { node { id } } } }'),
        400,
        'VALIDATION_FAILED',
      ],
      ['negative first', () => send('{ shops(first: -1) { edges { node { id } } } }'), 200, 'VALIDATION_FAILED'],
      ['no query', () => post(yoga, json, '{}'), 400, 'BAD_REQUEST'],
      [
        'unknown key',
        () => send('{ __typename }', undefined, { ...json, authorization: 'Bearer sw_adm_nope' }),
        401,
        'UNAUTHENTICATED',
      ],
      [
        'bad Content-Length',
        async () =>
          yoga.fetch('http://localhost/graphql', {
            method: 'POST',
            headers: { ...json, 'content-length': 'x' },
            body: '{}',
          }),
        400,
        'BAD_REQUEST',
      ],
      [
        'body over the limit',
        // Declared, as an HTTP client declares it (in-process, a chunked body's 413 upsets the fetch ponyfill's later streams).
        () => post(yoga, { ...json, 'content-length': '1100000' }, 'x'.repeat(1_100_000)),
        413,
        'LIMIT_EXCEEDED',
      ],
      [
        'throttled',
        async () => {
          await send('{ shops(first: 49) { edges { node { primaryCategory { name } } } } }');
          return send('{ shops(first: 49) { edges { node { primaryCategory { name } } } } }');
        },
        429,
        'THROTTLED',
      ],
    ];
    for (const [name, run, status, code] of cases) {
      const body = await expectCoded(await run(), status, code).catch((error: Error) => {
        throw new Error(`${name}: ${error.message}`);
      });
      // No suggestion of names the caller did not ask about, enum values included.
      expect(JSON.stringify(body), name).not.toMatch(/Did you mean|RUNNING|Suggestion/);
    }
  });

  it('tells a caller the currency form it must send, not the one it refuses', async () => {
    const { gql } = createTestApp(db);
    const res = await gql(
      world.adminKey,
      `query($c: CurrencyCode) { shops(first: 1) { edges { node { profitAnalysis(currency: $c, from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z") { __typename } } } } }`,
      { c: 'usd' },
    );
    expect(res.errors![0]!.message).toContain('such as "USD"; got "usd"');
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describe.each(testTargets())('mutations that run once per operation on %s', (target) => {
  let db: TestDatabase;
  let world: World;

  beforeAll(async () => {
    db = await createTestDatabase(target);
    world = await createWorld(db.prisma);
  });
  afterAll(async () => db.drop());

  const key = (name: string) => `apiKeyCreate(input: { name: "${name}", role: ADMIN, scopes: ["*"] }) { __typename }`;

  it('refuses a sensitive mutation under two aliases or through two fragments, and runs nothing', async () => {
    const { gql } = createTestApp(db);
    const before = await db.prisma.apiKey.count();
    for (const query of [
      `mutation { k1: ${key('a')} k2: ${key('b')} }`,
      `mutation { k1: ${key('a')} ... on Mutation { k2: ${key('b')} } }`,
      `mutation { ...A ...B } fragment A on Mutation { k1: ${key('a')} } fragment B on Mutation { k2: ${key('b')} }`,
      `mutation { ${Array.from({ length: 5 }, (_, i) => `k${i}: ${key(String(i))}`).join(' ')} }`,
    ]) {
      const res = await gql(world.adminKey, query);
      expect(res.data ?? null, query).toBeNull();
      expect(
        res.errors!.map((e) => e.extensions?.code),
        query,
      ).toEqual(['LIMIT_EXCEEDED']);
      expect(res.errors![0]!.message).toMatch(/apiKeyCreate may run once per operation/);
    }
    expect(await db.prisma.apiKey.count()).toBe(before);
    // One fragment spread twice, or one field under one name twice, is one execution (GraphQL merges them).
    const once = await gql(
      world.adminKey,
      `mutation { ...A ...A k: ${key('once')} } fragment A on Mutation { k: ${key('once')} }`,
    );
    expect(once.errors).toBeUndefined();
    expect(once.data).toEqual({ k: { __typename: 'ApiKeyCreateSuccess' } });
    expect(await db.prisma.apiKey.count()).toBe(before + 1);
  });

  it('refuses each listed mutation twice in one operation before it runs', async () => {
    const { gql } = createTestApp(db);
    const mutationType = schema.getMutationType()!;
    const auditsBefore = await db.prisma.auditRecord.count();
    for (const name of [
      'apiKeyCreate',
      'apiKeyRevoke',
      'shopAccessGrant',
      'sandboxClockSet',
      'platformSettingsUpdate',
      'bulkOperationRun',
      'listingBulkReview',
      'listingBulkSubmit',
      'orderImport',
      'primaryCategoryAutoAssign',
      'tierRecalculate',
      'platformJobRun',
    ]) {
      const field = mutationType.getFields()[name];
      expect(field, name).toBeDefined();
      const inputType = field!.args.find((a) => a.name === 'input')!.type.toString();
      const res = await gql(
        world.adminKey,
        `mutation($a: ${inputType}, $b: ${inputType}) { a: ${name}(input: $a) { __typename } b: ${name}(input: $b) { __typename } }`,
        {},
      );
      expect(
        res.errors?.map((e) => e.extensions?.code),
        name,
      ).toEqual(['LIMIT_EXCEEDED']);
    }
    expect(await db.prisma.auditRecord.count()).toBe(auditsBefore);
  });
});

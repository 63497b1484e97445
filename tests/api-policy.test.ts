import { readFileSync } from 'node:fs';
import { loadConfig } from '@shopwarden/api';
import { errorCodes } from '@shopwarden/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, type World } from './support/fixtures.ts';
import { createTestApp } from './support/client.ts';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';

describe.each(testTargets())('who may read /metrics on %s', (target) => {
  let db: TestDatabase;
  let world: World;

  beforeAll(async () => {
    db = await createTestDatabase(target);
    world = await createWorld(db.prisma);
  });
  afterAll(async () => db.drop());

  const scrape = (yoga: ReturnType<typeof createTestApp>['yoga'], authorization?: string) =>
    yoga.fetch('http://localhost/metrics', { headers: authorization ? { authorization } : {} });

  async function expectRefused(res: Response, status: number, code: string) {
    const text = await res.text();
    expect(res.status, text).toBe(status);
    expect(text).not.toMatch(/shopwarden_|process_cpu/);
    const body = JSON.parse(text) as { errors: { extensions: Record<string, unknown> }[] };
    expect(body.errors[0]!.extensions).toEqual({ code, requestId: res.headers.get('x-request-id') });
  }

  it('asks for METRICS_TOKEN as a bearer token when it is set, in any environment', async () => {
    for (const NODE_ENV of ['production', 'development']) {
      const { yoga, gql } = createTestApp(db, { NODE_ENV, METRICS_TOKEN: 'scrape-me-0123456789' });
      await gql(world.adminKey, '{ viewer { role } }');
      for (const authorization of [
        undefined,
        'Bearer scrape-me-012345678',
        'Bearer scrape-me-0123456789x',
        'Basic scrape-me-0123456789',
        `Bearer ${world.adminKey}`,
      ]) {
        const res = await scrape(yoga, authorization);
        expect(res.headers.get('www-authenticate'), String(authorization)).toBe('Bearer realm="metrics"');
        await expectRefused(res, 401, 'UNAUTHENTICATED');
      }
      const ok = await scrape(yoga, 'Bearer scrape-me-0123456789');
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await ok.text()).toMatch(/^shopwarden_graphql_requests_total\{status="200"\} 1$/m);
    }
  });

  it('is refused in production without a token, and open in the sandbox without one', async () => {
    const production = createTestApp(db, { NODE_ENV: 'production' });
    await expectRefused(await scrape(production.yoga), 403, 'FORBIDDEN');
    await expectRefused(await scrape(production.yoga, `Bearer ${world.adminKey}`), 403, 'FORBIDDEN');
    const sandbox = createTestApp(db, { NODE_ENV: 'development' });
    const open = await scrape(sandbox.yoga);
    expect(open.status).toBe(200);
    expect(await open.text()).toMatch(/^# TYPE shopwarden_graphql_requests_total counter$/m);
  });
});

describe.each(testTargets())('introspection on %s', (target) => {
  let db: TestDatabase;
  let world: World;

  beforeAll(async () => {
    db = await createTestDatabase(target);
    world = await createWorld(db.prisma);
  });
  afterAll(async () => db.drop());

  const introspections = [
    '{ __schema { queryType { name } } }',
    '{ __type(name: "Shop") { name } }',
    'query { ...F } fragment F on Query { __typename viewer { role } __schema { types { name } } }',
  ];

  it('needs a key in production; `__typename` does not', async () => {
    const { gql } = createTestApp(db, { NODE_ENV: 'production' });
    for (const query of introspections) {
      const res = await gql(null, query);
      expect(res.data ?? null, query).toBeNull();
      expect(res.errors!.length, query).toBeGreaterThan(0);
      expect(new Set(res.errors!.map((e) => e.extensions?.code)), query).toEqual(
        new Set(['GRAPHQL_VALIDATION_FAILED']),
      );
      expect(res.errors![0]!.message).toMatch(/introspection has been disabled/);
      // With a key the same document is described.
      const keyed = await gql(world.adminKey, query);
      expect(keyed.errors, query).toBeUndefined();
      expect(keyed.data, query).toBeTruthy();
    }
    // A key that is not valid is refused outright, not described to.
    const forged = await gql('sw_adm_forged', introspections[0]!);
    expect(forged.status).toBe(401);
    expect(forged.data ?? null).toBeNull();
    expect(await gql(null, '{ __typename viewer { role } }')).toMatchObject({
      status: 200,
      data: { __typename: 'Query', viewer: null },
    });
  });

  it('is open to anyone in the sandbox', async () => {
    for (const NODE_ENV of ['development', 'test']) {
      const { gql } = createTestApp(db, { NODE_ENV });
      for (const query of introspections) {
        const res = await gql(null, query);
        expect(res.errors, `${NODE_ENV}: ${query}`).toBeUndefined();
      }
      const schema = await gql(null, '{ __schema { queryType { name } } }');
      expect(schema.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    }
  });
});

describe('docs/api-conventions.md', () => {
  const docs = readFileSync(new URL('../docs/api-conventions.md', import.meta.url), 'utf8');
  const limits = docs.slice(docs.indexOf('## Limits'), docs.indexOf('**Cost**'));

  it('names every error code', () => {
    const missing = errorCodes.filter((code) => !docs.includes(`\`${code}\``));
    expect(missing).toEqual([]);
  });

  it('lists every limit at its default', () => {
    const config = loadConfig({});
    const n = (value: number) => value.toLocaleString('en-US');
    const s = (ms: number) => `${ms / 1000} s`;
    const rows: [string, string][] = [
      ['selection depth', `| ${n(config.limits.maxDepth)} |`],
      ['aliases', `| ${n(config.limits.maxAliases)} |`],
      ['tokens', `| ${n(config.limits.maxTokens)} |`],
      ['directives', `| ${n(config.limits.maxDirectives)} |`],
      ['calculated cost', `| ${n(config.limits.maxCost)} per operation |`],
      ['fields once fragments are expanded', `| ${n(config.limits.maxFields)} per operation`],
      ['rate', `| ${n(config.rateLimit.capacity)}-point bucket per key, +${n(config.rateLimit.restoreRate)} points/s`],
      ['rate', `${config.rateLimit.maxConcurrentPerKey} requests per key executing at once`],
      ['request body', `| ${config.maxBodyBytes / 1_048_576} MB`],
      ['execution time', `| ${s(config.executionTimeoutMs)} per operation`],
      ['sending the request', `headers within ${s(config.http.headersTimeoutMs)}`],
      ['sending the request', `the whole request within ${s(config.http.requestTimeoutMs)}`],
      ['sending the request', `closes after ${s(config.http.keepAliveTimeoutMs)}`],
      ['subscriptions', `| ${config.rateLimit.maxSubscriptionsPerKey} open per key`],
    ];
    for (const [name, text] of rows) {
      const row = limits.split('\n').find((line) => line.startsWith(`| ${name}`));
      expect(row, name).toBeDefined();
      expect(row, name).toContain(text);
    }
    expect(docs).toMatch(/^### Introspection$/m);
  });
});

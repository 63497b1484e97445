/**
 * Whenever the database cannot serve — starting up, shutting down, a connection terminated, no pool
 * connection in time, a statement timeout — the caller gets HTTP 503 SERVICE_UNAVAILABLE with
 * Retry-After (never 200 INTERNAL); /ready answers within 1 s whatever the pool does, /health at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '@shopwarden/db';
import { createShop, createWorld } from './support/fixtures.ts';
import { createTestApp, type GraphQLResponse } from './support/client.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { startRefusingPostgres } from './support/fake-postgres.ts';
import { holdShops } from './support/hold-database.ts';

const READ = '{ shops(first: 1) { edges { node { name } } } }';
const KEY = 'sw_adm_notarealkeybutwellformed00000000';

function expectUnavailable(res: GraphQLResponse) {
  expect(res.status).toBe(503);
  expect(res.errors![0]!.extensions!.code).toBe('SERVICE_UNAVAILABLE');
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(JSON.stringify(res)).not.toMatch(/57P0|57014|starting up|administrator|timeout|pool|prisma|127\.0\.0\.1/i);
}

describe('a PostgreSQL server that refuses connections', () => {
  it.each([
    ['57P03', 'the database system is starting up'],
    ['57P03', 'the database system is shutting down'],
    ['57P01', 'terminating connection due to administrator command'],
    ['57P02', 'terminating connection due to crash of another server process'],
  ])('%s (%s) is 503 SERVICE_UNAVAILABLE with Retry-After', async (code, message) => {
    const server = await startRefusingPostgres(code, message);
    const db = await createDatabase({
      kind: 'postgres',
      url: server.url,
      poolSize: 2,
      statementTimeoutMs: 1_000,
      connectionTimeoutMs: 1_000,
    });
    try {
      const app = createTestApp(db);
      expectUnavailable(await app.gql(KEY, READ));
      expect(await app.app.metrics.registry.getSingleMetricAsString('shopwarden_database_unavailable_total')).toMatch(
        /shopwarden_database_unavailable_total\{reason="(starting_or_stopping|terminated)"\} 1/,
      );
    } finally {
      await db.close();
      await server.close();
    }
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)(
  'PostgreSQL that cannot serve in time (skipped without TEST_DATABASE_URL)',
  () => {
    let setup: TestDatabase;
    let adminKey: string;
    /** The API's own database handle: one pool connection, short timeouts. */
    let db: Database;

    beforeAll(async () => {
      setup = await createTestDatabase('postgres');
      adminKey = (await createWorld(setup.prisma)).adminKey;
      await createShop(setup.prisma, 'Only Shop');
      db = await createDatabase({
        ...(setup.target as Extract<Database['target'], { kind: 'postgres' }>),
        poolSize: 1,
        statementTimeoutMs: 400,
        connectionTimeoutMs: 2_000,
      });
    });
    afterAll(async () => {
      await db.close();
      await setup.drop();
    });

    // The key lookup is cached, so only the read itself meets the held table.
    const appWith = (env: Record<string, string> = {}) =>
      createTestApp(db, { API_KEY_CACHE_TTL_MS: '600000', RESPONSE_CACHE: 'false', ...env });

    it.each([
      ['a compiled read', {}],
      ['a read through the resolvers', { COMPILED_READS: 'false' }],
    ])('a statement timeout (57014) in %s is 503', async (_, env) => {
      const app = appWith(env);
      expect((await app.gql(adminKey, READ)).status).toBe(200);
      const release = await holdShops(setup);
      try {
        expectUnavailable(await app.gql(adminKey, READ));
      } finally {
        await release();
      }
      expect(await app.app.metrics.registry.getSingleMetricAsString('shopwarden_database_unavailable_total')).toMatch(
        /reason="statement_timeout"\} 1/,
      );
    });

    it('a connection terminated by the server (57P01) while the statement runs is 503', async () => {
      const app = appWith();
      expect((await app.gql(adminKey, READ)).status).toBe(200);
      const release = await holdShops(setup);
      try {
        const pending = app.gql(adminKey, READ);
        await new Promise((r) => setTimeout(r, 150));
        await setup.queryText({
          text: `SELECT count(pg_terminate_backend(pid))::text FROM pg_stat_activity
               WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
          values: [],
        });
        expectUnavailable(await pending);
      } finally {
        await release();
      }
    });

    it('no pool connection within the pool timeout is 503; /ready says 503 within 1 s and /health answers at once', async () => {
      const exhausted = await createDatabase({
        ...(setup.target as Extract<Database['target'], { kind: 'postgres' }>),
        poolSize: 1,
        statementTimeoutMs: 5_000,
        connectionTimeoutMs: 2_000,
      });
      const app = createTestApp(exhausted, { API_KEY_CACHE_TTL_MS: '600000', RESPONSE_CACHE: 'false' });
      try {
        expect((await app.gql(adminKey, READ)).status).toBe(200);
        expect((await app.yoga.fetch('http://localhost/ready')).status).toBe(200);
        const release = await holdShops(setup);
        try {
          // The one pool connection waits on the held table; everything else waits for the pool.
          const holder = app.gql(adminKey, READ);
          await new Promise((r) => setTimeout(r, 100));
          let started = performance.now();
          const health = await app.yoga.fetch('http://localhost/health');
          expect(health.status).toBe(200);
          expect(performance.now() - started).toBeLessThan(50);
          started = performance.now();
          const ready = await app.yoga.fetch('http://localhost/ready');
          expect(ready.status).toBe(503);
          expect(performance.now() - started).toBeLessThan(1_000);
          expectUnavailable(await app.gql(adminKey, READ));
          await release();
          expect((await holder).status).toBe(200);
        } finally {
          await release();
        }
        expect((await app.yoga.fetch('http://localhost/ready')).status).toBe(200);
      } finally {
        await exhausted.close();
      }
    });
  },
);

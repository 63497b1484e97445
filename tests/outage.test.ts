import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '@shopwarden/db';
import { createTestApp } from './support/client.ts';

// A PostgreSQL that is not there (nothing listens on port 1): requests must fail fast and typed.
describe('when the database is unreachable', () => {
  let db: Database;
  let app: ReturnType<typeof createTestApp>;

  beforeAll(async () => {
    db = await createDatabase({
      kind: 'postgres',
      url: 'postgresql://postgres@127.0.0.1:1/none',
      poolSize: 2,
      statementTimeoutMs: 1000,
      connectionTimeoutMs: 500,
    });
    app = createTestApp(db);
  });
  afterAll(async () => db.close());

  it('answers SERVICE_UNAVAILABLE quickly, with no driver text, and /ready says 503 while /health stays 200', async () => {
    const started = Date.now();
    const res = await app.gql('sw_adm_notarealkeybutwellformed00000000', '{ viewer { role } }');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(res.errors![0]!.extensions!.code).toBe('SERVICE_UNAVAILABLE');
    expect(JSON.stringify(res)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|prisma|at .*\.js/i);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect((await app.yoga.fetch('http://localhost/ready')).status).toBe(503);
    expect((await app.yoga.fetch('http://localhost/health')).status).toBe(200);
  });
});

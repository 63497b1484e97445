import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { applyMigrations, createDatabase, type Database, type DatabaseTarget } from '@shopwarden/db';

export type TargetName = 'pglite' | 'postgres';

/** PGlite always; the PostgreSQL server too when TEST_DATABASE_URL is set (CI sets it). */
export function testTargets(): TargetName[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export interface TestDatabase extends Database {
  drop(): Promise<void>;
}

/** A fresh, migrated database: in-memory PGlite, or a new database on the PostgreSQL server. */
export async function createTestDatabase(name: TargetName): Promise<TestDatabase> {
  if (name === 'pglite') {
    const db = await createDatabase({ kind: 'pglite', dataDir: 'memory://' });
    await applyMigrations(db.migrationAdapterFactory);
    return Object.assign(db, { drop: () => db.close() });
  }
  const base = new URL(process.env.TEST_DATABASE_URL!);
  const dbName = `sw_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = new URL(base.toString());
  url.pathname = `/${dbName}`;
  const target: DatabaseTarget = {
    kind: 'postgres',
    url: url.toString(),
    poolSize: 10,
    statementTimeoutMs: 8000,
    connectionTimeoutMs: 5000,
  };
  const db = await createDatabase(target);
  await applyMigrations(db.migrationAdapterFactory);
  return Object.assign(db, {
    async drop() {
      await db.close();
      const c = new pg.Client({ connectionString: base.toString() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await c.end();
    },
  });
}

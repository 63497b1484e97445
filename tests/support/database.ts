import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { applyMigrations, createDatabase, type Database, type DatabaseTarget } from '@shopwarden/db';
import { readMigrations } from '@shopwarden/db/migrate';

export type TargetName = 'pglite' | 'postgres';

/** PGlite always; the PostgreSQL server too when TEST_DATABASE_URL is set (CI sets it). */
export function testTargets(): TargetName[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export interface TestDatabase extends Database {
  drop(): Promise<void>;
}

/** The server's migrated empty database for this set of migrations, named after them. */
function templateName(): string {
  const hash = createHash('sha256');
  for (const dir of readMigrations().migrationDirectories) {
    const content = dir.migrationFile.content;
    hash.update(`\n${dir.path}\n${content.tag === 'ok' ? content.value : ''}`);
  }
  return `sw_template_${hash.digest('hex').slice(0, 16)}`;
}

async function withAdmin<T>(base: URL, fn: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: base.toString() });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

function targetOf(base: URL, dbName: string): DatabaseTarget {
  const url = new URL(base.toString());
  url.pathname = `/${dbName}`;
  return { kind: 'postgres', url: url.toString(), poolSize: 10, statementTimeoutMs: 8000, connectionTimeoutMs: 5000 };
}

let templateReady: Promise<string> | undefined;

/**
 * Makes sure the migrated template exists on the server: built once under an advisory lock (other
 * test processes wait) under a scratch name, then renamed, so a half-migrated one is never copied.
 */
function ensureTemplate(base: URL): Promise<string> {
  templateReady ??= withAdmin(base, async (admin) => {
    const name = templateName();
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    try {
      const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (found.rowCount) return name;
      const scratch = `${name}_${randomBytes(3).toString('hex')}`;
      await admin.query(`CREATE DATABASE ${scratch}`);
      const db = await createDatabase(targetOf(base, scratch));
      try {
        await applyMigrations(db.migrationAdapterFactory);
      } finally {
        await db.close();
      }
      // The engine's migration connection can outlive close(); a renamed or copied database must have none.
      for (let tries = 0; ; tries++) {
        const { rowCount } = await admin.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [scratch],
        );
        if (!rowCount) break;
        if (tries === 50) throw new Error(`${scratch}: connections remain after terminating them for 5 s`);
        await new Promise((r) => setTimeout(r, 100));
      }
      await admin.query(`ALTER DATABASE ${scratch} RENAME TO ${name}`);
      return name;
    } finally {
      await admin.query('SELECT pg_advisory_unlock(hashtext($1))', [name]);
    }
  }).catch((error: unknown) => {
    // A failed build is not remembered: the next database tries again.
    templateReady = undefined;
    throw error;
  });
  return templateReady;
}

/**
 * A fresh, migrated database: in-memory PGlite loaded from the migrated template, or on the
 * PostgreSQL server a copy of a migrated template database (CREATE DATABASE … TEMPLATE).
 */
export async function createTestDatabase(name: TargetName): Promise<TestDatabase> {
  if (name === 'pglite') {
    const db = await createDatabase({ kind: 'pglite', dataDir: 'memory://', fromTemplate: true });
    // Without a template (not written yet) this migrates; with one it only checks, in one query.
    await applyMigrations(db.migrationAdapterFactory);
    return Object.assign(db, { drop: () => db.close() });
  }
  const base = new URL(process.env.TEST_DATABASE_URL!);
  const template = await ensureTemplate(base);
  const dbName = `sw_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await withAdmin(base, (admin) => admin.query(`CREATE DATABASE ${dbName} TEMPLATE ${template}`));
  const db = await createDatabase(targetOf(base, dbName));
  await applyMigrations(db.migrationAdapterFactory);
  return Object.assign(db, {
    async drop() {
      await db.close();
      await withAdmin(base, (admin) => admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
    },
  });
}

import { afterEach, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from './client';
import { applyMigrations, isUpToDate, readMigrations } from './migrate';

const names = readMigrations().migrationDirectories.map((d) => d.path);
let db: Database | undefined;

afterEach(async () => {
  await db?.close();
  db = undefined;
});

async function migrated(): Promise<Database> {
  db = await createDatabase({ kind: 'pglite', dataDir: 'memory://' });
  expect(await isUpToDate(db.migrationAdapterFactory)).toBe(false);
  expect(await applyMigrations(db.migrationAdapterFactory)).toEqual(names);
  return db;
}

describe('applyMigrations skips the schema engine only when the database is exactly up to date', () => {
  it('finds a migrated database up to date and applies nothing the second time', async () => {
    const db = await migrated();
    expect(await isUpToDate(db.migrationAdapterFactory)).toBe(true);
    expect(await applyMigrations(db.migrationAdapterFactory)).toEqual([]);
  });

  it('leaves a pending migration to the engine', async () => {
    const db = await migrated();
    await db.prisma.$executeRawUnsafe(`DELETE FROM _prisma_migrations WHERE migration_name = $1`, names.at(-1));
    expect(await isUpToDate(db.migrationAdapterFactory)).toBe(false);
  });

  it('does not take an edited migration for applied', async () => {
    const db = await migrated();
    await db.prisma.$executeRawUnsafe(
      `UPDATE _prisma_migrations SET checksum = 'edited' WHERE migration_name = $1`,
      names[0],
    );
    expect(await isUpToDate(db.migrationAdapterFactory)).toBe(false);
  });

  it('leaves a failed migration to the engine, which refuses to go on', async () => {
    const db = await migrated();
    await db.prisma.$executeRawUnsafe(
      `UPDATE _prisma_migrations SET finished_at = NULL, logs = 'failed' WHERE migration_name = $1`,
      names.at(-1),
    );
    expect(await isUpToDate(db.migrationAdapterFactory)).toBe(false);
    await expect(applyMigrations(db.migrationAdapterFactory)).rejects.toThrow(/failed/i);
  });
});

import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type { SchemaEngine, MigrationList, SchemaFilter } from '@prisma/schema-engine-wasm';
import { changeTriggerSql, changeTriggers, modelsCreatedBy } from './change-triggers.ts';
import { repoRoot } from './config.ts';

export const schemaPath = path.join(repoRoot, 'prisma/schema.prisma');
export const migrationsDir = path.join(repoRoot, 'prisma/migrations');

const noFilter: SchemaFilter = { externalTables: [], externalEnums: [] };

type WasmBindings = {
  __wbg_set_wasm(exports: WebAssembly.Exports): void;
  __wbindgen_start?: () => void;
  SchemaEngine: typeof SchemaEngine;
};

let bindings: Promise<WasmBindings> | undefined;

/** Loads Prisma's WebAssembly schema engine once per process (the native binary cannot be downloaded here). */
function loadSchemaEngine(): Promise<WasmBindings> {
  bindings ??= (async () => {
    const require = createRequire(import.meta.url);
    const dir = path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
    const bg = (await import(path.join(dir, 'schema_engine_bg.js'))) as unknown as WasmBindings;
    const module = await WebAssembly.compile(readFileSync(path.join(dir, 'schema_engine_bg.wasm')));
    const instance = await WebAssembly.instantiate(module, {
      './schema_engine_bg.js': bg as unknown as WebAssembly.ModuleImports,
    });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as (() => void) | undefined)?.();
    return bg;
  })();
  return bindings;
}

async function openEngine(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  log: (line: string) => void = () => {},
): Promise<SchemaEngine> {
  const { SchemaEngine: Engine } = await loadSchemaEngine();
  const datamodel = readFileSync(schemaPath, 'utf8');
  return Engine.new(
    { datamodels: [[schemaPath, datamodel]] },
    log,
    bindMigrationAwareSqlAdapterFactory(adapterFactory),
  );
}

/** Reads `prisma/migrations` in the shape the engine expects. */
export function readMigrations(): MigrationList {
  const dirs = existsSync(migrationsDir)
    ? readdirSync(migrationsDir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : [];
  const lockPath = path.join(migrationsDir, 'migration_lock.toml');
  return {
    baseDir: migrationsDir,
    lockfile: { path: 'migration_lock.toml', content: existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: dirs.map((name) => ({
      path: name,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok' as const, value: readFileSync(path.join(migrationsDir, name, 'migration.sql'), 'utf8') },
      },
    })),
  };
}

/** Applies every pending migration; returns the names applied (empty when up to date). */
export async function applyMigrations(adapterFactory: SqlMigrationAwareDriverAdapterFactory): Promise<string[]> {
  const migrations = readMigrations();
  // Loading the engine costs a second or more of a start; a database already up to date does not need it.
  if (await isUpToDate(adapterFactory, migrations)) return [];
  const engine = await openEngine(adapterFactory);
  try {
    const out = await engine.applyMigrations({ migrationsList: migrations, filters: noFilter });
    return out.appliedMigrationNames;
  } finally {
    engine.free();
  }
}

/**
 * True when `_prisma_migrations` records exactly the migrations of the folder, each finished, not
 * rolled back and with the checksum of its file, and no failed attempt: what the engine would find.
 * Anything else (no table yet, a pending, edited or failed migration) is left to the engine.
 */
export async function isUpToDate(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  migrations: MigrationList = readMigrations(),
): Promise<boolean> {
  let rows: unknown[][];
  try {
    const adapter = await adapterFactory.connect();
    try {
      ({ rows } = await adapter.queryRaw({
        sql: 'SELECT migration_name, checksum, finished_at IS NOT NULL AND rolled_back_at IS NULL FROM _prisma_migrations WHERE rolled_back_at IS NULL',
        args: [],
        argTypes: [],
      }));
    } finally {
      await adapter.dispose();
    }
  } catch {
    // The engine reports what is wrong (a missing database, a failed migration) in its own terms.
    return false;
  }
  if (rows.some((row) => row[2] !== true) || rows.length !== migrations.migrationDirectories.length) return false;
  const applied = new Map(rows.map((row) => [row[0] as string, row[1] as string]));
  return migrations.migrationDirectories.every((dir) => {
    const content = dir.migrationFile.content;
    const sha = content.tag === 'ok' ? createHash('sha256').update(content.value).digest('hex') : null;
    return sha !== null && applied.get(dir.path) === sha;
  });
}

/** Drops everything in the database (schema and data). */
export async function resetDatabase(adapterFactory: SqlMigrationAwareDriverAdapterFactory): Promise<void> {
  const engine = await openEngine(adapterFactory);
  try {
    await engine.reset({ filter: noFilter });
  } finally {
    engine.free();
  }
}

/**
 * Writes the next migration: the SQL that takes the existing migrations to `prisma/schema.prisma`,
 * with the change triggers of the tables it creates.
 */
export async function createMigration(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  name: string,
): Promise<string | null> {
  const engine = await openEngine(adapterFactory);
  try {
    const migrations = readMigrations();
    const diff = await engine.diff({
      from: migrations.migrationDirectories.length ? { tag: 'migrations', ...migrations } : { tag: 'empty' },
      to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: readFileSync(schemaPath, 'utf8') }] },
      script: true,
      exitCode: null,
      filters: noFilter,
    });
    let sql = diff.stdout ?? '';
    if (!sql.trim() || /^-- This is an empty migration\.?\s*$/.test(sql.trim())) return null;
    const created = modelsCreatedBy(sql);
    if (created.length)
      sql += `\n-- Change notifications (packages/db/src/change-triggers.ts)\n${changeTriggerSql(changeTriggers(created))}`;
    const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
    const folder = `${stamp}_${name.replace(/[^a-zA-Z0-9_]+/g, '_').toLowerCase()}`;
    mkdirSync(path.join(migrationsDir, folder), { recursive: true });
    writeFileSync(path.join(migrationsDir, folder, 'migration.sql'), sql);
    const lock = path.join(migrationsDir, 'migration_lock.toml');
    if (!existsSync(lock))
      writeFileSync(
        lock,
        '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n',
      );
    return folder;
  } finally {
    engine.free();
  }
}

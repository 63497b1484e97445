import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { repoRoot } from './config.ts';
import { applyMigrations, readMigrations } from './migrate.ts';

/**
 * The template of a new embedded database: an initialised, migrated, empty data dir as a tar,
 * named after PGlite's version and the migrations, so a first run loads it instead of running
 * initdb and every migration (seconds of CPU). `npm install` writes it; a stale one is never used.
 */
export function templatePath(): string {
  const require = createRequire(import.meta.url);
  const pglitePackage = path.join(path.dirname(require.resolve('@electric-sql/pglite')), '../package.json');
  const hash = createHash('sha256').update(
    (JSON.parse(readFileSync(pglitePackage, 'utf8')) as { version: string }).version,
  );
  for (const dir of readMigrations().migrationDirectories) {
    const content = dir.migrationFile.content;
    hash.update(`\n${dir.path}\n${content.tag === 'ok' ? content.value : ''}`);
  }
  return path.join(repoRoot, '.data/templates', `pglite-${hash.digest('hex').slice(0, 16)}.tar`);
}

let cached: { file: string; blob: Blob } | undefined;

/** The template for the current PGlite and migrations, if one was written; read once per process. */
export function readTemplate(): Blob | undefined {
  const file = templatePath();
  if (cached?.file === file) return cached.blob;
  if (!existsSync(file)) return undefined;
  cached = { file, blob: new Blob([readFileSync(file)]) };
  return cached.blob;
}

/** Writes the template (in memory: initdb, every migration, then a dump); returns its path. */
export async function writeTemplate(): Promise<string> {
  const file = templatePath();
  const pglite = new PGlite('memory://');
  try {
    await pglite.waitReady;
    await applyMigrations(new PrismaPGlite(pglite));
    const tar = await pglite.dumpDataDir('none');
    mkdirSync(path.dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, Buffer.from(await tar.arrayBuffer()));
    renameSync(partial, file);
  } finally {
    await pglite.close();
  }
  return file;
}

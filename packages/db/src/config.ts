import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root: the nearest folder above this module holding `prisma/schema.prisma` (the source or a bundle of it). */
export const repoRoot = findRepoRoot(path.dirname(fileURLToPath(import.meta.url)));

function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'prisma/schema.prisma'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '../../..');
  }
}

export type DatabaseTarget =
  | { kind: 'postgres'; url: string; poolSize: number; statementTimeoutMs: number; connectionTimeoutMs: number }
  | {
      kind: 'pglite';
      dataDir: string;
      /** A `memory://` database starts from the migrated template too, when there is one (the tests). */
      fromTemplate?: boolean;
    };

export interface DatabaseEnv {
  /** PostgreSQL connection string; when unset the embedded database is used. */
  DATABASE_URL?: string;
  /** Folder for the embedded PGlite database, or `memory://` for a throwaway one. @default "<repo>/.data/pglite" */
  SHOPWARDEN_DATA_DIR?: string;
  /** Pool size for PostgreSQL. @default 10 */
  DATABASE_POOL_SIZE?: string;
  /** PostgreSQL statement_timeout in milliseconds. @default 8000 */
  DATABASE_STATEMENT_TIMEOUT_MS?: string;
  /** How long to wait for a pooled connection, in milliseconds. @default 2000 */
  DATABASE_CONNECTION_TIMEOUT_MS?: string;
}

/** Reads the database target from the environment (see docs/configuration.md). */
export function resolveDatabaseTarget(env: DatabaseEnv = process.env as DatabaseEnv): DatabaseTarget {
  if (env.DATABASE_URL) {
    return {
      kind: 'postgres',
      url: env.DATABASE_URL,
      poolSize: Number(env.DATABASE_POOL_SIZE ?? 10),
      statementTimeoutMs: Number(env.DATABASE_STATEMENT_TIMEOUT_MS ?? 8000),
      connectionTimeoutMs: Number(env.DATABASE_CONNECTION_TIMEOUT_MS ?? 2000),
    };
  }
  return { kind: 'pglite', dataDir: env.SHOPWARDEN_DATA_DIR ?? path.join(repoRoot, '.data/pglite') };
}

import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from './generated/prisma/client.ts';
import { resolveDatabaseTarget, type DatabaseTarget } from './config.ts';

export type { DatabaseTarget } from './config.ts';

/** A query Prisma sent, as recorded for tests that assert statement counts. */
export interface RecordedQuery {
  query: string;
  durationMs: number;
}

export interface Database {
  prisma: PrismaClient;
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /** The adapter the schema engine migrates through: one connection, so its advisory lock and DDL share a session. */
  migrationAdapterFactory: SqlMigrationAwareDriverAdapterFactory;
  target: DatabaseTarget;
  /** Every SQL statement Prisma sends is passed here (used by query-count tests and metrics). */
  onQuery(listener: (q: RecordedQuery) => void): () => void;
  /** Checks the database answers, for `/ready`. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Creates the Prisma client for the embedded database (default) or PostgreSQL (`DATABASE_URL`). */
export async function createDatabase(target: DatabaseTarget = resolveDatabaseTarget()): Promise<Database> {
  let adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  let migrationAdapterFactory: SqlMigrationAwareDriverAdapterFactory;
  let closeDriver: () => Promise<void>;
  if (target.kind === 'postgres') {
    migrationAdapterFactory = new PrismaPg({ connectionString: target.url, max: 1, connectionTimeoutMillis: 10_000 });
    adapterFactory = new PrismaPg({
      connectionString: target.url,
      max: target.poolSize,
      connectionTimeoutMillis: target.connectionTimeoutMs,
      statement_timeout: target.statementTimeoutMs,
      idleTimeoutMillis: 30_000,
    });
    closeDriver = async () => {};
  } else {
    if (!target.dataDir.startsWith('memory://')) mkdirSync(target.dataDir, { recursive: true });
    const pglite = new PGlite(target.dataDir);
    await pglite.waitReady;
    adapterFactory = new PrismaPGlite(pglite);
    migrationAdapterFactory = adapterFactory;
    closeDriver = async () => {
      if (!pglite.closed) await pglite.close();
    };
  }

  const prisma = new PrismaClient({
    adapter: adapterFactory,
    log: [{ emit: 'event', level: 'query' }],
    transactionOptions: { maxWait: 2_000, timeout: 10_000 },
  });
  const listeners = new Set<(q: RecordedQuery) => void>();
  prisma.$on('query', (e) => {
    for (const l of listeners) l({ query: e.query, durationMs: e.duration });
  });

  return {
    prisma,
    adapterFactory,
    migrationAdapterFactory,
    target,
    onQuery(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async ping() {
      await prisma.$queryRaw`SELECT 1`;
    },
    async close() {
      await prisma.$disconnect();
      await closeDriver();
    },
  };
}

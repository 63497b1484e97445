import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
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

/** One statement sent outside Prisma (compiled reads): its text, parameters and, for PostgreSQL, a prepared-statement name. */
export interface RawQuery {
  text: string;
  values: unknown[];
  /** Reuse a named prepared statement on each pooled connection (PostgreSQL; ignored by PGlite). */
  name?: string;
}

export interface Database {
  prisma: PrismaClient;
  /**
   * Runs one read-only statement outside Prisma, through the same pool (PostgreSQL) or the same
   * in-process database (PGlite, which queues it behind any open transaction), and returns the
   * first column of every row (the statement casts it to text). Listeners of `onQuery` see it like any Prisma statement.
   */
  queryText(query: RawQuery): Promise<string[]>;
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
  let runText: (query: RawQuery) => Promise<string[]>;
  if (target.kind === 'postgres') {
    migrationAdapterFactory = new PrismaPg({ connectionString: target.url, max: 1, connectionTimeoutMillis: 10_000 });
    // One pool for Prisma and the compiled reads, so the connection limit and timeouts hold for both.
    const pool = new pg.Pool({
      connectionString: target.url,
      max: target.poolSize,
      connectionTimeoutMillis: target.connectionTimeoutMs,
      statement_timeout: target.statementTimeoutMs,
      idleTimeoutMillis: 30_000,
    });
    // An idle connection that the server drops must not crash the process; the next checkout reconnects.
    pool.on('error', () => undefined);
    adapterFactory = new PrismaPg(pool);
    runText = async ({ text, values, name }) => {
      const result = await pool.query<unknown[]>({ text, values, name, rowMode: 'array' });
      return result.rows.map((row) => row[0] as string);
    };
    closeDriver = async () => {
      await pool.end();
    };
  } else {
    if (!target.dataDir.startsWith('memory://')) mkdirSync(target.dataDir, { recursive: true });
    const pglite = new PGlite(target.dataDir);
    await pglite.waitReady;
    adapterFactory = new PrismaPGlite(pglite);
    migrationAdapterFactory = adapterFactory;
    runText = async ({ text, values }) => {
      const result = await pglite.query<unknown[]>(text, values, { rowMode: 'array' });
      return result.rows.map((row) => row[0] as string);
    };
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
    async queryText(query) {
      const started = performance.now();
      const rows = await runText(query);
      if (listeners.size) {
        const durationMs = performance.now() - started;
        for (const l of listeners) l({ query: query.text, durationMs });
      }
      return rows;
    },
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

import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from './generated/prisma/client.ts';
import { resolveDatabaseTarget, type DatabaseTarget } from './config.ts';
import { StatementScope, runInScope, scopePGlite, scopePool } from './statement-scope.ts';
import { lockDataFolder, type DataFolderLock } from './data-lock.ts';
import { readTemplate } from './template.ts';

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
  /** Housekeeping (not a read of data): not reported to `onQuery` listeners. */
  internal?: boolean;
}

export interface Database {
  prisma: PrismaClient;
  /**
   * Runs one read-only statement outside Prisma, through the same pool (PostgreSQL) or the same
   * in-process database (PGlite, which queues it behind any open transaction), and returns the
   * first column of every row, which the statement casts to text, as UTF-8 bytes (what the
   * response is written from). Listeners of `onQuery` see it like any Prisma statement.
   */
  queryText(query: RawQuery): Promise<Buffer[]>;
  /**
   * Runs one statement (a write too) outside Prisma the same way, and returns its rows as objects,
   * values as `$queryRaw` gives them (a `timestamp` as a Date in UTC). Only outside a transaction:
   * it takes a pooled connection of its own.
   */
  queryRows<T extends object = Record<string, unknown>>(query: RawQuery): Promise<T[]>;
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /** The adapter the schema engine migrates through: one connection, so its advisory lock and DDL share a session. */
  migrationAdapterFactory: SqlMigrationAwareDriverAdapterFactory;
  target: DatabaseTarget;
  /**
   * Subscribes to a NOTIFY channel. On PostgreSQL this holds one dedicated connection, reconnecting
   * with backoff; `onStatus` hears when it is (re)connected and when it is lost, because
   * notifications sent meanwhile are lost too. Returns the unsubscribe function.
   */
  listen(
    channel: string,
    onMessage: (payload: string) => void,
    onStatus?: (listening: boolean) => void,
  ): Promise<() => Promise<void>>;
  /**
   * Runs `fn` with the statements it sends tracked. `cancel()` cancels those running (PostgreSQL:
   * `pg_cancel_backend` on their connections; PGlite cannot interrupt one) and refuses every later
   * one, so an open transaction rolls back instead of committing; it resolves once the statements
   * that were running have ended, or after `waitMs`.
   */
  cancellable<T>(fn: () => Promise<T>): { result: Promise<T>; cancel(waitMs?: number): Promise<void> };
  /** Every SQL statement Prisma sends is passed here (used by query-count tests and metrics). */
  onQuery(listener: (q: RecordedQuery) => void): () => void;
  /** Checks the database answers, for `/ready`. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const TIMESTAMP_OID = 1114;

/** A `timestamp` (without time zone, stored in UTC) as Prisma reads it; pg's default reads it as local time. */
const utcTimestamp = (text: string) => new Date(`${text.replace(' ', 'T')}Z`);

/** pg's parsers, but for `timestamp` (see `utcTimestamp`). */
const rowTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === TIMESTAMP_OID && format !== 'binary'
      ? utcTimestamp
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** Creates the Prisma client for the embedded database (default) or PostgreSQL (`DATABASE_URL`). */
export async function createDatabase(target: DatabaseTarget = resolveDatabaseTarget()): Promise<Database> {
  let adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  let migrationAdapterFactory: SqlMigrationAwareDriverAdapterFactory;
  let closeDriver: () => Promise<void>;
  let runText: (query: RawQuery) => Promise<Buffer[]>;
  let runRows: (query: RawQuery) => Promise<object[]>;
  let listen: Database['listen'];
  let cancelOnServer: (pids: number[]) => Promise<void> = async () => undefined;
  if (target.kind === 'postgres') {
    migrationAdapterFactory = wholeScriptMigrations(
      new PrismaPg({ connectionString: target.url, max: 1, connectionTimeoutMillis: 10_000 }),
    );
    // One pool for Prisma and the compiled reads, so the connection limit and timeouts hold for both.
    const pool = new pg.Pool({
      connectionString: target.url,
      max: target.poolSize,
      connectionTimeoutMillis: target.connectionTimeoutMs,
      statement_timeout: target.statementTimeoutMs,
      idleTimeoutMillis: 30_000,
      // JIT compiles for hundreds of milliseconds on mid-cost statements (a matching page) and never pays back here.
      options: '-c jit=off',
    });
    // An idle connection that the server drops must not crash the process; the next checkout reconnects.
    pool.on('error', () => undefined);
    scopePool(pool);
    cancelOnServer = async (pids) => {
      // A connection of its own: the pool may have none free, and a cancel must not wait for one.
      const client = new pg.Client({
        connectionString: target.url,
        connectionTimeoutMillis: target.connectionTimeoutMs,
      });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('SELECT pg_cancel_backend(pid) FROM unnest($1::int[]) AS pid', [pids]);
      } finally {
        await client.end().catch(() => undefined);
      }
    };
    adapterFactory = new PrismaPg(pool);
    runText = async ({ text, values, name }) => {
      const result = await pool.query<unknown[]>({ text, values, name, rowMode: 'array' });
      return result.rows.map((row) => Buffer.from(row[0] as string));
    };
    runRows = async ({ text, values, name }) => (await pool.query({ text, values, name, types: rowTypes })).rows;
    const listeners = new Set<() => Promise<void>>();
    listen = async (channel, onMessage, onStatus) => {
      const subscription = listenOnPostgres(target, channel, onMessage, onStatus);
      await subscription.ready;
      listeners.add(subscription.stop);
      return async () => {
        listeners.delete(subscription.stop);
        await subscription.stop();
      };
    };
    closeDriver = async () => {
      await Promise.all([...listeners].map((stop) => stop()));
      await pool.end();
    };
  } else {
    let lock: DataFolderLock | null = null;
    if (!target.dataDir.startsWith('memory://')) {
      mkdirSync(target.dataDir, { recursive: true });
      // Two processes on one folder corrupt it: the second opener is refused before PGlite touches it.
      lock = await lockDataFolder(target.dataDir);
    }
    // A new data folder starts from the migrated template when there is one, instead of initdb and every migration.
    const fresh = lock
      ? !existsSync(path.join(target.dataDir, 'PG_VERSION'))
      : target.fromTemplate === true && target.dataDir === 'memory://';
    const template = fresh ? readTemplate() : undefined;
    const pglite = new PGlite(target.dataDir, template ? { loadDataDir: template } : {});
    try {
      await pglite.waitReady;
    } catch (error) {
      lock?.release();
      throw error;
    }
    scopePGlite(pglite);
    adapterFactory = new PrismaPGlite(pglite);
    migrationAdapterFactory = adapterFactory;
    runText = async ({ text, values }) => {
      const result = await pglite.query<unknown[]>(text, values, { rowMode: 'array' });
      return result.rows.map((row) => Buffer.from(row[0] as string));
    };
    runRows = async ({ text, values }) =>
      (await pglite.query<object>(text, values, { parsers: { [TIMESTAMP_OID]: utcTimestamp } })).rows;
    listen = async (channel, onMessage, onStatus) => {
      const unlisten = await pglite.listen(channel, onMessage);
      onStatus?.(true);
      return async () => {
        if (!pglite.closed) await unlisten();
      };
    };
    closeDriver = async () => {
      if (!pglite.closed) await pglite.close();
      lock?.release();
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
      if (listeners.size && !query.internal) {
        const durationMs = performance.now() - started;
        for (const l of listeners) l({ query: query.text, durationMs });
      }
      return rows;
    },
    async queryRows<T extends object>(query: RawQuery) {
      const started = performance.now();
      const rows = await runRows(query);
      if (listeners.size && !query.internal) {
        const durationMs = performance.now() - started;
        for (const l of listeners) l({ query: query.text, durationMs });
      }
      return rows as T[];
    },
    listen: (channel, onMessage, onStatus) => listen(channel, onMessage, onStatus),
    cancellable(fn) {
      const scope = new StatementScope();
      return {
        result: runInScope(scope, fn),
        async cancel(waitMs = 1_000) {
          if (scope.cancelled) return;
          scope.cancelled = true;
          // A write this request shares with others stops too; they then run theirs alone (WriteBatcher).
          const scopes = [scope, ...scope.joined];
          for (const shared of scope.joined) shared.cancelled = true;
          const statements = scopes.flatMap((s) => [...s.running.values()].flatMap((set) => [...set]));
          const pids = scopes
            .flatMap((s) => [...s.running.keys()])
            .map((client) => (client as unknown as { processID: number | null }).processID);
          if (statements.length) {
            const cancelling = cancelOnServer(pids.filter((pid): pid is number => Number.isInteger(pid))).catch(
              () => undefined,
            );
            for (const s of scopes) s.cancelling = cancelling;
          }
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([
            Promise.allSettled([scope.cancelling, ...statements]),
            new Promise((resolve) => (timer = setTimeout(resolve, waitMs))),
          ]).finally(() => clearTimeout(timer));
        },
      };
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

/** LISTEN on a dedicated connection that comes back by itself (1 s, 2 s … up to 30 s between tries). */
function listenOnPostgres(
  target: Extract<DatabaseTarget, { kind: 'postgres' }>,
  channel: string,
  onMessage: (payload: string) => void,
  onStatus?: (listening: boolean) => void,
) {
  if (!/^\w+$/.test(channel)) throw new Error(`invalid channel name ${channel}`);
  let client: pg.Client | null = null;
  let stopped = false;
  let attempt = 0;
  let timer: NodeJS.Timeout | undefined;
  let resolveReady!: () => void;
  const ready = new Promise<void>((resolve) => (resolveReady = resolve));
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: target.url, connectionTimeoutMillis: target.connectionTimeoutMs });
    c.on('error', () => undefined);
    c.on('notification', (n) => {
      if (n.channel === channel && n.payload !== undefined) onMessage(n.payload);
    });
    c.on('end', () => {
      if (client === c) {
        client = null;
        onStatus?.(false);
      }
      if (!stopped) schedule();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${channel}`);
      if (stopped) {
        await c.end();
        return;
      }
      client = c;
      attempt = 0;
      onStatus?.(true);
      resolveReady();
    } catch {
      await c.end().catch(() => undefined);
      if (!stopped) schedule();
    }
  };
  const schedule = () => {
    if (timer) return;
    attempt++;
    // The first start does not wait for the database: callers get on with serving.
    resolveReady();
    timer = setTimeout(
      () => {
        timer = undefined;
        void connect();
      },
      Math.min(30_000, 1000 * 2 ** Math.min(attempt - 1, 5)),
    );
    timer.unref();
  };
  void connect();
  return {
    ready,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = null;
      await c?.end().catch(() => undefined);
    },
  };
}

type ScriptAdapter = {
  executeScript(script: string): Promise<void>;
  underlyingDriver(): pg.Pool;
  onError(error: unknown): never;
};

/**
 * The PostgreSQL adapter runs a migration script by splitting it at every `;`, which breaks
 * function bodies (`$$ … ; … $$`). Send each script whole instead: one simple-protocol query, which
 * PostgreSQL runs as one implicit transaction, so a migration applies completely or not at all.
 */
function wholeScriptMigrations(factory: PrismaPg): SqlMigrationAwareDriverAdapterFactory {
  const whole = <T>(adapter: T): T => {
    const a = adapter as unknown as ScriptAdapter;
    a.executeScript = async (script: string) => {
      try {
        await a.underlyingDriver().query(script);
      } catch (error) {
        a.onError(error);
      }
    };
    return adapter;
  };
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => whole(await factory.connect()),
    connectToShadowDb: async () => whole(await factory.connectToShadowDb()),
  };
}

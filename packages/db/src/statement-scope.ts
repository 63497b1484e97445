import { AsyncLocalStorage } from 'node:async_hooks';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import type pg from 'pg';

/**
 * The statements one unit of work (a request's execution) sends, so they can be stopped together:
 * once cancelled, the ones running are cancelled on the server and later ones are refused.
 */
export class StatementScope {
  cancelled = false;
  /** Statements running now, by the pooled connection that runs them. */
  readonly running = new Map<pg.PoolClient, Set<Promise<unknown>>>();
  /** Resolves once the server has been asked to cancel what was running; a connection is not given back before. */
  cancelling: Promise<void> | null = null;
  /** Scopes of work this one shares with others (a coalesced write): cancelling this one cancels them too. */
  readonly joined = new Set<StatementScope>();

  track(client: pg.PoolClient, statement: Promise<unknown>): void {
    let statements = this.running.get(client);
    if (!statements) this.running.set(client, (statements = new Set()));
    statements.add(statement);
    const done = () => {
      statements.delete(statement);
      if (!statements.size && this.running.get(client) === statements) this.running.delete(client);
    };
    statement.then(done, done);
  }
}

const current = new AsyncLocalStorage<StatementScope>();

export function runInScope<T>(scope: StatementScope, fn: () => T): T {
  return current.run(scope, fn);
}

/** The scope the caller's statements run in, if any. */
export function currentScope(): StatementScope | undefined {
  return current.getStore();
}

/** What a statement of a cancelled scope gets instead of running: PostgreSQL's `query_canceled`. */
export function cancelledStatement(): Error {
  return Object.assign(new Error('canceling statement: its request ran out of time'), { code: '57014' });
}

function statementText(config: unknown): string {
  if (typeof config === 'string') return config;
  const text = (config as { text?: unknown } | null)?.text;
  return typeof text === 'string' ? text : '';
}

const scopeOf = new WeakMap<object, StatementScope>();
const tracked = new WeakSet<object>();

type ConnectCallback = (err: Error | undefined, client?: pg.PoolClient, release?: (err?: unknown) => void) => void;

/**
 * Ties each connection the pool hands out to the scope of the caller that asked for it (taken when
 * asked: pg-pool may hand a waiting caller its connection from another caller's callback), and
 * tracks the statements it runs for that scope.
 */
export function scopePool(pool: pg.Pool): void {
  const connect = pool.connect.bind(pool) as {
    (): Promise<pg.PoolClient>;
    (cb: ConnectCallback): void;
  };
  const attach = <C extends pg.PoolClient | undefined>(client: C, scope: StatementScope | undefined): C => {
    if (!client) return client;
    if (scope) scopeOf.set(client, scope);
    else scopeOf.delete(client);
    if (!tracked.has(client)) {
      tracked.add(client);
      trackStatements(client);
    }
    return client;
  };
  Object.assign(pool, {
    connect(cb?: ConnectCallback) {
      const scope = current.getStore();
      if (!cb) return connect().then((client) => attach(client, scope));
      return connect((err, client, release) => cb(err, attach(client, scope), release));
    },
  });
}

function trackStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  Object.assign(client, {
    query(...args: unknown[]) {
      const scope = scopeOf.get(client);
      // Streams (submittables) and unscoped work go through untouched.
      if (!scope || typeof (args[0] as { submit?: unknown } | null)?.submit === 'function') return query(...args);
      const callback = typeof args.at(-1) === 'function' ? (args.pop() as (err: unknown, res?: unknown) => void) : null;
      const result = runTracked(client, scope, query, args);
      if (!callback) return result;
      result.then(
        (res) => callback(undefined, res),
        (err: unknown) => callback(err),
      );
      return undefined;
    },
  });
}

async function runTracked(
  client: pg.PoolClient,
  scope: StatementScope,
  query: (...args: unknown[]) => unknown,
  args: unknown[],
): Promise<unknown> {
  if (scope.cancelled) {
    const text = statementText(args[0]);
    if (/^\s*ROLLBACK\b/i.test(text)) return query(...args);
    // A transaction whose request ran out of time never commits.
    if (/^\s*COMMIT\b/i.test(text)) await (query('ROLLBACK') as Promise<unknown>);
    throw cancelledStatement();
  }
  const statement = query(...args) as Promise<unknown>;
  scope.track(client, statement);
  try {
    return await statement;
  } finally {
    // Not given back to the pool (to another request) before its cancel has reached the server.
    if (scope.cancelling) await scope.cancelling;
  }
}

/** PGlite runs one statement at a time and cannot interrupt it: a cancelled scope's later statements are refused. */
export function scopePGlite(pglite: PGlite): void {
  const query = pglite.query.bind(pglite);
  const transaction = pglite.transaction.bind(pglite);
  const refuseIfCancelled = (scope: StatementScope | undefined) => {
    if (scope?.cancelled) throw cancelledStatement();
  };
  Object.assign(pglite, {
    async query(...args: Parameters<PGlite['query']>) {
      refuseIfCancelled(current.getStore());
      return query(...args);
    },
    transaction<T>(callback: (tx: Transaction) => Promise<T>) {
      const scope = current.getStore();
      if (!scope) return transaction(callback);
      return transaction((tx) => {
        const txQuery = tx.query.bind(tx);
        Object.assign(tx, {
          async query(...args: Parameters<Transaction['query']>) {
            refuseIfCancelled(scope);
            return txQuery(...args);
          },
        });
        return callback(tx);
      });
    },
  });
}

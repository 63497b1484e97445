import pg from 'pg';

/**
 * A pooled connection that sends its statements one after another. Prisma's pg adapter runs some
 * statements of one operation side by side on a transaction's single connection (the parts of a
 * `createMany` split at PostgreSQL's 32,767 bind parameters, sibling relations of a nested read:
 * prisma/orm#29646, fix pending in #29979). pg 8 queues them and warns ("client.query() when the
 * client is already executing a query"); pg 9 will refuse them. Here every promise or callback
 * query waits for the one before it on the same connection, so pg never sees two at once. The
 * pool itself stays parallel: each checkout is its own connection with its own queue. Typed as
 * `pg.Client`, so callers keep pg's own overloads.
 */
export const OneQueryAtATimeClient: typeof pg.Client = class OneQueryAtATimeClient extends pg.Client {
  #tail: Promise<unknown> = Promise.resolve();

  // pg's query has many overloads (text, config, submittable; promise or callback); one body serves them.
  override query(...args: unknown[]): never {
    const [config] = args;
    // A submittable (cursor, stream) drives the connection itself: pass it through untouched.
    if (config !== null && typeof config === 'object' && typeof (config as { submit?: unknown }).submit === 'function') {
      return (super.query as (...a: unknown[]) => unknown)(...args) as never;
    }
    const last = args.length > 1 ? args[args.length - 1] : undefined;
    const callback = typeof last === 'function' ? (last as (error: Error | null, result?: unknown) => void) : undefined;
    const send = (super.query as (...a: unknown[]) => Promise<unknown>).bind(this);
    const run = this.#tail.then(() => send(...(callback ? args.slice(0, -1) : args)));
    // The next statement waits for this one to settle, whatever its outcome.
    this.#tail = run.then(
      () => undefined,
      () => undefined,
    );
    if (!callback) return run as never;
    run.then(
      (result) => callback(null, result),
      (error: Error) => callback(error),
    );
    return undefined as never;
  }
};

import pg from 'pg';
import { afterEach } from 'vitest';

/**
 * Fails a test in which a statement was sent on a PostgreSQL connection that was still running
 * another (say, `Promise.all` over one transaction's statements). pg 8 queues such a statement,
 * and warns only once three overlap; pg 9 will refuse it. Every `pg.Client#query` call is watched,
 * so two at once are caught too. Registered for every test file through `setupFiles`.
 */
const seen: string[] = ((globalThis as Record<symbol, string[]>)[Symbol.for('shopwarden.overlappingQueries')] ??= []);

type ClientState = { _activeQuery?: unknown; _queryQueue?: unknown[] };
const watched = Symbol.for('shopwarden.watchedQuery');
const prototype = pg.Client.prototype as typeof pg.Client.prototype & { [watched]?: true };
// Test files that share a process (isolate: false) share pg too: watch its queries once.
if (!prototype[watched]) {
  const query = prototype.query as (...args: unknown[]) => unknown;
  prototype.query = function watchedQuery(this: pg.Client & ClientState, ...args: unknown[]) {
    if (this._activeQuery || (this._queryQueue?.length ?? 0) > 0) {
      const text =
        typeof args[0] === 'string' ? args[0] : ((args[0] as { text?: string } | undefined)?.text ?? '(query object)');
      seen.push(`${text.slice(0, 200)}\n${new Error('sent here').stack ?? ''}`);
    }
    return query.apply(this, args);
  } as typeof pg.Client.prototype.query;
  prototype[watched] = true;
}

/** The statements sent, since the last call, while their connection was busy (and forgets them). */
export function takeOverlappingQueries(): string[] {
  return seen.splice(0);
}

afterEach(() => {
  const overlapping = takeOverlappingQueries();
  if (overlapping.length === 0) return;
  throw new Error(
    `${overlapping.length} statement(s) went to a PostgreSQL connection that was still running another; run one connection's statements one after another. The first:\n${overlapping[0]}`,
  );
});

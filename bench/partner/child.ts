/**
 * Shared by the benchmark's server processes: counts every SQL statement sent through `pg`
 * (Prisma's adapter, PostGraphile's adaptor and the raw server all use it), and answers the
 * parent's `stats` messages over IPC, so "SQL per request" is measured the same way for all three.
 */
import pg from 'pg';

let statements = 0;
const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  statements++;
  return original.apply(this, args);
} as typeof pg.Client.prototype.query;

process.on('message', (message: unknown) => {
  if (message === 'stats') process.send?.({ statements, rss: process.memoryUsage().rss });
});

/** Tells the parent which port the server listens on. */
export function ready(port: number) {
  process.send?.({ ready: port });
}

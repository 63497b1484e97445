/**
 * Shared by the benchmark's server processes. Counts every SQL statement sent through `pg`
 * (Prisma's pg adapter, PostGraphile's adaptor and the raw server all use it; on PGlite the API's
 * server counts Prisma's query events instead), and answers the harness over IPC:
 *   'stats'            → { statements, rss, cpu } (cpu: the process's user + system CPU, µs)
 *   { sql: text }      → { rows } | { error }   (SQL through the server's own connection, so
 *                        scenarios can read and reset data while the server holds a PGlite data dir)
 *   'stop'             → closes the server and its database, exits 0
 */
import pg from 'pg';

let statements = 0;
const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  statements++;
  return original.apply(this, args);
} as typeof pg.Client.prototype.query;

/** For servers whose statements do not go through `pg` (PGlite). */
export function countStatement() {
  statements++;
}

type SqlHandler = (text: string) => Promise<unknown[]>;
let sqlHandler: SqlHandler | undefined;

/** How this server runs the harness's SQL. */
export function handleSql(handler: SqlHandler) {
  sqlHandler = handler;
}

let stop: (() => Promise<void>) | undefined;

/** Called on SIGTERM before exiting, so PGlite closes its data dir cleanly. */
export function onStop(fn: () => Promise<void>) {
  stop = fn;
}

process.on('message', (message: unknown) => {
  if (message === 'stats') {
    const { user, system } = process.cpuUsage();
    process.send?.({ stats: { statements, rss: process.memoryUsage().rss, cpu: user + system } });
  } else if (typeof message === 'object' && message !== null && 'sql' in message) {
    const { sql, id } = message as { sql: string; id: number };
    if (!sqlHandler) {
      process.send?.({ id, error: 'this server runs no SQL for the harness' });
      return;
    }
    sqlHandler(sql).then(
      (rows) => process.send?.({ id, rows }),
      (error: unknown) => process.send?.({ id, error: String(error) }),
    );
  }
});

function shutDown() {
  const exit = () => process.exit(0);
  if (stop) stop().then(exit, exit);
  else exit();
}
// The harness stops a server over IPC; a signal comes from elsewhere, so say so before going.
process.on('message', (message: unknown) => {
  if (message === 'stop') shutDown();
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    process.stderr.write(
      `[${process.argv[1]?.split('/').pop()}] ${signal} received (not from the harness): stopping\n`,
    );
    shutDown();
  });
}
process.on('exit', (code) => {
  if (code !== 0) process.stderr.write(`[${process.argv[1]?.split('/').pop()}] exiting with code ${code}\n`);
});

/** Tells the parent which port the server listens on. */
export function ready(port: number) {
  process.send?.({ ready: port });
}

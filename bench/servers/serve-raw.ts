/**
 * The raw bound: plain `node:http` + `pg`, no GraphQL. Every request runs ONE statement, the
 * scenario's hand-written SQL, as a named prepared statement (BENCH_RAW = JSON { name, text,
 * values }), whose single text column is the complete response body, built inside PostgreSQL.
 */
import { handleSql, onStop, ready } from './child.ts';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { mustEnv } from '../lib/must.ts';

const raw = JSON.parse(mustEnv('BENCH_RAW')) as { name: string; text: string; values: unknown[] };
// JIT off as in our API's pool: the bound is the best the same statement can do.
const pool = new pg.Pool({
  connectionString: mustEnv('BENCH_URL'),
  max: Number(process.env.BENCH_POOL ?? 10),
  options: '-c jit=off',
});
const statement = { name: raw.name, text: raw.text, values: raw.values, rowMode: 'array' as const };

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    pool.query<[string]>(statement).then(
      (r) => {
        const row = r.rows[0];
        if (!row) {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`${raw.name} returned no row`);
          return;
        }
        const body = row[0];
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      },
      (error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      },
    );
  });
});
server.keepAliveTimeout = 60_000;
handleSql(async (text) => (await pool.query(text)).rows);
onStop(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await pool.end();
});
server.listen(0, '127.0.0.1', () => ready((server.address() as AddressInfo).port));

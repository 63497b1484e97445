/**
 * Our API (apps/api `createApp`) in production mode on a free port, as the harness starts it for
 * every read scenario: rate limiter on with a bucket too large to throttle, GraphiQL off, logger
 * silent. Database from the environment: BENCH_DB_KIND=postgres (BENCH_URL, BENCH_POOL) or pglite
 * (BENCH_DATA_DIR). BENCH_API_ENV (JSON) adds configuration, e.g. {"GRAPHQL_JIT":"true"}.
 */
import { countStatement, handleSql, onStop, ready } from './child.ts';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { Redis } from 'ioredis';
import { createApp, loadConfig, MemoryRateLimiter, RedisCacheStore, redisOptions } from '@shopwarden/api';
import { createDatabase } from '@shopwarden/db';
import { mustEnv } from '../lib/must.ts';

const env = process.env;
const db =
  env.BENCH_DB_KIND === 'pglite'
    ? await createDatabase({ kind: 'pglite', dataDir: mustEnv('BENCH_DATA_DIR') })
    : await createDatabase({
        kind: 'postgres',
        url: mustEnv('BENCH_URL'),
        poolSize: Number(env.BENCH_POOL ?? 10),
        statementTimeoutMs: 8000,
        connectionTimeoutMs: 5000,
      });
// PGlite's statements do not go through `pg`: count Prisma's query events instead.
if (env.BENCH_DB_KIND === 'pglite') db.onQuery(() => countStatement());
const apiEnv = JSON.parse(env.BENCH_API_ENV ?? '{}') as Record<string, string>;
const config = loadConfig({ NODE_ENV: 'production', GRAPHIQL: 'false', MAX_CONCURRENT_PER_KEY: '1000', ...apiEnv });
// A bucket large enough that the benchmark measures serving, not throttling (the limiter still runs).
// BENCH_REDIS=1: the response cache in Redis (REDIS_URL, default localhost), under a prefix of its own, auto-pipelined as server.ts does.
const cacheStore = apiEnv.BENCH_REDIS
  ? new RedisCacheStore(
      new Redis(env.REDIS_URL ?? 'redis://127.0.0.1:6379', redisOptions),
      `sw:rc:bench:${process.pid}:`,
    )
  : undefined;
const app = createApp({
  db,
  config,
  logger: pino({ level: 'silent' }),
  rateLimiter: new MemoryRateLimiter(1e12, 1e12),
  cacheStore,
});
const { yoga } = app;
// The response cache serves once it listens for changes.
await app.ready;
const server = createServer(yoga);
server.keepAliveTimeout = 60_000;

const plain = (rows: unknown) =>
  JSON.parse(JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))) as unknown[];
handleSql(async (text) =>
  /^\s*(SELECT|WITH)\b/i.test(text)
    ? plain(await db.prisma.$queryRawUnsafe(text))
    : [{ count: await db.prisma.$executeRawUnsafe(text) }],
);
onStop(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await app.close();
  await db.close();
});
server.listen(0, '127.0.0.1', () => ready((server.address() as AddressInfo).port));

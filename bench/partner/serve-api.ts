/** Our API (apps/api createApp) in production mode on a free port; started by partner-read.bench.ts. */
import './child.ts';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createApp, loadConfig, MemoryRateLimiter } from '@shopwarden/api';
import { createDatabase } from '@shopwarden/db';
import { ready } from './child.ts';

const db = await createDatabase({ kind: 'postgres', url: process.env.BENCH_URL!, poolSize: Number(process.env.BENCH_POOL ?? 10), statementTimeoutMs: 8000, connectionTimeoutMs: 5000 });
// Production defaults; the benchmark's variants override GRAPHQL_JIT and API_KEY_CACHE_TTL_MS.
const { GRAPHQL_JIT, API_KEY_CACHE_TTL_MS } = process.env;
const config = loadConfig({ NODE_ENV: 'production', GRAPHIQL: 'false', MAX_CONCURRENT_PER_KEY: '1000', ...(GRAPHQL_JIT ? { GRAPHQL_JIT } : {}), ...(API_KEY_CACHE_TTL_MS ? { API_KEY_CACHE_TTL_MS } : {}) });
// A bucket large enough that the benchmark measures serving, not throttling (the limiter still runs).
const { yoga } = createApp({ db, config, logger: pino({ level: 'silent' }), rateLimiter: new MemoryRateLimiter(1e12, 1e12) });
const server = createServer(yoga);
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => ready((server.address() as AddressInfo).port));

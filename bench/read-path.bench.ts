/**
 * Read-path throughput: 20 shops with their primary category and category eligibility, over
 * HTTP with autocannon (50 connections, 10 s, 3 runs, medians), graphql-jit on and off, on the
 * seeded demo data. PGlite always; PostgreSQL when TEST_DATABASE_URL (or BENCH_DATABASE_URL) is set.
 *
 *   npx tsx bench/read-path.bench.ts
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import pino from 'pino';
import { createApp, loadConfig, MemoryRateLimiter } from '@shopwarden/api';
import { DEMO_KEYS, seedDatabase } from '@shopwarden/db/seed';
import { createTestDatabase, type TargetName } from '../tests/support/database.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const QUERY = `{ shops(first: 20) { edges { node { id name sites status primaryCategory { id name restriction } categoryEligibility { status reasonCode } } } } }`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(target: TargetName, jit: boolean) {
  const db = await createTestDatabase(target);
  try {
    await seedDatabase(db.prisma);
    const config = loadConfig({ NODE_ENV: 'production', GRAPHQL_JIT: String(jit), GRAPHIQL: 'false', MAX_CONCURRENT_PER_KEY: '1000' });
    // A bucket large enough that the benchmark measures serving, not throttling.
    const { yoga } = createApp({ db, config, logger: pino({ level: 'silent' }), rateLimiter: new MemoryRateLimiter(1e12, 1e12) });
    const server = createServer(yoga);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    const body = JSON.stringify({ query: QUERY });
    const probe = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO_KEYS.admin}` }, body });
    const sample = await probe.text();
    if (!sample.includes('"edges"')) throw new Error(`unexpected response: ${sample.slice(0, 300)}`);
    const statements: string[] = [];
    const off = db.onQuery((q) => statements.push(q.query));
    await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO_KEYS.admin}` }, body });
    off();
    const rps: number[] = [];
    const p50: number[] = [];
    const p99: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const result = await autocannon({
        url,
        method: 'POST',
        connections: 50,
        duration: SECONDS,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO_KEYS.admin}` },
        body,
      });
      if (result.non2xx > 0) throw new Error(`${result.non2xx} non-2xx responses`);
      rps.push(result.requests.average);
      p50.push(result.latency.p50);
      p99.push(result.latency.p99);
      process.stderr.write(`  ${target} jit=${jit} run ${i + 1}/${RUNS}: ${Math.round(result.requests.average)} req/s\n`);
    }
    await new Promise((r) => server.close(r));
    return { target, jit, rps: median(rps), p50: median(p50), p99: median(p99), bytes: sample.length, statements: statements.length };
  } finally {
    await db.drop();
  }
}

const targets: TargetName[] = process.env.TEST_DATABASE_URL || process.env.BENCH_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
if (process.env.BENCH_DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;
const rows = [];
for (const target of targets) for (const jit of [true, false]) rows.push(await measure(target, jit));
console.log('\n| database | graphql-jit | req/s (median) | p50 ms | p99 ms | SQL per request | bytes |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.target} | ${r.jit ? 'on' : 'off'} | ${Math.round(r.rps)} | ${r.p50} | ${r.p99} | ${r.statements} | ${r.bytes} |`);

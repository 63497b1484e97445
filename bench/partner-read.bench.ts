/**
 * The partner read of issue 8, side by side on the same PostgreSQL database and the same logical
 * query: our API (production mode), PostGraphile 5 over the same tables, and the bound (plain
 * `node:http` + `pg`, one hand-written SQL statement). autocannon, 50 connections, 10 s, 3 runs,
 * medians; each server runs in its own process (so the load generator does not share its event
 * loop); SQL statements per request are counted in each server process by wrapping `pg`.
 *
 *   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npm run bench -- partner
 *   npx tsx bench/partner-read.bench.ts --shops 2000 --listings 50 --violations 25 --reuse
 *
 * Flags (or env): --shops (BENCH_SHOPS, default 200), --listings per shop (BENCH_LISTINGS, 50),
 * --violations per shop (BENCH_VIOLATIONS, 25), --reuse (BENCH_REUSE=1: keep and reuse the
 * database of that size), --servers api,postgraphile,raw (BENCH_SERVERS; also api-before = graphql-jit on
 * and no key cache as before issue 8, api-jit, api-nocache);
 * BENCH_RUNS (3), BENCH_SECONDS (10), BENCH_CONNECTIONS (50), BENCH_POOL (10 connections per server).
 * Progress goes to stderr; the markdown table to stdout.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { DEMO_KEYS } from '@shopwarden/db/seed';
import { prepareBenchDatabase } from './partner/database.ts';
import { API_QUERY, PARTNER_READ, POSTGRAPHILE_QUERY } from './partner/query.ts';

const { values: flags } = parseArgs({
  options: {
    shops: { type: 'string' },
    listings: { type: 'string' },
    violations: { type: 'string' },
    reuse: { type: 'boolean' },
    servers: { type: 'string' },
  },
  allowPositionals: true,
});
const SHOPS = Number(flags.shops ?? process.env.BENCH_SHOPS ?? 200);
const LISTINGS = Number(flags.listings ?? process.env.BENCH_LISTINGS ?? 50);
const VIOLATIONS = Number(flags.violations ?? process.env.BENCH_VIOLATIONS ?? 25);
const REUSE = flags.reuse ?? process.env.BENCH_REUSE === '1';
const SERVERS = (flags.servers ?? process.env.BENCH_SERVERS ?? 'api,postgraphile,raw').split(',').map((s) => s.trim());
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const log = (line: string) => process.stderr.write(`[partner] ${line}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!serverUrl) {
  console.log('partner-read: set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a PostgreSQL server; skipped.');
  process.exit(0);
}

interface ServerKind {
  label: string;
  script: string;
  env: Record<string, string>;
  headers: Record<string, string>;
  body: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const graphqlHeaders = { 'content-type': 'application/json', accept: 'application/json' };
const apiHeaders = { ...graphqlHeaders, authorization: `Bearer ${DEMO_KEYS.partner}` };
const apiBody = JSON.stringify({ query: API_QUERY });
const kinds: Record<string, ServerKind> = {
  api: { label: 'ShopWarden API (production defaults)', script: 'serve-api.ts', env: {}, headers: apiHeaders, body: apiBody },
  'api-before': { label: 'ShopWarden API as before issue 8 (graphql-jit on, no key cache)', script: 'serve-api.ts', env: { GRAPHQL_JIT: 'true', API_KEY_CACHE_TTL_MS: '0' }, headers: apiHeaders, body: apiBody },
  'api-jit': { label: 'ShopWarden API, graphql-jit on, key cache on', script: 'serve-api.ts', env: { GRAPHQL_JIT: 'true' }, headers: apiHeaders, body: apiBody },
  'api-nocache': { label: 'ShopWarden API, graphql-jit off, no key cache', script: 'serve-api.ts', env: { API_KEY_CACHE_TTL_MS: '0' }, headers: apiHeaders, body: apiBody },
  postgraphile: { label: 'PostGraphile 5 (amber preset)', script: 'serve-postgraphile.ts', env: {}, headers: graphqlHeaders, body: JSON.stringify({ query: POSTGRAPHILE_QUERY }) },
  raw: { label: 'raw node:http + pg, one SQL (bound)', script: 'serve-raw.ts', env: {}, headers: graphqlHeaders, body: JSON.stringify({ query: '' }) },
};

function start(kind: ServerKind, url: string): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(path.join(here, 'partner', kind.script), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, NODE_ENV: 'production', BENCH_URL: url, ...kind.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind.script} did not start in 120 s`)), 120_000);
    child.once('exit', (code) => reject(new Error(`${kind.script} exited with ${code}`)));
    child.on('message', (m: { ready?: number }) => {
      if (m.ready) {
        clearTimeout(timer);
        resolve({ child, port: m.ready });
      }
    });
  });
}

function stats(child: ChildProcess): Promise<{ statements: number; rss: number }> {
  return new Promise((resolve) => {
    child.once('message', (m: { statements: number; rss: number }) => resolve(m));
    child.send('stats');
  });
}

async function post(url: string, kind: ServerKind): Promise<string> {
  const res = await fetch(url, { method: 'POST', headers: kind.headers, body: kind.body });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${kind.label}: HTTP ${res.status}: ${text.slice(0, 300)}`);
  return text;
}

interface Row {
  name: string;
  label: string;
  rps: number;
  p50: number;
  p99: number;
  statements: number;
  bytes: number;
  rss: number;
  sample: string;
}

async function measure(name: string, dbUrl: string): Promise<Row> {
  const kind = kinds[name];
  if (!kind) throw new Error(`unknown server ${name}; known: ${Object.keys(kinds).join(', ')}`);
  log(`starting ${kind.label}…`);
  const { child, port } = await start(kind, dbUrl);
  try {
    const url = `http://127.0.0.1:${port}/graphql`;
    const sample = await post(url, kind);
    const parsed = JSON.parse(sample) as { errors?: unknown; data?: unknown };
    if (parsed.errors || !parsed.data) throw new Error(`${kind.label}: unexpected response ${sample.slice(0, 500)}`);
    // Statements per request: sequential requests after a warm-up, counted in the server process.
    for (let i = 0; i < 5; i++) await post(url, kind);
    const before = await stats(child);
    const PROBES = 20;
    for (let i = 0; i < PROBES; i++) await post(url, kind);
    const after = await stats(child);
    const statements = (after.statements - before.statements) / PROBES;
    await autocannon({ url, method: 'POST', connections: CONNECTIONS, duration: 2, headers: kind.headers, body: kind.body }); // warm-up (JIT, pools)
    const rps: number[] = [];
    const p50: number[] = [];
    const p99: number[] = [];
    let rss = 0;
    for (let i = 0; i < RUNS; i++) {
      const result = await autocannon({ url, method: 'POST', connections: CONNECTIONS, duration: SECONDS, headers: kind.headers, body: kind.body });
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`${kind.label}: ${result.non2xx} non-2xx responses, ${result.errors} errors (${result.timeouts} timeouts)`);
      rps.push(result.requests.average);
      p50.push(result.latency.p50);
      p99.push(result.latency.p99);
      rss = Math.max(rss, (await stats(child)).rss);
      log(`  ${name} run ${i + 1}/${RUNS}: ${Math.round(result.requests.average)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`);
    }
    return { name, label: kind.label, rps: median(rps), p50: median(p50), p99: median(p99), statements, bytes: Buffer.byteLength(sample), rss, sample };
  } finally {
    child.kill('SIGTERM');
  }
}

/** The raw bound must answer exactly our API's data; PostGraphile the same rows. */
function checkSameData(rows: Row[]) {
  type Edge<T> = { edges: { node: T }[] };
  type ApiShop = { id: string; listings: Edge<{ id: string }>; violations: Edge<{ id: string }> };
  const api = rows.find((r) => r.name.startsWith('api'));
  const raw = rows.find((r) => r.name === 'raw');
  const pgl = rows.find((r) => r.name === 'postgraphile');
  if (!api) return;
  const apiData = (JSON.parse(api.sample) as { data: { shops: Edge<ApiShop> } }).data;
  if (raw && JSON.stringify(apiData) !== JSON.stringify((JSON.parse(raw.sample) as { data: unknown }).data)) {
    throw new Error('the raw server does not answer the same data as the API');
  }
  if (pgl) {
    const decode = (g: string) => Number(Buffer.from(g, 'base64').toString().split(':')[1]);
    const ours = apiData.shops.edges.map((e) => [decode(e.node.id), e.node.listings.edges.map((l) => decode(l.node.id)), e.node.violations.edges.map((v) => decode(v.node.id))]);
    // PostGraphile's `id` is its own global node ID: base64 of ["Shop", 1].
    const pglId = (g: string) => (JSON.parse(Buffer.from(g, 'base64').toString()) as [string, number])[1];
    type PglShop = { id: string; listingsByShopId: Edge<{ id: string }>; violationsByShopId: Edge<{ id: string }> };
    const theirs = (JSON.parse(pgl.sample) as { data: { allShops: Edge<PglShop> } }).data.allShops.edges.map((e) => [
      pglId(e.node.id),
      e.node.listingsByShopId.edges.map((l) => pglId(l.node.id)),
      e.node.violationsByShopId.edges.map((v) => pglId(v.node.id)),
    ]);
    const at = ours.findIndex((o, i) => JSON.stringify(o) !== JSON.stringify(theirs[i]));
    if (at >= 0 || ours.length !== theirs.length) {
      throw new Error(`PostGraphile does not return the same rows as the API: shop #${at}: ours ${JSON.stringify(ours[at])}, theirs ${JSON.stringify(theirs[at])}`);
    }
  }
  log('same data: checked');
}

const started = performance.now();
log(`database: ${SHOPS} shops, ≥${LISTINGS} listings and ≥${VIOLATIONS} violations per shop`);
const db = await prepareBenchDatabase({ serverUrl, shops: SHOPS, listingsPerShop: LISTINGS, violationsPerShop: VIOLATIONS, reuse: REUSE, log });
log(`database ready: ${JSON.stringify(db.counts)}`);
const rows: Row[] = [];
try {
  for (const name of SERVERS) rows.push(await measure(name, db.url));
} finally {
  if (!REUSE) await db.drop();
}

const pgl = rows.find((r) => r.name === 'postgraphile');
const raw = rows.find((r) => r.name === 'raw');
const ratio = (r: Row, base: Row | undefined) => (base ? `${(r.rps / base.rps).toFixed(2)}` : '–');
console.log(`\nPartner read (${PARTNER_READ.shops} shops × first ${PARTNER_READ.listings} listings × latest ${PARTNER_READ.violations} violations), PostgreSQL, ${db.counts.shops} shops / ${db.counts.listings} listings / ${db.counts.violations} violations / ${db.counts.orders} orders; autocannon ${CONNECTIONS} connections, ${SECONDS} s, median of ${RUNS} runs\n`);
console.log('| server | req/s | p50 ms | p99 ms | SQL per request | response bytes | RSS MB | × PostGraphile (req/s) | × raw bound (req/s) | p99 vs PostGraphile |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  console.log(
    `| ${r.label} | ${Math.round(r.rps)} | ${r.p50} | ${r.p99} | ${Number.isInteger(r.statements) ? r.statements : r.statements.toFixed(2)} | ${r.bytes} | ${Math.round(r.rss / 2 ** 20)} | ${ratio(r, pgl)} | ${ratio(r, raw)} | ${pgl ? (r.p99 / pgl.p99).toFixed(2) : '–'} |`,
  );
}
checkSameData(rows); // after the table, so a mismatch does not lose the figures (it still fails the run)
log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);

/**
 * The benchmark database, on PostgreSQL (its own database on the server, named by scale) or on the
 * embedded database (a PGlite data dir `.data/bench/<scale>`): migrated with applyMigrations,
 * seeded with the demo seed at a small base, then topped up with set-based SQL (seed-sql.ts) to the
 * scale, then VACUUM ANALYZE. A completed database carries a marker (a database comment, or a JSON
 * file beside the data dir) so `--reuse` never picks up a half-seeded one.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { applyMigrations, createDatabase, repoRoot, type Database } from '@shopwarden/db';
import { seedDatabase } from '@shopwarden/db/seed';
import { scaleKey, type DbKind, type Scale } from './options.ts';
import { must } from './must.ts';
import { topUp, type Sql } from './seed-sql.ts';

/** Shops seeded with the demo seed (about 0.25 s each); the rest are generated in SQL. */
export const BASE_SHOPS = 50;

export interface Counts {
  shops: number;
  listings: number;
  pendingReview: number;
  violations: number;
  orders: number;
}

interface Marker {
  scale: Scale;
  seededAt: string;
  seedSeconds: number;
  healthShopId: number;
}

export interface BenchDatabase {
  kind: DbKind;
  /** Database name (PostgreSQL) or data dir (PGlite), for the report. */
  where: string;
  /** PostgreSQL: the connection URL of the benchmark database. */
  url: string | undefined;
  /** PGlite: the data dir. */
  dataDir: string | undefined;
  scale: Scale;
  counts: Counts;
  /** "PostgreSQL 15.20" or "PGlite 0.5.16 (PostgreSQL 17.4)". */
  version: string;
  /** Size on disk, in MB. */
  sizeMb: number;
  /** Seconds it took to seed, when this run seeded it (null when reused). */
  seededInSeconds: number | null;
  /** The seed's clock (ISO). */
  seededAt: string;
  /** The shop with many violations (a tenth of them). */
  healthShopId: number;
  /**
   * Runs SQL while no server holds the database. On PGlite the data dir is opened for the call
   * (only one process may hold it): while a server runs, use its `sql()` instead.
   */
  query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<R[]>;
}

async function withPg<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function withPglite<T>(dataDir: string, fn: (c: PGlite) => Promise<T>): Promise<T> {
  const c = new PGlite(dataDir);
  await c.waitReady;
  try {
    return await fn(c);
  } finally {
    await c.close();
  }
}

/** PGlite's package version (its exports hide package.json: walk up from the entry point). */
function pgliteVersion(): string {
  let dir = path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  while (!existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

function dirSizeMb(dir: string): number {
  let bytes = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else bytes += statSync(p).size;
    }
  };
  if (existsSync(dir)) walk(dir);
  return Math.round(bytes / 2 ** 20);
}

async function serverVersion(sql: Sql): Promise<string | undefined> {
  const r = await sql.query<{ v: string }>("SELECT current_setting('server_version') AS v");
  return must(r.rows[0], 'the server version').v.split(' ')[0];
}

async function databaseSizeMb(sql: Sql): Promise<number> {
  const r = await sql.query<{ b: string }>('SELECT pg_database_size(current_database()) AS b');
  return Math.round(Number(must(r.rows[0], 'the database size').b) / 2 ** 20);
}

async function readCounts(sql: Sql): Promise<Counts> {
  const r = await sql.query<Record<keyof Counts, string | number>>(
    `SELECT (SELECT count(*) FROM "Shop") AS shops, (SELECT count(*) FROM "Listing") AS listings,
            (SELECT count(*) FROM "Listing" WHERE status = 'PENDING_REVIEW') AS "pendingReview",
            (SELECT count(*) FROM "Violation") AS violations, (SELECT count(*) FROM "Order") AS orders`,
  );
  const row = must(r.rows[0], 'the row of the table counts');
  return {
    shops: Number(row.shops),
    listings: Number(row.listings),
    pendingReview: Number(row.pendingReview),
    violations: Number(row.violations),
    orders: Number(row.orders),
  };
}

/** Demo seed at the base size, then the set-based top-up; returns the marker to store. */
async function seed(
  db: Database,
  sql: () => Promise<{ sql: Sql; done: () => Promise<void> }>,
  scale: Scale,
  log: (line: string) => void,
): Promise<Marker> {
  const started = performance.now();
  const now = new Date();
  let t = performance.now();
  const applied = await applyMigrations(db.migrationAdapterFactory);
  log(`migrated (${applied.length} migrations) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const base = Math.min(BASE_SHOPS, scale.shops);
  t = performance.now();
  log(`demo seed: ${base} shops…`);
  await seedDatabase(db.prisma, { shops: base, now });
  log(`demo seed done in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  await db.close();
  log(
    `topping up to ${scale.shops} shops, ${scale.listings} listings, ${scale.violations} violations, ${scale.orders} orders, ${scale.creators} creators, ${scale.contentItems} content items…`,
  );
  const { sql: c, done } = await sql();
  try {
    const { healthShopId } = await topUp(c, scale, now, log);
    t = performance.now();
    await c.query('VACUUM ANALYZE');
    log(`  VACUUM ANALYZE in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    return {
      scale,
      seededAt: now.toISOString(),
      seedSeconds: Math.round((performance.now() - started) / 100) / 10,
      healthShopId,
    };
  } finally {
    await done();
  }
}

export interface PrepareOptions {
  kind: DbKind;
  scale: Scale;
  reuse: boolean;
  /** PostgreSQL server URL (the harness creates its own database on it). */
  serverUrl?: string;
  log: (line: string) => void;
}

export async function prepareBenchDatabase(o: PrepareOptions): Promise<BenchDatabase> {
  return o.kind === 'postgres' ? preparePostgres(o) : preparePglite(o);
}

async function preparePostgres(o: PrepareOptions): Promise<BenchDatabase> {
  if (!o.serverUrl) throw new Error('no PostgreSQL server URL');
  const name = `sw_bench_${scaleKey(o.scale)}`;
  const url = new URL(o.serverUrl);
  url.pathname = `/${name}`;
  const dbUrl = url.toString();
  const marker = await withPg(o.serverUrl, async (c) => {
    const r = await c.query<{ comment: string | null }>(
      `SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1`,
      [name],
    );
    const row = r.rows[0];
    if (!row) return undefined;
    try {
      return JSON.parse(row.comment ?? '') as Marker;
    } catch {
      return null; // exists, but incomplete
    }
  });
  let seededInSeconds: number | null = null;
  let done: Marker;
  if (o.reuse && marker) {
    o.log(`reusing database ${name} (seeded ${marker.seededAt})`);
    await migrateReused(
      await createDatabase({
        kind: 'postgres',
        url: dbUrl,
        poolSize: 1,
        statementTimeoutMs: 0,
        connectionTimeoutMs: 10_000,
      }),
      o.log,
    );
    done = marker;
  } else {
    if (marker !== undefined)
      o.log(
        `dropping ${marker ? 'the existing' : 'an incomplete'} database ${name}${marker ? ' (pass --reuse to keep it)' : ''}`,
      );
    await withPg(o.serverUrl, async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.query(`CREATE DATABASE ${name}`);
    });
    o.log(`created database ${name}`);
    const db = await createDatabase({
      kind: 'postgres',
      url: dbUrl,
      poolSize: 2,
      statementTimeoutMs: 0,
      connectionTimeoutMs: 10_000,
    });
    done = await seed(
      db,
      async () => {
        const c = new pg.Client({ connectionString: dbUrl });
        await c.connect();
        return { sql: c, done: () => c.end() };
      },
      o.scale,
      o.log,
    );
    await withPg(o.serverUrl, (c) =>
      c.query(`COMMENT ON DATABASE ${name} IS '${JSON.stringify(done).replaceAll("'", "''")}'`),
    );
    seededInSeconds = done.seedSeconds;
  }
  const { counts, version, sizeMb } = await withPg(dbUrl, async (c) => ({
    counts: await readCounts(c),
    version: `PostgreSQL ${await serverVersion(c)}`,
    sizeMb: await databaseSizeMb(c),
  }));
  return {
    kind: 'postgres',
    where: `database ${name}`,
    url: dbUrl,
    dataDir: undefined,
    scale: o.scale,
    counts,
    version,
    sizeMb,
    seededInSeconds,
    seededAt: done.seededAt,
    healthShopId: done.healthShopId,
    query: (text, values) => withPg(dbUrl, async (c) => (await c.query(text, values)).rows),
  };
}

/** A reused benchmark database gets the migrations added since it was seeded (seeded data stays). */
async function migrateReused(db: Database, log: (line: string) => void): Promise<void> {
  try {
    const applied = await applyMigrations(db.migrationAdapterFactory);
    if (applied.length) log(`applied ${applied.length} new migrations: ${applied.join(', ')}`);
  } finally {
    await db.close();
  }
}

async function preparePglite(o: PrepareOptions): Promise<BenchDatabase> {
  const dataDir = path.join(repoRoot, '.data/bench', scaleKey(o.scale));
  const markerPath = `${dataDir}.json`;
  const marker =
    existsSync(markerPath) && existsSync(dataDir)
      ? (JSON.parse(readFileSync(markerPath, 'utf8')) as Marker)
      : undefined;
  let seededInSeconds: number | null = null;
  let done: Marker;
  if (o.reuse && marker) {
    o.log(`reusing data dir ${path.relative(repoRoot, dataDir)} (seeded ${marker.seededAt})`);
    await migrateReused(await createDatabase({ kind: 'pglite', dataDir }), o.log);
    done = marker;
  } else {
    if (existsSync(dataDir))
      o.log(
        `removing ${marker ? 'the existing' : 'an incomplete'} data dir ${path.relative(repoRoot, dataDir)}${marker ? ' (pass --reuse to keep it)' : ''}`,
      );
    rmSync(markerPath, { force: true });
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
    const db = await createDatabase({ kind: 'pglite', dataDir });
    done = await seed(
      db,
      async () => {
        const c = new PGlite(dataDir);
        await c.waitReady;
        return { sql: c, done: () => c.close() };
      },
      o.scale,
      o.log,
    );
    writeFileSync(markerPath, `${JSON.stringify(done, null, 2)}\n`);
    seededInSeconds = done.seedSeconds;
  }
  const { counts, version } = await withPglite(dataDir, async (c) => ({
    counts: await readCounts(c),
    version: `PGlite ${pgliteVersion()} (PostgreSQL ${await serverVersion(c)})`,
  }));
  return {
    kind: 'pglite',
    where: `data dir ${path.relative(repoRoot, dataDir)}`,
    url: undefined,
    dataDir,
    scale: o.scale,
    counts,
    version,
    sizeMb: dirSizeMb(dataDir),
    seededInSeconds,
    seededAt: done.seededAt,
    healthShopId: done.healthShopId,
    query: (text, values) => withPglite(dataDir, async (c) => (await c.query(text, values)).rows as never[]),
  };
}

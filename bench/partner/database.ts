/**
 * The partner-read benchmark database on PostgreSQL: migrated, seeded with the demo seed at a
 * chosen size, topped up with set-based SQL to a realistic number of listings and violations per
 * shop, and the demo partner granted every shop (a partner with a large portfolio).
 */
import pg from 'pg';
import { applyMigrations, createDatabase } from '@shopwarden/db';
import { seedDatabase } from '@shopwarden/db/seed';

export interface BenchDatabaseOptions {
  /** A PostgreSQL server URL; the benchmark creates its own database on it. */
  serverUrl: string;
  shops: number;
  listingsPerShop: number;
  violationsPerShop: number;
  /** Reuse the database when it already holds this size (skips seeding). */
  reuse: boolean;
  log: (line: string) => void;
}

export interface BenchDatabase {
  url: string;
  counts: { shops: number; listings: number; violations: number; orders: number };
  drop(): Promise<void>;
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function prepareBenchDatabase(o: BenchDatabaseOptions): Promise<BenchDatabase> {
  const name = `sw_bench_partner_${o.shops}_${o.listingsPerShop}_${o.violationsPerShop}`;
  const url = new URL(o.serverUrl);
  url.pathname = `/${name}`;
  const exists = await withClient(o.serverUrl, async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1);
  const drop = () => withClient(o.serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined);
  if (exists && !o.reuse) await drop();
  if (!exists || !o.reuse) {
    await withClient(o.serverUrl, (c) => c.query(`CREATE DATABASE ${name}`));
    const db = await createDatabase({ kind: 'postgres', url: url.toString(), poolSize: 2, statementTimeoutMs: 0, connectionTimeoutMs: 10_000 });
    try {
      let t = performance.now();
      await applyMigrations(db.migrationAdapterFactory);
      o.log(`migrated in ${Math.round(performance.now() - t)} ms`);
      t = performance.now();
      o.log(`seeding ${o.shops} shops with the demo seed…`);
      await seedDatabase(db.prisma, { shops: o.shops });
      o.log(`seeded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    } finally {
      await db.close();
    }
    const t = performance.now();
    await withClient(url.toString(), (c) => topUp(c, o));
    o.log(`topped up listings/violations and partner grants in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  } else {
    o.log(`reusing database ${name}`);
  }
  const counts = await withClient(url.toString(), async (c) => {
    const r = await c.query<{ shops: string; listings: string; violations: string; orders: string }>(
      `SELECT (SELECT count(*) FROM "Shop") shops, (SELECT count(*) FROM "Listing") listings, (SELECT count(*) FROM "Violation") violations, (SELECT count(*) FROM "Order") orders`,
    );
    const row = r.rows[0]!;
    return { shops: Number(row.shops), listings: Number(row.listings), violations: Number(row.violations), orders: Number(row.orders) };
  });
  return { url: url.toString(), counts, drop };
}

/** Set-based top-up: every shop gets at least N listings and N violations; the partner reaches every shop. */
async function topUp(c: pg.Client, o: BenchDatabaseOptions) {
  await c.query('BEGIN');
  // Listings: copy a category and currency from an existing listing (or the first leaf category).
  await c.query(
    `INSERT INTO "Listing" ("shopId", title, description, "categoryId", "priceAmount", currency, sites, status, version, "submittedAt", "createdAt", "updatedAt")
     SELECT s.id,
            'Bench item ' || s.id || '-' || g.n,
            'A generated listing for the benchmark: ' || repeat('lorem ipsum ', 1 + (g.n % 4)),
            (SELECT id FROM "Category" c WHERE NOT EXISTS (SELECT 1 FROM "Category" k WHERE k."parentId" = c.id) ORDER BY (c.id * 7919 + s.id + g.n) % 997 LIMIT 1),
            500 + ((s.id * 31 + g.n * 17) % 20000),
            'USD',
            s.sites,
            (ARRAY['DRAFT','PENDING_REVIEW','ACTIVE','ACTIVE','ACTIVE','REJECTED','SUSPENDED']::"ListingStatus"[])[1 + (s.id + g.n) % 7],
            g.n % 3,
            CASE WHEN (s.id + g.n) % 7 = 0 THEN NULL ELSE now() - make_interval(days => (s.id + g.n) % 300) END,
            now() - make_interval(days => 300 + (s.id + g.n) % 300),
            now()
     FROM "Shop" s
     CROSS JOIN LATERAL generate_series(((SELECT count(*) FROM "Listing" l WHERE l."shopId" = s.id) + 1)::int, $1::int) AS g(n)`,
    [o.listingsPerShop],
  );
  await c.query(
    `INSERT INTO "Violation" ("shopId", "policyId", source, "listingId", "occurredAt", points, status, note, "createdAt")
     SELECT s.id,
            (SELECT id FROM "Policy" p ORDER BY (p.id * 7919 + s.id + g.n) % 997 LIMIT 1),
            'LISTING',
            (SELECT l.id FROM "Listing" l WHERE l."shopId" = s.id ORDER BY l.id OFFSET (g.n % 10) LIMIT 1),
            now() - make_interval(days => 400 + (s.id * 13 + g.n * 7) % 300),
            1 + (s.id + g.n) % 4,
            'EXPIRED',
            CASE WHEN g.n % 3 = 0 THEN 'Generated for the benchmark' ELSE NULL END,
            now() - make_interval(days => 400)
     FROM "Shop" s
     CROSS JOIN LATERAL generate_series(((SELECT count(*) FROM "Violation" v WHERE v."shopId" = s.id) + 1)::int, $1::int) AS g(n)`,
    [o.violationsPerShop],
  );
  await c.query(
    `INSERT INTO "ShopAccessGrant" ("shopId", "accountId", scopes, "createdAt")
     SELECT s.id, a.id, ARRAY['shops:read','listings:read','health:read'], now()
     FROM "Shop" s CROSS JOIN "Account" a WHERE a.kind = 'PARTNER'
     ON CONFLICT ("shopId", "accountId") DO UPDATE SET "revokedAt" = NULL`,
  );
  await c.query('COMMIT');
  await c.query('VACUUM ANALYZE');
}

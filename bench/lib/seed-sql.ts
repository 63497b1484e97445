/**
 * Set-based top-up of the benchmark database: after the demo seed has written a small base (every
 * table, demo keys, policies, categories, tiers), these statements add shops, listings (with their
 * review rows), orders, creators, content items, violations (with their ledger entries) up to the target
 * totals, refresh every shop's health and status from its ledger, and grant the demo partner every
 * shop. Deterministic: the same scale and seed clock give the same rows (hashes, not random()).
 * Plain PostgreSQL, so the same statements run on PostgreSQL and PGlite.
 */
import type { Scale } from './options.ts';
import { must } from './must.ts';

/** What both `pg.Client` and PGlite offer. */
export interface Sql {
  query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

/** A uniform pseudo-random number in [0, 1) from an integer expression and a salt. */
const u = (expr: string, salt: number) =>
  `((hashint8((${expr})::bigint * 1000003 + ${salt})::bigint + 2147483648)::float8 / 4294967296.0::float8)`;

/** A skewed position in 1..n (a few shops get much more), spread over the id range rather than bunched at the start. */
const skewedIndex = (expr: string, salt: number, n: string, power: number) =>
  `(1 + ((floor(${n} * power(${u(expr, salt)}, ${power}))::bigint * 7919) % ${n}))::int`;

const ROWS_PER_STATEMENT = 100_000;

export interface TopUpResult {
  /** The shop that received a tenth of the violations (the health-report scenario reads it). */
  healthShopId: number;
}

/** Adds rows up to `scale`; `now` is the seed's clock, `log` prints progress. */
export async function topUp(sql: Sql, scale: Scale, now: Date, log: (line: string) => void): Promise<TopUpResult> {
  const NOW = `timestamp '${now.toISOString().replace('T', ' ').replace('Z', '')}'`;
  const step = async (label: string, statements: string[]) => {
    const t = performance.now();
    let rows = 0;
    for (const text of statements) {
      const r = (await sql.query(text)) as { rows: unknown[]; affectedRows?: number; rowCount?: number };
      rows += r.rowCount ?? r.affectedRows ?? 0;
    }
    log(`  ${label}: ${rows.toLocaleString('en-US')} rows in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  };
  const one = async <R>(text: string, what: string) => must((await sql.query<R>(text)).rows[0], what);
  const count = async (table: string) =>
    Number((await one<{ n: string | number }>(`SELECT count(*) AS n FROM "${table}"`, `the count of ${table}`)).n);
  const maxId = async (table: string) =>
    Number(
      (
        await one<{ n: string | number | null }>(
          `SELECT coalesce(max(id), 0) AS n FROM "${table}"`,
          `the largest id of ${table}`,
        )
      ).n,
    );
  const adminKeyId = Number(
    (
      await one<{ id: number }>(
        `SELECT id FROM "ApiKey" WHERE role = 'ADMIN' ORDER BY id LIMIT 1`,
        'an ADMIN API key (the demo seed writes one)',
      )
    ).id,
  );

  // Categories: open top-level categories (primary categories) and open leaves per top-level.
  const CATEGORIES = `
    tops AS (SELECT array_agg(id ORDER BY id) AS ids FROM "Category" WHERE "parentId" IS NULL AND restriction = 'NONE'),
    leaves AS (
      SELECT c."rootId" AS root, array_agg(c.id ORDER BY c.id) AS ids FROM "Category" c
      JOIN "Category" r ON r.id = c."rootId"
      WHERE c.restriction = 'NONE' AND r.restriction = 'NONE' AND NOT EXISTS (SELECT 1 FROM "Category" k WHERE k."parentId" = c.id)
      GROUP BY c."rootId"),
    all_leaves AS (SELECT array_agg(id ORDER BY id) AS ids FROM (SELECT unnest(ids) AS id FROM leaves) x)`;
  const leafFor = (k: string, salt: number) =>
    `(coalesce(lf.ids, al.ids))[1 + floor(${u(k, salt)} * cardinality(coalesce(lf.ids, al.ids)))::int]`;
  const LEAF_JOIN = (shop: string) =>
    `CROSS JOIN all_leaves al LEFT JOIN leaves lf ON lf.root = ${shop}."primaryCategoryId"`;

  // ── shops ──
  const shopsBefore = await count('Shop');
  if (scale.shops > shopsBefore) {
    await step(`shops ${shopsBefore} → ${scale.shops}`, [
      `WITH ${CATEGORIES}
       INSERT INTO "Shop" (name, sites, "businessModel", "fulfilmentMode", status, "healthStatus", "primaryCategoryId", "primaryCategorySetAt", "primaryCategorySource", "createdAt", "updatedAt")
       SELECT (ARRAY['Northern','Golden','Urban','Coastal','Little','Bright','Wild','Silver','Maple','Harbour','Lucky','Velvet','Copper','Sunny','Blue','Evergreen'])[1 + g % 16]
                || ' ' || (ARRAY['Goods','Studio','Supply','Market','Collective','Outfitters','Lab','House','Corner','Works','Trading','Boutique'])[1 + (g / 16) % 12]
                || ' ' || g,
              string_to_array((ARRAY['US','US','US','GB','DE,FR','SG,MY','PH','ID','TH','VN','ES','IT','US,GB','FR'])[1 + (g * 7) % 14], ','),
              CASE WHEN g % 25 = 0 THEN 'SELF_OPERATED' ELSE 'CLOSED_LOOP' END::"BusinessModel",
              'PLATFORM'::"FulfilmentMode", 'ACTIVE'::"ShopStatus", 'HEALTHY'::"HealthStatus",
              CASE WHEN g % 10 < 8 THEN tops.ids[1 + (g * 7) % cardinality(tops.ids)] END,
              CASE WHEN g % 10 < 8 THEN ${NOW} - make_interval(days => 20 + g % 500) END,
              CASE WHEN g % 10 < 6 THEN 'SELECTED' WHEN g % 10 < 8 THEN 'AUTO_ASSIGNED' END::"PrimaryCategorySource",
              ${NOW} - make_interval(days => 300 + g % 900), ${NOW}
       FROM generate_series(${shopsBefore + 1}, ${scale.shops}) g CROSS JOIN tops`,
    ]);
  }
  const SHOPS = `shop_ids AS (SELECT array_agg(id ORDER BY id) AS ids, count(*)::int AS n FROM "Shop")`;

  // ── listings: every shop gets at least 10 (a partner page is full), the rest skewed over shops ──
  const listingsBefore = await count('Listing');
  const listingMaxBefore = await maxId('Listing');
  const listingBody = (source: string) => `
    WITH ${CATEGORIES}, ${SHOPS}, src AS (${source}),
    x AS (SELECT s.id AS shop_id, s.sites, src.k, ${leafFor('src.k', 4)} AS category_id,
                 ${u('src.k', 1)} AS u1, ${u('src.k', 2)} AS u2, ${u('src.k', 3)} AS u3, ${u('src.k', 5)} AS u5
          FROM src JOIN "Shop" s ON s.id = src.shop_id ${LEAF_JOIN('s')}),
    y AS (SELECT x.*, CASE WHEN u1 < 0.10 THEN 'DRAFT' WHEN u1 < 0.25 THEN 'PENDING_REVIEW' WHEN u1 < 0.80 THEN 'ACTIVE' WHEN u1 < 0.92 THEN 'REJECTED' ELSE 'SUSPENDED' END AS status FROM x),
    z AS (SELECT y.*, CASE status WHEN 'DRAFT' THEN NULL
                                  WHEN 'PENDING_REVIEW' THEN date_trunc('second', ${NOW} - u2 * interval '14 days')
                                  ELSE date_trunc('second', ${NOW} - interval '15 days' - u2 * interval '400 days') END AS submitted_at FROM y)
    INSERT INTO "Listing" ("shopId", title, description, "categoryId", "priceAmount", currency, sites, status, version, "submittedAt", "createdAt", "updatedAt")
    SELECT shop_id,
           (ARRAY['Everyday','Premium','Classic','Compact','Organic','Wireless','Handmade','Travel','Deluxe','Vintage','Smart','Eco'])[1 + k % 12]
             || ' ' || (ARRAY['Serum','Sneakers','Headphones','Tote Bag','Desk Lamp','Yoga Mat','Coffee Beans','Phone Case','Scarf','Water Bottle','Blender','Necklace','Puzzle','Dog Bed','Jacket'])[1 + (k / 12) % 15]
             || ' ' || (k % 997),
           'Generated for the benchmark: ' || repeat('soft, durable and ready to ship. ', 1 + floor(u3 * 6)::int),
           category_id, (299 + floor(power(u5, 3) * 150000))::int, 'USD', sites, status::"ListingStatus",
           CASE status WHEN 'DRAFT' THEN 0 WHEN 'PENDING_REVIEW' THEN 1 ELSE 2 END,
           submitted_at,
           coalesce(submitted_at, date_trunc('second', ${NOW} - u2 * interval '400 days')) - make_interval(hours => 1 + (k % 72)),
           ${NOW}
    FROM z ORDER BY shop_id, k`;
  const floor = Math.min(10, Math.floor(scale.listings / scale.shops));
  const floorStatements = [
    listingBody(`SELECT s.id AS shop_id, s.id * 100 + g.n AS k FROM "Shop" s
                 CROSS JOIN LATERAL generate_series((SELECT count(*) FROM "Listing" l WHERE l."shopId" = s.id)::int + 1, ${floor}) AS g(n)`),
  ];
  await step(`listings: at least ${floor} per shop`, floorStatements);
  const afterFloor = await count('Listing');
  const more = scale.listings - afterFloor;
  const skewed: string[] = [];
  for (let from = 1; from <= more; from += ROWS_PER_STATEMENT) {
    const to = Math.min(more, from + ROWS_PER_STATEMENT - 1);
    skewed.push(
      listingBody(
        `SELECT shop_ids.ids[${skewedIndex('g', 7, 'shop_ids.n', 2)}] AS shop_id, 10000000 + g AS k FROM generate_series(${from}, ${to}) g CROSS JOIN shop_ids`,
      ),
    );
  }
  if (skewed.length) await step(`listings ${afterFloor} → ${scale.listings} (skewed over shops)`, skewed);
  if (listingsBefore < scale.listings) {
    // Review history of the new listings: the submission, and the administrator's decision where there is one.
    await step('listing reviews', [
      `INSERT INTO "ListingReview" ("listingId", decision, automatic, "fromStatus", "toStatus", reasons, "listingVersion", "createdAt")
       SELECT id, 'SUBMITTED', true, 'DRAFT', 'PENDING_REVIEW', '[]', 1, "submittedAt" FROM "Listing" WHERE id > ${listingMaxBefore} AND status <> 'DRAFT'`,
      `INSERT INTO "ListingReview" ("listingId", decision, automatic, "fromStatus", "toStatus", reasons, note, "reviewerApiKeyId", "listingVersion", "createdAt")
       SELECT id, CASE WHEN status = 'REJECTED' THEN 'REJECTED' ELSE 'APPROVED' END::"ReviewDecision", false, 'PENDING_REVIEW',
              CASE WHEN status = 'REJECTED' THEN 'REJECTED' ELSE 'ACTIVE' END::"ListingStatus",
              CASE WHEN status = 'REJECTED' THEN '[{"code":"INACCURATE_LISTING","message":"The title or photos do not match the product."}]' ELSE '[]' END::jsonb,
              CASE WHEN status = 'REJECTED' THEN 'Please fix the photos and resubmit.' END, ${adminKeyId}, 2, "submittedAt" + interval '20 hours'
       FROM "Listing" WHERE id > ${listingMaxBefore} AND status IN ('ACTIVE', 'REJECTED', 'SUSPENDED')`,
      `INSERT INTO "ListingReview" ("listingId", decision, automatic, "fromStatus", "toStatus", reasons, note, "reviewerApiKeyId", "listingVersion", "createdAt")
       SELECT id, 'SUSPENDED', false, 'ACTIVE', 'SUSPENDED', '[]', 'Suspended after buyer reports.', ${adminKeyId}, 2, "submittedAt" + interval '9 days'
       FROM "Listing" WHERE id > ${listingMaxBefore} AND status = 'SUSPENDED'`,
    ]);
  }

  // ── orders: over the 14 months before now, skewed over shops (revenue is concentrated), per-shop order sizes ──
  const ordersBefore = await count('Order');
  const orderStatements: string[] = [];
  for (let from = ordersBefore + 1; from <= scale.orders; from += ROWS_PER_STATEMENT) {
    const to = Math.min(scale.orders, from + ROWS_PER_STATEMENT - 1);
    orderStatements.push(`
      WITH ${CATEGORIES}, ${SHOPS},
      src AS (SELECT shop_ids.ids[${skewedIndex('g', 11, 'shop_ids.n', 2.5)}] AS shop_id, g AS k FROM generate_series(${from}, ${to}) g CROSS JOIN shop_ids)
      INSERT INTO "Order" ("shopId", "externalId", amount, currency, "placedAt", "categoryId", "createdAt")
      SELECT s.id, 'BENCH-' || src.k,
             -- order size by shop: about 15 to 1,200 USD on average, each order 0.4–1.6× its shop's average
             ((1500 + power(abs(hashint4(s.id)) % 100, 2) * 12) * (0.4 + 1.2 * ${u('src.k', 12)}))::int,
             CASE WHEN src.k % 33 = 0 THEN 'EUR' ELSE 'USD' END,
             date_trunc('second', ${NOW} - power(${u('src.k', 13)}, 1.15) * interval '425 days') AS placed_at,
             ${leafFor('src.k', 14)},
             date_trunc('second', ${NOW} - power(${u('src.k', 13)}, 1.15) * interval '425 days') + interval '90 seconds'
      FROM src JOIN "Shop" s ON s.id = src.shop_id ${LEAF_JOIN('s')}`);
  }
  if (orderStatements.length) await step(`orders ${ordersBefore} → ${scale.orders}`, orderStatements);
  await sql.query('ANALYZE'); // the violation lookups below plan against the new row counts

  // ── the shop with many violations (a tenth of them), for the health report ──
  const healthShopId = Number(
    (
      await sql.query<{ id: number }>(
        `SELECT id FROM "Shop" WHERE id > (SELECT min(id) + 49 FROM "Shop") ORDER BY id LIMIT 1`,
      )
    ).rows[0]?.id ?? (await one<{ id: number }>(`SELECT max(id) AS id FROM "Shop"`, 'the largest shop id')).id,
  );

  // ── content items: every shop without any gets two live sessions and two videos; the health shop 24 ──
  await step('content items', [
    `WITH cr AS (SELECT array_agg(id ORDER BY id) AS ids FROM "Creator"),
     want AS (SELECT s.id AS shop_id, CASE WHEN s.id = ${healthShopId} THEN 24 ELSE 4 END AS n FROM "Shop" s
              WHERE NOT EXISTS (SELECT 1 FROM "ContentItem" c WHERE c."shopId" = s.id) OR s.id = ${healthShopId})
     INSERT INTO "ContentItem" ("creatorId", "shopId", kind, title, url, "publishedAt", "createdAt")
     SELECT cr.ids[1 + (want.shop_id * 31 + g) % cardinality(cr.ids)], want.shop_id,
            CASE WHEN g % 2 = 0 THEN 'LIVE_SESSION' ELSE 'VIDEO' END::"ContentKind",
            CASE WHEN g % 2 = 0 THEN 'Live: weekend deals #' ELSE 'Video: unboxing #' END || g,
            'https://video.example/bench/' || want.shop_id || '/' || g,
            ${NOW} - make_interval(days => 10 + (g * 37) % 420), ${NOW} - make_interval(days => 10 + (g * 37) % 420)
     FROM want CROSS JOIN cr CROSS JOIN LATERAL generate_series(1, want.n) g`,
  ]);

  // ── creators: audiences follow a power law, one to three niches among the open top-level categories ──
  const creatorsBefore = await count('Creator');
  const creatorStatements: string[] = [];
  for (let from = creatorsBefore + 1; from <= scale.creators; from += ROWS_PER_STATEMENT) {
    const to = Math.min(scale.creators, from + ROWS_PER_STATEMENT - 1);
    const pick = (salt: number) => `tops.ids[1 + floor(${u('g', salt)} * cardinality(tops.ids))::int]`;
    creatorStatements.push(`
      WITH tops AS (SELECT array_agg(id ORDER BY id) AS ids FROM "Category" WHERE "parentId" IS NULL AND restriction = 'NONE')
      INSERT INTO "Creator" (handle, "displayName", regions, "nicheCategoryIds", "followerCount", "engagementRateBps", "createdAt", "updatedAt")
      SELECT 'bench.creator.' || g, 'Bench Creator ' || g,
             string_to_array((ARRAY['US','US','US','GB','US,GB','DE','FR','DE,FR','SG,MY','PH','ID','TH','VN','ES','IT','US,GB,DE'])[1 + (g * 11) % 16], ','),
             ARRAY(SELECT DISTINCT x FROM unnest(ARRAY[${pick(41)}, CASE WHEN ${u('g', 42)} < 0.4 THEN ${pick(43)} END, CASE WHEN ${u('g', 44)} < 0.1 THEN ${pick(45)} END]) x WHERE x IS NOT NULL),
             (500 + floor(power(${u('g', 46)}, 5) * 3000000))::int,
             (40 + floor(power(${u('g', 47)}, 2) * 1400))::int,
             ${NOW} - make_interval(days => 30 + g % 700), ${NOW}
      FROM generate_series(${from}, ${to}) g CROSS JOIN tops`);
  }
  if (creatorStatements.length) await step(`creators ${creatorsBefore} → ${scale.creators}`, creatorStatements);

  // ── content items: skewed over creators (a few post most) and over shops ──
  const contentBefore = await count('ContentItem');
  const contentStatements: string[] = [];
  for (let from = contentBefore + 1; from <= scale.contentItems; from += ROWS_PER_STATEMENT) {
    const to = Math.min(scale.contentItems, from + ROWS_PER_STATEMENT - 1);
    contentStatements.push(`
      WITH ${SHOPS}, cr AS (SELECT array_agg(id ORDER BY id) AS ids, count(*)::int AS n FROM "Creator")
      INSERT INTO "ContentItem" ("creatorId", "shopId", kind, title, url, "publishedAt", "createdAt")
      SELECT cr.ids[${skewedIndex('g', 51, 'cr.n', 2)}], shop_ids.ids[${skewedIndex('g', 52, 'shop_ids.n', 2)}],
             CASE WHEN g % 3 = 0 THEN 'LIVE_SESSION' ELSE 'VIDEO' END::"ContentKind",
             CASE WHEN g % 3 = 0 THEN 'Live: flash sale #' ELSE 'Video: try-on #' END || g,
             'https://video.example/bench/content/' || g,
             date_trunc('second', ${NOW} - ${u('g', 53)} * interval '420 days'), ${NOW}
      FROM generate_series(${from}, ${to}) g CROSS JOIN shop_ids CROSS JOIN cr`);
  }
  if (contentStatements.length) await step(`content items ${contentBefore} → ${scale.contentItems}`, contentStatements);
  await sql.query('ANALYZE "Creator", "ContentItem"'); // the violations below look content items up per shop

  // ── violations: at least 5 per shop, a tenth for the health shop, the rest skewed; spread over 14 months and the policies ──
  const violationMaxBefore = await maxId('Violation');
  const violationsBefore = await count('Violation');
  const violationBody = (source: string) => `
    WITH ${SHOPS},
    -- minor policies are far more frequent than severe ones: each policy weighs 72 / points² (at least 1)
    pol AS (SELECT array_agg(id ORDER BY id, w) AS ids FROM "Policy" CROSS JOIN LATERAL generate_series(1, greatest(1, round(72.0 / ("defaultPoints" * "defaultPoints"))::int)) w),
    settings AS (SELECT "pointExpiryDays" AS expiry FROM "PlatformSettings" WHERE id = 1),
    src AS (${source}),
    x AS (SELECT src.shop_id, src.k,
                 pol.ids[1 + floor(cardinality(pol.ids) * ${u('src.k', 21)})::int] AS policy_id,
                 date_trunc('second', ${NOW} - ${u('src.k', 22)} * interval '425 days') AS occurred_at,
                 ${u('src.k', 23)} AS u3
          FROM src CROSS JOIN pol),
    y AS (SELECT x.*, CASE WHEN u3 < 0.25 THEN 'LIVE_SESSION' WHEN u3 < 0.50 THEN 'VIDEO' WHEN u3 < 0.75 THEN 'LISTING' WHEN u3 < 0.92 THEN 'ORDER' ELSE 'OTHER' END AS source FROM x)
    INSERT INTO "Violation" ("shopId", "policyId", source, "contentItemId", "listingId", "orderId", "occurredAt", points, status, note, "recordedByApiKeyId", "createdAt")
    SELECT y.shop_id, y.policy_id, y.source::"ViolationSource",
           CASE WHEN y.source IN ('LIVE_SESSION', 'VIDEO') THEN (SELECT c.id FROM "ContentItem" c WHERE c."shopId" = y.shop_id AND c.kind::text = y.source ORDER BY (c.id::bigint * 7919 + y.k) % 1009 LIMIT 1) END,
           CASE WHEN y.source = 'LISTING' THEN (SELECT l.id FROM "Listing" l WHERE l."shopId" = y.shop_id ORDER BY l.id LIMIT 1 OFFSET y.k % 5) END,
           CASE WHEN y.source = 'ORDER' THEN (SELECT o.id FROM "Order" o WHERE o."shopId" = y.shop_id AND o."placedAt" <= y.occurred_at ORDER BY o."placedAt" DESC LIMIT 1) END,
           y.occurred_at, p."defaultPoints",
           CASE WHEN y.occurred_at + make_interval(days => settings.expiry) > ${NOW} THEN 'ACTIVE' ELSE 'EXPIRED' END::"ViolationStatus",
           'Recorded by the policy team (benchmark seed).', ${adminKeyId}, y.occurred_at + interval '2 hours'
    FROM y JOIN "Policy" p ON p.id = y.policy_id CROSS JOIN settings
    ORDER BY y.shop_id, y.occurred_at`;
  const vFloor = Math.min(5, Math.floor(scale.violations / scale.shops / 2));
  if (vFloor > 0) {
    await step(`violations: at least ${vFloor} per shop`, [
      violationBody(`SELECT s.id AS shop_id, s.id * 100 + g.n AS k FROM "Shop" s
                     CROSS JOIN LATERAL generate_series((SELECT count(*) FROM "Violation" v WHERE v."shopId" = s.id)::int + 1, ${vFloor}) AS g(n)`),
    ]);
  }
  const vAfterFloor = await count('Violation');
  const vLeft = Math.max(0, scale.violations - vAfterFloor);
  const forHealthShop = Math.min(vLeft, Math.floor(scale.violations / 10));
  const vStatements: string[] = [];
  if (forHealthShop > 0)
    vStatements.push(
      violationBody(`SELECT ${healthShopId} AS shop_id, 20000000 + g AS k FROM generate_series(1, ${forHealthShop}) g`),
    );
  for (let from = 1; from <= vLeft - forHealthShop; from += ROWS_PER_STATEMENT) {
    const to = Math.min(vLeft - forHealthShop, from + ROWS_PER_STATEMENT - 1);
    vStatements.push(
      violationBody(
        `SELECT shop_ids.ids[${skewedIndex('g', 24, 'shop_ids.n', 4)}] AS shop_id, 30000000 + g AS k FROM generate_series(${from}, ${to}) g CROSS JOIN shop_ids`,
      ),
    );
  }
  if (vStatements.length)
    await step(
      `violations ${vAfterFloor} → ${scale.violations} (${forHealthShop} for shop ${healthShopId})`,
      vStatements,
    );
  if (violationsBefore < scale.violations) {
    await step('points ledger', [
      `INSERT INTO "PointsLedgerEntry" ("shopId", "policyId", "violationId", kind, points, "effectiveAt", "expiresAt", "createdAt")
       SELECT v."shopId", v."policyId", v.id, 'VIOLATION_ADDED', v.points, v."occurredAt", v."occurredAt" + make_interval(days => s."pointExpiryDays"), v."createdAt"
       FROM "Violation" v CROSS JOIN "PlatformSettings" s WHERE s.id = 1 AND v.id > ${violationMaxBefore}`,
    ]);
  }

  // ── health and status from the ledger balance at now (thresholds from PlatformSettings), with the change recorded ──
  const BALANCES = `
    settings AS (SELECT * FROM "PlatformSettings" WHERE id = 1),
    per_violation AS (
      SELECT e."shopId" AS shop_id, greatest(0, sum(e.points)) AS p FROM "PointsLedgerEntry" e
      WHERE e."effectiveAt" <= ${NOW} AND (e."expiresAt" IS NULL OR e."expiresAt" > ${NOW})
      GROUP BY e."shopId", coalesce(e."violationId", -e.id)),
    balance AS (SELECT s.id AS shop_id, s.status, s."healthStatus", coalesce(sum(pv.p), 0)::int AS balance FROM "Shop" s LEFT JOIN per_violation pv ON pv.shop_id = s.id GROUP BY s.id),
    target AS (
      SELECT b.*, CASE WHEN balance >= st."suspendedThreshold" THEN 'SUSPENDED' WHEN balance >= st."restrictedThreshold" THEN 'RESTRICTED'
                       WHEN balance >= st."atRiskThreshold" THEN 'AT_RISK' ELSE 'HEALTHY' END AS health
      FROM balance b CROSS JOIN settings st),
    changed AS (
      SELECT t.*, CASE t.health WHEN 'SUSPENDED' THEN 'SUSPENDED' WHEN 'RESTRICTED' THEN 'RESTRICTED' ELSE 'ACTIVE' END AS new_status
      FROM target t WHERE t.health <> t."healthStatus"::text)`;
  await step('shop health from the ledger', [
    `WITH ${BALANCES}
     INSERT INTO "ShopStatusChange" ("shopId", "fromStatus", "toStatus", "fromHealth", "toHealth", balance, reason, "occurredAt", "createdAt")
     SELECT shop_id, status, new_status::"ShopStatus", "healthStatus", health::"HealthStatus", balance, 'Points balance crossed a threshold (benchmark seed).', ${NOW}, ${NOW} FROM changed`,
    `WITH ${BALANCES}
     UPDATE "Shop" s SET "healthStatus" = c.health::"HealthStatus", status = c.new_status::"ShopStatus" FROM changed c WHERE s.id = c.shop_id`,
  ]);

  // ── the demo partner reaches every shop (a partner with a large portfolio) ──
  await step('partner grants', [
    `INSERT INTO "ShopAccessGrant" ("shopId", "accountId", scopes, "createdAt")
     SELECT s.id, a.id, ARRAY['shops:read','listings:read','health:read','creators:read'], ${NOW}
     FROM "Shop" s CROSS JOIN "Account" a WHERE a.kind = 'PARTNER'
     ON CONFLICT ("shopId", "accountId") DO UPDATE SET "revokedAt" = NULL`,
  ]);
  return { healthShopId };
}

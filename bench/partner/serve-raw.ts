/**
 * The bound: plain `node:http` + `pg`, no GraphQL. Answers the partner read with the same `data`
 * JSON our API returns (same keys, order, global IDs and ISO timestamps), built by ONE hand-written
 * SQL statement (`json_build_object`/`json_agg`, a LATERAL per-parent LIMIT) with the same tenant
 * restriction (the partner account's grants).
 */
import './child.ts';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { ready } from './child.ts';
import { PARTNER_READ } from './query.ts';

const pool = new pg.Pool({ connectionString: process.env.BENCH_URL!, max: Number(process.env.BENCH_POOL ?? 10) });
const partnerAccountId = Number((await pool.query(`SELECT id FROM "Account" WHERE kind = 'PARTNER' ORDER BY id LIMIT 1`)).rows[0].id);

const gid = (type: string, col: string) => `encode(convert_to('${type}:' || ${col}, 'UTF8'), 'base64')`;
const iso = (col: string) => `to_char(${col}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export const RAW_SQL = `
SELECT json_build_object('data', json_build_object('shops', json_build_object('edges', coalesce((
  SELECT json_agg(json_build_object('node', json_build_object(
    'id', ${gid('Shop', 's.id')}, 'name', s.name, 'status', s.status, 'healthStatus', s."healthStatus",
    'listings', json_build_object('edges', (
      SELECT coalesce(json_agg(json_build_object('node', json_build_object(
        'id', ${gid('Listing', 'l.id')}, 'title', l.title, 'status', l.status,
        'price', json_build_object('minorUnits', l."priceAmount"::text, 'currencyCode', l.currency))) ORDER BY l.id), '[]'::json)
      FROM (SELECT * FROM "Listing" WHERE "shopId" = s.id ORDER BY id LIMIT $2) l)),
    'violations', json_build_object('edges', (
      SELECT coalesce(json_agg(json_build_object('node', json_build_object(
        'id', ${gid('Violation', 'v.id')}, 'source', v.source, 'points', v.points, 'occurredAt', ${iso('v."occurredAt"')})) ORDER BY v."occurredAt" DESC, v.id DESC), '[]'::json)
      FROM (SELECT * FROM "Violation" WHERE "shopId" = s.id ORDER BY "occurredAt" DESC, id DESC LIMIT $3) v))
  )) ORDER BY s.id)
  FROM (SELECT * FROM "Shop" WHERE id IN (SELECT "shopId" FROM "ShopAccessGrant" WHERE "accountId" = $1 AND "revokedAt" IS NULL) ORDER BY id LIMIT $4) s
), '[]'::json))))::text AS body`;

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    pool.query<{ body: string }>(RAW_SQL, [partnerAccountId, PARTNER_READ.listings, PARTNER_READ.violations, PARTNER_READ.shops]).then(
      (r) => {
        const body = r.rows[0]!.body;
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
server.listen(0, '127.0.0.1', () => ready((server.address() as AddressInfo).port));

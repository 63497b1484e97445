/**
 * The API process killed (SIGKILL) while its worker runs a bulk operation, then started again on
 * the same database: the operation completes and every line is applied exactly once — one review,
 * one result line and one outbox event per listing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, createDatabase } from '@shopwarden/db';
import { gid } from '../support/client.ts';
import { createWorld } from '../support/fixtures.ts';
import { sellerShop } from '../support/listing-fixtures.ts';
import { GET, RUN, jsonl, parseResult } from '../support/bulk-fixtures.ts';
import { graphql, PostgresCluster, skipReason, startApi, until, type ApiProcess } from './support.ts';

const reason = skipReason({ postgres: true });
const LINES = 10_000;
const DB = 'sw_faults_bulk';

describe.skipIf(reason)(
  `SIGKILL during a bulk operation, then a restart${reason ? ` (skipped: ${reason})` : ''}`,
  () => {
    let cluster: PostgresCluster;
    let api: ApiProcess | undefined;
    let url: string;
    let key: string;
    let ids: number[];

    beforeAll(async () => {
      cluster = await PostgresCluster.create();
      url = await cluster.createDatabase(DB);
      const db = await createDatabase({
        kind: 'postgres',
        url,
        poolSize: 2,
        statementTimeoutMs: 30_000,
        connectionTimeoutMs: 5_000,
      });
      await applyMigrations(db.migrationAdapterFactory);
      const world = await createWorld(db.prisma);
      key = world.adminKey;
      const { shop } = await sellerShop(db.prisma, 'Bulk Shop', { primaryCategoryId: world.categories.beauty });
      await db.close();
      // One statement: Prisma would split a createMany this large into statements sent side by side on one connection.
      const rows = await cluster.query(
        `INSERT INTO "Listing" ("shopId", title, "categoryId", "priceAmount", currency, sites, status, "submittedAt", "updatedAt")
       SELECT ${shop.id}, 'Bulk listing ' || i, ${world.categories.skincare}, 100 + i, 'USD', ARRAY['GB'], 'PENDING_REVIEW',
              timestamp '2024-03-01' + i * interval '1 second', now()
       FROM generate_series(1, ${LINES}) AS i ORDER BY i RETURNING id`,
        DB,
      );
      ids = rows.rows.map((r: { id: number }) => r.id).sort((a: number, b: number) => a - b);
    });
    afterAll(async () => {
      await api?.destroy();
      await cluster?.destroy();
    });

    const env = () => ({
      DATABASE_URL: url,
      // Small chunks: many commits, so the kill lands between some and inside another.
      BULK_CHUNK_SIZE: '250',
      BULK_BATCH_SIZE: '125',
      BULK_LEASE_MS: '2000',
      BULK_POLL_INTERVAL_MS: '200',
      RATE_LIMIT_CAPACITY: '100000000',
      MAX_BODY_BYTES: '4194304',
    });
    const status = async (running: ApiProcess, id: string) => {
      const answer = await graphql(running.base, key, GET, { variables: { id } });
      return JSON.parse(answer.body).data.bulkOperation as {
        status: string;
        processedCount: number;
        succeededCount: number;
        failedCount: number;
        result: string | null;
      };
    };

    it('completes after the restart with every line applied exactly once', async () => {
      api = await startApi(env());
      const lines = jsonl(
        ids.map((id) => ({ listingId: gid('Listing', id), decision: 'APPROVE', expectedVersion: 0 })),
      );
      const run = await graphql(api.base, key, RUN, {
        variables: { input: { mutation: 'LISTING_REVIEW', lines } },
        timeoutMs: 60_000,
      });
      const opId = JSON.parse(run.body).data.bulkOperationRun.bulkOperation.id as string;

      // Kill it once some chunks have committed and while the rest still run.
      let atKill = 0;
      await until(
        async () => {
          atKill = (await status(api!, opId)).processedCount;
          return atKill >= 500;
        },
        60_000,
        'the first chunks to commit',
      );
      api.child.kill('SIGKILL');
      await api.exited;
      const committed = Number(
        (await cluster.query(`SELECT "processedCount" FROM "BulkOperation"`, DB)).rows[0].processedCount,
      );
      expect(committed, 'killed mid-operation').toBeLessThan(LINES);

      const restartedAt = performance.now();
      api = await startApi(env());
      let final = await status(api, opId);
      await until(
        async () => {
          final = await status(api!, opId);
          return final.status === 'COMPLETED';
        },
        90_000,
        'the operation to complete after the restart',
      );
      console.info(
        `[faults] bulk SIGKILL: killed at ${committed}/${LINES} lines committed; completed ${Math.round((performance.now() - restartedAt) / 1000)} s after the restart`,
      );

      expect(final).toMatchObject({ processedCount: LINES, succeededCount: LINES, failedCount: 0 });
      const result = parseResult(final.result);
      expect(result.map((l) => l.line)).toEqual(ids.map((_, i) => i + 1));
      expect(result.map((l) => l.listing!.id)).toEqual(ids.map((id) => gid('Listing', id)));
      const once = async (sql: string) => (await cluster.query(sql, DB)).rows[0] as Record<string, string>;
      expect(
        await once(`SELECT count(*)::text AS rows, count(DISTINCT "listingId")::text AS listings FROM "ListingReview"`),
      ).toEqual({ rows: String(LINES), listings: String(LINES) });
      expect(
        await once(
          `SELECT count(*)::text AS rows, count(DISTINCT "subjectId")::text AS subjects FROM "OutboxEvent" WHERE type = 'listing.reviewed'`,
        ),
      ).toEqual({ rows: String(LINES), subjects: String(LINES) });
      expect(await once(`SELECT count(*)::text AS n FROM "Listing" WHERE status = 'ACTIVE' AND version = 1`)).toEqual({
        n: String(LINES),
      });
    }, 240_000);
  },
);

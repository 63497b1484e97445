/**
 * Two API instances (each running the job runner) deliver webhooks from one database: every event
 * reaches each endpoint exactly once. Then one instance is killed (SIGKILL) in the middle of
 * delivering and started again: no event is lost, and anything sent twice is the same event with
 * the same `webhook-id` and the same signed bytes.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { applyMigrations, createDatabase } from '@shopwarden/db';
import { createKey, createShop, createWorld } from '../support/fixtures.ts';
import { PostgresCluster, skipReason, startApi, until, type ApiProcess } from './support.ts';

const reason = skipReason({ postgres: true });
const DB = 'sw_faults_webhooks';
const SHOPS = 8;
const PER_PHASE = 300;
const SECRETS = {
  a: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  b: 'whsec_a2V5LWZvci10aGUtc2Vjb25kLWVuZHBvaW50',
} as const;

interface Received {
  endpoint: 'a' | 'b';
  id: string;
  body: string;
}

describe.skipIf(reason)(
  `webhook delivery across two instances and a SIGKILL${reason ? ` (skipped: ${reason})` : ''}`,
  () => {
    let cluster: PostgresCluster;
    let url: string;
    let shopIds: number[];
    const apis: (ApiProcess | undefined)[] = [];
    const received: Received[] = [];
    let receiver: http.Server;
    let receiverUrl: string;

    beforeAll(async () => {
      // A receiver that verifies each signature as a real one would and answers after a short pause.
      receiver = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const endpoint = req.url === '/a' ? 'a' : 'b';
          const body = Buffer.concat(chunks).toString('utf8');
          const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
          try {
            const event = new Webhook(SECRETS[endpoint]).verify(body, headers) as { id: string };
            expect(event.id).toBe(headers['webhook-id']);
            received.push({ endpoint, id: event.id, body });
            setTimeout(() => res.writeHead(204).end(), 2);
          } catch {
            res.writeHead(400).end('bad signature');
          }
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

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
      await createWorld(db.prisma);
      shopIds = [];
      for (let i = 0; i < SHOPS; i++) shopIds.push((await createShop(db.prisma, `Hook Shop ${i}`)).id);
      const admin = await createKey(db.prisma, 'ADMIN');
      // Written directly: production refuses http:// endpoints, and this receiver is on loopback.
      for (const name of ['a', 'b'] as const)
        await db.prisma.webhookEndpoint.create({
          data: { url: `${receiverUrl}/${name}`, secret: SECRETS[name], eventTypes: [], apiKeyId: admin.id },
        });
      await db.close();
    });
    afterAll(async () => {
      for (const api of apis) await api?.destroy();
      await cluster?.destroy();
      receiver?.closeAllConnections();
      await new Promise((resolve) => receiver?.close(resolve));
    });

    const env = () => ({
      DATABASE_URL: url,
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      // Short enough that a killed instance's claims lapse within the test, long enough that a loaded machine's pauses don't.
      JOB_LEASE_MS: '6000',
      JOB_POLL_INTERVAL_MS: '200',
    });
    /** Commits `count` events spread over the shops, in one statement; returns their ids. */
    async function commitEvents(count: number): Promise<number[]> {
      const rows = await cluster.query(
        `INSERT INTO "OutboxEvent" (type, "shopId", "subjectType", "subjectId", payload, "occurredAt")
         SELECT 'shop.onboarded', s, 'Shop', s::text, jsonb_build_object('n', i), now()
           FROM generate_series(0, ${count - 1}) AS i,
                LATERAL (SELECT (ARRAY[${shopIds.join(',')}])[1 + i % ${SHOPS}] AS s) AS pick
          ORDER BY i RETURNING id`,
        DB,
      );
      return rows.rows.map((r: { id: number }) => r.id);
    }
    /** The webhook-ids an endpoint received of these events, in arrival order, repeats included. */
    const ids = (endpoint: 'a' | 'b', events: number[]) => {
      const wanted = new Set(events.map((id) => `evt_${id}`));
      return received.filter((r) => r.endpoint === endpoint && wanted.has(r.id)).map((r) => r.id);
    };
    const expected = (events: number[]) => events.map((id) => `evt_${id}`).sort();
    const settled = async () =>
      Number(
        (
          await cluster.query(
            `SELECT count(*) AS n FROM "WebhookDelivery" WHERE status = 'PENDING'
              OR "eventId" IN (SELECT id FROM "OutboxEvent" WHERE "relayedAt" IS NULL)`,
            DB,
          )
        ).rows[0].n,
      ) === 0;

    it('delivers each event once per endpoint with two instances running', async () => {
      apis[0] = await startApi(env());
      apis[1] = await startApi(env());
      const events = await commitEvents(PER_PHASE);
      await until(
        async () => ids('a', events).length >= PER_PHASE && ids('b', events).length >= PER_PHASE && (await settled()),
        300_000,
        'every delivery',
      );
      // Anything sent twice would arrive in the meantime.
      await new Promise((r) => setTimeout(r, 1_000));
      for (const endpoint of ['a', 'b'] as const)
        expect(ids(endpoint, events).sort(), `endpoint ${endpoint}`).toEqual(expected(events));
    }, 420_000);

    it('loses nothing when an instance is killed while delivering, and repeats only the same webhook-id', async () => {
      const events = await commitEvents(PER_PHASE);
      await until(
        () => ids('a', events).length + ids('b', events).length >= PER_PHASE / 2,
        240_000,
        'deliveries to be under way',
      );
      apis[0]!.child.kill('SIGKILL');
      await apis[0]!.exited;
      const atKill = ids('a', events).length + ids('b', events).length;
      apis[0] = await startApi(env());
      await until(
        async () =>
          new Set(ids('a', events)).size >= PER_PHASE &&
          new Set(ids('b', events)).size >= PER_PHASE &&
          (await settled()),
        300_000,
        'every delivery after the restart',
      );
      await new Promise((r) => setTimeout(r, 1_000));
      for (const endpoint of ['a', 'b'] as const) {
        const got = ids(endpoint, events);
        expect([...new Set(got)].sort(), `endpoint ${endpoint}: nothing lost`).toEqual(expected(events));
        // A repeat is a delivery in flight at the kill: the same event, the same bytes.
        const bodies = new Map<string, Set<string>>();
        for (const r of received.filter((x) => x.endpoint === endpoint && got.includes(x.id)))
          bodies.set(r.id, (bodies.get(r.id) ?? new Set()).add(r.body));
        for (const [id, variants] of bodies) expect(variants.size, `${id} sent with other bytes`).toBe(1);
        // At most one delivery per lane (endpoint, shop) is in flight at a time.
        expect(got.length - new Set(got).size).toBeLessThanOrEqual(SHOPS);
      }
      const repeats = ids('a', events).length + ids('b', events).length - 2 * PER_PHASE;
      console.info(
        `[faults] webhooks SIGKILL: killed after ${atKill}/${2 * PER_PHASE} deliveries; ${repeats} sent again (same webhook-id)`,
      );
      const failed = await cluster.query(`SELECT count(*) AS n FROM "WebhookDelivery" WHERE status <> 'SUCCEEDED'`, DB);
      expect(Number(failed.rows[0].n)).toBe(0);
    }, 600_000);
  },
);

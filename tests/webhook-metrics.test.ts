import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics, loadConfig, startWorkers, type Workers } from '@shopwarden/api';
import { configureWebhookDelivery } from '@shopwarden/schema';
import { createKey, createShop, createWorld } from './support/fixtures.ts';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';

describe.each(testTargets())('webhook metrics at /metrics on %s', (target) => {
  let db: TestDatabase;
  let receiver: http.Server;
  let receiverUrl: string;
  const paths: string[] = [];
  let workers: Workers | undefined;

  beforeAll(async () => {
    db = await createTestDatabase(target);
    await createWorld(db.prisma);
    // `/gone` answers 410 Gone, anything else 204.
    receiver = http.createServer((req, res) => {
      paths.push(req.url!);
      req.resume().on('end', () => res.writeHead(req.url === '/gone' ? 410 : 204).end());
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await workers?.stop();
    configureWebhookDelivery({ allowPrivateNetworks: false, onAttempt: undefined });
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
    await db.drop();
  });

  it('counts attempts by outcome, times them and their lag from commit, and reports the queue', async () => {
    const metrics = createMetrics();
    const value = async (name: string, labels = '') => {
      const text = await metrics.registry.metrics();
      const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
      return line ? Number(line.split(' ')[1]) : null;
    };
    const shop = await createShop(db.prisma, `Metrics Shop ${target}`);
    const admin = await createKey(db.prisma, 'ADMIN');
    for (const path of ['ok', 'gone'])
      await db.prisma.webhookEndpoint.create({
        data: {
          url: `${receiverUrl}/${path}`,
          secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
          eventTypes: [],
          apiKeyId: admin.id,
        },
      });
    await db.prisma.outboxEvent.createMany({
      data: [1, 2].map((n) => ({
        type: 'shop.onboarded',
        shopId: shop.id,
        subjectType: 'Shop',
        subjectId: String(shop.id),
        payload: { n },
        occurredAt: new Date(),
      })),
    });
    metrics.watchWebhookQueue(db.prisma);
    expect(await value('shopwarden_webhook_queue', '{state="unrelayed"}')).toBe(2);

    workers = await startWorkers({
      db,
      config: loadConfig({ NODE_ENV: 'test', JOB_POLL_INTERVAL_MS: '50', BULK_WORKER: 'off' }),
      logger: pino({ level: 'silent' }),
      // Watched above already: a gauge registers once.
      metrics: { ...metrics, watchWebhookQueue: () => undefined },
    });
    const deadline = Date.now() + 30_000;
    // The disabled notice is relayed after the 410: wait for its request as well as an empty queue.
    while (
      Date.now() < deadline &&
      (paths.length < 4 ||
        (await db.prisma.webhookDelivery.count({ where: { status: 'PENDING' } })) +
          (await db.prisma.outboxEvent.count({ where: { relayedAt: null } })) >
          0)
    )
      await new Promise((r) => setTimeout(r, 100));

    // One 410 (disabled; its other delivery failed with it), and three 2xx: both events and the
    // webhook_endpoint.disabled notice to the owner's other endpoint.
    expect(paths.sort()).toEqual(['/gone', '/ok', '/ok', '/ok']);
    expect(await value('shopwarden_webhook_attempts_total', '{outcome="succeeded"}')).toBe(3);
    expect(await value('shopwarden_webhook_attempts_total', '{outcome="disabled"}')).toBe(1);
    expect(await value('shopwarden_webhook_attempt_seconds_count')).toBe(4);
    expect(await value('shopwarden_webhook_lag_seconds_count', '{stage="first_attempt"}')).toBe(4);
    expect(await value('shopwarden_webhook_lag_seconds_count', '{stage="delivered"}')).toBe(3);
    expect(await value('shopwarden_webhook_lag_seconds_sum', '{stage="delivered"}')).toBeGreaterThan(0);
    for (const state of ['unrelayed', 'due', 'retrying'])
      expect(await value('shopwarden_webhook_queue', `{state="${state}"}`), state).toBe(0);
  });
});

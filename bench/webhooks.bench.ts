/**
 * Webhook delivery throughput (issue 24): N committed outbox events to one endpoint on a local
 * receiver, through the relay and the delivery jobs of a started job runner, beside a raw bound (the
 * same signed POSTs sent by a plain loop with the same concurrency). Reports deliveries per second and
 * the p50/p99 lag from an event's commit to its arrival, on PGlite and (with BENCH_DATABASE_URL,
 * DATABASE_URL or TEST_DATABASE_URL) PostgreSQL.
 *
 *   npm run bench -- webhooks            (or: npx tsx bench/webhooks.bench.ts)
 *   options (env): BENCH_EVENTS (10000) BENCH_WEBHOOK_LANES (50: shops, one lane each) BENCH_CONCURRENCY (16) BENCH_SKIP_PGLITE=1
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { JobRunner } from '@shopwarden/jobs';
import { configureWebhookDelivery, jobs, readPlatformNow } from '@shopwarden/schema';
import { postWebhook } from '../packages/schema/src/modules/webhooks/webhook-http.ts';
import {
  webhookBody,
  webhookEventId,
  webhookHeaders,
} from '../packages/schema/src/modules/webhooks/webhook-payload.ts';
import { createShop, createWorld } from '../tests/support/fixtures.ts';
import { createTestDatabase, type TargetName } from '../tests/support/database.ts';
import { must } from './lib/must.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? (process.env.BENCH_QUICK === '1' ? 1_000 : 10_000));
// Not BENCH_SHOPS: the harness sets that to the benchmark scale.
const SHOPS = Number(process.env.BENCH_WEBHOOK_LANES ?? 50);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const log = (line: string) => process.stderr.write(`[webhooks] ${line}\n`);
const pct = (sorted: number[], p: number) =>
  must(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))], `the p${p} of no lags`);

async function receiver() {
  const arrivals = new Map<string, number>();
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      arrivals.set(String(req.headers['webhook-id']), performance.now());
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, arrivals, server };
}

async function benchTarget(target: TargetName) {
  const db = await createTestDatabase(target);
  const sink = await receiver();
  try {
    await createWorld(db.prisma);
    configureWebhookDelivery({ allowPrivateNetworks: true });
    const shops: { id: number }[] = [];
    for (let i = 0; i < SHOPS; i++) shops.push(await createShop(db.prisma, `Bench shop ${i}`));
    const admin = await db.prisma.apiKey.findFirstOrThrow({ where: { role: 'ADMIN' } });
    const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    await db.prisma.webhookEndpoint.create({
      data: { url: sink.url, secret, eventTypes: ['listing.updated'], apiKeyId: admin.id },
    });
    const runner = new JobRunner({
      prisma: db.prisma,
      jobs,
      now: () => readPlatformNow(db.prisma, false),
      listen: db.listen,
      concurrency: CONCURRENCY,
      pollIntervalMs: 200,
    });
    await runner.start();
    const committedAt = new Map<number, number>();
    const started = performance.now();
    for (let from = 0; from < EVENTS; from += 1000) {
      const rows = Array.from({ length: Math.min(1000, EVENTS - from) }, (_, i) => {
        const shop = must(shops[(from + i) % shops.length], 'a lane (BENCH_WEBHOOK_LANES of 1 or more)');
        return {
          type: 'listing.updated',
          shopId: shop.id,
          subjectType: 'Listing',
          subjectId: String(from + i + 1),
          payload: { listingId: from + i + 1, version: 1 },
          occurredAt: new Date(),
        };
      });
      const created = await db.prisma.outboxEvent.createManyAndReturn({ data: rows, select: { id: true } });
      const at = performance.now();
      for (const { id } of created) committedAt.set(id, at);
    }
    const deadline = Date.now() + 30 * 60_000;
    while (sink.arrivals.size < EVENTS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const elapsed = (Math.max(...sink.arrivals.values()) - started) / 1000;
    await runner.stop();
    // An event that never arrived (deadline passed) has no bound on its lag: it sorts last, into the p99.
    const lags = [...committedAt]
      .map(([id, at]) => (sink.arrivals.get(webhookEventId(id)) ?? Infinity) - at)
      .sort((a, b) => a - b);
    const ours = {
      perSecond: sink.arrivals.size / elapsed,
      p50: pct(lags, 50),
      p99: pct(lags, 99),
      count: sink.arrivals.size,
    };

    // The raw bound: the same bodies and signatures, POSTed by a loop with the same concurrency.
    const events = await db.prisma.outboxEvent.findMany({ where: { type: 'listing.updated' }, orderBy: { id: 'asc' } });
    sink.arrivals.clear();
    const rawStart = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let event = events[next++]; event; event = events[next++]) {
          const body = webhookBody(event);
          await postWebhook(sink.url, webhookHeaders([secret], webhookEventId(event.id), body), body);
        }
      }),
    );
    const raw = { perSecond: events.length / ((performance.now() - rawStart) / 1000) };
    return { target, ours, raw };
  } finally {
    sink.server.close();
    await db.drop();
  }
}

// Run by the harness (`npm run bench -- webhooks`): BENCH_DB picks the database, BENCH_SERVER_URL the PostgreSQL server.
const postgresUrl =
  process.env.BENCH_SERVER_URL ||
  process.env.BENCH_DATABASE_URL ||
  process.env.DATABASE_URL ||
  process.env.TEST_DATABASE_URL;
if (postgresUrl) process.env.TEST_DATABASE_URL = postgresUrl;
const targets: TargetName[] = process.env.BENCH_DB
  ? [process.env.BENCH_DB as TargetName]
  : [...(process.env.BENCH_SKIP_PGLITE ? [] : (['pglite'] as const)), ...(postgresUrl ? (['postgres'] as const) : [])];
const lines = [
  `${EVENTS.toLocaleString('en')} events, ${SHOPS} shops (lanes), runner concurrency ${CONCURRENCY}`,
  '',
  '| database | delivered | deliveries/s (ours) | lag p50 | lag p99 | deliveries/s (raw loop) |',
  '| --- | --- | --- | --- | --- | --- |',
];
for (const target of targets) {
  log(`${target}: ${EVENTS} events`);
  const r = await benchTarget(target);
  lines.push(
    `| ${target} | ${r.ours.count} | ${Math.round(r.ours.perSecond)} | ${Math.round(r.ours.p50)} ms | ${Math.round(r.ours.p99)} ms | ${Math.round(r.raw.perSecond)} |`,
  );
}
process.stdout.write(`${lines.join('\n')}\n`);

/**
 * Redis killed (and frozen) under load: the API keeps limiting (429 THROTTLED, per instance), never
 * answers 5xx, does not stall, and shares through Redis again by itself when Redis returns.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, createDatabase } from '@shopwarden/db';
import { createShop, createWorld } from '../support/fixtures.ts';
import {
  codes,
  graphql,
  percentile,
  PostgresCluster,
  RedisServer,
  runLoad,
  skipReason,
  startApi,
  until,
  type ApiProcess,
  type Answer,
} from './support.ts';

const reason = skipReason({ postgres: true, redis: true });
// Costs 3: a bucket of 60 refilling 20/s lets about 7 a second through; the rest are THROTTLED.
const READ = '{ shops(first: 1) { edges { node { name } } } }';
const PREFIX = 'sw:faults:';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const serverErrors = (answers: Answer[]) => answers.filter((a) => a.status >= 500 || a.status === 0);

describe.skipIf(reason)(`Redis killed mid-load${reason ? ` (skipped: ${reason})` : ''}`, () => {
  let cluster: PostgresCluster;
  let redis: RedisServer;
  let api: ApiProcess;
  let key: string;

  beforeAll(async () => {
    [cluster, redis] = await Promise.all([PostgresCluster.create(), RedisServer.create()]);
    const url = await cluster.createDatabase('sw_faults_redis');
    const db = await createDatabase({
      kind: 'postgres',
      url,
      poolSize: 2,
      statementTimeoutMs: 8_000,
      connectionTimeoutMs: 5_000,
    });
    await applyMigrations(db.migrationAdapterFactory);
    key = (await createWorld(db.prisma)).adminKey;
    await createShop(db.prisma, 'Only Shop');
    await db.close();
    api = await startApi({
      DATABASE_URL: url,
      REDIS_URL: redis.url,
      REDIS_PREFIX: PREFIX,
      RATE_LIMIT_CAPACITY: '60',
      RATE_LIMIT_RESTORE_RATE: '20',
      BULK_WORKER: 'false',
    });
  });
  afterAll(async () => {
    await api?.destroy();
    await redis?.destroy();
    await cluster?.destroy();
  });

  it('keeps limiting per instance with no 5xx and no stall, and shares again once Redis is back', async () => {
    const probe = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    const load = runLoad(8, () => graphql(api.base, key, READ, { timeoutMs: 10_000 }));
    try {
      await sleep(3_000);
      const killedAt = performance.now();
      const before = load.between(killedAt - 2_000, killedAt);
      await probe.connect();
      expect(await probe.keys(`${PREFIX}bucket:*`)).not.toHaveLength(0);
      probe.disconnect();
      await redis.kill();

      await sleep(4_000);
      const down = load.between(killedAt, killedAt + 4_000);
      expect(down.length, 'answers while Redis is down').toBeGreaterThan(50);
      // Limits still apply: THROTTLED answers keep coming, from the first second on.
      expect(codes(load.between(killedAt, killedAt + 1_000)).THROTTLED ?? 0).toBeGreaterThan(0);
      const served = down.filter((a) => a.status === 200).length;
      // A fresh bucket of 60 (20 reads) plus 20 points/s over 4 s (about 27 reads): far fewer than the load sent.
      expect(served).toBeLessThanOrEqual(20 + 27 + 10);
      expect(down.length).toBeGreaterThan(served * 3);
      // No 5xx, no failed connection, no stall.
      expect(serverErrors(down), JSON.stringify(codes(down))).toHaveLength(0);
      expect(Math.max(...down.map((a) => a.ms))).toBeLessThan(1_000);
      const p99 = (answers: Answer[]) =>
        percentile(
          answers.map((a) => a.ms),
          99,
        );
      expect(p99(down)).toBeLessThanOrEqual(2 * p99(before) + 50);

      await redis.start();
      const backAt = performance.now();
      // Sharing resumes by itself: the instance's buckets are in Redis again.
      const back = new Redis(redis.url, { maxRetriesPerRequest: 0 });
      try {
        await until(async () => (await back.keys(`${PREFIX}bucket:*`)).length > 0, 5_000, 'buckets in Redis again');
      } finally {
        back.disconnect();
      }
      await sleep(1_000);
      const after = load.between(backAt);
      expect(serverErrors(after), JSON.stringify(codes(after))).toHaveLength(0);
      expect(codes(after).THROTTLED ?? 0).toBeGreaterThan(0);
    } finally {
      await load.stop();
      probe.disconnect();
    }
    expect(api.output()).toMatch(/redis: unavailable; limiting and caching per instance/);
    expect(api.output()).toMatch(/redis: sharing limits and cache again/);
  }, 240_000);

  it('falls back within 1 s when Redis stops answering (frozen), and latency stays bounded', async () => {
    const load = runLoad(8, () => graphql(api.base, key, READ, { timeoutMs: 10_000 }));
    try {
      await sleep(2_000);
      const frozenAt = performance.now();
      const before = load.between(frozenAt - 1_500, frozenAt);
      redis.signal('SIGSTOP');
      await sleep(4_000);
      const frozen = load.between(frozenAt, frozenAt + 4_000);
      expect(serverErrors(frozen), JSON.stringify(codes(frozen))).toHaveLength(0);
      // Commands time out (250 ms) until the breaker opens; after the first second nothing waits on Redis.
      const settled = load.between(frozenAt + 1_000, frozenAt + 4_000);
      expect(settled.length, 'answers while Redis is frozen').toBeGreaterThan(50);
      expect(Math.max(...frozen.map((a) => a.ms))).toBeLessThan(1_000);
      expect(
        percentile(
          settled.map((a) => a.ms),
          99,
        ),
      ).toBeLessThanOrEqual(
        2 *
          percentile(
            before.map((a) => a.ms),
            99,
          ) +
          50,
      );
      expect(codes(settled).THROTTLED ?? 0).toBeGreaterThan(0);
    } finally {
      redis.signal('SIGCONT');
      await load.stop();
    }
  }, 240_000);
});

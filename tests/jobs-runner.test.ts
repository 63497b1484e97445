import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '@shopwarden/db';
import {
  defineJob,
  defineRecurringJob,
  enqueueJob,
  JobRunner,
  type AnyJobDefinition,
  type JobRunnerOptions,
} from '@shopwarden/jobs';
import { jobs, readPlatformNow } from '@shopwarden/schema';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';

const until = async (check: () => boolean | Promise<boolean>, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe.each(testTargets())('the job runner on %s', (target) => {
  let db: TestDatabase;
  const runners: JobRunner[] = [];
  const runs: { job: string; payload: unknown; scheduledFor: string | null; attempt: number }[] = [];

  const setClock = (now: Date | null, frozen = true) =>
    db.prisma.platformSettings.update({
      where: { id: 1 },
      data: { sandboxNow: now, sandboxSetAt: now ? new Date() : null, sandboxFrozen: frozen },
    });

  const runner = (jobs: readonly AnyJobDefinition[], options: Partial<JobRunnerOptions> = {}, on: Database = db) => {
    const r = new JobRunner({
      prisma: on.prisma,
      jobs,
      now: () => readPlatformNow(on.prisma, false),
      listen: on.listen,
      pollIntervalMs: 60_000,
      leaseMs: 1_000,
      ...options,
    });
    runners.push(r);
    return r;
  };

  const record = defineJob<{ n: number }>({
    name: 'test.record',
    async run(payload, ctx) {
      runs.push({
        job: 'test.record',
        payload,
        scheduledFor: ctx.scheduledFor?.toISOString() ?? null,
        attempt: ctx.attempt,
      });
    },
  });

  beforeAll(async () => {
    db = await createTestDatabase(target);
    await db.prisma.platformSettings.upsert({ where: { id: 1 }, create: { id: 1 }, update: {} });
  });
  afterAll(async () => {
    await db.drop();
  });
  beforeEach(async () => {
    runs.length = 0;
    await db.prisma.job.deleteMany();
    await setClock(new Date('2024-03-01T00:00:00Z'));
  });
  afterEach(async () => {
    for (const r of runners.splice(0)) await r.stop();
  });

  it('runs a job enqueued in a committed transaction once, and never one whose transaction rolled back', async () => {
    await db.prisma.$transaction(async (tx) => enqueueJob(tx, record, { n: 1 }));
    await db.prisma
      .$transaction(async (tx) => {
        await enqueueJob(tx, record, { n: 2 });
        throw new Error('roll back');
      })
      .catch(() => undefined);
    // Started, it is woken by the database's notification (the poll is a minute away).
    await runner([record]).start();
    await until(() => runs.length === 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(runs).toEqual([{ job: 'test.record', payload: { n: 1 }, scheduledFor: null, attempt: 1 }]);
    expect(await db.prisma.job.count()).toBe(0);
  });

  it('holds a job due at a platform instant until the sandbox clock reaches it, then runs what fell due in order', async () => {
    const r = runner([record]);
    await r.start();
    for (const [n, at] of [
      [3, '2024-03-01T03:00:00Z'],
      [1, '2024-03-01T01:00:00Z'],
      [2, '2024-03-01T02:00:00Z'],
    ] as const)
      await enqueueJob(db.prisma, record, { n }, { runAt: new Date(at) });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(runs).toEqual([]);
    // Moving the clock wakes every runner (a notification): no poll, no waiting for the hours to pass.
    await setClock(new Date('2024-03-01T02:30:00Z'));
    await until(() => runs.length === 2);
    expect(runs.map((x) => x.payload)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(runs.map((x) => x.scheduledFor)).toEqual(['2024-03-01T01:00:00.000Z', '2024-03-01T02:00:00.000Z']);
    await setClock(new Date('2024-03-01T04:00:00Z'));
    await until(() => runs.length === 3);
  });

  it('runs a cron job at each occurrence on the platform clock, catching up missed ones in order, one after another', async () => {
    let running = 0;
    let overlapped = false;
    const daily = defineRecurringJob({
      name: 'test.daily',
      recurrence: { cron: '0 6 * * *' },
      async run(_payload, ctx) {
        overlapped ||= running > 0;
        running++;
        await new Promise((resolve) => setTimeout(resolve, 20));
        runs.push({ job: 'test.daily', payload: null, scheduledFor: ctx.scheduledFor!.toISOString(), attempt: 1 });
        running--;
      },
    });
    const r = runner([daily], { concurrency: 4 });
    await r.start();
    const row = await db.prisma.job.findUniqueOrThrow({ where: { key: 'test.daily' } });
    expect(row.runAt?.toISOString()).toBe('2024-03-01T06:00:00.000Z');
    await setClock(new Date('2024-03-04T07:00:00Z'));
    await until(() => runs.length === 4);
    expect(runs.map((x) => x.scheduledFor)).toEqual([
      '2024-03-01T06:00:00.000Z',
      '2024-03-02T06:00:00.000Z',
      '2024-03-03T06:00:00.000Z',
      '2024-03-04T06:00:00.000Z',
    ]);
    expect(overlapped).toBe(false);
    // The last run's completion moved the job to the next occurrence.
    await until(
      async () =>
        (await db.prisma.job.findUniqueOrThrow({ where: { key: 'test.daily' } })).runAt?.toISOString() ===
        '2024-03-05T06:00:00.000Z',
    );
    // A clock moved back brings the next occurrence back with it.
    await r.stop();
    await setClock(new Date('2024-02-01T00:00:00Z'));
    await runner([daily]).start();
    await until(
      async () =>
        (await db.prisma.job.findUniqueOrThrow({ where: { key: 'test.daily' } })).runAt?.toISOString() ===
        '2024-02-01T06:00:00.000Z',
    );
  });

  it("runs a `catchUp: 'latest'` cron job once for every occurrence a clock jump skipped, then after the clock", async () => {
    const hourly = defineRecurringJob({
      name: 'test.hourly',
      recurrence: { cron: '17 * * * *', catchUp: 'latest' },
      async run(_payload, ctx) {
        runs.push({ job: 'test.hourly', payload: null, scheduledFor: ctx.scheduledFor!.toISOString(), attempt: 1 });
      },
    });
    const r = runner([hourly]);
    expect(await r.drain()).toBe(0);
    await setClock(new Date('2024-03-15T00:30:00Z'));
    // Fourteen days: 336 occurrences fell due, one run does the sweep's work.
    expect(await r.drain()).toBe(1);
    expect(runs.map((x) => x.scheduledFor)).toEqual(['2024-03-01T00:17:00.000Z']);
    const row = await db.prisma.job.findUniqueOrThrow({ where: { key: 'test.hourly' } });
    expect(row.runAt?.toISOString()).toBe('2024-03-15T01:17:00.000Z');
    expect(await r.drain()).toBe(0);
  });

  it('runs each job exactly once across two runners (two instances)', async () => {
    const second: Database = target === 'postgres' ? await createDatabase(db.target) : (db as Database); // PGlite has one connection: two runners share it
    try {
      const seen = new Map<number, number>();
      const count = defineJob<{ n: number }>({
        name: 'test.count',
        async run({ n }) {
          seen.set(n, (seen.get(n) ?? 0) + 1);
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
        },
      });
      const a = runner([count], { concurrency: 4, pollIntervalMs: 50 });
      const b = runner([count], { concurrency: 4, pollIntervalMs: 50 }, second);
      await Promise.all([a.start(), b.start()]);
      for (let i = 0; i < 4; i++)
        await db.prisma.$transaction(async (tx) => {
          for (let n = i * 50; n < (i + 1) * 50; n++) await enqueueJob(tx, count, { n });
        });
      await until(() => seen.size === 200, 30_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect([...seen.values()].every((times) => times === 1)).toBe(true);
      expect(await db.prisma.job.count()).toBe(0);
    } finally {
      for (const r of runners.splice(0)) await r.stop();
      if (second !== db) await second.close();
    }
  });

  it('takes over the job of a runner that died once its lease expires', async () => {
    let started = 0;
    let finished = 0;
    const slow = defineJob<{ n: number }>({
      name: 'test.slow',
      async run(_payload, ctx) {
        started++;
        if (started === 1) await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
        else finished++;
      },
    });
    const first = runner([slow], { leaseMs: 400 });
    await first.start();
    await enqueueJob(db.prisma, slow, { n: 1 });
    await until(() => started === 1);
    first.kill();
    const second = runner([slow], { leaseMs: 400, pollIntervalMs: 50 });
    await second.start();
    await until(() => finished === 1);
    await until(async () => (await db.prisma.job.count()) === 0);
    expect(started).toBe(2);
  });

  it('retries a failing job after a backoff and keeps it as failed after its last attempt, freeing its key', async () => {
    const attempts: number[] = [];
    const failing = defineJob<{ n: number }>({
      name: 'test.failing',
      maxAttempts: 3,
      retryDelayMs: () => 10,
      async run(_payload, ctx) {
        attempts.push(ctx.attempt);
        throw new Error(`attempt ${ctx.attempt} failed`);
      },
    });
    await enqueueJob(db.prisma, failing, { n: 1 }, { key: 'only-one' });
    const r = runner([failing], { pollIntervalMs: 20 });
    await r.start();
    await until(async () => (await db.prisma.job.count({ where: { failedAt: { not: null } } })) === 1);
    expect(attempts).toEqual([1, 2, 3]);
    const row = await db.prisma.job.findFirstOrThrow();
    expect(row).toMatchObject({ attempts: 3, key: null });
    expect(row.lastError).toContain('attempt 3 failed');
    // The key is free again.
    await enqueueJob(db.prisma, failing, { n: 2 }, { key: 'only-one' });
    expect(await db.prisma.job.count()).toBe(2);
  });

  it('runs a keyed job again when it is enqueued again while it runs, and merges enqueues while it waits', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const keyed = defineJob<{ n: number }>({
      name: 'test.keyed',
      async run(payload) {
        runs.push({ job: 'test.keyed', payload, scheduledFor: null, attempt: 1 });
        if (runs.length === 1) await gate;
      },
    });
    await enqueueJob(db.prisma, keyed, { n: 1 }, { key: 'lane' });
    await enqueueJob(db.prisma, keyed, { n: 2 }, { key: 'lane' });
    expect(await db.prisma.job.count()).toBe(1);
    await runner([keyed], { pollIntervalMs: 50 }).start();
    await until(() => runs.length === 1);
    await enqueueJob(db.prisma, keyed, { n: 3 }, { key: 'lane' });
    release();
    await until(() => runs.length === 2);
    // The job keeps its first payload: the key names the work, the payload does not change it.
    expect(runs.map((x) => x.payload)).toEqual([{ n: 1 }, { n: 1 }]);
    await until(async () => (await db.prisma.job.count()) === 0);
  });

  it('commits a transactional job’s writes with its completion, and rolls them back when it fails', async () => {
    let fail = true;
    const write = defineJob<{ key: string }>({
      name: 'test.write',
      transactional: true,
      retryDelayMs: () => 10,
      async run({ key }, { tx }) {
        await tx.idempotencyRecord.create({
          data: { apiKeyId: 1, key, requestHash: 'h', expiresAt: new Date(Date.now() + 60_000) },
        });
        if (fail) {
          fail = false;
          throw new Error('after the write');
        }
      },
    });
    await enqueueJob(db.prisma, write, { key: 'job-write' });
    await runner([write], { pollIntervalMs: 20 }).start();
    await until(async () => (await db.prisma.job.count()) === 0);
    expect(await db.prisma.idempotencyRecord.count({ where: { key: 'job-write' } })).toBe(1);
    await db.prisma.idempotencyRecord.deleteMany({ where: { key: 'job-write' } });
  });

  it('purges expired idempotency records every hour (the registry’s recurring job)', async () => {
    const purge = jobs.find((j) => j.name === 'platform.purge-idempotency-records')!;
    const record = (key: string, expiresAt: Date) =>
      db.prisma.idempotencyRecord.create({ data: { apiKeyId: 1, key, requestHash: 'h', expiresAt } });
    await record('expired', new Date(Date.now() - 1000));
    await record('kept', new Date(Date.now() + 3_600_000));
    const r = runner([purge]);
    expect(await r.drain()).toBe(0);
    await setClock(new Date('2024-03-01T01:00:00Z'));
    expect(await r.drain()).toBe(1);
    expect((await db.prisma.idempotencyRecord.findMany({ select: { key: true } })).map((x) => x.key)).toEqual(['kept']);
    await db.prisma.idempotencyRecord.deleteMany();
  });
});

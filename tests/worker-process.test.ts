import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, startWorkers } from '@shopwarden/api';
import { jobs } from '@shopwarden/schema';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

describe.each(testTargets())('where background work runs, on %s', (target) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(target);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('runs no job runner and no bulk worker with WORKER=off (an API-only process)', async () => {
    const workers = await startWorkers({
      db,
      config: loadConfig({ NODE_ENV: 'test', WORKER: 'off' }),
      logger: pino({ level: 'silent' }),
    });
    expect(workers.runner).toBeNull();
    expect(workers.bulk).toBeNull();
    expect(await db.prisma.job.count()).toBe(0);
    await workers.stop();
  });

  it.runIf(target === 'postgres')(
    'runs the job runner alone with `npm run worker`, which stops cleanly on SIGTERM (PostgreSQL only; skipped on PGlite)',
    async () => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'apps/api/src/worker-main.ts')], {
        cwd: root,
        env: {
          ...process.env,
          DATABASE_URL: (db.target as { url: string }).url,
          PORT: '0',
          HOST: '127.0.0.1',
          LOG_LEVEL: 'info',
          NODE_ENV: 'development',
        },
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      const deadline = Date.now() + 60_000;
      while (!out.includes('worker running')) {
        if (Date.now() > deadline) throw new Error(`the worker did not start:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      // The runner created the registry's recurring jobs.
      const recurring = jobs.filter((j) => j.recurrence).map((j) => j.name);
      const rows = await db.prisma.job.findMany({ select: { key: true } });
      expect(rows.map((r) => r.key).sort()).toEqual(recurring.sort());
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    },
    90_000,
  );
});

/**
 * The embedded database's folder belongs to one process: while `npm start` runs on it, `db:reset`,
 * `db:seed`, `db:migrate` and a second server are refused at once with the holder's PID and change
 * nothing; a server killed by SIGKILL leaves no lock that blocks the next start.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, createDatabase, LOCK_FILE } from '@shopwarden/db';
import { createShop, createWorld } from '../support/fixtures.ts';
import { graphql, root, startApi, type ApiProcess } from './support.ts';

const SHOPS = '{ shops(first: 50) { edges { node { id name } } } }';

/** Runs `npm run <script>` at the repository root on the embedded database in `dataDir`. */
function npmRun(script: string, dataDir: string): Promise<{ code: number | null; output: string; ms: number }> {
  const started = performance.now();
  const child = spawn('npm', ['run', script], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DATABASE_URL: '', SHOPWARDEN_DATA_DIR: dataDir, NODE_ENV: 'production' },
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((resolve) =>
    child.once('exit', (code) => resolve({ code, output, ms: performance.now() - started })),
  );
}

describe('the embedded database folder is locked by the process that opens it', () => {
  let dataDir: string;
  let key: string;
  let api: ApiProcess | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'sw-faults-lock-'));
    const db = await createDatabase({ kind: 'pglite', dataDir });
    await applyMigrations(db.migrationAdapterFactory);
    key = (await createWorld(db.prisma)).adminKey;
    await createShop(db.prisma, 'Kept Shop');
    await db.close();
  });
  afterAll(async () => {
    await api?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const shops = async (running: ApiProcess) => {
    const answer = await graphql(running.base, key, SHOPS);
    expect(answer.status).toBe(200);
    return JSON.parse(answer.body).data.shops.edges;
  };
  const holderPid = () => JSON.parse(readFileSync(path.join(dataDir, LOCK_FILE), 'utf8')).pid as number;

  it('refuses db:reset, db:seed, db:migrate and a second server while the server runs; SIGKILL leaves no stale lock', async () => {
    const env = { SHOPWARDEN_DATA_DIR: dataDir, BULK_WORKER: 'false', WORKER: 'off' };
    api = await startApi(env);
    const pid = api.child.pid!;
    const before = await shops(api);
    expect(before.map((e: { node: { name: string } }) => e.node.name)).toEqual(['Kept Shop']);
    expect(holderPid()).toBe(pid);

    for (const script of ['db:reset', 'db:seed', 'db:migrate']) {
      const run = await npmRun(script, dataDir);
      expect(run.code, run.output).not.toBe(0);
      expect(run.output).toContain(`The embedded database at ${dataDir} is in use by process ${pid}`);
      expect(run.output).not.toMatch(/Reset the|Seeded the|Applied|RuntimeError|Aborted/);
    }
    const second = await startApi(env).then(
      (s) => s,
      (e: Error) => e,
    );
    expect(second).toBeInstanceOf(Error);
    expect((second as Error).message).toContain(`is in use by process ${pid}`);

    // Nothing changed, and the holder still serves from an intact database.
    expect(await shops(api)).toEqual(before);
    expect(holderPid()).toBe(pid);

    api.child.kill('SIGKILL');
    await api.exited;
    expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(true);
    api = await startApi(env);
    expect(holderPid()).toBe(api.child.pid);
    expect(await shops(api)).toEqual(before);

    api.child.kill('SIGTERM');
    expect(await api.exited).toBe(0);
    expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
    api = undefined;
  }, 300_000);
});

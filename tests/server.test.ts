import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_KEYS } from '@shopwarden/db/seed';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Starts `apps/api/src/main.ts` as `npm start` does, on an embedded database in `dataDir`. */
function startApi(
  dataDir: string,
): Promise<{ child: ChildProcessWithoutNullStreams; url: string; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'apps/api/src/main.ts')], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      SHOPWARDEN_DATA_DIR: dataDir,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
    },
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`API did not start:\n${out}`)), 200_000);
    child.stdout.on('data', () => {
      const m = out.match(/GraphiQL\s+(http:\/\/localhost:\d+\/graphql)/);
      if (m && out.includes(DEMO_KEYS.partner)) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, output: () => out });
      }
    });
    child.on('exit', (code) => reject(new Error(`API exited with ${code}:\n${out}`)));
  });
}

function exitOf(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

describe('the server process (npm start)', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'shopwarden-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('migrates, seeds, prints the demo keys, serves them, drains on SIGTERM, and restarts on the same data', async () => {
    const first = await startApi(dataDir);
    for (const key of Object.values(DEMO_KEYS)) expect(first.output()).toContain(key);
    const ask = (url: string, query: string, key: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query }),
      }).then((r) => r.json() as Promise<{ data: any }>);
    const me = await ask(
      first.url,
      '{ viewer { role shop { name primaryCategory { name } pendingActions { kind } } } }',
      DEMO_KEYS.seller,
    );
    expect(me.data.viewer).toMatchObject({
      role: 'SELLER',
      shop: { primaryCategory: null, pendingActions: [{ kind: 'SELECT_PRIMARY_CATEGORY' }] },
    });
    const health = await fetch(first.url.replace('/graphql', '/health'));
    expect(health.status).toBe(200);
    // The job runner runs beside the API on the embedded database: it created the recurring jobs' rows.
    const metrics = await (await fetch(first.url.replace('/graphql', '/metrics'))).text();
    expect(metrics).toMatch(/^shopwarden_jobs\{state="waiting"\} [1-9]/m);

    const inFlight = ask(
      first.url,
      '{ shops(first: 50) { edges { node { name categoryEligibility { status } } } } }',
      DEMO_KEYS.admin,
    );
    first.child.kill('SIGTERM');
    const [answer, code] = await Promise.all([inFlight, exitOf(first.child)]);
    expect(answer.data.shops.edges.length).toBeGreaterThan(0);
    expect(code).toBe(0);

    const second = await startApi(dataDir);
    const shops = await ask(second.url, '{ shops(first: 100) { edges { node { id } } } }', DEMO_KEYS.admin);
    expect(shops.data.shops.edges).toHaveLength(50);
    second.child.kill('SIGTERM');
    expect(await exitOf(second.child)).toBe(0);
  }, 420_000);
});

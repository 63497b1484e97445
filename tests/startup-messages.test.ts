import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig, startServer, StartupError } from '@shopwarden/api';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));

const config = (env: Record<string, string> = {}) =>
  loadConfig({
    NODE_ENV: 'development',
    PORT: '0',
    HOST: '127.0.0.1',
    WORKER: 'off',
    SEED_ON_START: 'false',
    SHUTDOWN_DELAY_MS: '0',
    ...env,
  });

describe('what `npm start` tells the person who ran it', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints the banner with the GraphiQL URL, and how to get keys when there is no demo data', async () => {
    const printed: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (printed.push(String(chunk)), true));
    const running = await startServer(config(), pino({ level: 'silent' }), { kind: 'pglite', dataDir: 'memory://' });
    await running.stop();
    const banner = printed.join('');
    expect(banner).toContain('ShopWarden is running on the embedded database.');
    expect(banner).toContain(`GraphiQL  ${running.url}`);
    expect(banner).toContain('npm run db:seed');
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'names the createdb command when the PostgreSQL database does not exist (skipped without TEST_DATABASE_URL)',
    async () => {
      const url = new URL(process.env.TEST_DATABASE_URL!);
      url.pathname = `/sw_missing_${Date.now().toString(36)}`;
      const started = startServer(config({ DATABASE_URL: url.toString() }), pino({ level: 'silent' }), {
        kind: 'postgres',
        url: url.toString(),
        poolSize: 2,
        statementTimeoutMs: 8000,
        connectionTimeoutMs: 5000,
      });
      await expect(started).rejects.toBeInstanceOf(StartupError);
      await expect(started).rejects.toThrow(`createdb -h ${url.hostname}`);
      await expect(started).rejects.toThrow(url.pathname.slice(1));
    },
  );
});

describe('`npm start` runs the compiled API', () => {
  it(
    'builds apps/api/dist when needed, then answers GraphQL from the compiled code',
    { timeout: 180_000 },
    async () => {
      // `npm start` itself: a process manager that signals npm must stop the server, not orphan it.
      const child = spawn('npm', ['start', '--silent'], {
        cwd: repoRoot,
        env: {
          ...process.env,
          NODE_ENV: 'development',
          DATABASE_URL: '',
          SHOPWARDEN_DATA_DIR: 'memory://',
          SEED_ON_START: 'false',
          PORT: '0',
          HOST: '127.0.0.1',
          WORKER: 'off',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      let url = '';
      try {
        url = await new Promise<string>((resolve, reject) => {
          const timer = setInterval(() => {
            const found = /GraphiQL\s+(http:\/\/\S+)/.exec(out);
            if (found) resolve(found[1]!);
            else if (child.exitCode !== null) reject(new Error(`npm start exited:\n${out}`));
          }, 50);
          void exited.finally(() => setTimeout(() => clearInterval(timer), 100));
        });
        expect(existsSync(`${repoRoot}apps/api/dist/main.js`)).toBe(true);
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ __typename }' }),
        });
        expect(res.status).toBe(200);
        expect(await res.json()).toMatchObject({ data: { __typename: 'Query' } });
      } finally {
        child.kill('SIGTERM');
        await exited;
      }
      // It stops cleanly on SIGTERM, as under a process manager, and nothing keeps answering.
      expect(child.exitCode).toBe(0);
      await expect(fetch(url, { method: 'POST', body: '{}' })).rejects.toThrow();
    },
  );
});

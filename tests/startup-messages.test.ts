import { loadConfig, startServer, StartupError } from '@shopwarden/api';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';

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

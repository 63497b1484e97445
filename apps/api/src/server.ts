import { createServer, type Server } from 'node:http';
import { applyMigrations, createDatabase, resolveDatabaseTarget, type Database } from '@shopwarden/db';
import { DEMO_KEYS, isSeeded, seedDatabase } from '@shopwarden/db/seed';
import pino, { type Logger } from 'pino';
import { loadConfig, type ApiConfig } from './config.ts';
import { connectRedisStores } from './redis-stores.ts';
import { createApp } from './yoga.ts';
import { startWorkers, type Workers } from './workers.ts';

export interface RunningServer {
  server: Server;
  db: Database;
  workers: Workers;
  url: string;
  stop(): Promise<void>;
}

/** Boots the API: connects, migrates, seeds the embedded database on first run, and listens. */
export async function startServer(
  config: ApiConfig = loadConfig(),
  logger: Logger = pino({ level: config.logLevel }),
): Promise<RunningServer> {
  const target = resolveDatabaseTarget();
  const db = await createDatabase(target);
  const applied = await applyMigrations(db.migrationAdapterFactory);
  logger.info({ database: target.kind, applied }, applied.length ? 'migrations applied' : 'database schema is current');
  if (config.seedOnStart && !(await isSeeded(db.prisma))) {
    const summary = await seedDatabase(db.prisma);
    logger.info({ summary }, 'seeded demo data');
  }

  let shuttingDown = false;
  // Limits and the response cache, shared through Redis under this deployment's namespace when configured.
  const redis = config.redisUrl ? connectRedisStores(config, config.redisUrl, target, logger) : null;
  const app = createApp({
    db,
    config,
    logger,
    rateLimiter: redis?.rateLimiter,
    slots: redis?.slots,
    cacheStore: redis?.cacheStore,
    redis: redis?.shared,
    isShuttingDown: () => shuttingDown,
  });
  const { yoga } = app;
  // The job runner and the bulk worker, unless WORKER=off (an API-only process).
  const workers: Workers = await startWorkers({ db, config, logger, metrics: app.metrics });
  const server = createServer(yoga);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://localhost:${port}/graphql`;

  if (target.kind === 'pglite' && config.environment !== 'production') {
    const keys = Object.entries(DEMO_KEYS)
      .map(([role, key]) => `  ${role.padEnd(8)} ${key}`)
      .join('\n');
    process.stdout.write(
      `\nShopWarden is running on the embedded database.\n  GraphiQL  ${url}\n\nDemo API keys (send as "Authorization: Bearer <key>"):\n${keys}\n\n`,
    );
  }
  logger.info({ url }, 'listening');

  return {
    server,
    db,
    workers,
    url,
    async stop() {
      shuttingDown = true;
      // Keep serving briefly while /ready says 503 and responses say `Connection: close`, so a request
      // already on its way over a keep-alive socket is answered rather than cut off.
      await new Promise((r) => setTimeout(r, config.shutdownDelayMs));
      // Stop accepting connections, let in-flight requests finish, then close idle keep-alive sockets.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), config.shutdownGraceMs);
      // Meanwhile the workers finish their runs in flight and give their leases up, so another instance resumes at once.
      const workerStopped = workers.stop();
      await closed;
      clearTimeout(timer);
      await workerStopped;
      await app.close();
      await redis?.close();
      await db.close();
    },
  };
}

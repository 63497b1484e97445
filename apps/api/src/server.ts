import { createServer, type Server } from 'node:http';
import {
  applyMigrations,
  createDatabase,
  explainDatabaseError,
  safeUrl,
  terminalProgress,
  resolveDatabaseTarget,
  type Database,
  type DatabaseTarget,
} from '@shopwarden/db';
import { DEMO_KEYS, isSeeded, seedDatabase } from '@shopwarden/db/seed';
import pino, { type Logger } from 'pino';
import { loadConfig, type ApiConfig } from './config.ts';
import { trackConnections } from './drain.ts';
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
  target: DatabaseTarget = resolveDatabaseTarget(),
): Promise<RunningServer> {
  let db: Database | undefined;
  let applied: string[];
  try {
    db = await createDatabase(target);
    applied = await applyMigrations(db.migrationAdapterFactory);
  } catch (error) {
    await db?.close().catch(() => {});
    const explained = explainDatabaseError(error, target);
    throw explained ? new StartupError(explained, { cause: error }) : error;
  }
  logger.info({ database: target.kind, applied }, applied.length ? 'migrations applied' : 'database schema is current');
  let seeded = await isSeeded(db.prisma);
  if (config.seedOnStart && !seeded) {
    const progress = terminalProgress('Seeding demo data (first run)');
    const summary = await seedDatabase(db.prisma, { onProgress: progress.step });
    progress.done();
    seeded = true;
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
  const { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs } = config.http;
  const server = createServer(
    {
      // A client that sends its headers or its body too slowly is answered 408 and disconnected (slowloris).
      headersTimeout: headersTimeoutMs,
      requestTimeout: requestTimeoutMs,
      keepAliveTimeout: keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(headersTimeoutMs / 4))),
    },
    yoga,
  );
  const connections = trackConnections(server);
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://localhost:${port}/graphql`;

  if (config.environment !== 'production') process.stdout.write(banner(target, url, seeded));
  logger.info({ url }, 'listening');

  return {
    server,
    db,
    workers,
    url,
    async stop() {
      const deadline = Date.now() + config.shutdownGraceMs;
      shuttingDown = true;
      // Keep serving briefly while /ready says 503 and responses say `Connection: close`, so load
      // balancers and keep-alive clients move away before the listener closes.
      await new Promise((r) => setTimeout(r, config.shutdownDelayMs));
      // Meanwhile the workers finish their runs in flight and give their leases up, so another instance resumes at once.
      const workerStopped = workers.stop();
      logger.info(connections.stats, 'closing the listener; answering the requests in flight');
      // What is left after in-flight requests is closing the stores: keep a little of the budget for it.
      const { forced } = await connections.drain({ deadline: deadline - 1_500, idleCloseMs: IDLE_CLOSE_MS });
      if (forced) logger.warn({ forced }, 'requests still running at the shutdown deadline were cut off');
      await workerStopped;
      await app.close();
      await redis?.close();
      await db.close();
    },
  };
}

/** Startup failed for a reason the operator can fix; `message` says how. */
export class StartupError extends Error {}

/** What `npm start` prints once listening: where GraphiQL is and how to get a key. */
function banner(target: DatabaseTarget, url: string, seeded: boolean): string {
  const where = target.kind === 'pglite' ? 'the embedded database' : `PostgreSQL at ${safeUrl(target.url)}`;
  const keys = seeded
    ? `Demo API keys (send as "Authorization: Bearer <key>"):\n${Object.entries(DEMO_KEYS)
        .map(([role, key]) => `  ${role.padEnd(8)} ${key}`)
        .join('\n')}`
    : 'No demo data in this database: run `npm run db:seed` for the demo API keys\n(docs/database.md), or create keys with apiKeyCreate as an administrator.';
  return `\nShopWarden is running on ${where}.\n  GraphiQL  ${url}\n\n${keys}\n\n`;
}

/** While draining, a keep-alive socket idle this long is closed (one in use closes after its answer). */
const IDLE_CLOSE_MS = 500;

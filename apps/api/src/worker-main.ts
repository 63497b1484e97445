import { createServer } from 'node:http';
import { applyMigrations, createDatabase, DataFolderInUseError, resolveDatabaseTarget } from '@shopwarden/db';
import pino from 'pino';
import { loadConfig } from './config.ts';
import { codeOfStatus } from './http-edge.ts';
import { createMetrics, metricsRefusal } from './metrics.ts';
import { stopOnSignals } from './shutdown-signals.ts';
import { startWorkers } from './workers.ts';

// `npm run worker`: the job runner and the bulk worker without the API; `/health` and `/metrics` on PORT.
const config = loadConfig({ ...process.env, WORKER: 'on' });
const logger = pino({ level: config.logLevel });

try {
  const db = await createDatabase(resolveDatabaseTarget());
  const applied = await applyMigrations(db.migrationAdapterFactory);
  logger.info(
    { database: db.target.kind, applied },
    applied.length ? 'migrations applied' : 'database schema is current',
  );
  const metrics = createMetrics();
  const workers = await startWorkers({ db, config, logger, metrics });
  const server = createServer((req, res) => {
    const refusal = req.url === '/metrics' ? metricsRefusal(config, req.headers.authorization ?? null) : null;
    if (refusal) {
      const body = { errors: [{ message: refusal.message, extensions: { code: codeOfStatus[refusal.status] } }] };
      res.writeHead(refusal.status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    } else if (req.url === '/metrics') {
      metrics.registry.metrics().then(
        (body) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body),
        () => res.writeHead(500).end(),
      );
    } else if (req.url === '/health') res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  logger.info({ port: config.port, concurrency: config.worker.concurrency }, 'worker running');
  stopOnSignals(logger, config.shutdownGraceMs, 'stopping: letting the runs in flight end', async () => {
    server.close();
    await workers.stop();
    await db.close();
  });
} catch (err) {
  logger.fatal({ err }, err instanceof DataFolderInUseError ? err.message : 'could not start the worker');
  process.exit(1);
}

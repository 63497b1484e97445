import pino from 'pino';
import { loadConfig } from './config.ts';
import { startServer } from './server.ts';

const config = loadConfig();
const logger = pino({ level: config.logLevel });

try {
  const running = await startServer(config, logger);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining in-flight requests');
    const force = setTimeout(() => process.exit(1), config.shutdownGraceMs + 1_000);
    force.unref();
    running.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
} catch (err) {
  logger.fatal({ err }, 'could not start');
  process.exit(1);
}

import { DataFolderInUseError } from '@shopwarden/db';
import pino from 'pino';
import { loadConfig } from './config.ts';
import { StartupError, startServer } from './server.ts';
import { stopOnSignals } from './shutdown-signals.ts';

const config = loadConfig();
const logger = pino({ level: config.logLevel });

try {
  const running = await startServer(config, logger);
  stopOnSignals(logger, config.shutdownGraceMs, 'draining in-flight requests', () => running.stop());
} catch (err) {
  // A message a person can act on (a database to create, a data folder in use) is printed as it is.
  if (err instanceof StartupError || err instanceof DataFolderInUseError) process.stderr.write(`\n${err.message}\n\n`);
  logger.fatal({ err }, 'could not start');
  process.exit(1);
}

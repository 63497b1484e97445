import type { Logger } from 'pino';

/** On SIGTERM or SIGINT: runs `stop` once, then exits 0 (1 if it failed or took longer than `graceMs` and a second). */
export function stopOnSignals(logger: Logger, graceMs: number, message: string, stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, message);
    const force = setTimeout(() => process.exit(1), graceMs + 1_000);
    force.unref();
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/**
 * The HTTP server's own timeouts (shortened here through the configuration): a client that sends
 * its headers too slowly (slowloris) or its body too slowly is answered 408 and disconnected, and
 * idle keep-alive connections are announced and closed.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, startServer, type RunningServer } from '@shopwarden/api';
import pino from 'pino';

/** Sends `head` and then one more byte every `everyMs` for as long as the connection lasts; resolves when the server closes it. */
function dribble(port: number, head: string, drip: string, everyMs: number) {
  const started = performance.now();
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (d) => (received += d));
  socket.on('error', () => undefined);
  socket.write(head);
  const timer = setInterval(() => {
    if (!socket.destroyed && socket.writable) socket.write(drip);
  }, everyMs);
  const closed = new Promise<{ afterMs: number; received: string }>((resolve) =>
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ afterMs: performance.now() - started, received });
    }),
  );
  return { closed, destroy: () => socket.destroy() };
}

async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'still open'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still open'>((resolve) => (timer = setTimeout(() => resolve('still open'), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('HTTP timeouts', () => {
  let running: RunningServer;
  let port: number;

  beforeAll(async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      SEED_ON_START: 'false',
      BULK_WORKER: 'false',
      HTTP_HEADERS_TIMEOUT_MS: '600',
      HTTP_REQUEST_TIMEOUT_MS: '1500',
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '1500',
      SHUTDOWN_DELAY_MS: '0',
    });
    running = await startServer(config, pino({ level: 'silent' }), { kind: 'pglite', dataDir: 'memory://' });
    port = Number(new URL(running.url).port);
  });
  afterAll(async () => running?.stop());

  /** Dribbles a request and expects the server to answer 408 and hang up between `minMs` and `maxMs` after it began. */
  async function expectCutOff(head: string, drip: string, minMs: number, maxMs: number) {
    const slow = dribble(port, head, drip, 100);
    const result = await within(slow.closed, maxMs + 1_500);
    slow.destroy();
    expect(result).not.toBe('still open');
    const { afterMs, received } = result as { afterMs: number; received: string };
    expect(received).toMatch(/^HTTP\/1\.1 408/);
    expect(afterMs).toBeGreaterThanOrEqual(minMs);
    expect(afterMs).toBeLessThan(maxMs);
  }

  it('disconnects a client whose headers never end (slowloris) with 408 after the headers timeout', async () => {
    await expectCutOff('POST /graphql HTTP/1.1\r\nHost: localhost\r\n', 'x', 500, 3_000);
  });

  it('disconnects a client whose body comes at 10 bytes/s with 408 after the request timeout', async () => {
    const head =
      'POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n';
    await expectCutOff(head, ' ', 1_400, 4_500);
  });

  it('announces the keep-alive timeout and closes a connection idle for longer', async () => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (d) => (received += d));
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(performance.now())));
    socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await new Promise((r) => setTimeout(r, 200));
    const answeredAt = performance.now();
    expect(received).toMatch(/^HTTP\/1\.1 200/);
    expect(received).toMatch(/keep-alive: timeout=1\r\n/i);
    const closedAt = await within(closed, 5_000);
    expect(closedAt).not.toBe('still open');
    expect((closedAt as number) - answeredAt).toBeLessThan(3_000);
  });
});

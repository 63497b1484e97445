import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: Record<string, string>;
  body: string;
  at: number;
}

/**
 * A real HTTP receiver on loopback: records every POST and answers with the next status of `script`
 * (then 200); `hold` keeps responses back until released.
 */
export async function startWebhookReceiver() {
  const received: ReceivedWebhook[] = [];
  const script: number[] = [];
  let holding: Promise<void> | null = null;
  let release: () => void = () => undefined;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]),
      );
      received.push({ headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      const status = script.shift() ?? 200;
      const answer = () => {
        res.writeHead(status, { 'content-type': 'text/plain' });
        res.end(status < 300 ? 'ok' : `failed with ${status}`);
      };
      if (holding) void holding.then(answer);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    /** Statuses for the next requests, in order; after them, 200. */
    answer(...statuses: number[]) {
      script.push(...statuses);
    },
    hold() {
      holding = new Promise((resolve) => (release = resolve));
    },
    release() {
      holding = null;
      release();
    },
    reset() {
      received.length = 0;
      script.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;

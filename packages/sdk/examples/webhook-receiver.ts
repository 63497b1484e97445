/**
 * A webhook receiver: verifies each delivery, ignores repeats by event id, answers 2xx quickly.
 *
 *   SHOPWARDEN_WEBHOOK_SECRET=whsec_… PORT=8787 npx tsx packages/sdk/examples/webhook-receiver.ts
 */
import { createServer, type Server } from 'node:http';
import { pathToFileURL } from 'node:url';
// In your project: import { verifyWebhook, type WebhookEvent } from '@shopwarden/sdk';
import { verifyWebhook, type WebhookEvent } from '../src/index.ts';

export function webhookReceiver(secret: string, onEvent: (event: WebhookEvent) => void): Server {
  const seen = new Set<string>(); // use your database in production: deliveries are at least once
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let event: WebhookEvent;
      try {
        event = verifyWebhook(Buffer.concat(chunks).toString('utf8'), req.headers, secret);
      } catch {
        return res.writeHead(400).end('bad signature');
      }
      if (!seen.has(event.id)) {
        seen.add(event.id);
        if (event.type === 'shop.health_changed') console.log(`${event.shopId} is now ${event.data.toHealth}`);
        onEvent(event);
      }
      res.writeHead(204).end();
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const secret = process.env.SHOPWARDEN_WEBHOOK_SECRET;
  if (!secret)
    throw new Error(
      "Set SHOPWARDEN_WEBHOOK_SECRET to the endpoint's signing secret (webhookEndpointCreate returns it).",
    );
  webhookReceiver(secret, (e) => console.log(e.type, e.id)).listen(Number(process.env.PORT ?? 8787));
}

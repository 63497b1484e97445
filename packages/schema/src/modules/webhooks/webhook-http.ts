import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import ipaddr from 'ipaddr.js';

/** How deliveries reach the network; set once per process by `configureWebhookDelivery`. */
export interface WebhookDeliverySettings {
  /** Allow loopback, private, link-local and metadata addresses (development and tests only). @default false */
  allowPrivateNetworks: boolean;
  /** The whole request, connection to last byte read. @default 10000 */
  timeoutMs: number;
  /** Response bytes read (the log keeps the first 1 KB). @default 4096 */
  maxResponseBytes: number;
  /** Production mode: payloads render with the real clock, not the sandbox one. @default false */
  production: boolean;
  /** Told of every attempt logged (apps/api/src/metrics.ts counts them). */
  onAttempt?: (attempt: WebhookAttemptReport) => void;
}

/** One logged attempt, for metrics. */
export interface WebhookAttemptReport {
  /** `succeeded` (2xx), `retry` (failed, tried again later), `failed` (for good), `disabled` (the endpoint was). */
  outcome: 'succeeded' | 'retry' | 'failed' | 'disabled';
  latencyMs: number;
  /** Real time from the event's commit to this attempt, for a delivery's first attempt; null for later ones. */
  firstAttemptLagMs: number | null;
  /** Real time from the event's commit to this successful attempt; null unless it succeeded. */
  deliveredLagMs: number | null;
}

const settings: WebhookDeliverySettings = {
  allowPrivateNetworks: false,
  timeoutMs: 10_000,
  maxResponseBytes: 4096,
  production: false,
};

/** Sets how this process delivers webhooks (apps/api/src/workers.ts does, from the configuration). */
export function configureWebhookDelivery(next: Partial<WebhookDeliverySettings>): void {
  Object.assign(settings, next);
}

export function webhookDeliverySettings(): Readonly<WebhookDeliverySettings> {
  return settings;
}

/** Only globally routable unicast addresses: no loopback, private, link-local (cloud metadata), CGNAT, multicast or reserved ones. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'unicast';
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost') return true;
  return ipaddr.isValid(host) && ipaddr.process(host).range() === 'loopback';
}

export class BlockedAddressError extends Error {
  constructor(host: string, address: string) {
    super(`${host} resolves to ${address}, which is not a public address.`);
  }
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | dns.LookupAddress[],
  family?: number,
) => void;

/** dns.lookup that refuses non-public addresses: checked at connection time, so a rebinding DNS answer cannot slip through. */
function guardedLookup(hostname: string, options: dns.LookupOptions, callback: LookupCallback): void {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const blocked = settings.allowPrivateNetworks ? undefined : addresses.find((a) => !isPublicAddress(a.address));
    if (blocked) return callback(new BlockedAddressError(hostname, blocked.address), []);
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error(`${hostname} has no address.`), { code: 'ENOTFOUND' }), []);
    callback(null, first.address, first.family);
  });
}

export interface WebhookResponse {
  /** Null when no HTTP response came (timeout, connection refused, blocked address). */
  statusCode: number | null;
  /** The start of the body, at most `maxResponseBytes`. */
  body: string;
  error: string | null;
  latencyMs: number;
}

/**
 * POSTs one signed delivery: redirects are not followed, the response body is read up to 4 KB, and
 * the whole exchange is bounded by the timeout. Never throws.
 */
export function postWebhook(url: string, headers: Record<string, string>, body: string): Promise<WebhookResponse> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let settled = false;
    const abort = new AbortController();
    const timer = setTimeout(() => {
      abort.abort();
      finish({ statusCode: null, body: '', error: `No complete response within ${settings.timeoutMs} ms.` });
    }, settings.timeoutMs);
    const finish = (r: Omit<WebhookResponse, 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...r, latencyMs: latency() });
    };
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return finish({ statusCode: null, body: '', error: 'The URL is not valid.' });
    }
    // An IP literal is connected to without a lookup: check it here.
    const literal = target.hostname.replace(/^\[|\]$/g, '');
    if (net.isIP(literal) && !settings.allowPrivateNetworks && !isPublicAddress(literal)) {
      return finish({ statusCode: null, body: '', error: new BlockedAddressError(literal, literal).message });
    }
    const client = target.protocol === 'https:' ? https : http;
    const req = client.request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        lookup: guardedLookup as unknown as typeof dns.lookup,
        agent: false,
        signal: abort.signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () =>
          finish({
            statusCode: res.statusCode ?? null,
            body: Buffer.concat(chunks).subarray(0, settings.maxResponseBytes).toString('utf8'),
            error: null,
          });
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= settings.maxResponseBytes) {
            done();
            res.destroy();
          }
        });
        res.on('end', done);
        res.on('error', done);
        res.on('close', done);
      },
    );
    req.on('error', (err) => finish({ statusCode: null, body: '', error: err.message }));
    req.end(body);
  });
}

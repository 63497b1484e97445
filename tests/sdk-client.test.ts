import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createShopWardenClient,
  describeOperation,
  paginate,
  parseRetryAfter,
  PlatformSetSandboxClockDocument,
  ShopWardenError,
  type ClientLogEvent,
} from '../packages/sdk/src/index.ts';

interface Received {
  at: number;
  headers: IncomingMessage['headers'];
  body: { query: string; variables: Record<string, unknown> };
}

const open: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((close) => close()));
});

/** A tiny local GraphQL-ish server: `respond(n)` answers the n-th request (0-based). */
async function startServer(respond: (n: number, req: IncomingMessage, res: ServerResponse) => void) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      received.push({ at: Date.now(), headers: req.headers, body: JSON.parse(text) });
      respond(received.length - 1, req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  open.push(close);
  return { url, received, close };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const clock = {
  data: {
    sandboxClockSet: {
      __typename: 'SandboxClockSetSuccess',
      clock: { now: '2024-01-01T00:00:00.000Z', frozen: true, sandbox: true },
    },
  },
};
const validationError = {
  data: {
    sandboxClockSet: {
      __typename: 'ValidationError',
      code: 'VALIDATION_FAILED',
      message: 'Bad date.',
      fields: [{ path: ['input', 'now'], message: 'Bad date.' }],
    },
  },
};

describe('SDK transport: retries, idempotency keys, throttling', () => {
  it('retries once after HTTP 429 honouring Retry-After: 1, then succeeds (2 requests, about a second)', async () => {
    const server = await startServer((n, _req, res) =>
      n === 0
        ? json(
            res,
            429,
            { errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }] },
            { 'retry-after': '1' },
          )
        : json(res, 200, clock),
    );
    const events: ClientLogEvent[] = [];
    const client = createShopWardenClient({ url: server.url, apiKey: 'sw_test', logger: (e) => events.push(e) });
    const started = performance.now();
    const result = await client.platform.setSandboxClock({ input: { now: '2024-01-01T00:00:00Z' } });
    const elapsed = performance.now() - started;
    expect(result.__typename).toBe('SandboxClockSetSuccess');
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(3000);
    expect(server.received).toHaveLength(2);
    // The retry is the same request: same idempotency key, same body.
    const [first, second] = server.received;
    expect(first!.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(second!.headers['idempotency-key']).toBe(first!.headers['idempotency-key']);
    expect(second!.body).toEqual(first!.body);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1000);
    expect(events.filter((e) => e.type === 'retry')).toEqual([
      expect.objectContaining({ reason: 'throttled', status: 429, attempt: 1 }),
    ]);
  });

  it('returns a validation error at once: exactly 1 request, never retried', async () => {
    const server = await startServer((_n, _req, res) => json(res, 200, validationError));
    const client = createShopWardenClient({ url: server.url, apiKey: 'sw_test' });
    const result = await client.platform.setSandboxClock({ input: { now: 'not a date' } });
    expect(result).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION_FAILED' });
    expect(server.received).toHaveLength(1);
  });

  it.each([400, 401, 403, 404, 413, 422, 500])('does not retry HTTP %i', async (status) => {
    const server = await startServer((_n, _req, res) =>
      json(res, status, { errors: [{ message: `status ${status}`, extensions: { code: 'X' } }] }),
    );
    const client = createShopWardenClient({ url: server.url, apiKey: 'sw_test', backoff: { baseMs: 1 } });
    const response = await client.request('{ viewer { role } }');
    expect(response.status).toBe(status);
    expect(response.errors?.[0]?.message).toBe(`status ${status}`);
    expect(server.received).toHaveLength(1);
  });

  it('retries HTTP 503 with exponential backoff until it succeeds', async () => {
    const server = await startServer((n, _req, res) =>
      n < 2
        ? json(res, 503, { errors: [{ message: 'down', extensions: { code: 'SERVICE_UNAVAILABLE' } }] })
        : json(res, 200, { data: { viewer: null } }),
    );
    const events: ClientLogEvent[] = [];
    const client = createShopWardenClient({
      url: server.url,
      apiKey: 'sw_test',
      backoff: { baseMs: 40 },
      logger: (e) => events.push(e),
    });
    const response = await client.request('{ viewer { role } }');
    expect(response).toMatchObject({ status: 200, data: { viewer: null } });
    expect(server.received).toHaveLength(3);
    const delays = events.flatMap((e) => (e.type === 'retry' ? [e.delayMs] : []));
    expect(delays).toHaveLength(2);
    // 50–100 % of 40 ms, then of 80 ms.
    expect(delays[0]).toBeGreaterThanOrEqual(20);
    expect(delays[0]).toBeLessThanOrEqual(40);
    expect(delays[1]).toBeGreaterThanOrEqual(40);
    expect(delays[1]).toBeLessThanOrEqual(80);
    // Queries carry no idempotency key.
    expect(server.received.every((r) => r.headers['idempotency-key'] === undefined)).toBe(true);
  });

  it('gives up after `retries` and returns the last response; grouped methods throw ShopWardenError', async () => {
    const server = await startServer((_n, _req, res) =>
      json(
        res,
        503,
        { errors: [{ message: 'down', extensions: { code: 'SERVICE_UNAVAILABLE' } }] },
        { 'retry-after': '0' },
      ),
    );
    const client = createShopWardenClient({ url: server.url, apiKey: 'sw_test', retries: 2 });
    const response = await client.request('{ viewer { role } }');
    expect(response.status).toBe(503);
    expect(server.received).toHaveLength(3);
    const error = await client.access.viewer({}, { retries: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopWardenError);
    expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503 });
    expect(server.received).toHaveLength(4);
  });

  it('retries network errors, then throws NETWORK_ERROR', async () => {
    const flaky = await startServer((n, req, res) =>
      n === 0 ? req.socket.destroy() : json(res, 200, { data: { viewer: null } }),
    );
    const client = createShopWardenClient({ url: flaky.url, apiKey: 'sw_test', backoff: { baseMs: 10 } });
    expect((await client.request('{ viewer { role } }')).data).toEqual({ viewer: null });
    expect(flaky.received).toHaveLength(2);

    const gone = await startServer(() => undefined);
    await gone.close();
    let attempts = 0;
    const dead = createShopWardenClient({
      url: gone.url,
      apiKey: 'sw_test',
      retries: 2,
      backoff: { baseMs: 5 },
      logger: (e) => (attempts += e.type === 'request' ? 1 : 0),
    });
    const error = await dead.request('{ viewer { role } }').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopWardenError);
    expect(error).toMatchObject({ code: 'NETWORK_ERROR' });
    expect(attempts).toBe(3);
  });

  it('stops waiting for a retry when the caller aborts', async () => {
    const server = await startServer((_n, _req, res) =>
      json(res, 429, { errors: [{ message: 'Throttled' }] }, { 'retry-after': '30' }),
    );
    const client = createShopWardenClient({ url: server.url, apiKey: 'sw_test' });
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(new Error('stop')), 100);
    await expect(client.request('{ viewer { role } }', {}, { signal: controller.signal })).rejects.toThrow('stop');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(server.received).toHaveLength(1);
  });

  it('throttles itself from extensions.cost.throttleStatus: waits until the bucket covers the next request', async () => {
    const cost = (available: number) => ({
      requestedQueryCost: 25,
      actualQueryCost: 25,
      maximumCost: 1000,
      throttleStatus: { maximumAvailable: 1000, currentlyAvailable: available, restoreRate: 50 },
    });
    const server = await startServer((_n, _req, res) =>
      json(res, 200, { data: { viewer: null }, extensions: { cost: cost(0) } }),
    );
    const events: ClientLogEvent[] = [];
    const client = createShopWardenClient({ url: server.url, apiKey: 'sw_test', logger: (e) => events.push(e) });
    // The client prices this document at 25 points, with the API's formula.
    const shopsPage = '{ shops(first: 12) { edges { node { id name } } } }';
    await client.request(shopsPage);
    await client.request(shopsPage);
    // The second needs 25 points at 50 points/s from an empty bucket: about half a second.
    const gap = server.received[1]!.at - server.received[0]!.at;
    expect(gap).toBeGreaterThanOrEqual(450);
    expect(events.find((e) => e.type === 'throttle')).toMatchObject({ estimatedCost: 25, delayMs: expect.any(Number) });

    const unthrottled = createShopWardenClient({ url: server.url, apiKey: 'sw_test', throttle: false });
    await unthrottled.request('{ viewer { role } }');
    const before = server.received.length;
    const t0 = performance.now();
    await unthrottled.request('{ viewer { role } }');
    expect(performance.now() - t0).toBeLessThan(300);
    expect(server.received).toHaveLength(before + 1);
  });

  it('sends the API key, JSON, custom headers and variables', async () => {
    const server = await startServer((_n, _req, res) => json(res, 200, clock));
    const client = createShopWardenClient({
      url: server.url,
      apiKey: 'sw_test_key',
      headers: { 'x-request-id': 'req-1' },
    });
    const { data } = await client.request(
      PlatformSetSandboxClockDocument,
      { input: { now: null } },
      { idempotencyKey: 'fixed' },
    );
    expect(data?.sandboxClockSet.__typename).toBe('SandboxClockSetSuccess');
    const [r] = server.received;
    expect(r!.headers).toMatchObject({
      authorization: 'Bearer sw_test_key',
      'content-type': 'application/json',
      'x-request-id': 'req-1',
      'idempotency-key': 'fixed',
    });
    expect(r!.body).toEqual({ query: PlatformSetSandboxClockDocument, variables: { input: { now: null } } });
  });
});

describe('SDK helpers', () => {
  it('rejects missing options and returns a frozen client', () => {
    expect(() => createShopWardenClient({ url: '', apiKey: 'k' })).toThrow(TypeError);
    expect(() => createShopWardenClient({ url: 'http://x', apiKey: '' })).toThrow(TypeError);
    expect(() => createShopWardenClient({ url: 'http://x', apiKey: 'k', retries: -1 })).toThrow(TypeError);
    const client = createShopWardenClient({ url: 'http://x', apiKey: 'k' });
    expect(Object.isFrozen(client)).toBe(true);
    expect(() => Object.assign(client, { url: 'http://y' })).toThrow(TypeError);
  });

  it('finds the operation kind without a GraphQL parser', () => {
    expect(describeOperation('{ shops { edges { node { id } } } }')).toEqual({ kind: 'query', name: null });
    expect(describeOperation('query Q($a: String = "mutation {") { a }')).toEqual({ kind: 'query', name: 'Q' });
    expect(
      describeOperation('fragment F on Shop { id } mutation M($i: X!) { shopOnboard(input: $i) { ...F } }'),
    ).toEqual({ kind: 'mutation', name: 'M' });
    expect(describeOperation('# mutation\nquery Foo { a } mutation Bar { b }', 'Bar')).toEqual({
      kind: 'mutation',
      name: 'Bar',
    });
    expect(describeOperation('mutation @dir { a }')).toEqual({ kind: 'mutation', name: null });
    expect(describeOperation(PlatformSetSandboxClockDocument)).toEqual({
      kind: 'mutation',
      name: 'PlatformSetSandboxClock',
    });
  });

  it('parses Retry-After seconds and dates', () => {
    expect(parseRetryAfter('1')).toBe(1000);
    expect(parseRetryAfter('0.5')).toBe(500);
    expect(parseRetryAfter(new Date(Date.UTC(2030, 0, 1, 0, 0, 10)).toUTCString(), Date.UTC(2030, 0, 1))).toBe(10_000);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(null)).toBeNull();
  });

  it('paginate follows endCursor, and stops at the end, on a missing connection or a repeated cursor', async () => {
    const pages: Record<
      string,
      { edges: { node: number }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } }
    > = {
      start: { edges: [{ node: 1 }, { node: 2 }], pageInfo: { hasNextPage: true, endCursor: 'a' } },
      a: { edges: [{ node: 3 }], pageInfo: { hasNextPage: true, endCursor: 'b' } },
      b: { edges: [{ node: 4 }], pageInfo: { hasNextPage: false, endCursor: 'c' } },
    };
    const seen: (string | null)[] = [];
    const all: number[] = [];
    for await (const n of paginate(async (after) => (seen.push(after), pages[after ?? 'start']))) all.push(n);
    expect(all).toEqual([1, 2, 3, 4]);
    expect(seen).toEqual([null, 'a', 'b']);

    const loop: number[] = [];
    for await (const n of paginate(async () => ({
      edges: [{ node: 7 }],
      pageInfo: { hasNextPage: true, endCursor: 'same' },
    })))
      loop.push(n);
    expect(loop).toEqual([7, 7]);
    const none: number[] = [];
    for await (const n of paginate<number>(async () => null)) none.push(n);
    expect(none).toEqual([]);
  });
});

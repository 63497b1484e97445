import { createApp, loadConfig, type AppOptions, type RateLimiter } from '@shopwarden/api';
import pino from 'pino';
import type { Database } from '@shopwarden/db';

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  headers: Headers;
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  extensions?: Record<string, unknown>;
}

/** The app in-process (yoga.fetch), with a helper that posts one operation. */
export function createTestApp(
  db: Database,
  env: Record<string, string> = {},
  rateLimiter?: RateLimiter,
  options: Partial<Pick<AppOptions, 'slots' | 'cacheStore' | 'isShuttingDown'>> = {},
) {
  const config = loadConfig({ NODE_ENV: 'test', ...env });
  const app = createApp({ db, config, logger: pino({ level: env.LOG_LEVEL ?? 'silent' }), rateLimiter, ...options });
  const { yoga, ready } = app;
  async function gql<T = Record<string, any>>(
    key: string | null,
    query: string,
    variables?: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): Promise<GraphQLResponse<T>> {
    const res = await yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as Omit<GraphQLResponse<T>, 'status' | 'headers'>;
    return { status: res.status, headers: res.headers, ...body };
  }
  /** Starts a subscription over Server-Sent Events; read its messages with `next()`. */
  async function subscribe(key: string | null, query: string, variables?: Record<string, unknown>): Promise<SseStream> {
    const abort = new AbortController();
    const res = await yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
      signal: abort.signal,
    });
    return readSse(res, abort);
  }
  /** Resolves once the response cache listens for changes. */
  return { yoga, gql, ready, subscribe, app };
}

/** One message of a GraphQL-over-SSE stream: `next` with a result, or `complete`. */
export interface SseMessage<T = Record<string, any>> {
  event: string;
  data: { data?: T; errors?: GraphQLResponse['errors'] } | null;
}

export interface SseStream {
  status: number;
  headers: Headers;
  /** The next message; rejects after `timeoutMs` without one. */
  next<T = Record<string, any>>(timeoutMs?: number): Promise<SseMessage<T>>;
  /** Every message until the server ends the stream. */
  rest(timeoutMs?: number): Promise<SseMessage[]>;
  close(): void;
}

/** Reads a text/event-stream response message by message (comments, such as keep-alive pings, are skipped). */
export function readSse(res: Response, abort?: AbortController): SseStream {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let ended = false;
  const queue: SseMessage[] = [];
  // A read that timed out is still pending: the next wait takes it up instead of losing its chunk.
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | null = null;
  const fill = async (deadline: number) => {
    while (!queue.length && !ended) {
      pending ??= reader.read();
      let timer: NodeJS.Timeout | undefined;
      const chunk = await Promise.race([
        pending,
        new Promise<never>(
          (_, reject) =>
            (timer = setTimeout(() => reject(new Error('no SSE message in time')), Math.max(1, deadline - Date.now()))),
        ),
      ]).finally(() => clearTimeout(timer));
      pending = null;
      if (chunk.done) ended = true;
      else buffer += decoder.decode(chunk.value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
        }
        if (event === 'message' && !data.length) continue;
        const text = data.join('\n');
        queue.push({ event, data: text ? JSON.parse(text) : null });
      }
    }
  };
  return {
    status: res.status,
    headers: res.headers,
    async next<T>(timeoutMs = 20_000) {
      await fill(Date.now() + timeoutMs);
      const message = queue.shift();
      if (!message) throw new Error('the SSE stream ended');
      return message as SseMessage<T>;
    },
    async rest(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      const all: SseMessage[] = [];
      for (;;) {
        await fill(deadline);
        const message = queue.shift();
        if (!message) return all;
        all.push(message);
      }
    },
    close() {
      abort?.abort();
      reader.cancel().catch(() => undefined);
    },
  };
}

/** Global IDs as the relay plugin encodes them. */
export function gid(typename: string, id: number | string): string {
  return Buffer.from(`${typename}:${id}`).toString('base64');
}

/** The database id inside a global ID. */
export const dbId = (globalId: string) => Number(Buffer.from(globalId, 'base64').toString().split(':')[1]);

/** Counts SQL statements Prisma sends while `fn` runs. */
export async function countQueries<T>(db: Database, fn: () => Promise<T>): Promise<{ result: T; queries: string[] }> {
  const queries: string[] = [];
  const off = db.onQuery((q) => queries.push(q.query));
  try {
    const result = await fn();
    return { result, queries };
  } finally {
    off();
  }
}

/**
 * Errors in a form two executions of one operation can be compared in: graphql-js reports field
 * errors in completion order (so as a sorted set), and once an error has nulled the whole `data`
 * it stops collecting the others (so then only their distinct codes).
 */
export function comparableErrors(data: unknown, errors: unknown): unknown {
  if (!Array.isArray(errors)) return errors;
  if (data === null)
    return [...new Set(errors.map((e: { extensions?: { code?: string } }) => e.extensions?.code ?? 'NO_CODE'))].sort();
  // The request id differs per request by design; everything else must match.
  return errors
    .map((e: { extensions?: object }) =>
      JSON.stringify({ ...e, extensions: { ...e.extensions, requestId: undefined } }),
    )
    .sort();
}

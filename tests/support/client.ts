import { createApp, loadConfig, type RateLimiter } from '@shopwarden/api';
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
export function createTestApp(db: Database, env: Record<string, string> = {}, rateLimiter?: RateLimiter) {
  const config = loadConfig({ NODE_ENV: 'test', ...env });
  const { yoga, ready } = createApp({ db, config, logger: pino({ level: env.LOG_LEVEL ?? 'silent' }), rateLimiter });
  async function gql<T = Record<string, any>>(key: string | null, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<GraphQLResponse<T>> {
    const res = await yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as Omit<GraphQLResponse<T>, 'status' | 'headers'>;
    return { status: res.status, headers: res.headers, ...body };
  }
  /** Resolves once the response cache listens for changes. */
  return { yoga, gql, ready };
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
  if (data === null) return [...new Set(errors.map((e: { extensions?: { code?: string } }) => e.extensions?.code ?? 'NO_CODE'))].sort();
  return errors.map((e) => JSON.stringify(e)).sort();
}

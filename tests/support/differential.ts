/**
 * The differential harness of the compiled reads: the same app with COMPILED_READS on and off, on
 * one database; `same` posts an operation to both, expects the same status, data and errors, and
 * tells which path the compiled app took and how many statements it ran.
 */
import pino from 'pino';
import { expect } from 'vitest';
import { createApp, loadConfig, MemoryRateLimiter } from '@shopwarden/api';
import { comparableErrors } from './client.ts';
import type { TestDatabase } from './database.ts';

export interface Caller {
  name: string;
  /** The API key; empty for a request without one. */
  key: string;
}

export type ReadPath = 'compiled' | 'partial' | 'resolvers';

export interface Posted {
  status: number;
  text: string;
  data: unknown;
  errors: unknown;
  statements: number;
}

export interface Differential {
  /** The two apps: the compiled one's metrics tell which path a read took. */
  apps: { compiled: ReturnType<typeof createApp>; resolvers: ReturnType<typeof createApp> };
  /** Posts to one app (without a key when `key` is empty); `statements` counts what the database ran for it (the key lookup included). */
  post(app: 'compiled' | 'resolvers', key: string, query: string, variables?: Record<string, unknown>): Promise<Posted>;
  /** Both apps answer alike; returns the compiled app's path and statements. */
  same(
    caller: Caller,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<{ path: ReadPath; statements: number; data: unknown }>;
}

export function differential(db: TestDatabase): Differential {
  const logger = pino({ level: 'silent' });
  // Buckets large enough that throttling never differs between the two apps.
  const unlimited = () => new MemoryRateLimiter(1e12, 1e12);
  // The response cache is off: every request runs, so both paths are compared each time.
  const apps = {
    compiled: createApp({
      db,
      config: loadConfig({ NODE_ENV: 'test', COMPILED_READS: 'true', RESPONSE_CACHE: 'false' }),
      logger,
      rateLimiter: unlimited(),
    }),
    resolvers: createApp({
      db,
      config: loadConfig({ NODE_ENV: 'test', COMPILED_READS: 'false' }),
      logger,
      rateLimiter: unlimited(),
    }),
  };
  let statements = 0;
  const seen: string[] = [];
  db.onQuery((q) => {
    statements++;
    seen.push(q.query);
  });

  /** Prisma reports a statement a moment after its result: wait until the reports stop arriving. */
  async function settle() {
    for (;;) {
      const n = statements;
      await new Promise((resolve) => setTimeout(resolve, 15));
      if (n === statements) return;
    }
  }

  async function post(app: 'compiled' | 'resolvers', key: string, query: string, variables?: Record<string, unknown>) {
    await settle();
    const before = statements;
    const res = await apps[app].yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const text = await res.text();
    await settle();
    const body = JSON.parse(text) as { data?: unknown; errors?: unknown };
    return { status: res.status, text, data: body.data, errors: body.errors, statements: statements - before };
  }

  const pathCount = async (path: 'compiled' | 'partial') => {
    const metric = await apps.compiled.metrics.reads.get();
    return metric.values.find((v) => v.labels.path === path)?.value ?? 0;
  };

  async function same(caller: Caller, query: string, variables?: Record<string, unknown>) {
    const compiledBefore = await pathCount('compiled');
    const partialBefore = await pathCount('partial');
    const a = await post('compiled', caller.key, query, variables);
    const path: ReadPath =
      (await pathCount('compiled')) > compiledBefore
        ? 'compiled'
        : (await pathCount('partial')) > partialBefore
          ? 'partial'
          : 'resolvers';
    const b = await post('resolvers', caller.key, query, variables);
    expect(
      { status: a.status, data: a.data, errors: comparableErrors(a.data, a.errors) },
      `${caller.name}: ${query} ${JSON.stringify(variables ?? {})}`,
    ).toEqual({ status: b.status, data: b.data, errors: comparableErrors(b.data, b.errors) });
    if (path === 'compiled')
      expect(
        a.statements,
        `a compiled read is one statement (plus the key lookup): ${seen.slice(-4, -1).join('\n')}`,
      ).toBe(caller.key ? 2 : 1);
    return { path, statements: a.statements, data: a.data };
  }

  return { apps, post, same };
}

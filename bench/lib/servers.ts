/**
 * The server processes a scenario measures: each in its own process (so the load generator does
 * not share its event loop), talking to the harness over IPC (bench/servers/child.ts). Our API
 * runs bundled like `npm start`, with its heap flags; PostGraphile and the raw server run with `--import tsx`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApi } from '../../apps/api/scripts/build.mjs';
import { heapFlags } from '../../apps/api/scripts/heap-flags.mjs';
import { ensurePeers } from './peers.ts';
import { must } from './must.ts';
import type { BenchDatabase } from './database.ts';

const serversDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../servers');
const bundleDir = path.join(serversDir, '../.build');
let apiBundle: Promise<string> | undefined;

/** Our API's server bundled as `npm start` runs the API (apps/api/dist), so its RSS and start are production's. */
function bundledApiServer(): Promise<string> {
  apiBundle ??= buildApi({
    into: bundleDir,
    entryPoints: { 'serve-api': path.join(serversDir, 'serve-api.ts') },
    log: () => undefined,
  }).then(() => path.join(bundleDir, 'serve-api.js'));
  return apiBundle;
}

export interface ServerKind {
  /** The name used by `--servers`. */
  name: string;
  label: string;
  script: string;
  /** Extra configuration of our API (merged over `--api-env`). */
  apiEnv?: Record<string, string>;
  /** Which kind of server it is, for the ratios and the checks. */
  role: 'api' | 'postgraphile' | 'raw';
}

/** Our API as the read scenarios measure it by default; scenarios that need one API server start this. */
export const API_SERVER: ServerKind = {
  name: 'api',
  label: 'ShopWarden API, uncached (compiled reads, response cache off)',
  script: 'serve-api.ts',
  apiEnv: { RESPONSE_CACHE: 'false' },
  role: 'api',
};

export const SERVER_KINDS: Record<string, ServerKind> = {
  api: API_SERVER,
  'api-cached': {
    name: 'api-cached',
    label: 'ShopWarden API, response cache on (production defaults, in process)',
    script: 'serve-api.ts',
    role: 'api',
  },
  'api-redis': {
    name: 'api-redis',
    label: 'ShopWarden API, response cache shared through Redis',
    script: 'serve-api.ts',
    apiEnv: { BENCH_REDIS: '1' },
    role: 'api',
  },
  'api-resolvers': {
    name: 'api-resolvers',
    label: 'ShopWarden API through the resolvers (compiled reads off, as before issue 8)',
    script: 'serve-api.ts',
    apiEnv: { COMPILED_READS: 'false', RESPONSE_CACHE: 'false' },
    role: 'api',
  },
  'api-jit': {
    name: 'api-jit',
    label: 'ShopWarden API through the resolvers, graphql-jit on',
    script: 'serve-api.ts',
    apiEnv: { COMPILED_READS: 'false', RESPONSE_CACHE: 'false', GRAPHQL_JIT: 'true' },
    role: 'api',
  },
  'api-nocache': {
    name: 'api-nocache',
    label: 'ShopWarden API, uncached, no API-key cache',
    script: 'serve-api.ts',
    apiEnv: { RESPONSE_CACHE: 'false', API_KEY_CACHE_TTL_MS: '0' },
    role: 'api',
  },
  'api-v8heap': {
    name: 'api-v8heap',
    label: "ShopWarden API, uncached, V8's own heap sizing (SHOPWARDEN_HEAP_MB=0)",
    script: 'serve-api.ts',
    apiEnv: { RESPONSE_CACHE: 'false', SHOPWARDEN_HEAP_MB: '0' },
    role: 'api',
  },
  postgraphile: {
    name: 'postgraphile',
    label: 'PostGraphile 5 (amber preset)',
    script: 'serve-postgraphile.ts',
    role: 'postgraphile',
  },
  raw: { name: 'raw', label: 'raw node:http + pg, one prepared SQL (bound)', script: 'serve-raw.ts', role: 'raw' },
};

export interface ServerStats {
  statements: number;
  rss: number;
  /** The process's user + system CPU time so far, in µs. */
  cpu: number;
}

export interface RunningServer {
  kind: ServerKind;
  /** http://127.0.0.1:<port>/graphql */
  url: string;
  pid: number;
  /** RSS right after start, in bytes. */
  startRss: number;
  stats(): Promise<ServerStats>;
  /** Runs SQL through the server's own database connection (the way to touch a PGlite data dir the server holds). */
  sql<R = Record<string, unknown>>(text: string): Promise<R[]>;
  /** Why the process is gone, once it is ("… exited (signal SIGTERM)"). */
  readonly gone: string | undefined;
  /** Asks the process to stop (over IPC), then waits for it to exit (PGlite closes its data dir). */
  stop(): Promise<void>;
}

export interface StartOptions {
  pool: number;
  apiEnv?: Record<string, string>;
  /** For the raw server: its one statement. */
  raw?: { name: string; text: string; values: unknown[] };
}

let nextRequest = 1;

export async function startServer(kind: ServerKind, db: BenchDatabase, o: StartOptions): Promise<RunningServer> {
  if (kind.role !== 'api' && db.kind !== 'postgres') throw new Error(`${kind.label} needs PostgreSQL`);
  if (kind.role === 'postgraphile') ensurePeers();
  const apiEnv = { ...(o.apiEnv ?? {}), ...(kind.apiEnv ?? {}) };
  const bundled = kind.role === 'api';
  const script = bundled ? await bundledApiServer() : path.join(serversDir, kind.script);
  const env = {
    ...process.env,
    ...apiEnv,
    NODE_ENV: 'production',
    BENCH_DB_KIND: db.kind,
    BENCH_URL: db.url ?? '',
    BENCH_DATA_DIR: db.dataDir ?? '',
    BENCH_POOL: String(o.pool),
    BENCH_API_ENV: JSON.stringify(apiEnv),
    ...(o.raw ? { BENCH_RAW: JSON.stringify(o.raw) } : {}),
  };
  const child: ChildProcess = fork(script, [], {
    // Our API with the heap limit `npm start` gives it (SHOPWARDEN_HEAP_MB through --api-env).
    execArgv: bundled ? heapFlags(env, []) : ['--import', 'tsx'],
    env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let gone: string | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      gone = `${kind.label} exited (${signal ? `signal ${signal}` : `code ${code}`})`;
      resolve();
    }),
  );
  child.on('error', (error) => process.stderr.write(`[bench] ${kind.script}: ${error.message}\n`)); // e.g. IPC to a process that died
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${kind.script} did not start in 180 s`));
    }, 180_000);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${gone} before it was ready`));
    });
    child.on('message', (m: { ready?: number }) => {
      if (m.ready) {
        clearTimeout(timer);
        resolve(m.ready);
      }
    });
  });
  const request = <T>(message: unknown, pick: (m: Record<string, unknown>) => T | undefined): Promise<T> =>
    new Promise((resolve, reject) => {
      if (gone) return reject(new Error(gone));
      const onMessage = (m: Record<string, unknown>) => {
        const value = pick(m);
        if (value === undefined) return;
        child.off('message', onMessage);
        resolve(value);
      };
      child.on('message', onMessage);
      void exited.then(() => {
        child.off('message', onMessage);
        reject(new Error(gone));
      });
      child.send(message as object);
    });
  const stats = () => request<ServerStats>('stats', (m) => m.stats as ServerStats | undefined);
  const server: RunningServer = {
    kind,
    url: `http://127.0.0.1:${port}/graphql`,
    pid: must(child.pid, `the process id of ${kind.script}`),
    startRss: 0,
    get gone() {
      return gone;
    },
    stats,
    async sql<R>(text: string) {
      const id = nextRequest++;
      const reply = await request<{ rows?: R[]; error?: string }>({ sql: text, id }, (m) =>
        m.id === id ? (m as { rows?: R[]; error?: string }) : undefined,
      );
      if (reply.error !== undefined) throw new Error(`SQL in ${kind.script} failed: ${reply.error}\n${text}`);
      return reply.rows ?? [];
    },
    async stop() {
      if (!gone) child.send('stop');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
  server.startRss = (await stats()).rss;
  return server;
}

export interface GraphqlRequest {
  headers: Record<string, string>;
  body: string;
  /** The body of the i-th request, when requests differ (else `body` every time). */
  bodyOf?: (i: number) => string;
}

/** One request; throws unless HTTP 200. */
export async function post(url: string, req: GraphqlRequest): Promise<string> {
  const res = await fetch(url, { method: 'POST', headers: req.headers, body: req.body });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`HTTP ${res.status} from ${url}: ${text.slice(0, 500)}`);
  return text;
}

export const jsonHeaders = { 'content-type': 'application/json', accept: 'application/json' } as const;

/** A GraphQL request: a fixed body, or with `vary` the variables of the i-th request (`body` is request 0). */
export function graphqlRequest(
  query: string,
  variables: Record<string, unknown> | undefined,
  apiKey?: string,
  vary?: (i: number) => Record<string, unknown>,
): GraphqlRequest {
  return {
    headers: { ...jsonHeaders, ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
    body: JSON.stringify(vary ? { query, variables: vary(0) } : variables ? { query, variables } : { query }),
    ...(vary ? { bodyOf: (i: number) => JSON.stringify({ query, variables: vary(i) }) } : {}),
  };
}

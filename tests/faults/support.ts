/**
 * The fault suite's own services and processes: a PostgreSQL cluster (initdb into a temp folder)
 * and a redis-server, each on a free port and killable at will — never the shared ones — and the
 * API started as `npm start` starts it, with a load generator that records every answer.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const root = fileURLToPath(new URL('../..', import.meta.url));

function findPostgresBin(): string | null {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((v) => existsSync(path.join(base, v, 'bin/initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(base, versions[0]!, 'bin') : null;
}

function findOnPath(name: string): string | null {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : null;
}

const postgresBin = findPostgresBin();
const redisServer = findOnPath('redis-server');

/** Why the fault suite cannot run here, or null when it can. */
export function missingTools(needs: { postgres?: boolean; redis?: boolean }): string | null {
  if (needs.postgres && !postgresBin) return 'initdb not found under /usr/lib/postgresql/*/bin';
  if (needs.redis && !redisServer) return 'redis-server not found on PATH';
  return null;
}

/** Skips a fault-suite file with a printed reason when its tools are missing. */
export function skipReason(needs: { postgres?: boolean; redis?: boolean }): string | null {
  const reason = missingTools(needs);
  if (reason) console.warn(`[faults] skipped: ${reason}`);
  return reason;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves once `check` returns true, or rejects after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(20);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Children this test process started: killed with it, so an abandoned (timed-out) test leaves no server behind. */
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
function adopt(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** A PostgreSQL cluster of our own; `kill` and `start` it at will (same port, same data). */
export class PostgresCluster {
  private child: ChildProcess | null = null;
  private log = '';
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly owner: { uid: number; gid: number } | null,
  ) {}

  static async create(): Promise<PostgresCluster> {
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-faults-pg-'));
    // initdb refuses to run as root: then the cluster belongs to the postgres system user.
    let owner: { uid: number; gid: number } | null = null;
    if (process.getuid?.() === 0) {
      const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
      owner = { uid: id('-u'), gid: id('-g') };
      chownSync(dir, owner.uid, owner.gid);
    }
    const init = spawnSync(
      path.join(postgresBin!, 'initdb'),
      ['-D', path.join(dir, 'data'), '-U', 'postgres', '-A', 'trust', '--no-sync'],
      { encoding: 'utf8', ...(owner ?? {}) },
    );
    if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
    const cluster = new PostgresCluster(dir, await freePort(), owner);
    await cluster.start();
    return cluster;
  }

  url(database = 'postgres'): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/${database}`;
  }

  get running(): boolean {
    return this.child !== null;
  }

  /** Starts the postmaster and resolves once it accepts connections. */
  async start(): Promise<void> {
    const child = adopt(
      spawn(
        path.join(postgresBin!, 'postgres'),
        [
          '-D',
          path.join(this.dir, 'data'),
          '-p',
          String(this.port),
          '-k',
          this.dir,
          '-c',
          'listen_addresses=127.0.0.1',
          '-c',
          'fsync=off',
          '-c',
          'max_connections=100',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'], ...(this.owner ?? {}) },
      ),
    );
    child.stdout!.on('data', (d) => (this.log += d));
    child.stderr!.on('data', (d) => (this.log += d));
    this.child = child;
    child.once('exit', () => {
      if (this.child === child) this.child = null;
    });
    await until(() => this.accepts(), 30_000, `PostgreSQL on port ${this.port}:\n${this.log.slice(-2000)}`);
  }

  /** True once a connection is accepted and answers a query. */
  async accepts(): Promise<boolean> {
    const client = new pg.Client({ connectionString: this.url(), connectionTimeoutMillis: 1_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** Kills the postmaster at once (SIGKILL); its backends follow. Resolves once it is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    await exited(child);
    // Orphaned backends notice the postmaster's death and exit; wait until the port is free.
    await until(async () => !(await this.accepts()), 10_000, 'PostgreSQL to stop');
  }

  async query(sql: string, database = 'postgres'): Promise<pg.QueryResult> {
    const client = new pg.Client({ connectionString: this.url(database) });
    await client.connect();
    try {
      return await client.query(sql);
    } finally {
      await client.end();
    }
  }

  async createDatabase(name: string): Promise<string> {
    await this.query(`CREATE DATABASE ${name}`);
    return this.url(name);
  }

  async destroy(): Promise<void> {
    const child = this.child;
    if (child) {
      child.kill('SIGQUIT');
      await Promise.race([exited(child), sleep(5_000)]);
      child.kill('SIGKILL');
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A redis-server of our own, on its own port, with no persistence. */
export class RedisServer {
  private child: ChildProcess | null = null;
  private constructor(readonly port: number) {}

  static async create(): Promise<RedisServer> {
    const server = new RedisServer(await freePort());
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    let log = '';
    const child = adopt(
      spawn(redisServer!, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    child.stdout!.on('data', (d) => (log += d));
    child.stderr!.on('data', (d) => (log += d));
    this.child = child;
    await until(() => /Ready to accept connections/.test(log), 10_000, `redis-server:\n${log}`);
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    child.kill('SIGKILL');
    await exited(child);
  }

  /** Sends a signal (SIGSTOP freezes it: connections stay open, nothing is answered; SIGCONT resumes). */
  signal(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }

  async destroy(): Promise<void> {
    this.signal('SIGCONT');
    await this.kill();
  }
}

export interface ApiProcess {
  child: ChildProcess;
  /** `http://127.0.0.1:<port>` */
  base: string;
  port: number;
  output(): string;
  exited: Promise<number | null>;
  /** SIGKILL if still running. */
  destroy(): Promise<void>;
}

/** Starts the API as `npm start` does (apps/api/src/main.ts) with this environment; resolves once it listens. */
export async function startApi(env: Record<string, string>, timeoutMs = 120_000): Promise<ApiProcess> {
  const port = Number(env.PORT ?? (await freePort()));
  const child = adopt(
    spawn(process.execPath, ['--import', 'tsx', path.join(root, 'apps/api/src/main.ts')], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NODE_ENV: 'production',
        LOG_LEVEL: 'info',
        HOST: '127.0.0.1',
        SEED_ON_START: 'false',
        ...env,
        PORT: String(port),
      },
    }),
  );
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exit = exited(child);
  const listening = until(() => out.includes('"msg":"listening"'), timeoutMs, `the API to listen:\n${out}`);
  const code = await Promise.race([listening.then(() => 'listening' as const), exit]);
  if (code !== 'listening') throw new Error(`the API exited with ${code}:\n${out}`);
  return {
    child,
    base: `http://127.0.0.1:${port}`,
    port,
    output: () => out,
    exited: exit,
    async destroy() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exit;
    },
  };
}

export interface Answer {
  status: number;
  /** Node's error code when no response came (ECONNRESET, ECONNREFUSED, …). */
  error?: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  startedAt: number;
  ms: number;
  /** Sent over a keep-alive connection that an earlier request opened. */
  reused: boolean;
}

/** One HTTP request with node:http (so the test decides about keep-alive and sockets). */
export function request(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; agent?: http.Agent; timeoutMs?: number },
): Promise<Answer> {
  const startedAt = performance.now();
  return new Promise((resolve) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers, agent: options.agent });
    const done = (status: number, headers: http.IncomingHttpHeaders, body: string, error?: string) =>
      resolve({ status, error, headers, body, startedAt, ms: performance.now() - startedAt, reused: req.reusedSocket });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => done(res.statusCode ?? 0, res.headers, body));
      res.on('error', (err: NodeJS.ErrnoException) => done(0, {}, body, err.code ?? err.message));
    });
    req.setTimeout(options.timeoutMs ?? 30_000, () =>
      req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })),
    );
    req.on('error', (err: NodeJS.ErrnoException) => done(0, {}, '', err.code ?? err.message));
    req.end(options.body);
  });
}

/** Posts one GraphQL operation. */
export function graphql(
  base: string,
  key: string | null,
  query: string,
  options: { variables?: unknown; headers?: Record<string, string>; agent?: http.Agent; timeoutMs?: number } = {},
): Promise<Answer> {
  return request(`${base}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...options.headers,
    },
    body: JSON.stringify({ query, variables: options.variables }),
    agent: options.agent,
    timeoutMs: options.timeoutMs,
  });
}

/** Runs `concurrency` closed loops of `send` until `stop()` is called; every answer is recorded. */
export function runLoad(concurrency: number, send: (worker: number, i: number) => Promise<Answer>) {
  const answers: Answer[] = [];
  let stopped = false;
  const loops = Array.from({ length: concurrency }, async (_, worker) => {
    for (let i = 0; !stopped; i++) {
      const answer = await send(worker, i);
      answers.push(answer);
      // A refused connection comes back at once: do not spin.
      if (answer.status === 0) await sleep(10);
    }
  });
  return {
    answers,
    /** Answers that started at or after `from` (performance.now() time) and before `to`. */
    between: (from: number, to = Infinity) => answers.filter((a) => a.startedAt >= from && a.startedAt < to),
    async stop() {
      stopped = true;
      await Promise.all(loops);
      return answers;
    },
  };
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** `{ code: count }` of the answers: the first error's code, else `HTTP <status>`, or the transport error. */
export function codes(answers: Answer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of answers) {
    let code = a.error ?? `HTTP ${a.status}`;
    if (!a.error) {
      try {
        const body = JSON.parse(a.body) as { errors?: { extensions?: { code?: string } }[] };
        code = body.errors?.[0]?.extensions?.code ?? code;
      } catch {
        // not JSON
      }
    }
    counts[code] = (counts[code] ?? 0) + 1;
  }
  return counts;
}

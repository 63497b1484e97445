/**
 * Cold start on the embedded database: the API process spawned the way `npm start` runs it
 * (`tsx src/main.ts` in apps/api, NODE_ENV=production), against the benchmark's data dir (already
 * migrated and seeded), until the first successful GraphQL response; median of --repeats. Then
 * once the first-ever start on an empty data dir, which migrates and seeds the demo data.
 * The phases come from the server's own log lines (pino JSON on stdout).
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { repoRoot } from '@shopwarden/db';
import { DEMO_KEYS } from '@shopwarden/db/seed';
import { median } from '../lib/load.ts';
import { int, table } from '../lib/report.ts';
import { benchDb, type Scenario } from '../lib/scenario.ts';
import { graphqlRequest } from '../lib/servers.ts';

const FIRST_QUERY = graphqlRequest('{ shops(first: 1) { edges { node { id name } } } }', undefined, DEMO_KEYS.admin);

interface Start {
  /** ms from spawn to each phase. */
  schemaReady: number | null;
  seeded: number | null;
  listening: number | null;
  firstResponse: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function startOnce(dataDir: string, log: (line: string) => void): Promise<Start> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    SHOPWARDEN_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
  };
  delete env.DATABASE_URL; // the embedded database
  const apiDir = path.join(repoRoot, 'apps/api');
  const t0 = performance.now();
  const child = spawn(path.join(repoRoot, 'node_modules/.bin/tsx'), ['src/main.ts'], {
    cwd: apiDir,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const phases: Omit<Start, 'firstResponse'> = { schemaReady: null, seeded: null, listening: null };
  let buffered = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    let at: number;
    while ((at = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, at);
      buffered = buffered.slice(at + 1);
      let msg = '';
      try {
        msg = (JSON.parse(line) as { msg?: string }).msg ?? '';
      } catch {
        continue;
      }
      const t = performance.now() - t0;
      if (msg === 'migrations applied' || msg === 'database schema is current') phases.schemaReady ??= t;
      else if (msg === 'seeded demo data') phases.seeded ??= t;
      else if (msg === 'listening') phases.listening ??= t;
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  try {
    const deadline = t0 + 300_000;
    for (;;) {
      if (gone) throw new Error('the API process exited before it answered');
      if (performance.now() > deadline) throw new Error('no successful GraphQL response within 300 s');
      try {
        const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
          method: 'POST',
          headers: FIRST_QUERY.headers,
          body: FIRST_QUERY.body,
        });
        const body = (await res.json()) as { data?: { shops?: { edges: unknown[] } }; errors?: unknown };
        if (res.status === 200 && body.data?.shops?.edges.length && !body.errors) break;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const start = { ...phases, firstResponse: performance.now() - t0 };
    log(
      `    first response after ${int(start.firstResponse)} ms (listening at ${start.listening === null ? '?' : int(start.listening)} ms)`,
    );
    return start;
  } finally {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  }
}

const scenario: Scenario = {
  name: 'cold-start',
  title: 'Cold start (embedded database)',
  measures:
    'spawn of the API in production mode (`tsx src/main.ts`) to the first successful GraphQL response, on a seeded data dir (median of --repeats) and once on an empty one',
  databases: ['pglite'],
  usesBenchDatabase: true,
  async run(ctx) {
    const db = benchDb(ctx);
    const warm: Start[] = [];
    for (let i = 0; i < ctx.options.repeats; i++) {
      ctx.log(`  start ${i + 1}/${ctx.options.repeats} on the benchmark data dir`);
      warm.push(await startOnce(db.dataDir!, ctx.log));
    }
    const emptyDir = path.join(repoRoot, '.data/bench/cold-start-empty');
    rmSync(emptyDir, { recursive: true, force: true });
    ctx.log('  first-ever start on an empty data dir (migrate + demo seed)');
    let first: Start;
    try {
      first = await startOnce(emptyDir, ctx.log);
    } finally {
      rmSync(emptyDir, { recursive: true, force: true });
    }
    const med = (pick: (s: Start) => number | null) => {
      const xs = warm.map(pick).filter((x): x is number => x !== null);
      return xs.length ? int(median(xs)) : '–';
    };
    const one = (x: number | null) => (x === null ? '–' : int(x));
    return {
      markdown: [
        `From \`spawn\` of \`tsx src/main.ts\` (apps/api, NODE_ENV=production, SHOPWARDEN_DATA_DIR set) until \`shops(first: 1)\` answers 200 with data; phases from the server's log lines. The seeded data dir is the benchmark's (${int(db.sizeMb)} MB); the empty one is migrated and seeded with the demo data (50 shops) by the server itself.`,
        '',
        table(
          [
            'start',
            'schema checked / migrated (ms)',
            'demo data seeded (ms)',
            'listening (ms)',
            'first GraphQL response (ms)',
            'runs: first response (ms)',
          ],
          [
            [
              `seeded data dir, median of ${warm.length}`,
              med((s) => s.schemaReady),
              '–',
              med((s) => s.listening),
              med((s) => s.firstResponse),
              warm.map((s) => int(s.firstResponse)).join(', '),
            ],
            [
              'first-ever start, empty data dir',
              one(first.schemaReady),
              one(first.seeded),
              one(first.listening),
              int(first.firstResponse),
              int(first.firstResponse),
            ],
          ],
        ),
      ].join('\n'),
    };
  },
};
export default scenario;

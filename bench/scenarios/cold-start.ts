/**
 * Cold start on the embedded database, as a person gets it from `npm start`: the API process
 * spawned until the first successful GraphQL response, (a) on an empty data dir (the first run:
 * migrate + demo seed) and (b) restarted on that data dir (warm), medians of --repeats. Each entry
 * point is measured: `compiled` is what `npm start` runs (`node apps/api/scripts/start.mjs`, the
 * esbuild bundle), `tsx` is what it ran before (`tsx src/main.ts`, the TypeScript sources).
 * `BENCH_COLD_START=compiled` (or `tsx`) measures one; `BENCH_COLD_START_CHECKOUT=<dir>` runs the
 * entries from another checkout (with its node_modules), e.g. an older main for a before/after.
 * The phases come from the server's own log lines (pino JSON on stdout).
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import path from 'node:path';
import { repoRoot } from '@shopwarden/db';
import { DEMO_KEYS } from '@shopwarden/db/seed';
import { median } from '../lib/load.ts';
import { must } from '../lib/must.ts';
import { int, table } from '../lib/report.ts';
import type { Scenario } from '../lib/scenario.ts';
import { graphqlRequest } from '../lib/servers.ts';

const FIRST_QUERY = graphqlRequest('{ shops(first: 1) { edges { node { id name } } } }', undefined, DEMO_KEYS.admin);

const ENTRIES = {
  compiled: {
    command: process.execPath,
    args: ['apps/api/scripts/start.mjs'],
    cwd: '.',
    label: '`npm start` (compiled)',
  },
  tsx: {
    command: 'node_modules/.bin/tsx',
    args: ['src/main.ts'],
    cwd: 'apps/api',
    label: '`tsx src/main.ts` (before)',
  },
} as const;
type Entry = keyof typeof ENTRIES;

interface Start {
  /** ms from spawn to each phase. */
  schemaReady: number | null;
  seeded: number | null;
  listening: number | null;
  firstResponse: number;
  /** CPU time of the process until the first response (user + system), ms. */
  cpu: number | null;
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

const load1 = () => must(loadavg()[0], 'the 1-minute load average');

/** user + system CPU so far of a process and its descendants (tsx runs the program in a child), from /proc; null where there is none. */
function cpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stats = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map((name) => {
        try {
          const afterName = readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1];
          if (afterName === undefined) return null; // not a stat line we can read
          const fields = afterName.split(' ');
          return { pid: Number(name), ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
        } catch {
          return null; // gone meanwhile
        }
      })
      .filter((s) => s !== null);
    const ours = new Set([pid]);
    for (let grew = true; grew;) {
      grew = false;
      for (const s of stats)
        if (ours.has(s.ppid) && !ours.has(s.pid)) {
          ours.add(s.pid);
          grew = true;
        }
    }
    return (stats.filter((s) => ours.has(s.pid)).reduce((sum, s) => sum + s.ticks, 0) * 1000) / 100;
  } catch {
    return null;
  }
}

async function startOnce(entry: Entry, dataDir: string, log: (line: string) => void): Promise<Start> {
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
  const { command, args, cwd } = ENTRIES[entry];
  const checkout = process.env.BENCH_COLD_START_CHECKOUT ?? repoRoot;
  const t0 = performance.now();
  const child = spawn(path.resolve(checkout, command), args, {
    cwd: path.join(checkout, cwd),
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const phases: Omit<Start, 'firstResponse' | 'cpu'> = { schemaReady: null, seeded: null, listening: null };
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
    const firstResponse = performance.now() - t0;
    const cpu = cpuMs(child.pid);
    const start = { ...phases, firstResponse, cpu };
    log(
      `    ${entry}: first response after ${int(start.firstResponse)} ms (listening at ${start.listening === null ? '?' : int(start.listening)} ms${cpu === null ? '' : `, ${int(cpu)} ms CPU`}; load ${load1().toFixed(1)})`,
    );
    return start;
  } finally {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  }
}

function entriesToRun(): Entry[] {
  const wanted = (process.env.BENCH_COLD_START ?? 'compiled,tsx').split(',').map((s) => s.trim());
  const unknown = wanted.filter((w) => !(w in ENTRIES));
  if (unknown.length) throw new Error(`BENCH_COLD_START: unknown ${unknown.join(', ')}; known: compiled, tsx`);
  return wanted as Entry[];
}

const scenario: Scenario = {
  name: 'cold-start',
  title: 'Cold start (embedded database)',
  measures:
    'spawn of `npm start` (compiled) and of `tsx src/main.ts` to the first successful GraphQL response: first run on an empty data dir (migrate + demo seed) and warm restart, medians of --repeats',
  databases: ['pglite'],
  usesBenchDatabase: false,
  async run(ctx) {
    const repeats = ctx.options.repeats;
    const rows: string[][] = [];
    const loads: number[] = [load1()];
    for (const entry of entriesToRun()) {
      const dir = path.join(repoRoot, `.data/bench/cold-start-${entry}`);
      const first: Start[] = [];
      const warm: Start[] = [];
      try {
        for (let i = 0; i < repeats; i++) {
          rmSync(dir, { recursive: true, force: true });
          ctx.log(`  ${entry}: first run ${i + 1}/${repeats} on an empty data dir (migrate + demo seed)`);
          first.push(await startOnce(entry, dir, ctx.log));
          loads.push(load1());
        }
        for (let i = 0; i < repeats; i++) {
          ctx.log(`  ${entry}: warm restart ${i + 1}/${repeats}`);
          warm.push(await startOnce(entry, dir, ctx.log));
          loads.push(load1());
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      const med = (starts: Start[], pick: (s: Start) => number | null) => {
        const xs = starts.map(pick).filter((x): x is number => x !== null);
        return xs.length ? int(median(xs)) : '–';
      };
      for (const [what, starts] of [
        ['first run (empty data dir)', first],
        ['warm restart', warm],
      ] as const)
        rows.push([
          ENTRIES[entry].label,
          what,
          med(starts, (s) => s.schemaReady),
          med(starts, (s) => s.seeded),
          med(starts, (s) => s.listening),
          `**${med(starts, (s) => s.firstResponse)}**`,
          med(starts, (s) => s.cpu),
          starts.map((s) => int(s.firstResponse)).join(', '),
        ]);
    }
    return {
      markdown: [
        `From \`spawn\` until \`shops(first: 1)\` answers 200 with data (NODE_ENV=production, SHOPWARDEN_DATA_DIR set, demo data: 50 shops); phases from the server's log lines; medians of ${repeats}. The first run starts on an empty data dir each time (initdb, migrations, demo seed, all by the server itself); the warm restarts reuse the data dir of the last first run. CPU is the user + system time of the process and its children (tsx runs the program in a child) until the first answer: on a loaded machine it says more than the wall time. Load average (1 min) during the runs: ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}.`,
        '',
        table(
          [
            'entry',
            'start',
            'schema checked / migrated (ms)',
            'demo data seeded (ms)',
            'listening (ms)',
            'first GraphQL response (ms)',
            'CPU to first response (ms)',
            'runs: first response (ms)',
          ],
          rows,
        ),
      ].join('\n'),
    };
  },
};
export default scenario;

/**
 * The scenario interface: one module per scenario in bench/scenarios/<name>.ts, default-exporting
 * a `Scenario`. The harness (bench/run.ts) prepares the benchmark database of each `--db` once,
 * then calls `run` of every selected scenario that supports that database, one after the other
 * (they share the machine), and puts each returned section under its title in the report.
 * bench/README.md documents it for authors of new scenarios.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchDatabase } from './database.ts';
import type { BenchOptions, DbKind } from './options.ts';

export interface ScenarioContext {
  /** The database this run is on. */
  kind: DbKind;
  /** The prepared benchmark database (migrated, seeded at the scale); undefined for scenarios with `usesBenchDatabase: false`. */
  db: BenchDatabase | undefined;
  /** The parsed command line (scale, load settings, servers…). */
  options: BenchOptions;
  /** Progress to stderr, prefixed with the scenario and database. */
  log(line: string): void;
}

/** What one server did under load, for the scenario's table and the memory table. */
export interface ServerMeasurement {
  server: string;
  label: string;
  role: 'api' | 'postgraphile' | 'raw';
  rps: number;
  p50: number;
  p99: number;
  statements: number;
  bytes: number;
  /** Requests that got no answer within the load generator's timeout, over the measured runs. */
  timeouts: number;
  /** Bytes, right after start and the largest sampled during the measured runs. */
  startRss: number;
  maxRss: number;
  /** Median CPU per answered request, ms: the server process, and every local PostgreSQL process. */
  cpuMs?: number;
  dbCpuMs?: number;
}

export interface ScenarioResult {
  /** Markdown under the scenario's heading: a line on what was measured, then tables. */
  markdown: string;
  /** Servers measured under load (the memory table collects them). */
  servers?: ServerMeasurement[];
  /** Checks that failed; printed in the section, and the harness exits non-zero. */
  failures?: string[];
}

export interface Scenario {
  /** Command-line name, kebab-case (`npm run bench -- <name>`). */
  name: string;
  /** Heading in the report. */
  title: string;
  /** One line: what it measures. */
  measures: string;
  /** Databases it runs on; on the others it is listed as skipped. */
  databases: readonly DbKind[];
  /** False when it makes its own data: the harness then does not seed the benchmark database for it. */
  usesBenchDatabase: boolean;
  run(ctx: ScenarioContext): Promise<ScenarioResult>;
}

/** The benchmark database of a scenario that declared `usesBenchDatabase: true`. */
export function benchDb(ctx: ScenarioContext): BenchDatabase {
  if (!ctx.db) throw new Error('this scenario needs the benchmark database (usesBenchDatabase: true)');
  return ctx.db;
}

export const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface ScriptScenarioOptions extends Omit<Scenario, 'run'> {
  /** Standalone script, relative to bench/ (tried in order: the first that exists runs). */
  scripts: string[];
}

/**
 * A scenario that runs a standalone script (`node --import tsx bench/<script>`): its stdout
 * (markdown) becomes the section, its stderr is progress, a non-zero exit is a failure. It is told
 * the run through the environment:
 *   BENCH_DB               postgres | pglite (run on this database only)
 *   BENCH_DATABASE_URL     PostgreSQL: the benchmark database (seeded) when usesBenchDatabase, else the server
 *   BENCH_SERVER_URL       PostgreSQL: the server, to create databases of its own
 *   BENCH_DATA_DIR         PGlite: the benchmark data dir (nothing else holds it while the script runs)
 *   BENCH_SHOPS, BENCH_LISTINGS, BENCH_VIOLATIONS, BENCH_ORDERS   the scale
 *   BENCH_RUNS, BENCH_SECONDS, BENCH_WARMUP, BENCH_CONNECTIONS, BENCH_REPEATS, BENCH_QUICK (1 or 0)
 */
export function scriptScenario(o: ScriptScenarioOptions): Scenario {
  const { scripts, ...scenario } = o;
  return {
    ...scenario,
    run(ctx) {
      const script = scripts.find((s) => existsSync(path.join(benchDir, s)));
      if (!script) throw new Error(`none of ${scripts.join(', ')} exists`);
      ctx.log(`running bench/${script}`);
      const { options: opt, db } = ctx;
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        BENCH_DB: ctx.kind,
        BENCH_DATABASE_URL: ctx.kind === 'postgres' ? (db?.url ?? opt.serverUrl) : '',
        BENCH_SERVER_URL: ctx.kind === 'postgres' ? opt.serverUrl : '',
        BENCH_DATA_DIR: db?.dataDir ?? '',
        BENCH_SHOPS: String(opt.scale.shops),
        BENCH_LISTINGS: String(opt.scale.listings),
        BENCH_VIOLATIONS: String(opt.scale.violations),
        BENCH_ORDERS: String(opt.scale.orders),
        BENCH_RUNS: String(opt.runs),
        BENCH_SECONDS: String(opt.seconds),
        BENCH_WARMUP: String(opt.warmup),
        BENCH_CONNECTIONS: String(opt.connections),
        BENCH_REPEATS: String(opt.repeats),
        BENCH_QUICK: opt.quick ? '1' : '0',
      };
      // The script decides where it runs; the test suites' variable must not point it elsewhere.
      delete env.TEST_DATABASE_URL;
      delete env.DATABASE_URL;
      return new Promise((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', path.join(benchDir, script)], {
          cwd: benchDir,
          env,
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
        child.once('exit', (code) => {
          const note = `Ran \`bench/${script}\`${script === scripts[0] ? '' : ` (bench/${scripts[0]} does not exist yet)`}.\n\n`;
          resolve({ markdown: note + out.trim(), failures: code === 0 ? [] : [`bench/${script} exited with ${code}`] });
        });
      });
    },
  };
}

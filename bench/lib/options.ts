/** The harness's command line: `npm run bench -- [scenario…] [flags]` (bench/README.md lists every flag). */
import { parseArgs } from 'node:util';

export type DbKind = 'postgres' | 'pglite';

/** Row counts of the benchmark database (totals, not per shop). */
export interface Scale {
  shops: number;
  listings: number;
  violations: number;
  orders: number;
  creators: number;
  contentItems: number;
}

/** Issue 8's target scale. */
export const TARGET_SCALE: Scale = {
  shops: 2_000,
  listings: 100_000,
  violations: 50_000,
  orders: 2_000_000,
  creators: 100_000,
  contentItems: 1_000_000,
};
/** `--quick`: small enough to seed in well under a minute, for smoke-testing the harness. */
export const QUICK_SCALE: Scale = {
  shops: 100,
  listings: 5_000,
  violations: 2_500,
  orders: 100_000,
  creators: 5_000,
  contentItems: 20_000,
};

export interface BenchOptions {
  /** Scenario names (or prefixes) as given; empty = every scenario. */
  scenarios: string[];
  dbs: DbKind[];
  scale: Scale;
  /** Reuse the database of this scale when a previous run completed it. */
  reuse: boolean;
  quick: boolean;
  /** Load runs per server (medians are reported). @default 3 (1 with --quick) */
  runs: number;
  /** Seconds per load run. @default 10 (3 with --quick) */
  seconds: number;
  /** Seconds of warm-up load before the measured runs. @default 2 (1 with --quick) */
  warmup: number;
  /** autocannon connections. @default 50 */
  connections: number;
  /** Repetitions of one-shot timings (tier recalculation, cold start). @default 5 (1 with --quick) */
  repeats: number;
  /** Server kinds for read scenarios (api, postgraphile, raw and the api variants). */
  servers: string[];
  /** Extra environment for our API's server (`--api-env KEY=VALUE,KEY=VALUE`). */
  apiEnv: Record<string, string>;
  /** Connections per server pool on PostgreSQL. @default 10 */
  pool: number;
  /** The PostgreSQL server the harness creates its database on. */
  serverUrl: string | undefined;
  help: boolean;
}

export const USAGE = `npm run bench -- [scenario…] [flags]

Scenarios (names or prefixes; default: all): see bench/README.md or --help.

  --db postgres|pglite|both   default: both when DATABASE_URL/BENCH_DATABASE_URL/TEST_DATABASE_URL is set, else pglite
  --shops N --listings N --violations N --orders N --creators N --content-items N
                              database scale (default 2000 / 100000 / 50000 / 2000000 / 100000 / 1000000)
  --reuse                     reuse the database of this scale if a previous run completed it
  --quick                     small scale (100 / 5000 / 2500 / 100000 / 5000 / 20000), 1 run of 3 s: a smoke test
  --runs N                    load runs per server, medians reported (3)
  --seconds N                 seconds per load run (10)
  --warmup N                  seconds of warm-up load first (2)
  --connections N             autocannon connections (50)
  --repeats N                 repetitions of one-shot timings: tier recalculation, cold start (5)
  --servers a,b,c             read-scenario servers (api,api-cached,postgraphile,raw; also api-redis,
                              api-resolvers, api-jit, api-nocache)
  --api-env K=V,K=V           extra environment for our API's server process
  --pool N                    pool size of each server on PostgreSQL (10)
`;

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value.replaceAll('_', ''));
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${value}`);
  return n;
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const { values: f, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      db: { type: 'string' },
      shops: { type: 'string' },
      listings: { type: 'string' },
      violations: { type: 'string' },
      orders: { type: 'string' },
      creators: { type: 'string' },
      'content-items': { type: 'string' },
      reuse: { type: 'boolean' },
      quick: { type: 'boolean' },
      runs: { type: 'string' },
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      repeats: { type: 'string' },
      servers: { type: 'string' },
      'api-env': { type: 'string' },
      pool: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const quick = f.quick ?? false;
  const base = quick ? QUICK_SCALE : TARGET_SCALE;
  const serverUrl = env.BENCH_DATABASE_URL || env.DATABASE_URL || env.TEST_DATABASE_URL || undefined;
  let dbs: DbKind[];
  switch (f.db ?? (serverUrl ? 'both' : 'pglite')) {
    case 'postgres':
      dbs = ['postgres'];
      break;
    case 'pglite':
      dbs = ['pglite'];
      break;
    case 'both':
      dbs = ['postgres', 'pglite'];
      break;
    default:
      throw new Error(`--db must be postgres, pglite or both, got ${f.db}`);
  }
  if (dbs.includes('postgres') && !serverUrl)
    throw new Error(
      '--db postgres needs a PostgreSQL server: set DATABASE_URL (or BENCH_DATABASE_URL / TEST_DATABASE_URL)',
    );
  const apiEnv: Record<string, string> = {};
  for (const pair of (f['api-env'] ?? '').split(',').filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at < 1) throw new Error(`--api-env takes KEY=VALUE pairs, got ${pair}`);
    apiEnv[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return {
    scenarios: positionals,
    dbs,
    scale: {
      shops: positiveInt('shops', f.shops, base.shops),
      listings: positiveInt('listings', f.listings, base.listings),
      violations: positiveInt('violations', f.violations, base.violations),
      orders: positiveInt('orders', f.orders, base.orders),
      creators: positiveInt('creators', f.creators, base.creators),
      contentItems: positiveInt('content-items', f['content-items'], base.contentItems),
    },
    reuse: f.reuse ?? false,
    quick,
    runs: positiveInt('runs', f.runs, quick ? 1 : 3),
    seconds: positiveInt('seconds', f.seconds, quick ? 3 : 10),
    warmup: positiveInt('warmup', f.warmup, quick ? 1 : 2),
    connections: positiveInt('connections', f.connections, 50),
    repeats: positiveInt('repeats', f.repeats, quick ? 1 : 5),
    servers: (f.servers ?? 'api,api-cached,postgraphile,raw')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    apiEnv,
    pool: positiveInt('pool', f.pool, 10),
    serverUrl,
    help: f.help ?? false,
  };
}

export const scaleKey = (s: Scale) =>
  `${s.shops}_${s.listings}_${s.violations}_${s.orders}_${s.creators}_${s.contentItems}`;

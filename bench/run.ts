/**
 * `npm run bench -- [scenario…] [flags]`: the benchmark harness of issue 8. Prepares the benchmark
 * database of each `--db` (seeded at the scale, or reused with --reuse), runs the selected
 * scenarios on it one after the other, prints progress to stderr and the report (markdown) to
 * stdout, and writes the same report to bench/results/latest.md. Exits non-zero when a scenario
 * failed or a same-data check did not hold. See bench/README.md and docs/benchmarks.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { prepareBenchDatabase, type BenchDatabase } from './lib/database.ts';
import { parseOptions, USAGE, type DbKind } from './lib/options.ts';
import { int, machine, mb, table } from './lib/report.ts';
import { benchDir, type Scenario, type ServerMeasurement } from './lib/scenario.ts';
import { SERVER_KINDS } from './lib/servers.ts';
import bulkReview from './scenarios/bulk-review.ts';
import catalogueRead from './scenarios/catalogue-read.ts';
import coldStart from './scenarios/cold-start.ts';
import computedFields from './scenarios/computed-fields.ts';
import graphiqlExplore from './scenarios/graphiql-explore.ts';
import healthReport from './scenarios/health-report.ts';
import latestReview from './scenarios/latest-review.ts';
import listingUpdate from './scenarios/listing-update.ts';
import matching from './scenarios/matching.ts';
import nodeLookup from './scenarios/node-lookup.ts';
import partialRead from './scenarios/partial-read.ts';
import partnerRead from './scenarios/partner-read.ts';
import reviewQueue from './scenarios/review-queue.ts';
import tierRecalc from './scenarios/tier-recalc.ts';
import varyingVariables from './scenarios/varying-variables.ts';
import webhooks from './scenarios/webhooks.ts';

/** Every scenario, in the order they run. */
const SCENARIOS: Scenario[] = [
  partnerRead,
  graphiqlExplore,
  reviewQueue,
  healthReport,
  matching,
  nodeLookup,
  varyingVariables,
  computedFields,
  latestReview,
  partialRead,
  catalogueRead,
  listingUpdate,
  tierRecalc,
  bulkReview,
  webhooks,
  coldStart,
];
/** `memory` is not a run of its own: the RSS of every server under load, collected from the read scenarios. */
const READ_SCENARIOS = [
  partnerRead,
  graphiqlExplore,
  reviewQueue,
  healthReport,
  matching,
  nodeLookup,
  varyingVariables,
  computedFields,
  latestReview,
  partialRead,
  catalogueRead,
  listingUpdate,
];

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

let options;
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (options.help) {
  process.stdout.write(
    `${USAGE}\n${table(
      ['scenario', 'databases', 'measures'],
      SCENARIOS.map((s) => [s.name, s.databases.join(', '), s.measures]),
    )}\n| memory | (read scenarios) | RSS of every server process under load, from the read scenarios of the run |\n`,
  );
  process.exit(0);
}

const unknownServers = options.servers.filter((name) => !SERVER_KINDS[name]);
if (unknownServers.length) {
  process.stderr.write(`unknown server ${unknownServers.join(', ')}; known: ${Object.keys(SERVER_KINDS).join(', ')}\n`);
  process.exit(2);
}

const selected = new Set<Scenario>();
let memoryTable = options.scenarios.length === 0;
for (const wanted of options.scenarios) {
  if (wanted === 'memory') {
    memoryTable = true;
    for (const s of READ_SCENARIOS) selected.add(s);
    continue;
  }
  const matches = SCENARIOS.filter((s) => s.name === wanted || s.name.startsWith(wanted));
  if (matches.length === 0) {
    process.stderr.write(`unknown scenario ${wanted}; known: ${SCENARIOS.map((s) => s.name).join(', ')}, memory\n`);
    process.exit(2);
  }
  for (const s of matches) selected.add(s);
}
const scenarios = options.scenarios.length === 0 ? SCENARIOS : SCENARIOS.filter((s) => selected.has(s));
memoryTable ||= scenarios.filter((s) => READ_SCENARIOS.includes(s)).length > 1;

const started = performance.now();
const host = machine();
const date = new Date();
const failures: string[] = [];
const sections: string[] = [];
const dbLabel: Record<DbKind, string> = { postgres: 'PostgreSQL', pglite: 'embedded database (PGlite)' };
const versions: string[] = [];

log(
  `scenarios: ${scenarios.map((s) => s.name).join(', ')}; databases: ${options.dbs.join(', ')}; scale ${int(options.scale.shops)} shops / ${int(options.scale.listings)} listings / ${int(options.scale.violations)} violations / ${int(options.scale.orders)} orders`,
);
for (const kind of options.dbs) {
  const here = scenarios.filter((s) => s.databases.includes(kind));
  const skipped = scenarios.filter((s) => !s.databases.includes(kind));
  const out: string[] = [`## ${dbLabel[kind]}`, ''];
  let db: BenchDatabase | undefined;
  if (here.some((s) => s.usesBenchDatabase)) {
    const t = performance.now();
    log(`[${kind}] preparing the benchmark database…`);
    try {
      db = await prepareBenchDatabase({
        kind,
        scale: options.scale,
        reuse: options.reuse,
        serverUrl: options.serverUrl,
        log: (l) => log(`[${kind}] ${l}`),
      });
    } catch (error) {
      failures.push(`${kind}: preparing the database failed: ${(error as Error).message}`);
      log(`[${kind}] preparing the database failed: ${(error as Error).stack}`);
      sections.push([...out, `**Failed** to prepare the database: ${(error as Error).message}`].join('\n'));
      continue;
    }
    const c = db.counts;
    log(`[${kind}] database ready in ${((performance.now() - t) / 1000).toFixed(0)} s: ${JSON.stringify(c)}`);
    versions.push(db.version);
    out.push(
      `${db.version}, ${db.where} (${int(db.sizeMb)} MB): **${int(c.shops)} shops, ${int(c.listings)} listings (${int(c.pendingReview)} pending review), ${int(c.violations)} violations, ${int(c.orders)} orders**; ` +
        (db.seededInSeconds === null
          ? `reused (seeded ${db.seededAt}).`
          : `seeded in ${db.seededInSeconds.toFixed(0)} s (demo seed of 50 shops, then set-based SQL top-up, VACUUM ANALYZE).`),
      '',
    );
  }
  if (kind === 'pglite' && here.some((s) => READ_SCENARIOS.includes(s)))
    out.push(
      'On the embedded database only our API runs: PostGraphile and the raw bound need a PostgreSQL server.',
      '',
    );
  const measured: { scenario: Scenario; servers: ServerMeasurement[] }[] = [];
  for (const scenario of here) {
    const t = performance.now();
    log(`[${kind}] ${scenario.name}: ${scenario.measures}`);
    out.push(`### ${scenario.title} (\`${scenario.name}\`)`, '');
    try {
      const result = await scenario.run({ kind, db, options, log: (l) => log(`[${kind}] [${scenario.name}] ${l}`) });
      out.push(result.markdown, '');
      if (result.servers?.length) measured.push({ scenario, servers: result.servers });
      for (const f of result.failures ?? []) failures.push(`${kind} ${scenario.name}: ${f}`);
    } catch (error) {
      failures.push(`${kind} ${scenario.name}: ${(error as Error).message}`);
      log(`[${kind}] ${scenario.name} failed: ${(error as Error).stack}`);
      out.push(`**Failed**: ${(error as Error).message}`, '');
    }
    log(`[${kind}] ${scenario.name} done in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  }
  if (memoryTable && measured.length) {
    out.push(
      '### Memory under load (`memory`)',
      '',
      'RSS of each server process, in MB: right after start → the largest sampled (every 250 ms) during the measured runs.',
      '',
    );
    const names = [...new Set(measured.flatMap((m) => m.servers.map((s) => s.label)))];
    out.push(
      table(
        ['server', ...measured.map((m) => m.scenario.name)],
        names.map((label) => [
          label,
          ...measured.map((m) => {
            const s = m.servers.find((x) => x.label === label);
            return s ? `${mb(s.startRss)} → ${mb(s.maxRss)}` : '–';
          }),
        ]),
      ),
      '',
    );
  }
  if (skipped.length)
    out.push(
      `Not on this database: ${skipped.map((s) => `\`${s.name}\` (${s.databases.join(', ')} only)`).join(', ')}.`,
      '',
    );
  sections.push(out.join('\n').trim());
}

const s = options.scale;
const header = [
  `# ShopWarden benchmark — ${date.toISOString().slice(0, 10)}`,
  '',
  `- **Date**: ${date.toISOString()}; wall time ${((performance.now() - started) / 1000).toFixed(0)} s.`,
  `- **Machine**: ${host.cores} cores (nproc), ${host.cpu}, ${host.memoryGb} GB, ${host.os}; Node ${host.node}; ${versions.join('; ') || 'no benchmark database'}; load average at the end ${machine().loadAverage} (at the start ${host.loadAverage}).`,
  `- **Scale**: ${int(s.shops)} shops, ${int(s.listings)} listings, ${int(s.violations)} violations, ${int(s.orders)} orders${options.quick ? ' (--quick)' : ''}.`,
  `- **Load**: autocannon, ${options.connections} connections, ${options.warmup} s warm-up, then ${options.runs} run${options.runs > 1 ? 's' : ''} of ${options.seconds} s per server, medians; each server in its own process, pool ${options.pool} on PostgreSQL${Object.keys(options.apiEnv).length ? `; API environment ${JSON.stringify(options.apiEnv)}` : ''}.`,
  `- **Command**: \`npm run bench -- ${process.argv.slice(2).join(' ')}\``,
  '',
  'Ratios: "req/s ÷ X" above 1 means more requests per second than X; "p99 ÷ X" below 1 means a shorter tail than X.',
];
const report = `${[header.join('\n'), ...sections, ...(failures.length ? [`## Failures\n\n${failures.map((f) => `- ${f}`).join('\n')}`] : [])].join('\n\n')}\n`;
process.stdout.write(`\n${report}`);
const resultsDir = path.join(benchDir, 'results');
mkdirSync(resultsDir, { recursive: true });
writeFileSync(path.join(resultsDir, 'latest.md'), report);
log(
  `report written to ${path.relative(process.cwd(), path.join(resultsDir, 'latest.md'))}; done in ${((performance.now() - started) / 1000).toFixed(0)} s${failures.length ? `; ${failures.length} failure(s)` : ''}`,
);
process.exit(failures.length ? 1 : 0);

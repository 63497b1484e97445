/**
 * A read scenario, side by side: our API, PostGraphile 5 and the raw bound (on PostgreSQL; on
 * PGlite only our API), on the same database and the same logical query, runs alternated.
 * Checks that the raw bound answers exactly our API's `data` and that PostGraphile names the same
 * rows, then builds the table with the ratios.
 */
import { isDeepStrictEqual } from 'node:util';
import { measureAlternated, measured, statementsPerRequest, TIMEOUT_S } from './load.ts';
import { cpu, int, mb, ms, ratio, statements, table } from './report.ts';
import { must } from './must.ts';
import { benchDb, type ScenarioContext, type ScenarioResult, type ServerMeasurement } from './scenario.ts';
import {
  graphqlRequest,
  jsonHeaders,
  post,
  SERVER_KINDS,
  startServer,
  type GraphqlRequest,
  type RunningServer,
} from './servers.ts';

export interface ReadDefinition {
  /** Our API's operation. */
  api: {
    query: string;
    variables?: Record<string, unknown>;
    apiKey: string;
    /** The variables of the i-th request, when every request differs (request 0 is the one checked). */
    vary?: (i: number) => Record<string, unknown>;
  };
  /** The same logical query for PostGraphile, when it can express it, and how to compare its rows with ours. */
  postgraphile?: {
    query: string;
    variables?: Record<string, unknown>;
    vary?: (i: number) => Record<string, unknown>;
    /** Both sides reduced to the same comparable shape (e.g. nested arrays of row ids). */
    rows: { ours(data: unknown): unknown; theirs(data: unknown): unknown };
  };
  /** The raw bound: ONE statement returning the whole response body, `{"data":…}` equal to our API's. */
  raw?: { name: string; text: string; values: unknown[] };
  /** A check of our API's `data` (returns what is wrong, or undefined). */
  verify?(data: unknown): string | undefined;
  /** A sentence under the table (what the query is). */
  description: string;
}

interface Measured extends ServerMeasurement {
  data: unknown;
}

const firstDifference = (a: unknown, b: unknown, at = 'data'): string => {
  if (isDeepStrictEqual(a, b)) return '';
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference(
        (a as Record<string, unknown>)[key],
        (b as Record<string, unknown>)[key],
        `${at}.${key}`,
      );
      if (d) return d;
    }
  }
  return `${at}: ${JSON.stringify(a)?.slice(0, 200)} ≠ ${JSON.stringify(b)?.slice(0, 200)}`;
};

export async function compareRead(ctx: ScenarioContext, def: ReadDefinition): Promise<ScenarioResult> {
  const db = benchDb(ctx);
  const { options: o } = ctx;
  const failures: string[] = [];
  const rows: Measured[] = [];
  const skipped: string[] = [];
  // Every server started first, then measured in alternated runs (measureAlternated).
  const started: { name: string; kind: (typeof SERVER_KINDS)[string]; req: GraphqlRequest; server: RunningServer }[] =
    [];
  try {
    for (const name of o.servers) {
      const kind = SERVER_KINDS[name];
      if (!kind) throw new Error(`unknown server ${name}; known: ${Object.keys(SERVER_KINDS).join(', ')}`);
      if (kind.role !== 'api' && db.kind !== 'postgres') {
        skipped.push(`${kind.label}: needs PostgreSQL`);
        continue;
      }
      let req: GraphqlRequest;
      if (kind.role === 'api') req = graphqlRequest(def.api.query, def.api.variables, def.api.apiKey, def.api.vary);
      else if (kind.role === 'postgraphile') {
        if (!def.postgraphile) {
          skipped.push(`${kind.label}: cannot express this query`);
          continue;
        }
        req = graphqlRequest(def.postgraphile.query, def.postgraphile.variables, undefined, def.postgraphile.vary);
      } else {
        if (!def.raw) {
          skipped.push(`${kind.label}: none written for this query`);
          continue;
        }
        req = { headers: { ...jsonHeaders }, body: '{}' };
      }
      ctx.log(`  starting ${kind.label}…`);
      const server = await startServer(kind, db, { pool: o.pool, apiEnv: o.apiEnv, raw: def.raw });
      started.push({ name, kind, req, server });
    }
    const samples: { data: unknown; bytes: number; statements: number }[] = [];
    for (const { kind, req, server } of started) {
      const sample = await post(server.url, req);
      const parsed = JSON.parse(sample) as { data?: unknown; errors?: unknown };
      if (parsed.errors || !parsed.data) throw new Error(`${kind.label} answered ${sample.slice(0, 800)}`);
      samples.push({
        data: parsed.data,
        bytes: Buffer.byteLength(sample),
        statements: await statementsPerRequest(server, req),
      });
    }
    const loads = await measureAlternated(
      started.map(({ server, req }) => ({ server, req })),
      o,
      ctx.log,
    );
    started.forEach(({ name, kind, server }, i) => {
      const load = must(loads[i], `the load figures of ${kind.label}`);
      const sample = must(samples[i], `the sample answer of ${kind.label}`);
      rows.push({
        server: name,
        label: kind.label,
        role: kind.role,
        ...measured(load, sample, server.startRss),
        data: sample.data,
      });
    });
  } catch (error) {
    // "fetch failed" says less than the server's own end.
    const gone = started.find((s) => s.server.gone);
    throw gone ? new Error(`${gone.server.gone} during the measurement`, { cause: error }) : error;
  } finally {
    await Promise.all(started.map((s) => s.server.stop()));
  }

  // Same data: the raw bound exactly our API's `data`; PostGraphile the same rows.
  const api = rows.find((r) => r.role === 'api');
  const checks: string[] = [];
  if (api) {
    const wrong = def.verify?.(api.data);
    if (wrong) failures.push(wrong);
    const raw = rows.find((r) => r.role === 'raw');
    if (raw) {
      const diff = firstDifference(api.data, raw.data);
      if (diff) failures.push(`the raw bound does not answer our API's data: ${diff}`);
      else checks.push("the raw bound's `data` deep-equals our API's");
    }
    const pgl = rows.find((r) => r.role === 'postgraphile');
    if (pgl && def.postgraphile) {
      const diff = firstDifference(
        def.postgraphile.rows.ours(api.data),
        def.postgraphile.rows.theirs(pgl.data),
        'rows',
      );
      if (diff) failures.push(`PostGraphile does not return the same rows as our API: ${diff}`);
      else checks.push('PostGraphile returns the same rows');
    }
    for (const other of rows.filter((r) => r.role === 'api' && r !== api)) {
      if (!isDeepStrictEqual(api.data, other.data))
        failures.push(`${other.label} answers different data from ${api.label}`);
    }
  }

  const pgl = rows.find((r) => r.role === 'postgraphile');
  const raw = rows.find((r) => r.role === 'raw');
  const body = table(
    [
      'server',
      'req/s',
      'p50 ms',
      'p99 ms',
      'SQL per request',
      'response bytes',
      'RSS MB (start → max under load)',
      'CPU ms/request: server / PostgreSQL',
      'req/s ÷ PostGraphile',
      'req/s ÷ raw',
      'p99 ÷ PostGraphile',
      'p99 ÷ raw',
    ],
    rows.map((r) => [
      r.label,
      int(r.rps),
      ms(r.p50),
      ms(r.p99),
      statements(r.statements),
      int(r.bytes),
      `${mb(r.startRss)} → ${mb(r.maxRss)}`,
      cpu(r),
      ratio(r.rps, pgl?.rps),
      ratio(r.rps, raw?.rps),
      ratio(r.p99, pgl?.p99),
      ratio(r.p99, raw?.p99),
    ]),
  );
  const notes = [
    def.description,
    '',
    body,
    '',
    ...rows
      .filter((r) => r.timeouts > 0)
      .map(
        (r) =>
          `${r.label}: ${int(r.timeouts)} requests got no answer within ${TIMEOUT_S} s (left out of the latencies).`,
      ),
    ...(skipped.length ? [`Not run here: ${skipped.join('; ')}.`] : []),
    ...(checks.length ? [`Checked: ${checks.join('; ')}.`] : []),
    ...failures.map((f) => `**Check failed**: ${f}`),
  ];
  return { markdown: notes.join('\n').trim(), servers: rows.map(({ data: _data, ...m }) => m), failures };
}

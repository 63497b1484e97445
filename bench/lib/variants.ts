/**
 * Reads of one document in variants (each the previous one without some fields) on our API alone:
 * every API server of `--servers` in turn, the variants in alternated runs on that one server, each
 * beside the next — for fields PostGraphile cannot express, compared with the read without them.
 */
import { DEMO_KEYS } from '@shopwarden/db/seed';
import { measureAlternated, measured, median, statementsPerRequest } from './load.ts';
import { must } from './must.ts';
import { int, mb, ms, ratio, statements, table } from './report.ts';
import { benchDb, type ScenarioContext, type ServerMeasurement } from './scenario.ts';
import { graphqlRequest, post, SERVER_KINDS, startServer } from './servers.ts';

export interface ReadVariant {
  /** Names the variant in the tables, e.g. "with reviewerRole". */
  label: string;
  query: string;
}

/** Req/s of run i of variant `a` over run i of variant `b`, per run pair. */
export type RunPairs = (a: number, b: number) => number[];

export interface VariantsOptions {
  variants: readonly ReadVariant[];
  /** The variables of request i (as the admin; every variant reads `data.shop`). */
  vary: (i: number) => Record<string, unknown>;
  /** The line under a server's table, from its run pairs. */
  summary: (pairs: RunPairs) => string;
}

export interface VariantsResult {
  lines: string[];
  servers: ServerMeasurement[];
  failures: string[];
}

/** Measures the variants on each API server; `lines` are a table and a summary per server. */
export async function measureVariants(ctx: ScenarioContext, o: VariantsOptions): Promise<VariantsResult> {
  const db = benchDb(ctx);
  const kinds = ctx.options.servers.flatMap((name) => {
    const kind = SERVER_KINDS[name];
    return kind?.role === 'api' ? [kind] : [];
  });
  const result: VariantsResult = { lines: [], servers: [], failures: [] };
  for (const kind of kinds) {
    ctx.log(`  starting ${kind.label}…`);
    const server = await startServer(kind, db, { pool: ctx.options.pool, apiEnv: ctx.options.apiEnv });
    try {
      const reqs = o.variants.map((v) => graphqlRequest(v.query, undefined, DEMO_KEYS.admin, o.vary));
      const samples: { bytes: number; statements: number }[] = [];
      for (const req of reqs) {
        const text = await post(server.url, req);
        const parsed = JSON.parse(text) as { data?: { shop: unknown }; errors?: unknown };
        if (parsed.errors || !parsed.data?.shop) result.failures.push(`${kind.label} answered ${text.slice(0, 500)}`);
        samples.push({ bytes: Buffer.byteLength(text), statements: await statementsPerRequest(server, req) });
      }
      const loads = await measureAlternated(
        reqs.map((req) => ({ server, req })),
        ctx.options,
        ctx.log,
      );
      const rows = loads.map((load, i): ServerMeasurement => {
        const sample = must(samples[i], 'the sample answer');
        return {
          server: kind.name,
          label: `${kind.label}, ${must(o.variants[i], 'a variant').label}`,
          role: 'api',
          ...measured(load, sample, server.startRss),
        };
      });
      result.servers.push(...rows);
      // Run i of the variants ran back to back: their ratio is the least touched by the machine's other load.
      const pairs: RunPairs = (a, b) =>
        must(loads[a], 'a read').runs.map((run, i) => run.rps / must(loads[b]?.runs[i], 'the read without').rps);
      result.lines.push(
        table(
          [
            'read',
            'req/s',
            'p50 ms',
            'p99 ms',
            'SQL per request',
            'response bytes',
            'RSS MB',
            'req/s ÷ next',
            'p99 ÷ next',
          ],
          rows.map((r, i) => [
            `${kind.label}: **${must(o.variants[i], 'a variant').label}**`,
            int(r.rps),
            ms(r.p50),
            ms(r.p99),
            statements(r.statements),
            int(r.bytes),
            `${mb(r.startRss)} → ${mb(r.maxRss)}`,
            ratio(r.rps, rows[i + 1]?.rps),
            ratio(r.p99, rows[i + 1]?.p99),
          ]),
        ),
        '',
        o.summary(pairs),
        '',
      );
    } finally {
      await server.stop();
    }
  }
  return result;
}

/** Per run pair and their median, as the summaries print them. */
export const pairLine = (pairs: number[]) =>
  `${pairs.map((r) => r.toFixed(2)).join(', ')}, median **${median(pairs).toFixed(2)}**`;

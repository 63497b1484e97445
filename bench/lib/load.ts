/**
 * Load runs with autocannon: a warm-up, then N runs of S seconds with C connections; medians of
 * req/s, p50 and p99 across the runs. The server's RSS is sampled every 250 ms during the runs.
 */
import autocannon from 'autocannon';
import { readdirSync, readFileSync } from 'node:fs';
import { must } from './must.ts';
import { post, type GraphqlRequest, type RunningServer } from './servers.ts';

export interface LoadOptions {
  runs: number;
  seconds: number;
  warmup: number;
  connections: number;
}

export interface RunFigures {
  rps: number;
  p50: number;
  p99: number;
  /** Requests without an answer within TIMEOUT_S (not in the latencies). */
  timeouts: number;
  /** The server process's CPU per answered request, ms (PGlite's work included: it runs inside). */
  cpuMs: number;
  /** PostgreSQL's CPU per answered request, ms: every local `postgres` process; undefined when not measurable. */
  dbCpuMs: number | undefined;
}

/** autocannon's per-request timeout: long enough that a slow server is measured, not cut off. */
export const TIMEOUT_S = 30;

export interface LoadFigures extends RunFigures {
  runs: RunFigures[];
  /** Timeouts summed over the measured runs. */
  timeouts: number;
  /** Largest RSS sampled during the measured runs, in bytes. */
  maxRss: number;
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const upper = must(s[mid], 'the median of no values');
  return s.length % 2 ? upper : (must(s[mid - 1], 'the lower middle value') + upper) / 2;
};

/** Where the next varying request starts: never the same variables twice in a benchmark. */
let sent = 0;

async function cannon(url: string, req: GraphqlRequest, seconds: number, connections: number) {
  const bodyOf = req.bodyOf;
  const result = await autocannon({
    url,
    method: 'POST',
    connections,
    duration: seconds,
    timeout: TIMEOUT_S,
    headers: req.headers,
    body: req.body,
    ...(bodyOf ? { requests: [{ setupRequest: (r: object) => ({ ...r, body: bodyOf(++sent) }) }] } : {}),
  });
  // A wrong answer (throttled, failed) or a broken connection makes the figures meaningless; a slow answer is a figure.
  if (result.non2xx > 0 || result.errors > result.timeouts) {
    throw new Error(
      `${result.non2xx} non-2xx responses and ${result.errors - result.timeouts} connection errors from ${url}`,
    );
  }
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    timeouts: result.timeouts,
    answered: result.requests.total,
  };
}

/** CPU time of each local `postgres` process by pid, in ms (Linux /proc; ticks of 10 ms); undefined elsewhere. */
function postgresCpuMs(): Map<string, number> | undefined {
  let dirs: string[];
  try {
    dirs = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return undefined;
  }
  const cpu = new Map<string, number>();
  for (const pid of dirs) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      if (stat.slice(stat.indexOf('(') + 1, close) !== 'postgres') continue;
      const fields = stat.slice(close + 2).split(' ');
      cpu.set(pid, (Number(fields[11]) + Number(fields[12])) * 10); // utime, stime
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return cpu.size ? cpu : undefined;
}

/** PostgreSQL's CPU between two readings: the processes alive at the end (one that exited meanwhile is left out). */
function postgresCpuSince(before: Map<string, number> | undefined, after: Map<string, number> | undefined) {
  if (!before || !after) return undefined;
  let ms = 0;
  for (const [pid, cpu] of after) ms += cpu - (before.get(pid) ?? 0);
  return ms;
}

const divide = (ms: number | undefined, by: number) => (ms === undefined ? undefined : ms / by);

/** A server and the request it answers, for alternated runs. */
export interface LoadSubject {
  server: RunningServer;
  req: GraphqlRequest;
}

/**
 * Load runs of several servers, alternated run by run (A B C, B C A, C A B…), so a
 * change in the machine's load touches every server alike.
 */
export async function measureAlternated(
  subjects: LoadSubject[],
  o: LoadOptions,
  log: (line: string) => void,
): Promise<LoadFigures[]> {
  const drain = (s: LoadSubject) => post(s.server.url, s.req);
  for (const s of subjects) {
    if (o.warmup > 0) {
      await cannon(s.server.url, s.req, o.warmup, o.connections);
      await drain(s);
    }
  }
  const measured = subjects.map((subject) => ({ subject, runs: [] as RunFigures[], maxRss: 0 }));
  for (let i = 0; i < o.runs; i++) {
    const from = i % measured.length;
    for (const m of [...measured.slice(from), ...measured.slice(0, from)]) {
      const { server, req } = m.subject;
      const sampler = setInterval(() => {
        server.stats().then(
          (st) => (m.maxRss = Math.max(m.maxRss, st.rss)),
          () => {},
        );
      }, 250);
      try {
        const cpuBefore = (await server.stats()).cpu;
        const dbBefore = postgresCpuMs();
        const { answered, ...figures } = await cannon(server.url, req, o.seconds, o.connections);
        const cpuAfter = (await server.stats()).cpu;
        const dbAfter = postgresCpuMs();
        const run: RunFigures = {
          ...figures,
          cpuMs: answered ? (cpuAfter - cpuBefore) / 1000 / answered : 0,
          dbCpuMs: answered ? divide(postgresCpuSince(dbBefore, dbAfter), answered) : undefined,
        };
        if (run.rps === 0)
          throw new Error(
            `${server.kind.label} answered no request in ${o.seconds} s: give it longer runs (--seconds)`,
          );
        m.runs.push(run);
        log(
          `    ${server.kind.name} run ${i + 1}/${o.runs}: ${Math.round(run.rps)} req/s, p50 ${run.p50} ms, p99 ${run.p99} ms, CPU ${run.cpuMs.toFixed(2)} ms/req (PostgreSQL ${run.dbCpuMs?.toFixed(2) ?? '–'})${run.timeouts ? `, ${run.timeouts} timeouts (> ${TIMEOUT_S} s)` : ''}`,
        );
      } finally {
        clearInterval(sampler);
      }
      m.maxRss = Math.max(m.maxRss, (await server.stats()).rss);
      await drain(m.subject);
    }
  }
  return measured.map(({ runs: r, maxRss }) => ({
    rps: median(r.map((x) => x.rps)),
    p50: median(r.map((x) => x.p50)),
    p99: median(r.map((x) => x.p99)),
    timeouts: r.reduce((n, x) => n + x.timeouts, 0),
    cpuMs: median(r.map((x) => x.cpuMs)),
    dbCpuMs: r.every((x) => x.dbCpuMs !== undefined) ? median(r.map((x) => x.dbCpuMs ?? 0)) : undefined,
    runs: r,
    maxRss,
  }));
}

/** What every table reports of a server's load runs and its sample answer (a `ServerMeasurement` less its names). */
export function measured(load: LoadFigures, sample: { statements: number; bytes: number }, startRss: number) {
  return {
    rps: load.rps,
    p50: load.p50,
    p99: load.p99,
    statements: sample.statements,
    bytes: sample.bytes,
    timeouts: load.timeouts,
    startRss,
    maxRss: load.maxRss,
    cpuMs: load.cpuMs,
    dbCpuMs: load.dbCpuMs,
  };
}

/** SQL statements per request: sequential requests after a warm-up, counted inside the server process. */
export async function statementsPerRequest(server: RunningServer, req: GraphqlRequest, probes = 20): Promise<number> {
  const nth = (i: number) => (req.bodyOf ? { ...req, body: req.bodyOf(1_000_000 + i) } : req);
  for (let i = 0; i < 5; i++) await post(server.url, nth(i));
  const before = await server.stats();
  for (let i = 0; i < probes; i++) await post(server.url, nth(5 + i));
  const after = await server.stats();
  return (after.statements - before.statements) / probes;
}

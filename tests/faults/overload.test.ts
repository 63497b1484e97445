/**
 * Overload from outside, on a real API process over its own PostgreSQL: an exhausted connection pool
 * (`/health` at once, `/ready` 503 within 1 s), and fragment bombs or slowloris connections sent
 * beside a normal load, whose p99 stays within 2× of a baseline measured in the same test.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { applyMigrations, createDatabase } from '@shopwarden/db';
import { createShop, createWorld } from '../support/fixtures.ts';
import {
  codes,
  graphql,
  percentile,
  PostgresCluster,
  request,
  skipReason,
  startApi,
  until,
  type Answer,
  type ApiProcess,
} from './support.ts';

const reason = skipReason({ postgres: true });
const READ = '{ shops(first: 5) { edges { node { name primaryCategory { name } } } } }';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const p99 = (answers: Answer[]) =>
  percentile(
    answers.map((a) => a.ms),
    99,
  );
const ok = (a: Answer) => a.status === 200 && !a.body.includes('"errors"');

/** `{ ...F0 } fragment F0 on Query { ...F1 ...F1 } … fragment Fn on Query { __typename }`: 2^n fields once expanded. */
function fragmentBomb(n: number): string {
  let text = '{ ...F0 } ';
  for (let i = 0; i < n; i++) text += `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} } `;
  return `${text}fragment F${n} on Query { __typename }`;
}

/** A normal load for `ms`: 4 clients each sending a read 50 ms after the last answer (paced, so the server has headroom). */
async function normalLoad(api: ApiProcess, key: string, ms: number, during?: () => Promise<void>): Promise<Answer[]> {
  const answers: Answer[] = [];
  const deadline = performance.now() + ms;
  const client = async () => {
    while (performance.now() < deadline) {
      answers.push(await graphql(api.base, key, READ, { timeoutMs: 10_000 }));
      await sleep(50);
    }
  };
  await Promise.all([...Array.from({ length: 4 }, client), during?.()]);
  return answers;
}

describe.skipIf(reason)(`overload from outside${reason ? ` (skipped: ${reason})` : ''}`, () => {
  let cluster: PostgresCluster;
  let url: string;
  let key: string;

  beforeAll(async () => {
    cluster = await PostgresCluster.create();
    url = await cluster.createDatabase('sw_faults_overload');
    const db = await createDatabase({
      kind: 'postgres',
      url,
      poolSize: 2,
      statementTimeoutMs: 8_000,
      connectionTimeoutMs: 5_000,
    });
    await applyMigrations(db.migrationAdapterFactory);
    key = (await createWorld(db.prisma)).adminKey;
    for (let i = 0; i < 5; i++) await createShop(db.prisma, `Shop ${i}`);
    await db.close();
  });
  afterAll(async () => cluster?.destroy());

  it('with its pool exhausted, /health answers at once and /ready says 503 within 1 s', async () => {
    const api = await startApi({
      DATABASE_URL: url,
      DATABASE_POOL_SIZE: '2',
      DATABASE_CONNECTION_TIMEOUT_MS: '3000',
      WORKER: 'off',
      RESPONSE_CACHE: 'false',
      RATE_LIMIT_CAPACITY: '100000000',
      MAX_CONCURRENT_PER_KEY: '1000',
    });
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      for (let i = 0; i < 5; i++) expect(ok(await graphql(api.base, key, READ))).toBe(true);
      expect((await request(`${api.base}/ready`, {})).status).toBe(200);
      const healthBefore: number[] = [];
      for (let i = 0; i < 10; i++) healthBefore.push((await request(`${api.base}/health`, {})).ms);
      // Every read now waits on the locked table, holding both pool connections; the rest wait for the pool.
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE "Shop" IN ACCESS EXCLUSIVE MODE');
      const stuck = Array.from({ length: 10 }, () => graphql(api.base, key, READ, { timeoutMs: 20_000 }));
      // Asked on a connection of its own: inside the holder's transaction the statistics would stay as first read.
      const waiting = async () =>
        (
          await cluster.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = 'sw_faults_overload'`,
          )
        ).rows[0].n as number;
      await until(async () => (await waiting()) >= 2, 20_000, 'both pool connections waiting on the lock');
      const health: number[] = [];
      for (let i = 0; i < 10; i++) {
        const answer = await request(`${api.base}/health`, { timeoutMs: 5_000 });
        expect(answer.status).toBe(200);
        health.push(answer.ms);
      }
      const ready: number[] = [];
      for (let i = 0; i < 3; i++) {
        const answer = await request(`${api.base}/ready`, { timeoutMs: 5_000 });
        expect(answer.status).toBe(503);
        ready.push(answer.ms);
      }
      console.info(
        `[faults] pool exhausted: /health ${health.map(Math.round)} ms (idle pool: median ${Math.round(percentile(healthBefore, 50))} ms), /ready 503 in ${ready.map(Math.round)} ms`,
      );
      // A probe is a few milliseconds of work: the median under 50 ms, or (on a machine so loaded that it is not
      // even with an idle pool) within twice the median measured just before.
      expect(percentile(health, 50)).toBeLessThan(Math.max(50, 2 * percentile(healthBefore, 50)));
      expect(Math.max(...health)).toBeLessThan(1_000);
      expect(Math.max(...ready)).toBeLessThan(1_000);
      // A request that cannot get a pool connection in time is told to retry.
      const late = await graphql(api.base, key, READ, { timeoutMs: 20_000 });
      expect(late.status).toBe(503);
      expect(late.headers['retry-after']).toBeDefined();
      expect(codes([late])).toEqual({ SERVICE_UNAVAILABLE: 1 });
      await holder.query('ROLLBACK');
      const answers = await Promise.all(stuck);
      // Those that waited for the pool past its timeout were told to retry; none failed otherwise.
      expect(answers.filter((a) => !ok(a) && !(a.status === 503 && a.headers['retry-after']))).toEqual([]);
      await until(async () => (await request(`${api.base}/ready`, {})).status === 200, 5_000, '/ready 200 again');
    } finally {
      await holder.end().catch(() => undefined);
      await api.destroy();
    }
  }, 120_000);

  describe('beside a normal load', () => {
    let api: ApiProcess;
    beforeAll(async () => {
      api = await startApi({
        DATABASE_URL: url,
        DATABASE_POOL_SIZE: '10',
        WORKER: 'off',
        RESPONSE_CACHE: 'false',
        RATE_LIMIT_CAPACITY: '100000000',
        MAX_CONCURRENT_PER_KEY: '1000',
        HTTP_HEADERS_TIMEOUT_MS: '2000',
        HTTP_REQUEST_TIMEOUT_MS: '4000',
      });
      // A warm process: the first requests compile query plans.
      await normalLoad(api, key, 2_000);
    });
    afterAll(async () => api?.destroy());

    it('refuses fragment bombs at once while the normal load keeps its p99 within 2× of its baseline', async () => {
      const baseline = await normalLoad(api, key, 3_000);
      const bombs: Answer[] = [];
      const under = await normalLoad(api, key, 3_000, async () => {
        // One attacker sending bombs back to back: 24, 60 and 1,000 fragments, with and without a key.
        const deadline = performance.now() + 3_000;
        for (let i = 0; performance.now() < deadline; i++) {
          bombs.push(await graphql(api.base, i % 2 ? null : key, fragmentBomb([24, 60, 1000][i % 3]!)));
        }
      });
      const after = await normalLoad(api, key, 3_000);
      console.info(
        `[faults] fragment bombs: ${bombs.length} refused (p99 ${Math.round(p99(bombs))} ms); normal p99 ${Math.round(p99(baseline))}/${Math.round(p99(after))} ms alone (before/after), ${Math.round(p99(under))} ms beside them (${under.length} reads)`,
      );
      expect(bombs.length).toBeGreaterThan(5);
      expect(codes(bombs)).toEqual({ LIMIT_EXCEEDED: bombs.length });
      expect([...baseline, ...under, ...after].every(ok), JSON.stringify(codes(under))).toBe(true);
      expect(under.length).toBeGreaterThan(20);
      expect(p99(under)).toBeLessThanOrEqual(2 * Math.max(p99(baseline), p99(after)) + 50);
    }, 60_000);

    it('keeps serving the normal load while slowloris connections dribble, and cuts those off', async () => {
      const baseline = await normalLoad(api, key, 3_000);
      const slow: { closedAfter: Promise<number> }[] = [];
      const under = await normalLoad(api, key, 4_000, async () => {
        for (let i = 0; i < 200; i++) {
          const started = performance.now();
          const socket = net.connect(api.port, '127.0.0.1');
          socket.on('error', () => undefined);
          // Half send headers that never end, half a body that never ends.
          socket.write(
            i % 2
              ? 'POST /graphql HTTP/1.1\r\nHost: localhost\r\n'
              : 'POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{',
          );
          const timer = setInterval(() => socket.writable && socket.write(i % 2 ? 'x' : ' '), 1_000);
          slow.push({
            closedAfter: new Promise((resolve) =>
              socket.on('close', () => {
                clearInterval(timer);
                resolve(performance.now() - started);
              }),
            ),
          });
        }
      });
      const closedAfter = await Promise.race([
        Promise.all(slow.map((s) => s.closedAfter)),
        sleep(20_000).then(() => null),
      ]);
      const after = await normalLoad(api, key, 3_000);
      console.info(
        `[faults] slowloris: 200 dribbling connections closed after ${closedAfter ? `${Math.round(Math.min(...closedAfter))}–${Math.round(Math.max(...closedAfter))} ms` : 'never'}; normal p99 ${Math.round(p99(baseline))}/${Math.round(p99(after))} ms alone (before/after), ${Math.round(p99(under))} ms beside them (${under.length} reads)`,
      );
      // Cut off by the server's timeouts (tests/http-timeouts.test.ts checks them exactly): none left open 20 s on.
      expect(closedAfter, 'every slow connection cut off').not.toBeNull();
      expect([...baseline, ...under, ...after].every(ok), JSON.stringify(codes(under))).toBe(true);
      expect(under.length).toBeGreaterThan(20);
      expect(p99(under)).toBeLessThanOrEqual(2 * Math.max(p99(baseline), p99(after)) + 50);
    }, 60_000);
  });
});

/**
 * The API process's life cycle under load: SIGTERM drains 50 keep-alive connections without
 * failing a request in flight and exits well within 25 s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, createDatabase, type DatabaseTarget } from '@shopwarden/db';
import { createShop, createWorld } from '../support/fixtures.ts';
import { codes, graphql, PostgresCluster, runLoad, skipReason, startApi, type Answer } from './support.ts';

const reason = skipReason({ postgres: true });
const READ = '{ shops(first: 20) { edges { node { name primaryCategory { name } } } } }';

// The embedded database runs in the API's own thread (its event loop is busy, so requests wait unread in sockets); PostgreSQL does not.
describe.skipIf(reason).each(['pglite', 'postgres'] as const)(
  `the API process under load (%s)${reason ? ` (skipped: ${reason})` : ''}`,
  (kind) => {
    let cluster: PostgresCluster | undefined;
    let dataDir: string | undefined;
    let env: Record<string, string>;
    let key: string;

    beforeAll(async () => {
      let target: DatabaseTarget;
      if (kind === 'postgres') {
        cluster = await PostgresCluster.create();
        const url = await cluster.createDatabase('sw_faults_lifecycle');
        target = { kind, url, poolSize: 2, statementTimeoutMs: 8_000, connectionTimeoutMs: 5_000 };
        env = { DATABASE_URL: url, DATABASE_POOL_SIZE: '10' };
      } else {
        dataDir = mkdtempSync(path.join(tmpdir(), 'sw-faults-pglite-'));
        target = { kind, dataDir };
        env = { SHOPWARDEN_DATA_DIR: dataDir };
      }
      const db = await createDatabase(target);
      await applyMigrations(db.migrationAdapterFactory);
      key = (await createWorld(db.prisma)).adminKey;
      for (let i = 0; i < 20; i++) await createShop(db.prisma, `Shop ${i}`);
      await db.close();
    });
    afterAll(async () => {
      await cluster?.destroy();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('drains 50 keep-alive connections on SIGTERM: no request in flight fails, and it exits within 25 s', async () => {
      const api = await startApi({
        ...env,
        BULK_WORKER: 'false',
        RESPONSE_CACHE: 'false',
        RATE_LIMIT_CAPACITY: '100000000',
        MAX_CONCURRENT_PER_KEY: '1000',
        // No grace before the listener closes: the requests on their way over the open connections must still be answered.
        SHUTDOWN_DELAY_MS: '0',
      });
      const agent = new http.Agent({ keepAlive: true, maxSockets: 50 });
      // A warm process (the first requests compile Prisma's query plans and the compiled reads: seconds on a loaded machine).
      await Promise.all(Array.from({ length: 50 }, () => graphql(api.base, key, READ, { agent })));
      const load = runLoad(50, () => graphql(api.base, key, READ, { agent, timeoutMs: 30_000 }));
      let answers: Answer[] = [];
      try {
        await new Promise((r) => setTimeout(r, 2_000));
        const signalledAt = performance.now();
        api.child.kill('SIGTERM');
        const code = await api.exited;
        const exitMs = performance.now() - signalledAt;
        answers = await load.stop();
        expect(code).toBe(0);
        expect(exitMs).toBeLessThan(25_000);

        const show = (list: Answer[]) =>
          `${JSON.stringify(codes(answers))}; failed: ${JSON.stringify(list.map((a) => ({ at: Math.round(a.startedAt - signalledAt), ms: Math.round(a.ms), reused: a.reused, error: a.error })))}`;
        const summary = JSON.stringify(codes(answers));
        // Every request the server had when SIGTERM came was answered, and answered 200.
        const inFlight = answers.filter((a) => a.startedAt < signalledAt && a.startedAt + a.ms >= signalledAt);
        expect(inFlight.length).toBeGreaterThan(0);
        const cutOff = inFlight.filter((a) => a.status !== 200);
        expect(cutOff, `in flight at SIGTERM: ${show(cutOff)}`).toHaveLength(0);
        // No request sent over an open keep-alive connection was cut off.
        const reset = answers.filter((a) => a.reused && a.status !== 200);
        expect(reset, `on open connections: ${show(reset)}`).toHaveLength(0);
        // The only failures: new connections once the listener closed (refused, or reset in the kernel's accept queue).
        const failed = answers.filter((a) => a.status !== 200);
        const early = failed.filter((a) => a.startedAt < signalledAt);
        expect(early, `sent before SIGTERM: ${show(early)}`).toHaveLength(0);
        expect(
          failed.filter((a) => !['ECONNREFUSED', 'ECONNRESET'].includes(a.error ?? '')),
          summary,
        ).toHaveLength(0);
        console.info(
          `[faults] SIGTERM under 50 keep-alive connections (${kind}): exit after ${Math.round(exitMs)} ms, ${inFlight.length} in flight all answered, after: ${summary}`,
        );
      } finally {
        await load.stop();
        agent.destroy();
        await api.destroy();
      }
    }, 240_000);
  },
);

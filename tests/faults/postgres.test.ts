/**
 * PostgreSQL killed (SIGKILL) under a mixed read/write load and restarted, with the same API
 * process throughout: while it is down every answer is 503 SERVICE_UNAVAILABLE with Retry-After,
 * within 1 s; 5 s after it is back ≥ 99 % of requests succeed; writes retried with their
 * Idempotency-Key are applied exactly once.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, createDatabase } from '@shopwarden/db';
import { gid } from '../support/client.ts';
import { createShop, createWorld } from '../support/fixtures.ts';
import {
  codes,
  graphql,
  percentile,
  PostgresCluster,
  runLoad,
  skipReason,
  startApi,
  type Answer,
  type ApiProcess,
  until,
} from './support.ts';

const reason = skipReason({ postgres: true });
const READ = '{ shops(first: 5) { edges { node { name primaryCategory { name } } } } }';
const CREATE = `mutation($input: ListingCreateInput!) {
  listingCreate(input: $input) {
    __typename
    ... on ListingCreateSuccess { listing { id title } }
    ... on Error { message }
  }
}`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// A 200 without top-level errors and, for a write, its success member (not a typed business error).
const succeeded = (a: Answer) => a.status === 200 && !/"errors"|"__typename":"\w*Error"/.test(a.body);
// A retried write whose effect was stored but whose response was lost: applied once, answered 409 with `applied`.
const appliedEarlier = (a: Answer) => a.status === 409 && JSON.parse(a.body).errors?.[0]?.extensions?.applied === true;
// A retry that meets its key still held by the attempt the outage cut off: documented as "retry shortly", never a second effect.
const stillRunning = (a: Answer) =>
  a.status === 409 && JSON.parse(a.body).errors?.[0]?.extensions?.code === 'CONFLICT' && !appliedEarlier(a);
const unavailable = (a: Answer) =>
  a.status === 503 &&
  Number(a.headers['retry-after']) >= 1 &&
  JSON.parse(a.body).errors?.[0]?.extensions?.code === 'SERVICE_UNAVAILABLE';

describe.skipIf(reason)(`PostgreSQL killed mid-load and restarted${reason ? ` (skipped: ${reason})` : ''}`, () => {
  let cluster: PostgresCluster;
  let api: ApiProcess;
  let url: string;
  let key: string;
  let shopGid: string;
  let categoryGid: string;

  beforeAll(async () => {
    cluster = await PostgresCluster.create();
    url = await cluster.createDatabase('sw_faults_postgres');
    const db = await createDatabase({
      kind: 'postgres',
      url,
      poolSize: 2,
      statementTimeoutMs: 8_000,
      connectionTimeoutMs: 5_000,
    });
    await applyMigrations(db.migrationAdapterFactory);
    const world = await createWorld(db.prisma);
    key = world.adminKey;
    const shop = await createShop(db.prisma, 'Outage Shop');
    for (let i = 0; i < 4; i++) await createShop(db.prisma, `Shop ${i}`);
    shopGid = gid('Shop', shop.id);
    categoryGid = gid('Category', world.categories.skincare);
    await db.close();
    api = await startApi({
      DATABASE_URL: url,
      DATABASE_POOL_SIZE: '10',
      WORKER: 'off',
      RESPONSE_CACHE: 'false',
      RATE_LIMIT_CAPACITY: '100000000',
      MAX_CONCURRENT_PER_KEY: '1000',
    });
  });
  afterAll(async () => {
    await api?.destroy();
    await cluster?.destroy();
  });

  it('answers 503 with Retry-After within 1 s while it is down, recovers within 5 s, and writes each retried write once', async () => {
    // Each writer sends one logical write at a time and retries it with the same key until it succeeds, as a client should.
    const writes = new Map<string, { key: string; tries: number; done: boolean }>();
    const pending: { title: string; key: string }[] = [];
    const write = (worker: number) => {
      let current = pending[worker];
      if (!current) {
        current = { title: `w${worker}-${randomUUID()}`, key: randomUUID() };
        pending[worker] = current;
        writes.set(current.title, { key: current.key, tries: 0, done: false });
      }
      const { title, key: idempotencyKey } = current;
      writes.get(title)!.tries++;
      return graphql(api.base, key, CREATE, {
        variables: {
          input: { shopId: shopGid, title, categoryId: categoryGid, priceAmount: 500, currency: 'USD', sites: ['GB'] },
        },
        headers: { 'idempotency-key': idempotencyKey },
        timeoutMs: 15_000,
      }).then((answer) => {
        if (succeeded(answer) || appliedEarlier(answer)) {
          writes.get(title)!.done = true;
          pending[worker] = undefined as never;
        }
        return answer;
      });
    };
    await Promise.all(Array.from({ length: 10 }, () => graphql(api.base, key, READ)));

    const load = runLoad(12, (worker) =>
      worker < 4 ? write(worker) : graphql(api.base, key, READ, { timeoutMs: 15_000 }),
    );
    let killedAt = 0;
    let backAt = 0;
    try {
      // A warm process first (the first requests compile query plans: seconds on a loaded machine).
      await until(
        () => {
          const recent = load.answers.slice(-40);
          return recent.length === 40 && recent.every(succeeded);
        },
        60_000,
        `a steady load: ${JSON.stringify(codes(load.answers))}`,
      );
      await sleep(2_000);
      killedAt = performance.now();
      await cluster.kill();
      await sleep(3_000);
      const downUntil = performance.now();
      await cluster.start();
      backAt = performance.now();
      await sleep(8_000);
      await load.stop();

      const all = load.answers;
      const before = load.between(killedAt - 2_000, killedAt).filter((a) => a.startedAt + a.ms < killedAt);
      const down = load.between(killedAt + 1_000, downUntil);
      const recovered = load.between(backAt + 5_000);
      const summary = (list: Answer[]) => JSON.stringify(codes(list));
      console.info(
        `[faults] PostgreSQL killed: before ${summary(before)}, down ${summary(down)} (p99 ${Math.round(
          percentile(
            down.map((a) => a.ms),
            99,
          ),
        )} ms), ` + `5 s after restart ${summary(recovered)}; restart took ${Math.round(backAt - downUntil)} ms`,
      );

      expect(before.length).toBeGreaterThan(20);
      expect(before.every(succeeded), summary(before)).toBe(true);
      // Nothing but success or a coded 503 with Retry-After, ever: no 500, no 200 INTERNAL, no dropped connection.
      const other = all.filter((a) => !succeeded(a) && !unavailable(a) && !appliedEarlier(a) && !stillRunning(a));
      expect(other.map((a) => `${a.error ?? a.status} ${a.body.slice(0, 200)}`)).toEqual([]);
      // From 1 s after the kill until the restart: every request is refused, and quickly.
      expect(down.length).toBeGreaterThan(20);
      expect(down.every(unavailable), summary(down)).toBe(true);
      // Within 1 s; on a machine so loaded that a normal read takes longer, within twice the normal p99.
      const bound = Math.max(
        1_000,
        2 *
          percentile(
            before.map((a) => a.ms),
            99,
          ),
      );
      expect(Math.max(...down.map((a) => a.ms))).toBeLessThan(bound);
      // 5 s after the restart: ≥ 99 % succeed.
      expect(recovered.length).toBeGreaterThan(20);
      expect(recovered.filter(succeeded).length / recovered.length, summary(recovered)).toBeGreaterThanOrEqual(0.99);
    } finally {
      await load.stop();
    }

    // Finish the writes still unanswered, then each logical write is one listing.
    for (const [title, w] of writes) {
      for (let i = 0; !w.done && i < 20; i++) {
        const answer = await graphql(api.base, key, CREATE, {
          variables: {
            input: {
              shopId: shopGid,
              title,
              categoryId: categoryGid,
              priceAmount: 500,
              currency: 'USD',
              sites: ['GB'],
            },
          },
          headers: { 'idempotency-key': w.key },
        });
        if (succeeded(answer) || appliedEarlier(answer)) w.done = true;
        else await sleep(200);
      }
    }
    expect([...writes].filter(([, w]) => !w.done).map(([title]) => title)).toEqual([]);
    const retried = [...writes.values()].filter((w) => w.tries > 1).length;
    expect(retried, 'writes that met the outage').toBeGreaterThan(0);
    const rows = (
      await cluster.query(`SELECT title, count(*)::int AS n FROM "Listing" GROUP BY title`, 'sw_faults_postgres')
    ).rows as { title: string; n: number }[];
    const counts = new Map(rows.map((r) => [r.title, r.n]));
    expect([...writes.keys()].filter((t) => counts.get(t) !== 1).map((t) => `${t}: ${counts.get(t) ?? 0}`)).toEqual([]);
    expect(rows.length).toBe(writes.size);
    console.info(
      `[faults] PostgreSQL killed: ${writes.size} writes, ${retried} retried across the outage, each stored once`,
    );
  }, 180_000);
});

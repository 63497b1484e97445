import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { OneQueryAtATimeClient } from '@shopwarden/db';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { takeOverlappingQueries } from './support/no-overlapping-queries.ts';

const url = process.env.TEST_DATABASE_URL;

/** PostgreSQL server only: PGlite has no connections to overlap on. */
describe.skipIf(!url)('one statement at a time on each PostgreSQL connection', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('postgres');
  });
  afterAll(async () => db.drop());

  it('the watch sees two statements sent side by side on a plain pg connection', async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await Promise.all([client.query('SELECT pg_sleep(0.05)'), client.query('SELECT 1')]);
      const overlapping = takeOverlappingQueries();
      expect(overlapping).toHaveLength(1);
      expect(overlapping[0]).toContain('SELECT 1');
    } finally {
      await client.end();
    }
  });

  it('runs a createMany that Prisma splits (over 32,767 bind parameters) inside a transaction without overlapping statements', async () => {
    const rows = 6000; // × 7 bound columns = 42,000 parameters: Prisma sends two INSERTs, side by side
    await db.prisma.$transaction(
      async (tx) => {
        await tx.outboxEvent.createMany({
          data: Array.from({ length: rows }, (_, i) => ({ type: 'test.split', shopId: null, subjectType: 'Test', subjectId: String(i), payload: { i }, occurredAt: new Date('2024-03-01T00:00:00Z') })),
        });
      },
      { timeout: 60_000 },
    );
    expect(takeOverlappingQueries()).toEqual([]);
    expect(await db.prisma.outboxEvent.count({ where: { type: 'test.split' } })).toBe(rows);
  });

  it('keeps the order of promise and callback statements, and an error lets the next ones run', async () => {
    const client = new OneQueryAtATimeClient({ connectionString: url });
    await client.connect();
    try {
      const order: string[] = [];
      const viaCallback = new Promise<number>((resolve, reject) => {
        client.query('SELECT 3 AS n', (error: Error | null, result?: pg.QueryResult<{ n: number }>) => {
          order.push('callback');
          if (error) reject(error);
          else resolve(result!.rows[0]!.n);
        });
      });
      const outcomes = await Promise.allSettled([
        client.query('SELECT pg_sleep(0.05), 1 AS n').then((r) => (order.push('first'), r.rows[0].n as number)),
        client.query('SELECT 1 / 0 AS n').then((r) => r.rows[0].n as number),
        client.query<{ n: number }>('SELECT $1::int AS n', [2]).then((r) => (order.push('third'), r.rows[0]!.n)),
        viaCallback,
      ]);
      expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : 'error'))).toEqual([1, 'error', 2, 3]);
      expect((outcomes[1] as PromiseRejectedResult).reason.message).toMatch(/division by zero/);
      // The callback statement was sent first, so it ran first.
      expect(order).toEqual(['callback', 'first', 'third']);
      expect(takeOverlappingQueries()).toEqual([]);
    } finally {
      await client.end();
    }
  });

  it('leaves the pool parallel: two statements at once run on two connections', async () => {
    const pool = new pg.Pool({ connectionString: url, max: 2, Client: OneQueryAtATimeClient });
    try {
      const [a, b] = await Promise.all([
        pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid FROM pg_sleep(0.2)'),
        pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid FROM pg_sleep(0.2)'),
      ]);
      expect(a.rows[0]!.pid).not.toBe(b.rows[0]!.pid);
      expect(takeOverlappingQueries()).toEqual([]);
    } finally {
      await pool.end();
    }
  });
});

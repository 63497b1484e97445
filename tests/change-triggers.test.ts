/**
 * Every table carries the change triggers the response cache invalidates by, as the Prisma schema
 * says (packages/db/src/change-triggers.ts): a model added without them fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANGES_CHANNEL, changeTriggers, modelNames } from '@shopwarden/db';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';

// pg_trigger.tgtype bits (src/include/catalog/pg_trigger.h).
const ROW = 1 << 0;
const BEFORE = 1 << 1;
const EVENTS = { INSERT: 1 << 2, DELETE: 1 << 3, UPDATE: 1 << 4, TRUNCATE: 1 << 5 } as const;
type Event = keyof typeof EVENTS;

interface TriggerRow {
  table: string;
  fn: string;
  tgtype: number;
  args: string;
  newTable: string | null;
  oldTable: string | null;
}

/** What fires on each event of each table: `shops(<column>)` or `table`. */
async function firedByTable(db: TestDatabase): Promise<Map<string, Partial<Record<Event, string[]>>>> {
  const tables = await db.prisma.$queryRawUnsafe<{ table: string }[]>(
    `SELECT c.relname AS "table" FROM pg_class c
      WHERE c.relkind IN ('r', 'p') AND c.relnamespace = current_schema()::regnamespace AND c.relname <> '_prisma_migrations'`,
  );
  const rows = await db.prisma.$queryRawUnsafe<TriggerRow[]>(
    `SELECT c.relname AS "table", p.proname AS fn, t.tgtype::int AS tgtype, encode(t.tgargs, 'hex') AS args,
            t.tgnewtable AS "newTable", t.tgoldtable AS "oldTable"
       FROM pg_trigger t
       JOIN pg_class c ON c.oid = t.tgrelid
       JOIN pg_proc p ON p.oid = t.tgfoid
      WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace
        AND p.proname IN ('shopwarden_notify_shops', 'shopwarden_notify_table')`,
  );
  const fired = new Map<string, Partial<Record<Event, string[]>>>(tables.map((t) => [t.table, {}]));
  for (const row of rows) {
    expect(row.tgtype & (ROW | BEFORE), `${row.table}: an AFTER … FOR EACH STATEMENT trigger`).toBe(0);
    const args = Buffer.from(row.args, 'hex').toString('utf8').split('\0').filter(Boolean);
    const what = row.fn === 'shopwarden_notify_shops' ? `shops(${args.join(',')})` : 'table';
    for (const [event, bit] of Object.entries(EVENTS) as [Event, number][]) {
      if (!(row.tgtype & bit)) continue;
      if (what !== 'table') {
        // The shops function reads the rows the statement changed from its transition tables.
        if (event !== 'DELETE') expect(row.newTable, `${row.table} ${event}: new rows`).toBe('new_rows');
        if (event !== 'INSERT') expect(row.oldTable, `${row.table} ${event}: old rows`).toBe('old_rows');
      }
      const byEvent = fired.get(row.table)!;
      (byEvent[event] ??= []).push(what);
    }
  }
  return fired;
}

describe.each(testTargets())('change triggers on %s', (target) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(target);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('every table is a model and fires exactly what the schema says on every write', async () => {
    const fired = await firedByTable(db);
    expect([...fired.keys()].sort()).toEqual(
      Object.values(modelNames)
        .map((m) => m.table)
        .sort(),
    );
    for (const trigger of changeTriggers()) {
      const shops = trigger.kind === 'shops' ? [`shops(${trigger.column})`] : ['table'];
      expect(fired.get(trigger.table), trigger.table).toEqual({
        INSERT: shops,
        UPDATE: shops,
        DELETE: shops,
        TRUNCATE: ['table'],
      });
    }
  });

  it('per shop where the rows name their shop, for the whole table otherwise', () => {
    const kinds = Object.fromEntries(changeTriggers().map((t) => [t.model, t.kind === 'shops' ? t.column : '*']));
    expect(kinds).toMatchObject({ Shop: 'id', Listing: 'shopId', Partnership: 'shopId', Category: '*' });
    // A nullable shop column cannot name every changed row's shop: the whole table it is.
    expect(kinds).toMatchObject({ ApiKey: '*', AuditRecord: '*', OutboxEvent: '*', WebhookEndpoint: '*' });
  });

  it('a write to a table that had none notifies on commit', async () => {
    const heard: string[] = [];
    const unlisten = await db.listen(CHANGES_CHANNEL, (payload) => heard.push(payload));
    try {
      const account = await db.prisma.account.create({ data: { name: 'Agency', kind: 'PARTNER' } });
      const creator = await db.prisma.creator.create({
        data: { handle: 'trigger-check', displayName: 'Check', followerCount: 1, engagementRateBps: 1 },
      });
      await db.prisma.creatorRepresentation.create({ data: { creatorId: creator.id, accountId: account.id } });
      await db.prisma.$transaction(async (tx) => {
        await tx.auditRecord.create({
          data: { role: 'ADMIN', operation: 'check', targetType: 'Shop', targetId: '1', input: {}, outcome: 'SUCCESS' },
        });
        expect(heard).not.toContain('AuditRecord|*');
      });
      await expect
        .poll(() => heard, { timeout: 10_000 })
        .toEqual(expect.arrayContaining(['CreatorRepresentation|*', 'AuditRecord|*']));
    } finally {
      await unlisten();
    }
  });
});

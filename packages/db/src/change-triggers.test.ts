import { describe, expect, it } from 'vitest';
import { changeTriggerSql, changeTriggers, modelsCreatedBy, shopColumnOf } from './change-triggers.ts';

describe('change triggers', () => {
  it('finds the models a migration creates by their table names', () => {
    const sql = `CREATE TABLE "Listing" (\n "id" SERIAL);\nCREATE TABLE "Elsewhere" ("id" INT);\nALTER TABLE "Shop" ADD COLUMN "x" INT;`;
    expect(modelsCreatedBy(sql)).toEqual(['Listing']);
  });

  it('names the shop column only when every row has one', () => {
    expect(shopColumnOf('Shop')).toBe('id');
    expect(shopColumnOf('Violation')).toBe('shopId');
    expect(shopColumnOf('AuditRecord')).toBeNull();
    expect(shopColumnOf('Category')).toBeNull();
    expect(() => shopColumnOf('Nope')).toThrow(/unknown model/);
  });

  it('writes four per-event triggers for shop tables and one for the others', () => {
    const sql = changeTriggerSql(changeTriggers(['Listing', 'Category']));
    expect(sql.match(/ON "Listing"/g)).toHaveLength(4);
    expect(sql).toContain(`AFTER UPDATE ON "Listing" REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows`);
    expect(sql).toContain(`"shopwarden_notify_shops"('shopId')`);
    expect(sql).toContain(
      `CREATE OR REPLACE TRIGGER "shopwarden_changes" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Category"`,
    );
  });
});

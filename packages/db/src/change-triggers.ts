/**
 * The change notifications the response cache invalidates by: after every statement that writes a
 * table, NOTIFY `shopwarden_changes` with `<table>|<shop ids>` or `<table>|*` (see the migration
 * `20261201190000_change_notifications` for the two trigger functions). Every model gets its
 * triggers, generated from the Prisma schema; tests/change-triggers.test.ts holds the database to it.
 */
import { modelNames } from './generated/table-names.ts';

export const CHANGES_CHANNEL = 'shopwarden_changes';

/** How a table's changes are reported: per shop (`column` names the shop id) or for the whole table. */
export type ChangeTrigger = { model: string; table: string } & ({ kind: 'shops'; column: string } | { kind: 'table' });

function namesOf(model: string) {
  const names = modelNames[model];
  if (!names) throw new Error(`unknown model ${model}`);
  return names;
}

/** The field holding a model's shop id (Shop's own id, or a required `shopId`), or null. */
export function shopFieldOf(model: string): string | null {
  const names = namesOf(model);
  if (model === 'Shop') return 'id';
  return 'shopId' in names.columns && !names.optional.includes('shopId') ? 'shopId' : null;
}

/** The column holding a model's shop id, or null (see `shopFieldOf`). */
export function shopColumnOf(model: string): string | null {
  const field = shopFieldOf(model);
  if (field === null) return null;
  const column = namesOf(model).columns[field];
  if (column === undefined) throw new Error(`model ${model} has no column for its shop field ${field}`);
  return column;
}

/** The trigger every model's table should carry. */
export function changeTriggers(models: readonly string[] = Object.keys(modelNames)): ChangeTrigger[] {
  return models.map((model) => {
    const { table } = namesOf(model);
    const column = shopColumnOf(model);
    return column ? { model, table, kind: 'shops', column } : { model, table, kind: 'table' };
  });
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** The statements that give these tables their change triggers (idempotent: CREATE OR REPLACE). */
export function changeTriggerSql(triggers: readonly ChangeTrigger[]): string {
  const lines: string[] = [];
  for (const trigger of triggers) {
    const on = ident(trigger.table);
    if (trigger.kind === 'table') {
      lines.push(
        `CREATE OR REPLACE TRIGGER "shopwarden_changes" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${on} FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_table"();`,
      );
      continue;
    }
    const shops = `EXECUTE FUNCTION "shopwarden_notify_shops"(${literal(trigger.column)});`;
    lines.push(
      `CREATE OR REPLACE TRIGGER "shopwarden_changes_insert" AFTER INSERT ON ${on} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT ${shops}`,
      `CREATE OR REPLACE TRIGGER "shopwarden_changes_update" AFTER UPDATE ON ${on} REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT ${shops}`,
      `CREATE OR REPLACE TRIGGER "shopwarden_changes_delete" AFTER DELETE ON ${on} REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT ${shops}`,
      `CREATE OR REPLACE TRIGGER "shopwarden_changes_truncate" AFTER TRUNCATE ON ${on} FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_table"();`,
    );
  }
  return lines.join('\n') + '\n';
}

/** The models whose tables a migration script creates. */
export function modelsCreatedBy(sql: string): string[] {
  const created = new Set([...sql.matchAll(/CREATE TABLE "([^"]+)"/g)].map((m) => m[1]));
  return Object.entries(modelNames)
    .filter(([, names]) => created.has(names.table))
    .map(([model]) => model);
}

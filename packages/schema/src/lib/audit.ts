import { Prisma, utcNow, type Role } from '@shopwarden/db';
import type { Context } from '#context';
import type { Viewer } from '#modules/auth/viewer.ts';
import { AppError } from './errors.ts';

/** An input as JSON text (bigints as strings). */
function jsonText(value: unknown): string {
  try {
    // Without a replacer (called for every value) unless a bigint needs one: JSON.stringify refuses those.
    return JSON.stringify(value ?? null);
  } catch {
    return JSON.stringify(value ?? null, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  }
}

function toJson(value: unknown): unknown {
  return JSON.parse(jsonText(value));
}

function resultCode(result: unknown): string | null {
  if (result instanceof AppError) return result.code;
  return null;
}

/**
 * Wraps a mutation resolver so that every call writes an audit record (who, which key, what, when,
 * the outcome), whether it succeeds, returns a typed error or throws. `options.input` records a
 * summary instead of the whole input (for inputs that are stored elsewhere anyway, like a bulk
 * operation's JSONL).
 */
export function audited<Root, Args extends { input?: unknown }, Result>(
  operation: string,
  resolve: (root: Root, args: Args, ctx: Context) => Promise<Result>,
  options: { input?: (input: Args['input']) => unknown } = {},
): (root: Root, args: Args, ctx: Context) => Promise<Result> {
  return async (root, args, ctx) => {
    let outcome: 'SUCCESS' | 'ERROR' = 'SUCCESS';
    let code: string | null = null;
    const slot: AuditSlot = {
      row: () => ({
        ...auditCaller(ctx.viewer),
        operation,
        input: options.input ? options.input(args.input) : args.input,
        outcome: 'SUCCESS',
        requestId: ctx.requestId,
      }),
      committed: false,
    };
    slots.set(ctx, slot);
    try {
      const result = await resolve(root, args, ctx);
      code = resultCode(result);
      if (code) outcome = 'ERROR';
      return result;
    } catch (error) {
      outcome = 'ERROR';
      code = error instanceof AppError ? error.code : 'INTERNAL';
      throw error;
    } finally {
      if (slots.get(ctx) === slot) slots.delete(ctx);
      // A success whose record committed with the change is recorded; anything else is recorded here.
      if (!slot.committed || outcome !== 'SUCCESS') {
        await ctx.prisma.auditRecord
          .create({
            data: {
              ...auditCaller(ctx.viewer),
              operation,
              input: toJson(options.input ? options.input(args.input) : args.input) as object,
              outcome,
              resultCode: code,
              requestId: ctx.requestId,
            },
          })
          .catch(() => undefined);
      }
    }
  };
}

/** The audit record of the mutation under way, for a resolver that writes it in its own transaction. */
interface AuditSlot {
  row: () => AuditRow;
  committed: boolean;
}

/** Mutation fields run one after another, so a request has at most one slot at a time. */
const slots = new WeakMap<Context, AuditSlot>();

/**
 * The success record of the `audited` mutation under way, for the resolver to insert in the same
 * transaction as its change (so both commit or neither); `committed()` once that transaction
 * committed, and the wrapper writes no second record. Null outside an `audited` resolver.
 */
export function auditWithChange(ctx: Context): { row: AuditRow; committed(): void } | null {
  const slot = slots.get(ctx);
  if (!slot) return null;
  return { row: slot.row(), committed: () => void (slot.committed = true) };
}

/** An audit record's columns, whichever way it is written. */
export interface AuditRow {
  apiKeyId: number | null;
  role: Role | null;
  operation: string;
  targetType?: string | null;
  targetId?: string | null;
  shopId: number | null;
  input: unknown;
  outcome: 'SUCCESS' | 'ERROR';
  resultCode?: string | null;
  requestId: string;
}

/** The caller's columns of an audit record. */
export function auditCaller(viewer: Viewer | null): Pick<AuditRow, 'apiKeyId' | 'role' | 'shopId'> {
  return {
    apiKeyId: viewer?.apiKeyId ?? null,
    role: viewer?.role ?? null,
    shopId: viewer?.role === 'SELLER' ? viewer.shopId : null,
  };
}

/** An audit record's values as its INSERT binds them (the input as JSON text). */
export function auditValues(row: AuditRow) {
  return {
    apiKeyId: row.apiKeyId,
    role: row.role,
    operation: row.operation,
    targetType: row.targetType ?? null,
    targetId: row.targetId ?? null,
    shopId: row.shopId,
    input: jsonText(row.input),
    outcome: row.outcome,
    resultCode: row.resultCode ?? null,
    requestId: row.requestId,
  };
}

export type AuditValues = ReturnType<typeof auditValues>;

/** The INSERT of `row` once per row of `from` (a CTE of the same statement), for a set-based write. */
export function insertAuditRecordSql(row: AuditRow, from: Prisma.Sql): Prisma.Sql {
  return auditInsertSql(auditValues(row), from);
}

/** `insertAuditRecordSql` of values (or a statement shape's slots for them). */
export function auditInsertSql(v: { readonly [K in keyof AuditValues]: unknown }, from: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`INSERT INTO "AuditRecord" ("apiKeyId", "role", "operation", "targetType", "targetId", "shopId", "input", "outcome", "resultCode", "requestId", "createdAt")
    SELECT ${v.apiKeyId}::int, ${v.role}::"Role", ${v.operation}, ${v.targetType}, ${v.targetId}, ${v.shopId}::int,
           ${v.input}::jsonb, ${v.outcome}::"AuditOutcome", ${v.resultCode}, ${v.requestId}, ${utcNow}
    FROM ${from}`;
}

import type { Context } from '#context';
import { AppError } from './errors.ts';

function toJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
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
      await ctx.prisma.auditRecord
        .create({
          data: {
            apiKeyId: ctx.viewer?.apiKeyId ?? null,
            role: ctx.viewer?.role ?? null,
            operation,
            shopId: ctx.viewer?.role === 'SELLER' ? ctx.viewer.shopId : null,
            input: toJson(options.input ? options.input(args.input) : args.input) as object,
            outcome,
            resultCode: code,
            requestId: ctx.requestId,
          },
        })
        .catch(() => undefined);
    }
  };
}

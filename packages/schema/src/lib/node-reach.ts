import type { GraphQLSchema } from 'graphql';
import type { Context } from '#context';
import { mayRead, readScopeOf } from './read-scope.ts';
import { must } from './must.ts';

type ReachCheck = (ctx: Context, ids: number[]) => Promise<number[]>;

const checks = new Map<string, ReachCheck>();

/**
 * Declares how to tell which objects of a node type the caller may reach (one query for many
 * IDs). `node` and `nodes` consult it before loading, so an out-of-reach object is null, exactly
 * like a missing one; so is one of a type whose read scope the key lacks. Every node type
 * registers one (global types check existence only).
 */
export function registerNodeReach(typename: string, check: ReachCheck): void {
  checks.set(typename, check);
}

/** A node type's reach as a Prisma `where` over its model: `null` when nothing is reachable. */
export interface NodeReachWhere {
  model: string;
  where: (ctx: Context) => unknown;
}

const wheres = new Map<string, NodeReachWhere>();

type IdFinder = { findMany(args: unknown): Promise<{ id: number }[]> };

/**
 * Declares a node type's reach as a `where` over its model (a function of the caller only): the
 * resolvers check it with one query, and compiled reads join it into their statement.
 */
export function registerNodeReachWhere(typename: string, model: string, where: (ctx: Context) => unknown): void {
  wheres.set(typename, { model, where });
  const delegate = `${model.charAt(0).toLowerCase()}${model.slice(1)}`;
  registerNodeReach(typename, async (ctx, ids) => {
    const reach = where(ctx);
    if (reach === null) return [];
    const finder = must((ctx.prisma as unknown as Record<string, IdFinder>)[delegate], `Prisma delegate ${delegate}`);
    return (await finder.findMany({ where: { AND: [{ id: { in: ids } }, reach] }, select: { id: true } })).map(
      (r) => r.id,
    );
  });
}

/** How the compiler may check a node type's reach: a `where`, only a function (`check`), or not at all (unreachable). */
export function nodeReachOf(typename: string): NodeReachWhere | 'check' | undefined {
  return wheres.get(typename) ?? (checks.has(typename) ? 'check' : undefined);
}

/** For each decoded global ID, whether the caller may reach it. */
export async function reachableNodes(
  schema: GraphQLSchema,
  ctx: Context,
  ids: readonly { typename: string; id: string }[],
): Promise<boolean[]> {
  const byType = new Map<string, number[]>();
  for (const { typename, id } of ids) {
    const n = Number.parseInt(id, 10);
    if (Number.isSafeInteger(n)) byType.set(typename, [...(byType.get(typename) ?? []), n]);
  }
  const allowed = new Map<string, Set<number>>();
  await Promise.all(
    [...byType].map(async ([typename, typeIds]) => {
      const check = checks.get(typename);
      const readable = mayRead(ctx.viewer, readScopeOf(schema.getType(typename)));
      allowed.set(typename, new Set(check && readable ? await check(ctx, typeIds) : []));
    }),
  );
  return ids.map(({ typename, id }) => allowed.get(typename)?.has(Number.parseInt(id, 10)) ?? false);
}

import type { CategoryRestriction } from '@shopwarden/db';
import { builder } from '#builder';
import { memoFor } from '#lib/loaders.ts';
import type { Context } from '#context';
import { effectiveRestriction } from './category-eligibility.service.ts';
import { cachedCategories } from './category-cache.ts';
import { registerNodeReachWhere } from '#lib/node-reach.ts';
import { compiledJson, compiledRoot, jsonPlain, sqlColumn, sqlTable, type SqlParent } from '#compiled';

export const CategoryRestrictionEnum = builder.enumType('CategoryRestriction', {
  description: 'Whether listing in a category needs anything beyond the primary-category rule.',
  values: {
    NONE: { description: 'Anyone whose primary category covers it may list.' },
    RESTRICTED: { description: 'Listing needs a granted approval for this shop.' },
    PROHIBITED: { description: 'Nothing may be listed in it.' },
  } as const,
});

/**
 * The whole category tree, one per request (it is small and hot): the process's cached tree while
 * it hears of category changes (category-cache.ts), else read now.
 */
export function categoryIndex(ctx: Context) {
  return memoFor(ctx, 'categoryIndex', () => cachedCategories(ctx));
}

/** Restrictions from the least to the strictest: an index + 1 is a restriction's rank in SQL. */
const RESTRICTIONS: readonly CategoryRestriction[] = ['NONE', 'RESTRICTED', 'PROHIBITED'];

/**
 * `effectiveRestriction()` in SQL: the row and its ancestors up `parentId` (UNION stops at a cycle,
 * where the resolver's walk would not), the strictest by rank.
 */
function effectiveRestrictionSql(c: SqlParent): string {
  const col = (alias: string, field: string) => sqlColumn(alias, 'Category', field);
  const ranks = `ARRAY[${RESTRICTIONS.map((r) => `'${r}'`).join(', ')}]`;
  const rank = (expr: string) => `array_position(${ranks}, (${expr})::text)`;
  const walk =
    `WITH RECURSIVE sw_er(id, parent, rank) AS (` +
    `SELECT ${c.col('id')}, ${c.col('parentId')}, ${rank(c.col('restriction'))} UNION ` +
    `SELECT ${col('sw_er_p', 'id')}, ${col('sw_er_p', 'parentId')}, ${rank(col('sw_er_p', 'restriction'))} ` +
    `FROM ${sqlTable('Category')} sw_er_p JOIN sw_er ON ${col('sw_er_p', 'id')} = sw_er.parent)`;
  return jsonPlain(`(${walk} SELECT (${ranks})[max(sw_er.rank)] FROM sw_er)`, false);
}

export const CategoryNode = builder.prismaNode('Category', {
  id: { field: 'id' },
  description:
    "A node of the category tree. A top-level category can be a shop's primary category, which covers its whole subtree.",
  findUnique: (id) => ({ id: Number.parseInt(id, 10) || 0 }),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Display name.' }),
    slug: t.exposeString('slug', { description: 'Stable, URL-safe identifier.' }),
    description: t.exposeString('description', { nullable: true, description: 'What belongs in this category.' }),
    depth: t.exposeInt('depth', { description: '0 for a top-level category.' }),
    isTopLevel: t.boolean({
      description: 'True for a top-level category (one that can be a primary category).',
      select: { parentId: true },
      extensions: compiledJson((c) => `(${c.col('parentId')} IS NULL)::text`),
      resolve: (c) => c.parentId === null,
    }),
    restriction: t.expose('restriction', {
      type: CategoryRestrictionEnum,
      description: 'The restriction set on this category itself.',
    }),
    effectiveRestriction: t.field({
      type: CategoryRestrictionEnum,
      description: 'The strictest restriction of this category and its ancestors: restrictions cover a subtree.',
      select: { id: true },
      // Every category, whatever the shop: a change to any ancestor changes the answer.
      extensions: compiledJson(effectiveRestrictionSql, { reads: ['Category'], acrossShops: true }),
      resolve: async (c, _args, ctx) => {
        const index = await categoryIndex(ctx);
        const self = index.get(c.id);
        return self ? effectiveRestriction(self, index).restriction : 'NONE';
      },
    }),
    parent: t.relation('parent', {
      nullable: true,
      description: 'The parent category; null for a top-level category.',
    }),
    root: t.relation('root', {
      nullable: true,
      description: 'The top-level ancestor (itself for a top-level category).',
    }),
    children: t.relation('children', {
      description: 'Direct subcategories, by id.',
      query: { orderBy: { id: 'asc' } },
    }),
  }),
});

/** What `categories` reads: the top level or one category's children, by id (the resolver's and the compiled read's). */
function categoriesQuery(args: { parentId?: { id: string } | null; restriction?: CategoryRestriction | null }) {
  return {
    where: {
      parentId: args.parentId ? Number.parseInt(args.parentId.id, 10) || 0 : null,
      ...(args.restriction ? { restriction: args.restriction } : {}),
    },
    orderBy: { id: 'asc' as const },
  };
}

builder.queryFields((t) => ({
  categories: t.prismaConnection({
    type: 'Category',
    cursor: 'id',
    defaultSize: 20,
    maxSize: 100,
    description: "Categories by id. Without `parentId`, the top-level categories; with it, that category's children.",
    authScopes: { authenticated: true },
    args: {
      parentId: t.arg.globalID({
        for: CategoryNode,
        required: false,
        description: 'List the children of this category.',
      }),
      restriction: t.arg({
        type: CategoryRestrictionEnum,
        required: false,
        description: 'Only categories with this restriction set on themselves.',
      }),
    },
    extensions: compiledRoot({
      model: 'Category',
      kind: 'connection',
      query: categoriesQuery,
      defaultSize: 20,
      maxSize: 100,
    }),
    resolve: (query, _root, args, ctx) => ctx.prisma.category.findMany({ ...query, ...categoriesQuery(args) }),
  }),
}));

registerNodeReachWhere('Category', 'Category', () => ({}));

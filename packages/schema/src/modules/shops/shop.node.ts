import type { Prisma } from '@shopwarden/db';
import { builder } from '#builder';
import type { Context } from '#context';
import { loaderFor } from '#lib/loaders.ts';
import { statusInForce } from './business-model-rules.ts';
import { pendingActionsFor } from './campaign.service.ts';
import {
  evaluateEligibility,
  isPrimaryCategoryPolicyInForce,
  type EligibilityStatus,
} from './category-eligibility.service.ts';
import { CategoryNode, categoryIndex } from './category.node.ts';
import { shopWhere } from './shop.policy.ts';
import { registerNodeReachWhere } from '#lib/node-reach.ts';
import {
  changesAt,
  nextInstant,
  compiledJson,
  compiledObjectList,
  compiledRoot,
  jsonDateTime,
  jsonLiteral,
  jsonPlain,
  jsonString,
  resolverReads,
  rowInput,
  rowInputs,
  sqlColumn,
  sqlTable,
  type SqlField,
  type SqlObjectList,
  type SqlParent,
} from '#compiled';

export const BusinessModelEnum = builder.enumType('BusinessModel', {
  description: 'How purchases happen for a shop.',
  values: {
    CLOSED_LOOP: { description: 'The whole purchase happens on the marketplace (the default).' },
    SEMI_CLOSED_LOOP: {
      description:
        'Retired: the buyer is sent to an external storefront through a plug-in. Existing shops carry a migration deadline.',
    },
    SELF_OPERATED: {
      description:
        "The platform runs pricing and fulfilment; the merchant supplies goods. Its seller cannot change a listing's price or the fulfilment mode (PLATFORM_OPERATED).",
    },
  } as const,
});

export const FulfilmentModeEnum = builder.enumType('FulfilmentMode', {
  description: 'Who ships orders.',
  values: {
    PLATFORM: { description: 'The platform fulfils orders (the entry tier).' },
    SELF_SHIPPING: {
      description:
        'The shop ships its own orders: a tier privilege, set with `shopFulfilmentModeSet` and lost (back to PLATFORM) when a recalculation places the shop in a tier without it.',
    },
  } as const,
});

export const ShopStatusEnum = builder.enumType('ShopStatus', {
  description: 'Whether a shop may trade.',
  values: {
    ACTIVE: { description: 'In good standing.' },
    RESTRICTED: { description: 'Limited by the points thresholds.' },
    SUSPENDED: { description: 'Suspended by the points thresholds or a decision.' },
  } as const,
});

export const HealthStatusEnum = builder.enumType('HealthStatus', {
  description: 'Account health from the points balance (12 / 24 / 48 points by default).',
  values: {
    HEALTHY: { description: 'Below the at-risk threshold.' },
    AT_RISK: { description: 'At or above the at-risk threshold.' },
    RESTRICTED: { description: 'At or above the restriction threshold.' },
    SUSPENDED: { description: 'At or above the suspension threshold.' },
  } as const,
});

export const PrimaryCategorySourceEnum = builder.enumType('PrimaryCategorySource', {
  description: "How a shop's primary category was set.",
  values: {
    SELECTED: { description: 'The merchant selected it through the questionnaire.' },
    AUTO_ASSIGNED: {
      description: 'Auto-assignment chose the category with the highest sales in the look-back window.',
    },
    ADMIN_CHANGED: { description: 'An administrator set or changed it, with a reason.' },
  } as const,
});

export const EligibilityStatusEnum = builder.enumType('CategoryEligibilityStatus', {
  description: 'Whether a shop may list in a category.',
  values: {
    AVAILABLE: { description: 'The shop may list in it: a listing submitted now passes the automatic checks.' },
    NOT_PRIMARY_CATEGORY: { description: "Outside the shop's primary category, and no approved exception covers it." },
    NEEDS_APPROVAL: { description: 'Restricted: the shop needs a granted approval first.' },
    PROHIBITED: { description: 'Nothing may be listed in it.' },
    SHOP_NOT_ACTIVE: { description: 'The shop is RESTRICTED or SUSPENDED: it may not submit listings anywhere.' },
    PRIMARY_CATEGORY_NOT_SET: {
      description: 'The one-primary-category policy is in force and the shop has no primary category yet.',
    },
    TOO_MANY_CATEGORIES: {
      description:
        'Before the policy takes effect: the shop already lists in the most top-level categories the previous policy allows.',
    },
  } as const,
});

const PendingActionKindEnum = builder.enumType('PendingActionKind', {
  description: 'Something a shop must do.',
  values: {
    SELECT_PRIMARY_CATEGORY: {
      description: 'Confirm a primary category through the questionnaire (the dashboard pop-up).',
    },
    MIGRATE_BUSINESS_MODEL: {
      description:
        'Move the SEMI_CLOSED_LOOP shop to CLOSED_LOOP or SELF_OPERATED (`shopBusinessModelMigrate`) by its `migrationDeadline`; after it the shop is RESTRICTED until it does.',
    },
  } as const,
});

export const PendingActionRef = builder.simpleObject('PendingAction', {
  description: 'An action the shop must take, with its deadline.',
  fields: (t) => ({
    kind: t.field({
      type: PendingActionKindEnum,
      description: 'What must be done.',
      extensions: compiledJson((a) => jsonPlain(a.value('kind'), false)),
    }),
    deadline: t.field({
      type: 'DateTime',
      description:
        'The exact instant it is due: for SELECT_PRIMARY_CATEGORY the last millisecond of the confirm deadline day (UTC), for MIGRATE_BUSINESS_MODEL the shop’s `migrationDeadline`.',
      extensions: compiledJson((a) => jsonDateTime(a.value('deadline'), false)),
    }),
    overdue: t.boolean({
      description: 'True once the deadline has passed (by the platform clock).',
      extensions: compiledJson((a) => jsonLiteral(a.value('overdue'), false)),
    }),
    message: t.string({
      description: 'Text to show the merchant.',
      extensions: compiledJson((a) => jsonString(a.value('message'), false)),
    }),
  }),
});

/**
 * The column default of `PlatformSettings.categoryConfirmDeadline` (prisma/schema.prisma): the
 * resolvers create the settings row with it when it is missing, so the SQL form reads it then.
 */
const DEFAULT_CONFIRM_DEADLINE = '2024-02-07';

const isoSql = (instant: string) => `to_char(${instant}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * `pendingActionsFor` in SQL, in its order: the migration off SEMI_CLOSED_LOOP, then the primary
 * category's confirm deadline (the end of its UTC day) from the settings row (its default while
 * the row does not exist), as of the platform clock.
 */
function pendingActionsSql(shop: SqlParent, a: string, f: SqlField): SqlObjectList {
  const now = f.now();
  const s = (field: string) => sqlColumn(`${a}p`, 'PlatformSettings', field);
  const migration = shop.col('migrationDeadline');
  // A date column: its midnight as a timestamp, without the session's time zone.
  const confirm = `(coalesce(${a}s.day, DATE '${DEFAULT_CONFIRM_DEADLINE}')::timestamp + interval '1 day' - interval '1 millisecond')`;
  const settings = `(SELECT) ${a}o LEFT JOIN (SELECT ${s('categoryConfirmDeadline')} AS day FROM ${sqlTable('PlatformSettings')} ${a}p WHERE ${s('id')} = 1) ${a}s ON true`;
  const migrate = `SELECT 1 AS n, 'MIGRATE_BUSINESS_MODEL' AS kind, ${migration} AS deadline, ${now} >= ${migration} AS overdue,
    CASE WHEN ${now} >= ${migration} THEN 'The migration deadline has passed: the shop is restricted (no new listings) until it migrates to CLOSED_LOOP or SELF_OPERATED.'
      ELSE 'SEMI_CLOSED_LOOP is retired: migrate to CLOSED_LOOP or SELF_OPERATED before ' || ${isoSql(migration)} || ', or the shop is restricted (no new listings) until it does.' END AS message
    WHERE ${shop.col('businessModel')}::text = 'SEMI_CLOSED_LOOP' AND ${migration} IS NOT NULL`;
  const select = `SELECT 2 AS n, 'SELECT_PRIMARY_CATEGORY' AS kind, ${confirm} AS deadline, ${now} > ${confirm} AS overdue,
    CASE WHEN ${now} <= ${confirm} THEN 'Select your primary category by the end of ' || to_char(${confirm}, 'YYYY-MM-DD') || ' (UTC). It will apply to all your country sites.'
      WHEN ${shop.col('needsManualCategoryDecision')} THEN 'The deadline has passed and the shop had no sales to assign a category from: the policy team will decide. You can still select one now.'
      ELSE 'The deadline has passed: select your primary category now, or one will be assigned from your sales.' END AS message
    FROM ${settings} WHERE ${shop.col('primaryCategoryId')} IS NULL`;
  return {
    from: `(${migrate} UNION ALL ${select}) ${a}`,
    orderBy: `${a}.n`,
    values: { kind: `${a}.kind`, deadline: `${a}.deadline`, overdue: `${a}.overdue`, message: `${a}.message` },
    reads: [],
  };
}

/**
 * When pending actions as of the clock may next change with time alone: a migration deadline
 * anywhere comes, or the confirm deadline's day ends (`changesAt`).
 */
function pendingActionsChangeAt(f: Pick<SqlField, 'now'>): string {
  const now = f.now();
  const s = (field: string) => sqlColumn('sw_cs', 'PlatformSettings', field);
  const dayAfter = `(coalesce((SELECT ${s('categoryConfirmDeadline')} FROM ${sqlTable('PlatformSettings')} sw_cs WHERE ${s('id')} = 1), DATE '${DEFAULT_CONFIRM_DEADLINE}')::timestamp + interval '1 day')`;
  return `least(${nextInstant('Shop', 'migrationDeadline', now)}, CASE WHEN ${dayAfter} > ${now} THEN ${dayAfter} END)`;
}

/** When a shop's category eligibility may change with time alone: the policy taking effect, a migration falling overdue. */
function eligibilityChangeAt(f: Pick<SqlField, 'now'>): string {
  const now = f.now();
  const s = (field: string) => sqlColumn('sw_ce', 'PlatformSettings', field);
  const enforcement = `(SELECT ${s('categoryEnforcementAt')} FROM ${sqlTable('PlatformSettings')} sw_ce WHERE ${s('id')} = 1)`;
  return `least(${nextInstant('Shop', 'migrationDeadline', now)}, CASE WHEN ${enforcement} > ${now} THEN ${enforcement} END)`;
}

interface EligibilityShape {
  categoryId: number;
  status: EligibilityStatus;
  reasonCode: string | null;
  reason: string;
}

const CategoryEligibilityRef = builder.objectRef<EligibilityShape>('CategoryEligibility').implement({
  description: 'Whether this shop may list in a category, and why.',
  fields: (t) => ({
    category: t.prismaField({
      type: 'Category',
      description: 'The category.',
      resolve: async (query, e, _args, ctx) =>
        ctx.prisma.category.findUniqueOrThrow({ ...query, where: { id: e.categoryId } }),
    }),
    status: t.field({
      type: EligibilityStatusEnum,
      description: 'Whether the shop may list in it.',
      resolve: (e) => e.status,
    }),
    reasonCode: t.string({
      nullable: true,
      description:
        'The first listing-check code a listing submitted now would get (SHOP_NOT_ACTIVE, PROHIBITED_ITEM, PRIMARY_CATEGORY_NOT_SET, OUTSIDE_PRIMARY_CATEGORY, TOO_MANY_CATEGORIES, RESTRICTED_REQUIRES_APPROVAL); null when available.',
      resolve: (e) => e.reasonCode,
    }),
    reason: t.string({
      description: 'A human explanation: the message the listing check gives.',
      resolve: (e) => e.reason,
    }),
  }),
});

/** A shop's grants as a partial read's statement hands them over (`rowInputs`): category ids. */
interface GrantIds {
  exceptions: number[];
  restricted: number[];
}

/** The shop's exception grants and granted restricted approvals, as JSON text of `GrantIds`. */
function grantIdsSql(shop: SqlParent): string {
  const ids = (model: 'CategoryExceptionGrant' | 'RestrictedCategoryApproval', also = '') =>
    `coalesce((SELECT json_agg(${sqlColumn('sw_g', model, 'categoryId')})::text FROM ${sqlTable(model)} sw_g WHERE ${sqlColumn('sw_g', model, 'shopId')} = ${shop.col('id')}${also}), '[]')`;
  const granted = ` AND ${sqlColumn('sw_g', 'RestrictedCategoryApproval', 'status')} = 'GRANTED'`;
  return `'{"exceptions":' || ${ids('CategoryExceptionGrant')} || ',"restricted":' || ${ids('RestrictedCategoryApproval', granted)} || '}'`;
}

/** Exception grants and restricted approvals for many shops in two statements (no query per shop). */
function shopGrantsLoader(ctx: Context) {
  return loaderFor<number, { exceptionCategoryIds: Set<number>; approvedRestrictedIds: Set<number> }>(
    ctx,
    'shopGrants',
    async (ids) => {
      const [grants, approvals] = await Promise.all([
        ctx.prisma.categoryExceptionGrant.findMany({
          where: { shopId: { in: [...ids] } },
          select: { shopId: true, categoryId: true },
        }),
        ctx.prisma.restrictedCategoryApproval.findMany({
          where: { shopId: { in: [...ids] }, status: 'GRANTED' },
          select: { shopId: true, categoryId: true },
        }),
      ]);
      return ids.map((id) => ({
        exceptionCategoryIds: new Set(grants.filter((g) => g.shopId === id).map((g) => g.categoryId)),
        approvedRestrictedIds: new Set(approvals.filter((a) => a.shopId === id).map((a) => a.categoryId)),
      }));
    },
  );
}

/** Top-level categories of each shop's non-DRAFT listings (the previous policy counts them), in one statement. */
function shopListingRootsLoader(ctx: Context) {
  return loaderFor<number, Set<number>>(ctx, 'shopListingRoots', async (ids) => {
    const rows = await ctx.prisma.listing.groupBy({
      by: ['shopId', 'categoryId'],
      where: { shopId: { in: [...ids] }, status: { not: 'DRAFT' } },
    });
    const index = await categoryIndex(ctx);
    return ids.map(
      (id) => new Set(rows.filter((r) => r.shopId === id).map((r) => index.get(r.categoryId)?.rootId ?? r.categoryId)),
    );
  });
}

export const ShopFilterInput = builder.inputType('ShopFilter', {
  description: 'Narrows a list of shops. Your tenant restriction always applies on top.',
  fields: (t) => ({
    status: t.field({ type: ShopStatusEnum, description: 'Only shops with this status.' }),
    businessModel: t.field({ type: BusinessModelEnum, description: 'Only shops with this business model.' }),
    site: t.field({ type: 'CountryCode', description: 'Only shops selling on this country site.' }),
    hasPrimaryCategory: t.boolean({
      description: 'true: only shops with a primary category; false: only shops without one.',
    }),
    needsManualCategoryDecision: t.boolean({
      description: 'Only shops that auto-assignment left for a manual decision (true) or not (false).',
    }),
    nameContains: t.string({ description: 'Case-insensitive substring of the name.' }),
  }),
});

export const ShopNode = builder.prismaNode('Shop', {
  readScope: 'shops:read',
  id: { field: 'id' },
  description: "A merchant's shop: its country sites, business model, status and primary category.",
  findUnique: (id) => ({ id: Number.parseInt(id, 10) || 0 }),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Display name.' }),
    sites: t.exposeStringList('sites', {
      description: 'ISO country codes of the sites the shop sells on; the primary category applies to all of them.',
    }),
    businessModel: t.expose('businessModel', { type: BusinessModelEnum, description: 'How purchases happen.' }),
    fulfilmentMode: t.expose('fulfilmentMode', { type: FulfilmentModeEnum, description: 'Who ships orders.' }),
    status: t.expose('status', { type: ShopStatusEnum, description: 'Whether the shop may trade.' }),
    healthStatus: t.expose('healthStatus', {
      type: HealthStatusEnum,
      description: 'Account health from the points balance.',
    }),
    migrationDeadline: t.expose('migrationDeadline', {
      type: 'DateTime',
      nullable: true,
      description:
        'For SEMI_CLOSED_LOOP shops: when they must have migrated to another business model (`shopBusinessModelMigrate`); from this instant the shop is RESTRICTED until it does. Kept after a migration.',
    }),
    primaryCategory: t.relation('primaryCategory', {
      nullable: true,
      description: 'The top-level category the shop sells in; null until selected or assigned.',
    }),
    primaryCategorySetAt: t.expose('primaryCategorySetAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the primary category was set.',
    }),
    primaryCategorySource: t.expose('primaryCategorySource', {
      type: PrimaryCategorySourceEnum,
      nullable: true,
      description: 'How the primary category was set.',
    }),
    needsManualCategoryDecision: t.exposeBoolean('needsManualCategoryDecision', {
      description: 'True when auto-assignment found no sales and left the shop for an administrator.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the shop was onboarded.' }),
    pendingActions: t.field({
      type: [PendingActionRef],
      description:
        'Actions the shop must take, each with its deadline: migrating off SEMI_CLOSED_LOOP, selecting its primary category.',
      select: {
        primaryCategoryId: true,
        needsManualCategoryDecision: true,
        businessModel: true,
        migrationDeadline: true,
      },
      extensions: { ...compiledObjectList(pendingActionsSql), ...changesAt(pendingActionsChangeAt) },
      resolve: async (shop, _args, ctx) => pendingActionsFor(shop, await ctx.settings(), await ctx.now()),
    }),
    categoryEligibility: t.field({
      type: [CategoryEligibilityRef],
      description:
        'For each requested category (default: every top-level category), whether this shop may list in it now and why: the same decision, in the same order, as the automatic checks of a listing submitted now.',
      args: {
        categoryIds: t.arg.globalIDList({
          for: CategoryNode,
          required: false,
          maxItems: 100,
          description: 'Categories to evaluate.',
        }),
      },
      select: { id: true, primaryCategoryId: true, status: true, businessModel: true, migrationDeadline: true },
      extensions: {
        // In a partial read the statement reads the grants beside the shop (no statement of their own).
        ...rowInputs((shop) => ({ $grants: grantIdsSql(shop) })),
        // Storable: what it reads is tagged, and its answer held until the policy or a migration deadline comes.
        ...resolverReads({
          reads: ['CategoryExceptionGrant', 'RestrictedCategoryApproval', 'Listing'],
          readsAcrossShops: ['Category', 'PlatformSettings'],
          clock: true,
        }),
        ...changesAt(eligibilityChangeAt),
      },
      resolve: async (shop, args, ctx) => {
        const given = rowInput<GrantIds>(shop, '$grants');
        const [index, grants, settings, now] = await Promise.all([
          categoryIndex(ctx),
          given
            ? { exceptionCategoryIds: new Set(given.exceptions), approvedRestrictedIds: new Set(given.restricted) }
            : shopGrantsLoader(ctx).load(shop.id),
          ctx.settings(),
          ctx.now(),
        ]);
        const inForce = isPrimaryCategoryPolicyInForce(settings, now);
        const otherRootIds = inForce ? new Set<number>() : await shopListingRootsLoader(ctx).load(shop.id);
        const wanted = args.categoryIds
          ? args.categoryIds.map((g) => index.get(Number.parseInt(g.id, 10))).filter((c) => c !== undefined)
          : [...index.values()].filter((c) => c.parentId === null);
        const facts = { ...statusInForce(shop, now), primaryCategoryId: shop.primaryCategoryId, ...grants };
        return wanted.map((category) => ({
          categoryId: category.id,
          ...evaluateEligibility({
            shop: facts,
            category,
            categories: index,
            policyInForce: inForce,
            maxCategories: settings.previousPolicyMaxCategories,
            otherRootIds,
          }),
        }));
      },
    }),
    exceptionGrants: t.relation('exceptionGrants', {
      description: 'Extra categories granted through approved special-circumstances requests.',
      query: { orderBy: { id: 'asc' } },
    }),
    categorySelections: t.relatedConnection('categorySelections', {
      cursor: 'id',
      description:
        'Every change of the primary category, oldest first: selections, auto-assignments and administrator changes.',
      query: { orderBy: { id: 'asc' } },
    }),
    exceptionRequests: t.relatedConnection('exceptionRequests', {
      cursor: 'id',
      description: 'Special-circumstances requests, oldest first.',
      query: { orderBy: { id: 'asc' } },
    }),
  }),
});

export function shopFilterWhere(filter: ShopFilter | null | undefined): Prisma.ShopWhereInput {
  if (!filter) return {};
  return {
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.businessModel ? { businessModel: filter.businessModel } : {}),
    ...(filter.site ? { sites: { has: filter.site } } : {}),
    ...(filter.hasPrimaryCategory === true ? { primaryCategoryId: { not: null } } : {}),
    ...(filter.hasPrimaryCategory === false ? { primaryCategoryId: null } : {}),
    ...(typeof filter.needsManualCategoryDecision === 'boolean'
      ? { needsManualCategoryDecision: filter.needsManualCategoryDecision }
      : {}),
    ...(filter.nameContains ? { name: { contains: filter.nameContains, mode: 'insensitive' as const } } : {}),
  };
}

type ShopFilter = typeof ShopFilterInput.$inferInput;

/** What `shop(id)` reads: the shop, within the caller's reach (shared by the resolver and the compiled read). */
function shopQuery(args: { id: { id: string } }, ctx: Context) {
  return { where: { AND: [shopWhere(ctx.viewer), { id: Number.parseInt(args.id.id, 10) || 0 }] } };
}

/** What `shops` reads: the caller's shops, narrowed by the filter, by id. */
function shopsQuery(args: { filter?: ShopFilter | null }, ctx: Context) {
  return { where: { AND: [shopWhere(ctx.viewer), shopFilterWhere(args.filter)] }, orderBy: { id: 'asc' as const } };
}

builder.queryFields((t) => ({
  shop: t.prismaField({
    type: 'Shop',
    nullable: true,
    description: 'A shop by global ID; null when it does not exist or is outside your reach.',
    authScopes: { scope: 'shops:read' },
    args: { id: t.arg.globalID({ for: ShopNode, required: true, description: "The shop's global ID." }) },
    extensions: compiledRoot({ model: 'Shop', kind: 'first', query: shopQuery }),
    resolve: (query, _root, args, ctx) => ctx.prisma.shop.findFirst({ ...query, ...shopQuery(args, ctx) }),
  }),
  shops: t.prismaConnection({
    type: 'Shop',
    cursor: 'id',
    defaultSize: 20,
    maxSize: 100,
    description:
      'The shops you can reach, by id: every shop for administrators, your own for sellers, the granting shops for agencies and partners.',
    authScopes: { scope: 'shops:read' },
    args: { filter: t.arg({ type: ShopFilterInput, required: false, description: 'Narrow the list.' }) },
    extensions: compiledRoot({ model: 'Shop', kind: 'connection', query: shopsQuery, defaultSize: 20, maxSize: 100 }),
    resolve: (query, _root, args, ctx) => ctx.prisma.shop.findMany({ ...query, ...shopsQuery(args, ctx) }),
  }),
}));

registerNodeReachWhere('Shop', 'Shop', (ctx) => shopWhere(ctx.viewer));

import { builder } from '#builder';
import type { Context } from '#context';
import { loaderFor } from '#lib/loaders.ts';
import { registerNodeReach, registerNodeReachWhere } from '#lib/node-reach.ts';
import {
  base64Of,
  changesAt,
  nextInstant,
  compiledJson,
  jsonDateTime,
  jsonLiteral,
  jsonPlain,
  sqlColumn,
  sqlTable,
  type SqlField,
  type SqlParent,
  compiledRoot,
} from '#compiled';
import { HealthStatusEnum, ShopStatusEnum } from '#modules/shops/shop.node.ts';
import { shopOwnedWhere } from '#modules/shops/shop.policy.ts';
import { ledgerBalances, remainingPoints } from './ledger.service.ts';
import { effectiveViolationStatus } from './violation.service.ts';

export const ViolationSourceEnum = builder.enumType('ViolationSource', {
  description: 'Where a violation was found.',
  values: {
    LIVE_SESSION: { description: "In a creator's live session (the violation points at the content item)." },
    VIDEO: { description: "In a creator's short video (the violation points at the content item)." },
    LISTING: { description: 'In a listing of the shop.' },
    ORDER: { description: 'In how an order was handled.' },
    OTHER: { description: 'Anywhere else (reviews, messages, off-platform conduct).' },
  } as const,
});

export const ViolationStatusEnum = builder.enumType('ViolationStatus', {
  description: 'Where a violation stands.',
  values: {
    ACTIVE: { description: 'Its points count in the balance.' },
    APPEALED: { description: 'Contested by the shop; its points count until an administrator grants the appeal.' },
    REMOVED: { description: 'Its points were removed (a granted appeal, or passed quizzes took them all).' },
    EXPIRED: { description: 'Its points expired (pointExpiryDays after it occurred), by the platform clock.' },
  } as const,
});

export const AppealStatusEnum = builder.enumType('ViolationAppealStatus', {
  description: 'The state of an appeal against a violation.',
  values: {
    PENDING: { description: 'Waiting for an administrator.' },
    GRANTED: { description: "Granted: the violation's remaining points were removed through the ledger." },
    DENIED: { description: 'Denied, with a note; the violation is ACTIVE again.' },
  } as const,
});

export const LedgerEntryKindEnum = builder.enumType('LedgerEntryKind', {
  description: 'Why points came or went.',
  values: {
    VIOLATION_ADDED: { description: 'A violation added its points (they count from `effectiveAt` until `expiresAt`).' },
    EXPIRED: {
      description:
        'Reserved: expiry is carried by `expiresAt` on each entry, so no separate expiry entries are written.',
    },
    QUIZ_REMOVAL: { description: 'A passed Creator Policy Quiz removed points (negative), naming the attempt.' },
    APPEAL_REMOVAL: { description: "A granted appeal removed the violation's remaining points (negative)." },
  } as const,
});

/** Expiry of each violation's points (from its VIOLATION_ADDED entry), batched per request. */
function expiryLoader(ctx: Context) {
  return loaderFor<number, Date | null>(ctx, 'violationExpiry', async (ids) => {
    const rows = await ctx.prisma.pointsLedgerEntry.findMany({
      where: { violationId: { in: [...ids] }, kind: 'VIOLATION_ADDED' },
      select: { violationId: true, expiresAt: true },
    });
    const byId = new Map(rows.map((r) => [r.violationId, r.expiresAt]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

function remainingLoader(ctx: Context) {
  return loaderFor<number, number>(ctx, 'violationRemaining', async (ids) => {
    const remaining = await remainingPoints(ctx.prisma, ids, await ctx.now());
    return ids.map((id) => remaining.get(id) ?? 0);
  });
}

/** Balances of many (shop, instant) pairs in one statement per request tick. */
function balanceLoader(ctx: Context) {
  return loaderFor<string, number>(ctx, 'shopBalance', async (keys) => {
    const pairs = keys.map((k) => {
      const [shopId, at] = k.split('|');
      return { shopId: Number(shopId), at: new Date(Number(at)) };
    });
    return ledgerBalances(ctx.prisma, pairs);
  });
}

const ledgerColumn = (field: string) => sqlColumn('sw_e', 'PointsLedgerEntry', field);

/** `expiryLoader` in SQL: the expiry of the violation's VIOLATION_ADDED entry (the last one, were there several). */
const expirySql = (v: SqlParent) =>
  `(SELECT ${ledgerColumn('expiresAt')} FROM ${sqlTable('PointsLedgerEntry')} sw_e WHERE ${ledgerColumn('violationId')} = ${v.col('id')} AND ${ledgerColumn('kind')}::text = 'VIOLATION_ADDED' ORDER BY ${ledgerColumn('id')} DESC LIMIT 1)`;

/** `effectiveViolationStatus` in SQL: a stored ACTIVE or APPEALED is EXPIRED once its expiry has passed. */
function statusSql(v: SqlParent, f: SqlField): string {
  const stored = `${v.col('status')}::text`;
  return `CASE WHEN ${stored} IN ('REMOVED', 'EXPIRED') THEN ${stored} WHEN ${expirySql(v)} <= ${f.now()} THEN 'EXPIRED' ELSE ${stored} END`;
}

/** `remainingPoints` in SQL: the violation's entries effective now, summed, never below zero. */
function remainingSql(v: SqlParent, f: SqlField): string {
  const now = f.now();
  return `(SELECT greatest(coalesce(sum(${ledgerColumn('points')}), 0), 0)::int FROM ${sqlTable('PointsLedgerEntry')} sw_e WHERE ${ledgerColumn('violationId')} = ${v.col('id')} AND ${ledgerColumn('effectiveAt')} <= ${now} AND (${ledgerColumn('expiresAt')} IS NULL OR ${ledgerColumn('expiresAt')} > ${now}))`;
}

const readsLedger = { reads: ['PointsLedgerEntry'] };

/**
 * When a value read from the ledger as of the clock may next change with time alone: the next entry
 * anywhere to take effect or to expire (`changesAt`).
 */
export const ledgerChangesAt = changesAt((f) => {
  const now = f.now();
  return `least(${nextInstant('PointsLedgerEntry', 'effectiveAt', now)}, ${nextInstant('PointsLedgerEntry', 'expiresAt', now)})`;
});

export const ViolationNode = builder.prismaNode('Violation', {
  readScope: 'health:read',
  id: { field: 'id' },
  description: 'A recorded breach of a policy by a shop, with the points it costs and where it was found.',
  findUnique: (id) => ({ id: Number.parseInt(id, 10) || 0 }),
  fields: (t) => ({
    shop: t.relation('shop', { description: 'The shop that committed it.' }),
    policy: t.relation('policy', { description: 'The policy breached.' }),
    source: t.expose('source', { type: ViolationSourceEnum, description: 'Where it was found.' }),
    contentItem: t.relation('contentItem', {
      nullable: true,
      description: 'For LIVE_SESSION and VIDEO: the creator content it came from.',
    }),
    listingId: t.globalID({
      nullable: true,
      description: 'For LISTING: the global ID of the listing it came from (pass it to `node`).',
      extensions: compiledJson((v) => `coalesce('"' || ${base64Of('Listing:', v.col('listingId'))} || '"', 'null')`),
      resolve: (v) => (v.listingId === null ? null : { type: 'Listing', id: v.listingId }),
    }),
    orderId: t.globalID({
      nullable: true,
      description: 'For ORDER: the global ID of the order it came from (pass it to `node`).',
      extensions: compiledJson((v) => `coalesce('"' || ${base64Of('Order:', v.col('orderId'))} || '"', 'null')`),
      resolve: (v) => (v.orderId === null ? null : { type: 'Order', id: v.orderId }),
    }),
    occurredAt: t.expose('occurredAt', {
      type: 'DateTime',
      description: 'When it occurred; its points count from this instant.',
    }),
    points: t.exposeInt('points', { description: 'Points it added to the balance.' }),
    expiresAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When its points stop counting (occurredAt + pointExpiryDays at recording time).',
      extensions: compiledJson((v) => jsonDateTime(expirySql(v)), readsLedger),
      resolve: (v, _a, ctx) => expiryLoader(ctx).load(v.id),
    }),
    remainingPoints: t.int({
      description: 'Points it still contributes to the balance now (platform clock): 0 once expired or removed.',
      extensions: {
        ...compiledJson((v, f) => jsonLiteral(remainingSql(v, f), false), readsLedger),
        ...ledgerChangesAt,
      },
      resolve: (v, _a, ctx) => remainingLoader(ctx).load(v.id),
    }),
    status: t.field({
      type: ViolationStatusEnum,
      description:
        'ACTIVE, APPEALED, REMOVED, or EXPIRED (computed from the expiry and the platform clock, so it is never stale).',
      extensions: { ...compiledJson((v, f) => jsonPlain(statusSql(v, f), false), readsLedger), ...ledgerChangesAt },
      resolve: async (v, _a, ctx) =>
        effectiveViolationStatus(v.status, await expiryLoader(ctx).load(v.id), await ctx.now()),
    }),
    note: t.exposeString('note', { nullable: true, description: "The reviewer's note." }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was recorded.' }),
    appeals: t.relation('appeals', {
      description: 'Appeals against it, oldest first.',
      query: { orderBy: { id: 'asc' } },
    }),
    ledger: t.relation('ledger', {
      description: 'Its ledger entries: the addition and any removals, oldest first.',
      query: { orderBy: { id: 'asc' } },
    }),
  }),
});

export const ViolationAppealNode = builder.prismaNode('ViolationAppeal', {
  readScope: 'health:read',
  id: { field: 'id' },
  description: "A shop's appeal against a violation, decided by an administrator.",
  findUnique: (id) => ({ id: Number.parseInt(id, 10) || 0 }),
  fields: (t) => ({
    violation: t.relation('violation', { description: 'The contested violation.' }),
    statement: t.exposeString('statement', { description: "The shop's statement." }),
    status: t.expose('status', { type: AppealStatusEnum, description: 'Pending, granted or denied.' }),
    decisionNote: t.exposeString('decisionNote', { nullable: true, description: "The administrator's note." }),
    decidedAt: t.expose('decidedAt', { type: 'DateTime', nullable: true, description: 'When it was decided.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was submitted.' }),
  }),
});

export const PointsLedgerEntryNode = builder.prismaNode('PointsLedgerEntry', {
  readScope: 'health:read',
  id: { field: 'id' },
  description:
    "One append-only entry of a shop's points ledger. The balance at T sums the entries effective at T (effectiveAt ≤ T < expiresAt), per violation never below zero.",
  findUnique: (id) => ({ id: Number.parseInt(id, 10) || 0 }),
  fields: (t) => ({
    kind: t.expose('kind', { type: LedgerEntryKindEnum, description: 'Why the points came or went.' }),
    points: t.exposeInt('points', { description: 'Positive for additions, negative for removals.' }),
    effectiveAt: t.expose('effectiveAt', { type: 'DateTime', description: 'From when the entry counts.' }),
    expiresAt: t.expose('expiresAt', {
      type: 'DateTime',
      nullable: true,
      description:
        "When the entry stops counting: the violation's expiry (removals expire with the points they removed).",
    }),
    policy: t.relation('policy', { description: 'The policy the points belong to.' }),
    violation: t.relation('violation', { nullable: true, description: 'The violation the points belong to.' }),
    quizAttempt: t.relation('quizAttempt', { nullable: true, description: 'For QUIZ_REMOVAL: the passed attempt.' }),
    appeal: t.relation('appeal', { nullable: true, description: 'For APPEAL_REMOVAL: the granted appeal.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was written.' }),
  }),
});

export const ShopStatusChangeNode = builder.prismaNode('ShopStatusChange', {
  readScope: 'health:read',
  id: { field: 'id' },
  description: "A change of a shop's health or status caused by its points balance.",
  findUnique: (id) => ({ id: Number.parseInt(id, 10) || 0 }),
  fields: (t) => ({
    fromStatus: t.expose('fromStatus', { type: ShopStatusEnum, description: 'Status before.' }),
    toStatus: t.expose('toStatus', { type: ShopStatusEnum, description: 'Status after.' }),
    fromHealth: t.expose('fromHealth', { type: HealthStatusEnum, description: 'Health before.' }),
    toHealth: t.expose('toHealth', { type: HealthStatusEnum, description: 'Health after.' }),
    balance: t.exposeInt('balance', { description: 'The points balance that caused the change.' }),
    reason: t.exposeString('reason', { description: 'What changed the balance, in words.' }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime', description: 'When it changed (platform clock).' }),
  }),
});

const healthRead = { scope: 'health:read' } as const;

/** `ledgerBalances` in SQL: the entries effective at `at`, summed per violation, each sum never below zero. */
function balanceSql(shopId: string, at: string): string {
  const e = ledgerColumn;
  const entries = `SELECT sum(${e('points')}) AS total FROM ${sqlTable('PointsLedgerEntry')} sw_e WHERE ${e('shopId')} = ${shopId} AND ${e('effectiveAt')} <= ${at} AND (${e('expiresAt')} IS NULL OR ${e('expiresAt')} > ${at}) GROUP BY coalesce(${e('violationId')}, -${e('id')})`;
  return `(SELECT coalesce(sum(greatest(sw_c.total, 0)), 0)::int FROM (${entries}) sw_c)`;
}

/** An optional `asOf` argument as a parameter, else the platform clock at execution. */
const asOfSql = (f: SqlField) => (f.args.asOf instanceof Date ? f.param(f.args.asOf, 'timestamp(3)') : f.now());

builder.prismaObjectFields('Shop', (t) => ({
  pointsBalance: t.int({
    description:
      'The points balance from the ledger as of an instant (default: now by the platform clock). Never stored: always summed from the ledger.',
    authScopes: healthRead,
    args: {
      asOf: t.arg({
        type: 'DateTime',
        required: false,
        description: 'The instant; entries count while effectiveAt ≤ asOf < expiresAt.',
      }),
    },
    select: { id: true },
    extensions: {
      ...compiledJson((shop, f) => jsonLiteral(balanceSql(shop.col('id'), asOfSql(f)), false), {
        reads: ['PointsLedgerEntry'],
      }),
      ...ledgerChangesAt,
    },
    resolve: async (shop, args, ctx) =>
      balanceLoader(ctx).load(`${shop.id}|${(args.asOf ?? (await ctx.now())).getTime()}`),
  }),
  ledger: t.relatedConnection('ledgerEntries', {
    cursor: 'id',
    description: 'The points ledger, oldest first.',
    authScopes: healthRead,
    query: { orderBy: { id: 'asc' } },
  }),
  violations: t.relatedConnection('violations', {
    cursor: 'id',
    description: 'Violations, most recent first.',
    authScopes: healthRead,
    args: {
      source: t.arg({ type: ViolationSourceEnum, required: false, description: 'Only violations from this source.' }),
    },
    query: (args) => ({
      where: args.source ? { source: args.source } : {},
      orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
    }),
  }),
  statusChanges: t.relatedConnection('statusChanges', {
    cursor: 'id',
    description: 'Changes of health and status with the balances that caused them, oldest first.',
    authScopes: healthRead,
    query: { orderBy: { id: 'asc' } },
  }),
}));

/** What `violationAppeals` reads: appeals of violations in the caller's shops, oldest first (the resolver's and the compiled read's). */
function appealsQuery(args: { status?: 'PENDING' | 'GRANTED' | 'DENIED' | null }, ctx: Context) {
  return {
    where: { AND: [{ violation: shopOwnedWhere(ctx.viewer) }, args.status ? { status: args.status } : {}] },
    orderBy: { id: 'asc' as const },
  };
}

builder.queryFields((t) => ({
  violationAppeals: t.prismaConnection({
    type: 'ViolationAppeal',
    cursor: 'id',
    defaultSize: 20,
    maxSize: 100,
    description: "Appeals you can reach, oldest first (the administrators' queue with status PENDING).",
    authScopes: healthRead,
    args: { status: t.arg({ type: AppealStatusEnum, required: false, description: 'Only appeals in this state.' }) },
    extensions: compiledRoot({
      model: 'ViolationAppeal',
      kind: 'connection',
      query: appealsQuery,
      defaultSize: 20,
      maxSize: 100,
    }),
    resolve: (query, _root, args, ctx) => ctx.prisma.violationAppeal.findMany({ ...query, ...appealsQuery(args, ctx) }),
  }),
}));

registerNodeReachWhere('Violation', 'Violation', (ctx) => shopOwnedWhere(ctx.viewer));
registerNodeReach('ViolationAppeal', async (ctx, ids) =>
  (
    await ctx.prisma.violationAppeal.findMany({
      where: { AND: [{ id: { in: ids } }, { violation: shopOwnedWhere(ctx.viewer) }] },
      select: { id: true },
    })
  ).map((r) => r.id),
);
registerNodeReach('PointsLedgerEntry', async (ctx, ids) =>
  (
    await ctx.prisma.pointsLedgerEntry.findMany({
      where: { AND: [{ id: { in: ids } }, shopOwnedWhere(ctx.viewer)] },
      select: { id: true },
    })
  ).map((r) => r.id),
);
registerNodeReach('ShopStatusChange', async (ctx, ids) =>
  (
    await ctx.prisma.shopStatusChange.findMany({
      where: { AND: [{ id: { in: ids } }, shopOwnedWhere(ctx.viewer)] },
      select: { id: true },
    })
  ).map((r) => r.id),
);

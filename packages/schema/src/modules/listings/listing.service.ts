import {
  Prisma,
  utcNow,
  type BusinessModel,
  type Database,
  WriteBatcher,
  type Listing,
  type ListingStatus,
  type PlatformSettings,
} from '@shopwarden/db';
import { platformNow } from '#context';
import { auditInsertSql, auditValues, auditWithChange, insertAuditRecordSql, type AuditValues } from '#lib/audit.ts';
import { intArray, intArrayLiteral, queryRows, statementShapes } from '#lib/sql.ts';
import { catchUpShopHealth } from '#modules/health/points-expiry.service.ts';
import type { Context } from '#context';
import { InvariantError, must } from '#lib/must.ts';
import { hasScope, type Viewer } from '#modules/auth/viewer.ts';
import {
  AppError,
  ConflictError,
  ForbiddenError,
  InvalidStateError,
  NotFoundError,
  ValidationError,
  type FieldError,
} from '#lib/errors.ts';
import { recordEvent } from '#modules/platform/outbox.service.ts';
import {
  isPrimaryCategoryPolicyInForce,
  loadCategoryIndex,
  type CategoryLite,
} from '#modules/shops/category-eligibility.service.ts';
import { cachedCategories, forgetCategories } from '#modules/shops/category-cache.ts';
import { assertCanWriteShop } from '#modules/shops/shop.policy.ts';
import { statusInForce } from '#modules/shops/business-model-rules.ts';
import { platformOperatedPriceError } from '#modules/shops/business-model.service.ts';
import {
  editableStatuses,
  reasonCodePattern,
  reviewTransitions,
  runAutomaticChecks,
  submissionOutcome,
  type ListingIssue,
  type ReviewDecisionInput,
} from './listing-checks.ts';
import {
  inListingTransaction,
  planTransitions,
  readListingsForTransition,
  runTransitions,
  writeTransitions,
  type PlannedTransitions,
  type Transition,
} from './listing-writes.ts';

/** Synchronous bulk mutations take at most this many items (PLATFORM.md: input lists ≤ 250). */
export const BULK_LIMIT = 250;
/** Reasons one decision records at most. */
export const MAX_REASONS = 20;

export type ErrorPolicy = 'REJECT_EVERYTHING' | 'REJECT_FAILED_ROWS' | 'IGNORE_FAILED';

/** What happened to one item of a (bulk) listing mutation. */
export type ItemState = 'APPLIED' | 'WOULD_APPLY' | 'ROLLED_BACK' | 'FAILED' | 'IGNORED';

export interface ItemResult {
  index: number;
  listingId: number | null;
  state: ItemState;
  /** The status the listing has (or would have) after this item; null when the item failed. */
  status: ListingStatus | null;
  /** The listing's version after this item was written; null when nothing was written. */
  version: number | null;
  /** Reasons recorded with the decision (automatic checks or the reviewer's). */
  issues: ListingIssue[];
  error: AppError | null;
}

/** A listing's editable fields, complete (as stored or as created). */
export interface ListingFields {
  title: string;
  description: string;
  categoryId: number;
  priceAmount: number;
  currency: string;
  sites: string[];
}

/** Changes to a listing: omitted (null) fields keep their value. */
export type ListingFieldsInput = { [K in keyof ListingFields]?: ListingFields[K] | null };

/** Checks the fields a caller sent (`sent`) against the shop's sites and the category tree. */
function validateFields(
  fields: ListingFields,
  shopSites: readonly string[],
  categories: ReadonlyMap<number, CategoryLite>,
  sent: (k: keyof ListingFields) => boolean,
): FieldError[] {
  const errors: FieldError[] = [];
  const title = fields.title.trim();
  if (sent('title') && (title.length < 1 || title.length > 200))
    errors.push({ path: ['input', 'title'], message: 'Title must be 1–200 characters.' });
  if (sent('description') && fields.description.length > 5000)
    errors.push({ path: ['input', 'description'], message: 'Description must be at most 5000 characters.' });
  if (sent('priceAmount') && (!Number.isSafeInteger(fields.priceAmount) || fields.priceAmount <= 0)) {
    errors.push({
      path: ['input', 'priceAmount'],
      message: 'Price is a positive whole number of minor units (1999 for 19.99).',
    });
  }
  if (sent('categoryId') && !categories.has(fields.categoryId))
    errors.push({ path: ['input', 'categoryId'], message: 'No such category.' });
  if (sent('sites')) {
    if (fields.sites.length === 0)
      errors.push({ path: ['input', 'sites'], message: "Offer the listing on at least one of the shop's sites." });
    if (new Set(fields.sites).size !== fields.sites.length)
      errors.push({ path: ['input', 'sites'], message: 'Sites must not repeat.' });
    fields.sites.forEach((s, i) => {
      if (!shopSites.includes(s))
        errors.push({ path: ['input', 'sites', String(i)], message: `The shop does not sell on ${s}.` });
    });
  }
  return errors;
}

function categoriesOf(prisma: Prisma.TransactionClient | Context['prisma']): Promise<Map<number, CategoryLite>> {
  return loadCategoryIndex(prisma as Context['prisma']);
}

/**
 * The category tree to check `categoryId` against: the cached one, read again when it lacks the id
 * (a category created a moment ago in another process, its notification not yet here).
 */
async function categoriesFor(ctx: Context, categoryId: number): Promise<Map<number, CategoryLite>> {
  const cached = await cachedCategories(ctx);
  if (cached.has(categoryId)) return cached;
  forgetCategories(ctx);
  return loadCategoryIndex(ctx.prisma);
}

/** Creates a DRAFT listing (or, on a dry run, checks that it could be created). */
export async function createListing(ctx: Context, input: { shopId: number } & ListingFields, dryRun: boolean) {
  assertCanWriteShop(ctx.viewer, input.shopId, 'listings:write');
  const now = await ctx.now();
  const shop = await ctx.prisma.shop.findUnique({ where: { id: input.shopId }, select: { id: true, sites: true } });
  if (!shop) throw new NotFoundError('Shop');
  const { shopId: _shopId, ...fields } = input;
  const errors = validateFields(fields, shop.sites, await categoriesFor(ctx, fields.categoryId), () => true);
  if (errors.length) throw new ValidationError(errors);
  return inListingTransaction(ctx, dryRun, async (tx) => {
    const listing = await tx.listing.create({
      data: { shopId: shop.id, ...fields, title: fields.title.trim(), status: 'DRAFT' },
    });
    await recordEvent(tx, {
      type: 'listing.created',
      shopId: shop.id,
      subjectType: 'Listing',
      subjectId: String(listing.id),
      payload: { listingId: listing.id, status: 'DRAFT' },
      occurredAt: now,
    });
    return { value: { listingId: dryRun ? null : listing.id }, commit: true };
  });
}

/** What an edit reads of a listing, its shop and the platform clock, in one statement. */
interface ListingForEdit extends ListingFields {
  id: number;
  shopId: number;
  status: ListingStatus;
  version: number;
  shopSites: string[];
  businessModel: BusinessModel;
  sandboxNow: Date | null;
  sandboxSetAt: Date | null;
  sandboxFrozen: boolean | null;
}

/** Loads a listing the caller may write with what the edit rules need, or the error that says why not. */
async function listingForEdit(ctx: Context, listingId: number): Promise<ListingForEdit> {
  const reach = ctx.viewer ? ctx.viewer.shopIds : [];
  const [listing] = await ctx.prisma.$queryRaw<ListingForEdit[]>`
    SELECT l."id", l."shopId", l."title", l."description", l."categoryId", l."priceAmount", l."currency", l."sites",
           l."status"::text AS "status", l."version", s."sites" AS "shopSites", s."businessModel"::text AS "businessModel",
           p."sandboxNow", p."sandboxSetAt", p."sandboxFrozen"
    FROM "Listing" l
    JOIN "Shop" s ON s."id" = l."shopId"
    LEFT JOIN "PlatformSettings" p ON p."id" = 1
    WHERE l."id" = ${listingId}::int AND (${reach === null}::boolean OR l."shopId" = ANY(${intArray(reach ?? [])}))`;
  if (!listing) throw new NotFoundError('Listing');
  assertCanWriteShop(ctx.viewer, listing.shopId, 'listings:write');
  return listing;
}

type ListingEdit = { listingId: number; expectedVersion?: number | null } & ListingFieldsInput;

/** The audit record's CTE of a write over `updated`, when the mutation is audited. */
const auditedCte = (audit: ReturnType<typeof auditWithChange>) =>
  audit ? Prisma.sql`, audited AS (${insertAuditRecordSql(audit.row, Prisma.sql`updated`)})` : Prisma.empty;

/** The `listing.updated` outbox event of each row of `updated`, occurring at `occurredAt`. */
const updatedEventCte = (occurredAt: Prisma.Sql) => Prisma.sql`events AS (
      INSERT INTO "OutboxEvent" ("type", "shopId", "subjectType", "subjectId", "payload", "occurredAt", "createdAt")
      SELECT 'listing.updated', u."shopId", 'Listing', u."id"::text, jsonb_build_object('listingId', u."id", 'version', u."version"),
             ${occurredAt}, ${utcNow}
      FROM updated u
    )`;

/** The listing's columns as the write returns them (the payload resolves from them). */
const writtenColumns = Prisma.sql`"id", "shopId", "title", "description", "categoryId", "priceAmount", "currency", "sites",
  "status"::text AS "status", "version", "submittedAt", "createdAt", "updatedAt"`;

/** One edit of `updateListingAtOnce`, with its audit record's values when the mutation is audited. */
interface AtOnceEdit {
  listingId: number;
  everyShop: boolean;
  /** The caller's shops, an `int[]` literal. */
  reach: string;
  title: string | null;
  description: string | null;
  categoryId: number | null;
  expectedVersion: number | null;
  /** The real time of the edit (ISO), which the platform clock derives from. */
  real: string;
  audit: AuditValues | null;
}

type AtOnceRow = Listing & { targetStatus: ListingStatus | null; targetVersion: number | null };

/** Each edit's column of `updateListingAtOnce`'s statement: its parameter is one array over the batch. */
const atOnceColumns = {
  listingId: 'int',
  everyShop: 'boolean',
  reach: 'text',
  title: 'text',
  description: 'text',
  categoryId: 'int',
  expectedVersion: 'int',
  real: 'timestamp(3)',
  audited: 'boolean',
  apiKeyId: 'int',
  role: 'text',
  operation: 'text',
  targetType: 'text',
  targetId: 'text',
  shopId: 'int',
  input: 'text',
  outcome: 'text',
  resultCode: 'text',
  requestId: 'text',
} as const;
type AtOnceColumns = { [K in keyof typeof atOnceColumns]: unknown[] };

/** The audit record's columns, each an array of `updateListingAtOnce`'s statement. */
const auditColumnsOf: Record<keyof AuditValues, true> = {
  apiKeyId: true,
  role: true,
  operation: true,
  targetType: true,
  targetId: true,
  shopId: true,
  input: true,
  outcome: true,
  resultCode: true,
  requestId: true,
};

/**
 * `updateListingAtOnce`'s statement over a batch of edits (one row per edit in `input`, numbered by
 * `ord`), built once per clock (production or sandbox): each edit's listing chosen within its
 * caller's reach, the conditional update, its event at the platform clock and, when audited, its
 * audit record; one row per edit back, in order.
 */
const updateAtOnce = statementShapes<{ production: boolean }, AtOnceColumns>(({ production }, p) => {
  const columns = Object.entries(atOnceColumns);
  const arrays = Prisma.join(
    columns.map(([name, type]) => Prisma.sql`${p[name as keyof AtOnceColumns]}::${Prisma.raw(type)}[]`),
  );
  const names = Prisma.raw(columns.map(([name]) => `"${name}"`).join(', '));
  const clock = production
    ? Prisma.sql`e."real"`
    : Prisma.sql`coalesce((SELECT CASE WHEN p."sandboxFrozen" OR p."sandboxSetAt" IS NULL THEN p."sandboxNow" ELSE p."sandboxNow" + (e."real" - p."sandboxSetAt") END
        FROM "PlatformSettings" p WHERE p."id" = 1), e."real")`;
  return Prisma.sql`
    WITH input AS (
      SELECT * FROM unnest(${arrays}) WITH ORDINALITY AS e(${names}, "ord")
    ),
    target AS (
      SELECT e."ord", l."id", l."status"::text AS "status", l."version"
      FROM input e
      JOIN "Listing" l ON l."id" = e."listingId" AND (e."everyShop" OR l."shopId" = ANY(e."reach"::int[]))
    ),
    updated AS (
      UPDATE "Listing" l
      SET "title" = COALESCE(e."title", l."title"),
          "description" = COALESCE(e."description", l."description"),
          "categoryId" = COALESCE(e."categoryId", l."categoryId"),
          "version" = l."version" + 1, "updatedAt" = e."real"
      FROM target t JOIN input e ON e."ord" = t."ord"
      WHERE l."id" = t."id" AND l."version" = t."version" AND l."status" = ANY(${[...editableStatuses]}::text[]::"ListingStatus"[])
        AND (e."expectedVersion" IS NULL OR l."version" = e."expectedVersion")
      RETURNING e."ord", l."id", l."shopId", l."title", l."description", l."categoryId", l."priceAmount", l."currency", l."sites",
                l."status"::text AS "status", l."version", l."submittedAt", l."createdAt", l."updatedAt"
    ),
    events AS (
      INSERT INTO "OutboxEvent" ("type", "shopId", "subjectType", "subjectId", "payload", "occurredAt", "createdAt")
      SELECT 'listing.updated', u."shopId", 'Listing', u."id"::text, jsonb_build_object('listingId', u."id", 'version', u."version"),
             ${clock}, ${utcNow}
      FROM updated u JOIN input e ON e."ord" = u."ord"
    ),
    audited AS (${auditInsertSql(
      Object.fromEntries(Object.keys(auditColumnsOf).map((k) => [k, Prisma.raw(`e."${k}"`)])) as Record<
        keyof AuditValues,
        Prisma.Sql
      >,
      Prisma.sql`updated u JOIN input e ON e."ord" = u."ord" WHERE e."audited"`,
    )})
    SELECT u."id", u."shopId", u."title", u."description", u."categoryId", u."priceAmount", u."currency", u."sites",
           u."status", u."version", u."submittedAt", u."createdAt", u."updatedAt",
           t."status" AS "targetStatus", t."version" AS "targetVersion"
    FROM input e LEFT JOIN target t ON t."ord" = e."ord" LEFT JOIN updated u ON u."ord" = e."ord"
    ORDER BY e."ord"`;
});

/**
 * One edit's statement, with scalar parameters, built once per clock (production or sandbox) and audit
 * shape: a lone edit (a quiet server) costs PostgreSQL half of what the batch's `unnest` form does.
 */
const updateOneAtOnce = statementShapes<
  { production: boolean; audited: boolean },
  Omit<AtOnceEdit, 'audit'> & Partial<AuditValues>
>(({ production, audited }, p) => {
  const clock = production
    ? Prisma.sql`${p.real}::timestamp(3)`
    : Prisma.sql`coalesce((SELECT CASE WHEN p."sandboxFrozen" OR p."sandboxSetAt" IS NULL THEN p."sandboxNow" ELSE p."sandboxNow" + (${p.real}::timestamp(3) - p."sandboxSetAt") END
        FROM "PlatformSettings" p WHERE p."id" = 1), ${p.real}::timestamp(3))`;
  return Prisma.sql`
    WITH target AS (
      SELECT l."id", l."status"::text AS "status", l."version"
      FROM "Listing" l
      WHERE l."id" = ${p.listingId}::int AND (${p.everyShop}::boolean OR l."shopId" = ANY(${p.reach}::int[]))
    ),
    updated AS (
      UPDATE "Listing" l
      SET "title" = COALESCE(${p.title}::text, l."title"),
          "description" = COALESCE(${p.description}::text, l."description"),
          "categoryId" = COALESCE(${p.categoryId}::int, l."categoryId"),
          "version" = l."version" + 1, "updatedAt" = ${p.real}::timestamp(3)
      FROM target t
      WHERE l."id" = t."id" AND l."version" = t."version" AND l."status" = ANY(${[...editableStatuses]}::text[]::"ListingStatus"[])
        AND (${p.expectedVersion}::int IS NULL OR l."version" = ${p.expectedVersion}::int)
      RETURNING l."id", l."shopId", l."title", l."description", l."categoryId", l."priceAmount", l."currency", l."sites",
                l."status"::text AS "status", l."version", l."submittedAt", l."createdAt", l."updatedAt"
    ),
    ${updatedEventCte(clock)}${audited ? Prisma.sql`, audited AS (${auditInsertSql(p, Prisma.sql`updated`)})` : Prisma.empty}
    SELECT u.*, t."status" AS "targetStatus", t."version" AS "targetVersion"
    FROM (SELECT 1) one LEFT JOIN target t ON true LEFT JOIN updated u ON true`;
});

/** The statement of a batch of edits, as parallel arrays (one edit: `updateOneAtOnce`). */
function atOnceStatement(production: boolean, edits: readonly AtOnceEdit[]) {
  const [only] = edits;
  if (only && edits.length === 1) {
    const { audit, ...own } = only;
    return updateOneAtOnce({ production, audited: audit !== null }, audit ? { ...own, ...audit } : own);
  }
  const columns = Object.fromEntries(Object.keys(atOnceColumns).map((k) => [k, [] as unknown[]])) as AtOnceColumns;
  for (const edit of edits) {
    const { audit, ...own } = edit;
    for (const [k, v] of Object.entries(own)) columns[k as keyof AtOnceColumns].push(v);
    columns.audited.push(audit !== null);
    for (const k of Object.keys(auditColumnsOf) as (keyof AuditValues)[]) columns[k].push(audit?.[k] ?? null);
  }
  return updateAtOnce({ production }, columns);
}

type BatchingDatabase = Pick<Database, 'queryRows' | 'target'>;

/** Concurrent edits of one database and clock, coalesced (a listing at most once per batch). */
const atOnceBatchers = new WeakMap<BatchingDatabase, Map<boolean, WriteBatcher<AtOnceEdit, AtOnceRow | undefined>>>();

function atOnceBatcher(database: BatchingDatabase, production: boolean) {
  let byClock = atOnceBatchers.get(database);
  if (!byClock) atOnceBatchers.set(database, (byClock = new Map()));
  let batcher = byClock.get(production);
  if (!batcher) {
    batcher = new WriteBatcher(
      (edits) => database.queryRows<AtOnceRow>(atOnceStatement(production, edits)),
      // PGlite runs one statement at a time; a pool a few, leaving connections to reads.
      { maxInFlight: database.target.kind === 'pglite' ? 1 : 4, maxBatch: 100, key: (edit) => edit.listingId },
    );
    byClock.set(production, batcher);
  }
  return batcher;
}

/**
 * An edit of fields that need nothing of the shop (title, description, category), by a caller who may
 * write listings, as ONE statement: the listing chosen within reach, the conditional update, its event
 * at the platform clock (computed in the statement) and its audit record. Outside a transaction,
 * concurrent edits share the statement (`WriteBatcher`). Null when the edit needs the shop or its
 * fields are refused: the two-statement path then reports in the usual order.
 */
async function updateListingAtOnce(ctx: Context, input: ListingEdit): Promise<Listing | null> {
  const viewer = ctx.viewer;
  if (!viewer || viewer.role === 'PARTNER' || !hasScope(viewer, 'listings:write')) return null;
  const sent = (k: keyof ListingFields) => input[k] !== undefined && input[k] !== null;
  if (sent('priceAmount') || sent('currency') || sent('sites')) return null;
  const fields: ListingFields = {
    title: input.title ?? '',
    description: input.description ?? '',
    categoryId: input.categoryId ?? 0,
    priceAmount: 1,
    currency: '',
    sites: [],
  };
  const categories = sent('categoryId') ? await categoriesFor(ctx, fields.categoryId) : new Map<number, CategoryLite>();
  if (validateFields(fields, [], categories, sent).length) return null;
  const reach = viewer.shopIds;
  const audit = auditWithChange(ctx);
  const edit: AtOnceEdit = {
    listingId: input.listingId,
    everyShop: reach === null,
    reach: intArrayLiteral(reach ?? []),
    title: sent('title') ? fields.title.trim() : null,
    description: input.description ?? null,
    categoryId: input.categoryId ?? null,
    expectedVersion: input.expectedVersion ?? null,
    real: new Date().toISOString(),
    audit: audit ? auditValues(audit.row) : null,
  };
  const database = ctx.database;
  const row =
    database && database.prisma === ctx.prisma
      ? await atOnceBatcher(database, ctx.production).submit(edit)
      : (await queryRows<AtOnceRow>(ctx, atOnceStatement(ctx.production, [edit])))[0];
  if (row?.id != null) {
    audit?.committed();
    const { targetStatus: _s, targetVersion: _v, ...written } = row;
    return written;
  }
  // Nothing written: why, in the order the two-statement path checks.
  if (!row?.targetStatus || row.targetVersion === null) throw new NotFoundError('Listing');
  if (!editableStatuses.includes(row.targetStatus)) {
    throw new InvalidStateError(
      'INVALID_STATE',
      `A ${row.targetStatus} listing cannot be edited; only DRAFT and REJECTED listings can.`,
    );
  }
  if (input.expectedVersion != null && input.expectedVersion !== row.targetVersion)
    throw new ConflictError(
      `The listing is at version ${row.targetVersion}, not ${input.expectedVersion}; re-read it.`,
    );
  throw new ConflictError('The listing changed while this edit was made; re-read it and try again.');
}

/** Edits a DRAFT or REJECTED listing; other statuses are INVALID_STATE, a concurrent edit is CONFLICT. */
export async function updateListing(ctx: Context, input: ListingEdit, dryRun: boolean) {
  if (!dryRun) {
    const written = await updateListingAtOnce(ctx, input);
    if (written) return { listingId: written.id, written };
  }
  const listing = await listingForEdit(ctx, input.listingId);
  // The settings row as read with the listing (a missing row: the real clock, as createContext's default row).
  const now = platformNow(
    { sandboxNow: listing.sandboxNow, sandboxSetAt: listing.sandboxSetAt, sandboxFrozen: !!listing.sandboxFrozen },
    ctx.production,
  );
  if (!editableStatuses.includes(listing.status)) {
    throw new InvalidStateError(
      'INVALID_STATE',
      `A ${listing.status} listing cannot be edited; only DRAFT and REJECTED listings can.`,
    );
  }
  if (input.expectedVersion != null && input.expectedVersion !== listing.version)
    throw new ConflictError(`The listing is at version ${listing.version}, not ${input.expectedVersion}; re-read it.`);
  const sent = (k: keyof ListingFields) => input[k] !== undefined && input[k] !== null;
  const repriced =
    (sent('priceAmount') && input.priceAmount !== listing.priceAmount) ||
    (sent('currency') && input.currency !== listing.currency);
  const priceError = repriced ? platformOperatedPriceError(listing.businessModel, ctx.viewer?.role) : null;
  if (priceError) throw priceError;
  const fields: ListingFields = {
    title: input.title ?? listing.title,
    description: input.description ?? listing.description,
    categoryId: input.categoryId ?? listing.categoryId,
    priceAmount: input.priceAmount ?? listing.priceAmount,
    currency: input.currency ?? listing.currency,
    sites: input.sites ?? listing.sites,
  };
  // The tree is needed only to check a category the caller sent.
  const categories = sent('categoryId') ? await categoriesFor(ctx, fields.categoryId) : new Map<number, CategoryLite>();
  const errors = validateFields(fields, listing.shopSites, categories, sent);
  if (errors.length) throw new ValidationError(errors);
  const audit = auditWithChange(ctx);
  // The change, its event and (when audited) its audit record in one statement: all commit or none.
  const write = Prisma.sql`
    WITH updated AS (
      UPDATE "Listing"
      SET "title" = ${fields.title.trim()}, "description" = ${fields.description}, "categoryId" = ${fields.categoryId}::int,
          "priceAmount" = ${fields.priceAmount}::int, "currency" = ${fields.currency}, "sites" = ${fields.sites}::text[],
          "version" = "version" + 1, "updatedAt" = ${new Date().toISOString()}::timestamp(3)
      WHERE "id" = ${listing.id}::int AND "version" = ${listing.version}::int
        AND "status" = ANY(${[...editableStatuses]}::text[]::"ListingStatus"[])
      RETURNING ${writtenColumns}
    ),
    ${updatedEventCte(Prisma.sql`${now.toISOString()}::timestamp(3)`)}${auditedCte(audit)}
    SELECT * FROM updated`;
  const run = async (tx: Prisma.TransactionClient) => {
    const [row] = await tx.$queryRaw<Listing[]>(write);
    if (!row) throw new ConflictError('The listing changed while this edit was made; re-read it and try again.');
    return row;
  };
  if (dryRun) {
    // The same statement, rolled back: it reports exactly what the real call would.
    await inListingTransaction(ctx, true, async (tx) => ({ value: await run(tx), commit: true }));
    return { listingId: listing.id, written: null };
  }
  const written = await run(ctx.prisma);
  audit?.committed();
  return { listingId: listing.id, written };
}

/** Callers that may never write listings fail the whole call, not item by item. */
export function assertMayWriteListings(viewer: Viewer | null): asserts viewer is Viewer {
  if (!viewer) throw new ForbiddenError('Send an API key: Authorization: Bearer <key>.');
  if (viewer.role === 'PARTNER' || !hasScope(viewer, 'listings:write')) {
    throw new ForbiddenError('Your API key needs the listings:write scope.');
  }
}

function assertWithinLimit(count: number) {
  if (count > BULK_LIMIT)
    throw new InvalidStateError(
      'LIMIT_EXCEEDED',
      `At most ${BULK_LIMIT} items per call; got ${count}. Use a bulk operation for larger work.`,
    );
}

interface Planned {
  index: number;
  listingId: number;
  transition: Transition | null;
  issues: ListingIssue[];
  error: AppError | null;
}

/**
 * Applies planned transitions under an error policy, in one transaction, and turns them into one
 * result per item in input order. Used by single and bulk submissions and reviews alike.
 */
async function applyPlan(
  tx: Prisma.TransactionClient,
  plan: Planned[],
  policy: ErrorPolicy,
  dryRun: boolean,
  now: Date,
  actor: number | null,
): Promise<{ value: ItemResult[]; commit: boolean }> {
  const failedBeforeWrite = plan.some((p) => p.error);
  const toWrite =
    policy === 'REJECT_EVERYTHING' && failedBeforeWrite
      ? []
      : plan.flatMap((p) => (p.transition && !p.error ? [p.transition] : []));
  const versions = await writeTransitions(tx, toWrite, now, actor);
  for (const p of plan) {
    if (p.transition && !p.error && toWrite.length && !versions.has(p.listingId)) {
      p.error = lostRace();
    }
  }
  return planResults(plan, versions, policy, dryRun);
}

/** A planned change the conditional write did not apply although the listing looked right: another write came first. */
const lostRace = () => new ConflictError('The listing changed while this decision was made; re-read it and try again.');

/** One result per planned item, in input order, once the write (if any) has run. */
function planResults(
  plan: Planned[],
  versions: Map<number, number>,
  policy: ErrorPolicy,
  dryRun: boolean,
): { value: ItemResult[]; commit: boolean } {
  const anyFailed = plan.some((p) => p.error);
  const rollBack = policy === 'REJECT_EVERYTHING' && anyFailed;
  const value = plan.map<ItemResult>((p) => {
    if (p.error)
      return {
        index: p.index,
        listingId: p.listingId,
        state: policy === 'IGNORE_FAILED' ? 'IGNORED' : 'FAILED',
        status: null,
        version: null,
        issues: [],
        error: p.error,
      };
    const state: ItemState = rollBack ? 'ROLLED_BACK' : dryRun ? 'WOULD_APPLY' : 'APPLIED';
    if (!p.transition) throw new InvariantError(`item ${p.index} has neither an error nor a transition`);
    return {
      index: p.index,
      listingId: p.listingId,
      state,
      status: p.transition.to,
      version: rollBack ? null : (versions.get(p.listingId) ?? null),
      issues: p.issues,
      error: null,
    };
  });
  return { value, commit: !rollBack };
}

/** The error for a listing named a second time in one call (or one bulk operation). */
export function duplicateError(path: string[], where = 'the same call') {
  return ValidationError.field(path, `This listing appears earlier in ${where}.`);
}

/** Options of the rule functions; `itemPath` gives the input path of item `i` for field errors. */
export interface PlanOptions {
  policy: ErrorPolicy;
  dryRun: boolean;
  itemPath: (i: number) => string[];
}

/** What a submission reads before its transaction opens (PGlite has one connection: no reads beside an open transaction). */
export interface SubmissionContext {
  viewer: Viewer;
  settings: PlatformSettings;
  now: Date;
  categories: Map<number, CategoryLite>;
}

/** Checks the caller may submit listings at all and loads what every submission needs. */
export async function loadSubmissionContext(ctx: Context): Promise<SubmissionContext> {
  assertMayWriteListings(ctx.viewer);
  const viewer = ctx.viewer;
  const [settings, now, categories] = await Promise.all([ctx.settings(), ctx.now(), categoriesOf(ctx.prisma)]);
  return { viewer, settings, now, categories };
}

/**
 * Submits listings: runs the automatic checks (every reason, in spec order) and moves each to
 * PENDING_REVIEW or REJECTED with an automatic review record. Loads everything it needs in a fixed
 * number of statements and writes set-based, whatever the number of items.
 */
export async function submitListings(
  ctx: Context,
  items: readonly { listingId: number }[],
  opts: PlanOptions,
): Promise<ItemResult[]> {
  assertWithinLimit(items.length);
  const sc = await loadSubmissionContext(ctx);
  return inListingTransaction(ctx, opts.dryRun, (tx) => submitListingsInTransaction(tx, sc, items, opts));
}

/**
 * The submission rules inside the caller's transaction, for any number of items (a bulk operation
 * runs its chunks through here): the same fixed number of statements whatever the count.
 */
export async function submitListingsInTransaction(
  tx: Prisma.TransactionClient,
  { viewer, settings, now, categories }: SubmissionContext,
  items: readonly { listingId: number }[],
  opts: PlanOptions,
): Promise<{ value: ItemResult[]; commit: boolean }> {
  const inForce = isPrimaryCategoryPolicyInForce(settings, now);
  const listings = await readListingsForTransition(tx, [...new Set(items.map((i) => i.listingId))], viewer.shopIds);
  const byId = new Map(listings.map((l) => [l.id, l]));
  const shopIds = [...new Set(listings.map((l) => l.shopId))];
  await catchUpShopHealth(tx, shopIds, now, settings);
  // One transaction is one connection: its statements go one after another.
  const shops = await tx.shop.findMany({
    where: { id: { in: shopIds } },
    select: { id: true, status: true, primaryCategoryId: true, businessModel: true, migrationDeadline: true },
  });
  const grants = await tx.categoryExceptionGrant.findMany({
    where: { shopId: { in: shopIds } },
    select: { shopId: true, categoryId: true },
  });
  const approvals = await tx.restrictedCategoryApproval.findMany({
    where: { shopId: { in: shopIds }, status: 'GRANTED' },
    select: { shopId: true, categoryId: true },
  });
  const counts = inForce
    ? []
    : await tx.listing.groupBy({
        by: ['shopId', 'categoryId'],
        where: { shopId: { in: shopIds }, status: { not: 'DRAFT' } },
        _count: { _all: true },
      });
  const shopById = new Map(shops.map((s) => [s.id, s]));
  const rootOf = (categoryId: number) => categories.get(categoryId)?.rootId ?? categoryId;
  // Non-DRAFT listings per shop and top-level category; updated as items are planned, as if submitted one after another.
  const rootCounts = new Map<number, Map<number, number>>();
  const bump = (shopId: number, rootId: number, by: number) => {
    const m = rootCounts.get(shopId) ?? new Map<number, number>();
    rootCounts.set(shopId, m.set(rootId, (m.get(rootId) ?? 0) + by));
  };
  for (const c of counts) bump(c.shopId, rootOf(c.categoryId), c._count._all);
  const seen = new Set<number>();
  const plan: Planned[] = items.map(({ listingId }, index) => {
    const base = { index, listingId, transition: null, issues: [] };
    if (seen.has(listingId)) return { ...base, error: duplicateError(opts.itemPath(index)) };
    seen.add(listingId);
    const listing = byId.get(listingId);
    if (!listing) return { ...base, error: new NotFoundError('Listing') };
    try {
      assertCanWriteShop(viewer, listing.shopId, 'listings:write');
    } catch (error) {
      return { ...base, error: error as AppError };
    }
    if (!editableStatuses.includes(listing.status)) {
      return {
        ...base,
        error: new InvalidStateError(
          'INVALID_STATE',
          `A ${listing.status} listing cannot be submitted; only DRAFT and REJECTED listings can.`,
        ),
      };
    }
    const shop = shopById.get(listing.shopId);
    const category = categories.get(listing.categoryId);
    if (!shop || !category) throw new InvariantError(`listing ${listingId}: its shop or category was not read with it`);
    const rootId = rootOf(listing.categoryId);
    const mine = rootCounts.get(shop.id) ?? new Map<number, number>();
    const ownCount = listing.status === 'DRAFT' ? 0 : 1;
    const otherRootIds = new Set([...mine].filter(([r, n]) => n - (r === rootId ? ownCount : 0) > 0).map(([r]) => r));
    const issues = runAutomaticChecks({
      shop: {
        ...statusInForce(shop, now),
        primaryCategoryId: shop.primaryCategoryId,
        exceptionCategoryIds: new Set(grants.filter((g) => g.shopId === shop.id).map((g) => g.categoryId)),
        approvedRestrictedIds: new Set(approvals.filter((a) => a.shopId === shop.id).map((a) => a.categoryId)),
      },
      category,
      categories,
      policyInForce: inForce,
      maxCategories: settings.previousPolicyMaxCategories,
      otherRootIds,
    });
    if (listing.status === 'DRAFT') bump(shop.id, rootId, 1);
    const to = submissionOutcome(issues);
    const transition: Transition = {
      listingId,
      from: listing.status,
      to,
      expectedVersion: listing.version,
      submittedAt: now,
      decision: to === 'REJECTED' ? 'AUTO_REJECTED' : 'SUBMITTED',
      automatic: true,
      reasons: issues,
      note: null,
    };
    return { ...base, transition, issues, error: null };
  });
  return applyPlan(tx, plan, opts.policy, opts.dryRun, now, viewer.apiKeyId);
}

export interface ReviewItem {
  listingId: number;
  decision: ReviewDecisionInput;
  reasons?: ListingIssue[] | null;
  note?: string | null;
  expectedVersion?: number | null;
}

/** The item's field errors, or null; the item's path is built only when there is one (a bulk review checks thousands of items, so no closure per item). */
function validateReviewItem(item: ReviewItem, index: number, opts: PlanOptions): FieldError[] | null {
  let errors: FieldError[] | null = null;
  const reasons = item.reasons ?? [];
  if (item.decision === 'REJECT' && reasons.length === 0)
    (errors ??= []).push(itemFieldError(opts, index, 'Give at least one reason to reject a listing.', 'reasons'));
  if (reasons.length > MAX_REASONS)
    (errors ??= []).push(itemFieldError(opts, index, `At most ${MAX_REASONS} reasons.`, 'reasons'));
  for (const [i, r] of reasons.entries()) {
    if (!reasonCodePattern.test(r.code))
      (errors ??= []).push(
        itemFieldError(
          opts,
          index,
          'A reason code is UPPER_SNAKE_CASE, 2–64 characters.',
          'reasons',
          String(i),
          'code',
        ),
      );
    if (!r.message.trim() || r.message.length > 1000)
      (errors ??= []).push(
        itemFieldError(opts, index, 'A reason message is 1–1000 characters.', 'reasons', String(i), 'message'),
      );
  }
  if (item.note && item.note.length > 2000)
    (errors ??= []).push(itemFieldError(opts, index, 'A note is at most 2000 characters.', 'note'));
  return errors;
}

function itemFieldError(opts: PlanOptions, index: number, message: string, ...below: string[]): FieldError {
  return { path: [...opts.itemPath(index), ...below], message };
}

/**
 * Administrators' decisions on listings (APPROVE / REJECT from PENDING_REVIEW, SUSPEND from ACTIVE).
 * Each item applies only if the listing still has the expected version: of concurrent decisions on
 * one listing exactly one wins and the others get CONFLICT. One load, one set-based write.
 */
export async function reviewListings(
  ctx: Context,
  items: readonly ReviewItem[],
  opts: PlanOptions,
): Promise<ItemResult[]> {
  assertWithinLimit(items.length);
  const rc = await loadReviewContext(ctx);
  return inListingTransaction(ctx, opts.dryRun, (tx) => reviewListingsInTransaction(tx, rc, items, opts));
}

/** Only administrators review; the whole call fails otherwise. */
export function assertMayReviewListings(viewer: Viewer | null): asserts viewer is Viewer {
  if (!viewer || viewer.role !== 'ADMIN') throw new ForbiddenError('Only platform administrators review listings.');
}

/** What a review reads before its transaction opens. */
export interface ReviewContext {
  actorApiKeyId: number;
  now: Date;
}

export async function loadReviewContext(ctx: Context): Promise<ReviewContext> {
  assertMayReviewListings(ctx.viewer);
  return { actorApiKeyId: ctx.viewer.apiKeyId, now: await ctx.now() };
}

/**
 * The review rules inside the caller's transaction, for any number of items (a bulk operation runs
 * its chunks through here): one read of the listings, one set-based write, whatever the count.
 */
export async function reviewListingsInTransaction(
  tx: Prisma.TransactionClient,
  rc: ReviewContext,
  items: readonly ReviewItem[],
  opts: PlanOptions,
): Promise<{ value: ItemResult[]; commit: boolean }> {
  return applyReviews(tx, planReviews(rc, items, opts));
}

/** Reviews planned (fields checked, the write's statement built), ready to run in a transaction. */
export interface PlannedReviews {
  items: readonly ReviewItem[];
  opts: PlanOptions;
  plan: Planned[];
  writing: boolean;
  write: PlannedTransitions;
}

/**
 * Everything of a review that needs no database: the fields, a listing named twice, and the write's
 * statement. A bulk operation plans its next batch while the database writes the one before.
 */
export function planReviews(
  { actorApiKeyId: actor, now }: ReviewContext,
  items: readonly ReviewItem[],
  opts: PlanOptions,
): PlannedReviews {
  // What needs no database first: the fields, and a listing named twice. (A plain loop with no
  // closure per item: a bulk operation's chunk plans thousands of items.)
  const seen = new Set<number>();
  const plan: Planned[] = new Array(items.length);
  for (const [index, item] of items.entries()) {
    const fieldErrors = validateReviewItem(item, index, opts);
    const error = fieldErrors
      ? new ValidationError(fieldErrors)
      : seen.has(item.listingId)
        ? duplicateError(opts.itemPath(index))
        : null;
    if (error) {
      plan[index] = { index, listingId: item.listingId, transition: null, issues: [], error };
      continue;
    }
    seen.add(item.listingId);
    const rule = reviewTransitions[item.decision];
    const reasons = item.reasons?.length ? item.reasons.map((r) => ({ code: r.code, message: r.message.trim() })) : [];
    const transition: Transition = {
      listingId: item.listingId,
      from: rule.from,
      to: rule.to,
      expectedVersion: item.expectedVersion ?? null,
      submittedAt: null,
      decision: rule.recorded,
      automatic: false,
      reasons,
      note: item.note?.trim() || null,
    };
    plan[index] = { index, listingId: item.listingId, transition, issues: reasons, error: null };
  }
  // The listing's status and version are the write's own conditions, so the write goes first, with no
  // read before it (a review's rules need nothing else of the listing): the listings it did not apply
  // to are read afterwards, and only they, to say why. REJECT_EVERYTHING with a failure already
  // writes nothing, and reads every listing to report each one's own error.
  const writing = !(opts.policy === 'REJECT_EVERYTHING' && plan.some((p) => p.error));
  return {
    items,
    opts,
    plan,
    writing,
    write: planTransitions(
      writing ? plan.flatMap((p) => (p.transition && !p.error ? [p.transition] : [])) : [],
      now,
      actor,
    ),
  };
}

/** Runs planned reviews: the write, then a read of only the listings it did not apply, to say why. */
export async function applyReviews(
  tx: Prisma.TransactionClient,
  { items, opts, plan, writing, write }: PlannedReviews,
): Promise<{ value: ItemResult[]; commit: boolean }> {
  const versions = await runTransitions(tx, write);
  const unapplied = plan.filter((p) => p.transition && !p.error && !versions.has(p.listingId));
  if (unapplied.length) {
    const byId = new Map(
      (
        await readListingsForTransition(
          tx,
          unapplied.map((p) => p.listingId),
          null,
        )
      ).map((l) => [l.id, l]),
    );
    for (const p of unapplied) {
      const item = must(items[p.index], `review item ${p.index}`);
      const listing = byId.get(p.listingId);
      const rule = reviewTransitions[item.decision];
      if (!listing) p.error = new NotFoundError('Listing');
      else if (item.expectedVersion != null && item.expectedVersion !== listing.version) {
        p.error = new ConflictError(
          `The listing is at version ${listing.version}, not ${item.expectedVersion}; re-read it.`,
        );
      } else if (listing.status !== rule.from) {
        p.error = new InvalidStateError(
          'INVALID_STATE',
          `${item.decision} needs a ${rule.from} listing; this one is ${listing.status}.`,
        );
      } else if (writing) p.error = lostRace();
    }
  }
  return planResults(plan, versions, opts.policy, opts.dryRun);
}

/** A single item that went through: its listing and the status it has (or would have). */
export type AppliedItem = ItemResult & { listingId: number; status: ListingStatus };

/** A single-item call reports its item's error as the mutation's typed error. */
export function singleResult(results: ItemResult[]): AppliedItem {
  const only = must(results[0], 'the result of a single-item call');
  if (only.error) throw only.error;
  const { listingId, status } = only;
  if (listingId === null || status === null)
    throw new InvariantError(`item ${only.index} has no error but no listing or status`);
  return { ...only, listingId, status };
}

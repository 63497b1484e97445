import {
  generateApiKey,
  hashApiKey,
  apiKeyPrefix,
  type BusinessModel,
  type PrismaClient,
  type Prisma,
  type VerificationDocumentType,
} from '@shopwarden/db';
import type { Context } from '#context';
import { ConflictError, InvalidStateError, NotFoundError, ValidationError, type FieldError } from '#lib/errors.ts';
import { must } from '#lib/must.ts';
import { recordEvent } from '#modules/platform/outbox.service.ts';
import { effectiveRestriction, loadCategoryIndex, type CategoryLite } from './category-eligibility.service.ts';
import { categoryQuestionnaire } from './questionnaire.ts';
import { scheduleMigrationDeadlines } from './business-model.service.ts';

const sitePattern = /^[A-Z]{2}$/;

export interface OnboardShopInput {
  name: string;
  sites: string[];
  businessModel?: BusinessModel | null;
  verificationDocument?: { type: VerificationDocumentType; reference: string } | null;
  invitationCode?: string | null;
  createSellerKey?: boolean | null;
}

/** Onboards a shop: business-model retirement, per-site verification and invitation rules, all in one transaction. */
export async function onboardShop(ctx: Context, input: OnboardShopInput) {
  const settings = await ctx.settings();
  const now = await ctx.now();
  const errors: FieldError[] = [];
  const name = input.name.trim();
  if (!name || name.length > 120) errors.push({ path: ['input', 'name'], message: 'Name must be 1–120 characters.' });
  if (input.sites.length === 0)
    errors.push({ path: ['input', 'sites'], message: 'A shop sells on at least one country site.' });
  input.sites.forEach((s, i) => {
    if (!sitePattern.test(s))
      errors.push({ path: ['input', 'sites', String(i)], message: `"${s}" is not an ISO country code.` });
  });
  if (new Set(input.sites).size !== input.sites.length)
    errors.push({ path: ['input', 'sites'], message: 'Sites must not repeat.' });
  if (input.verificationDocument && !input.verificationDocument.reference.trim()) {
    errors.push({
      path: ['input', 'verificationDocument', 'reference'],
      message: 'The document reference must not be empty.',
    });
  }
  if (errors.length) throw new ValidationError(errors);

  const businessModel = input.businessModel ?? 'CLOSED_LOOP';
  if (businessModel === 'SEMI_CLOSED_LOOP' && now >= settings.semiClosedLoopRetiredAt) {
    throw new InvalidStateError(
      'BUSINESS_MODEL_RETIRED',
      `SEMI_CLOSED_LOOP was retired on ${settings.semiClosedLoopRetiredAt.toISOString().slice(0, 10)}: onboard as CLOSED_LOOP or SELF_OPERATED.`,
    );
  }
  const verificationSites = input.sites.filter((s) => settings.verificationRequiredSites.includes(s));
  if (verificationSites.length && !input.verificationDocument) {
    throw new InvalidStateError(
      'VERIFICATION_REQUIRED',
      `Selling on ${verificationSites.join(', ')} requires one verification document (PASSPORT, DRIVERS_LICENSE or COMPANY_REGISTRATION).`,
    );
  }
  const inviteSites = input.sites.filter((s) => settings.inviteOnlySites.includes(s));
  if (inviteSites.length && !input.invitationCode) {
    throw new InvalidStateError(
      'INVITATION_REQUIRED',
      `${inviteSites.join(', ')} is invite-only: an invitation code is required.`,
    );
  }

  const migrationDeadline =
    businessModel === 'SEMI_CLOSED_LOOP'
      ? new Date(settings.semiClosedLoopRetiredAt.getTime() + settings.semiClosedLoopMigrationDays * 86_400_000)
      : null;
  const sellerKey = input.createSellerKey === false ? null : generateApiKey('SELLER');

  return ctx.prisma.$transaction(async (tx) => {
    const shop = await tx.shop.create({
      data: {
        name,
        sites: input.sites,
        businessModel,
        migrationDeadline,
        verificationDocuments: input.verificationDocument
          ? {
              create: { type: input.verificationDocument.type, reference: input.verificationDocument.reference.trim() },
            }
          : undefined,
      },
    });
    if (inviteSites.length) {
      // The conditional update claims the code atomically: two shops can never use one code.
      const claimed = await tx.invitationCode.updateMany({
        where: {
          code: must(input.invitationCode, 'the invitation code (required above)'),
          site: { in: inviteSites },
          usedByShopId: null,
          revokedAt: null,
          OR: [{ expiresAt: null }, { expiresAt: { gt: now } }],
        },
        data: { usedByShopId: shop.id, usedAt: now },
      });
      if (claimed.count !== 1)
        throw new InvalidStateError(
          'INVITATION_REQUIRED',
          'The invitation code is unknown, used, expired, revoked or for another site.',
        );
    }
    const key = sellerKey
      ? await tx.apiKey.create({
          data: {
            name: `${name} (owner)`,
            prefix: apiKeyPrefix(sellerKey),
            hash: hashApiKey(sellerKey),
            role: 'SELLER',
            scopes: SELLER_DEFAULT_SCOPES,
            shopId: shop.id,
            createdByApiKeyId: ctx.viewer?.apiKeyId ?? null,
          },
        })
      : null;
    if (migrationDeadline) await scheduleMigrationDeadlines(tx, [{ id: shop.id, migrationDeadline }]);
    await recordEvent(tx, {
      type: 'shop.onboarded',
      shopId: shop.id,
      subjectType: 'Shop',
      subjectId: String(shop.id),
      payload: { name, sites: input.sites, businessModel },
      occurredAt: now,
    });
    return { shop, apiKey: key, secret: sellerKey };
  });
}

export const SELLER_DEFAULT_SCOPES = [
  'shops:read',
  'shops:write',
  'listings:read',
  'listings:write',
  'health:read',
  'quiz:write',
  'events:write',
  'revenue:read',
  'creators:read',
  'partnerships:read',
  'partnerships:write',
  'keys:write',
];

export interface SelectPrimaryCategoryInput {
  shopId: number;
  categoryId: number;
  answers: { key: string; answer: string }[];
  specialCircumstances?: { comment: string; requestedCategoryIds: number[] } | null;
}

/** Validates a category as a primary category: it must exist, be top-level and not prohibited. */
async function assertPrimaryCandidate(
  prisma: PrismaClient | Prisma.TransactionClient,
  categoryId: number,
  path: string[],
) {
  const index = await loadCategoryIndex(prisma as PrismaClient);
  const category = index.get(categoryId);
  if (!category) throw ValidationError.field(path, 'No such category.');
  if (category.parentId !== null) {
    throw new InvalidStateError(
      'CATEGORY_NOT_ELIGIBLE',
      `${category.name} is a subcategory: a primary category must be a top-level category (it covers its whole subtree).`,
    );
  }
  if (effectiveRestriction(category, index).restriction === 'PROHIBITED') {
    throw new InvalidStateError(
      'CATEGORY_NOT_ELIGIBLE',
      `${category.name} is prohibited and cannot be a primary category.`,
    );
  }
  return { category, index };
}

/** A merchant confirms its primary category through the questionnaire; at most once (SPEC §1). */
export async function selectPrimaryCategory(ctx: Context, input: SelectPrimaryCategoryInput) {
  const now = await ctx.now();
  const errors: FieldError[] = [];
  const known = new Map(categoryQuestionnaire.map((q) => [q.key, q]));
  const answered = new Map<string, string>();
  input.answers.forEach((a, i) => {
    if (!known.has(a.key))
      errors.push({ path: ['input', 'answers', String(i), 'key'], message: `Unknown question "${a.key}".` });
    else if (answered.has(a.key))
      errors.push({ path: ['input', 'answers', String(i), 'key'], message: `"${a.key}" is answered twice.` });
    else answered.set(a.key, a.answer.trim());
  });
  for (const q of categoryQuestionnaire) {
    if (q.required && !answered.get(q.key))
      errors.push({ path: ['input', 'answers'], message: `Question "${q.key}" needs an answer: ${q.prompt}` });
  }
  const special = input.specialCircumstances;
  if (special && !special.comment.trim())
    errors.push({ path: ['input', 'specialCircumstances', 'comment'], message: 'Explain the special circumstances.' });
  if (errors.length) throw new ValidationError(errors);

  const { category, index } = await assertPrimaryCandidate(ctx.prisma, input.categoryId, ['input', 'categoryId']);
  if (special) {
    const path = ['input', 'specialCircumstances', 'requestedCategoryIds'];
    errors.push(...requestedCategoryErrors(special.requestedCategoryIds, index, category.id, path));
    if (errors.length) throw new ValidationError(errors);
  }

  return ctx.prisma.$transaction(async (tx) => {
    // Conditional update: under any concurrency exactly one selection finds the shop without a category.
    const updated = await tx.shop.updateMany({
      where: { id: input.shopId, primaryCategoryId: null },
      data: {
        primaryCategoryId: category.id,
        primaryCategorySetAt: now,
        primaryCategorySource: 'SELECTED',
        needsManualCategoryDecision: false,
        version: { increment: 1 },
      },
    });
    if (updated.count === 0) {
      const exists = await tx.shop.count({ where: { id: input.shopId } });
      if (!exists) throw new NotFoundError('Shop');
      throw new InvalidStateError(
        'PRIMARY_CATEGORY_ALREADY_SET',
        'This shop already has a primary category. Changing it is an administrator decision: contact the policy team.',
      );
    }
    const selection = await tx.primaryCategorySelection.create({
      data: {
        shopId: input.shopId,
        categoryId: category.id,
        source: 'SELECTED',
        answers: Object.fromEntries(answered),
        actorApiKeyId: ctx.viewer?.apiKeyId ?? null,
        createdAt: now,
      },
    });
    const exceptionRequest = special
      ? await tx.categoryExceptionRequest.create({
          data: {
            shopId: input.shopId,
            comment: special.comment.trim(),
            requestedCategoryIds: [...new Set(special.requestedCategoryIds)],
            createdAt: now,
          },
        })
      : null;
    await recordEvent(tx, {
      type: 'shop.primary_category_selected',
      shopId: input.shopId,
      subjectType: 'Shop',
      subjectId: String(input.shopId),
      payload: { categoryId: category.id, exceptionRequestId: exceptionRequest?.id ?? null },
      occurredAt: now,
    });
    const shop = await tx.shop.findUniqueOrThrow({ where: { id: input.shopId } });
    return { shop, selection, exceptionRequest };
  });
}

/** Field errors of the extra categories a special-circumstances request names (under `path`). */
function requestedCategoryErrors(
  ids: readonly number[],
  index: ReadonlyMap<number, CategoryLite>,
  primaryCategoryId: number,
  path: string[],
): FieldError[] {
  const errors: FieldError[] = [];
  ids.forEach((id, i) => {
    const c = index.get(id);
    const at = [...path, String(i)];
    if (!c) errors.push({ path: at, message: 'No such category.' });
    else if (id === primaryCategoryId) errors.push({ path: at, message: 'This is the primary category itself.' });
    else if ((c.rootId ?? c.id) === primaryCategoryId)
      errors.push({ path: at, message: `${c.name} is already covered by the primary category.` });
    else if (effectiveRestriction(c, index).restriction === 'PROHIBITED')
      errors.push({ path: at, message: `${c.name} is prohibited.` });
  });
  return errors;
}

/**
 * Files a special-circumstances request on its own, at any time, for a shop that has a primary
 * category however it got it (selected, auto-assigned, set by an administrator).
 */
export async function submitExceptionRequest(
  ctx: Context,
  input: { shopId: number; comment: string; requestedCategoryIds: number[] },
) {
  const now = await ctx.now();
  const comment = input.comment.trim();
  const errors: FieldError[] = [];
  if (!comment || comment.length > 2000)
    errors.push({ path: ['input', 'comment'], message: 'Explain the special circumstances (1–2000 characters).' });
  if (!input.requestedCategoryIds.length)
    errors.push({ path: ['input', 'requestedCategoryIds'], message: 'Name at least one category.' });
  const shop = await ctx.prisma.shop.findUnique({ where: { id: input.shopId }, select: { primaryCategoryId: true } });
  if (!shop) throw new NotFoundError('Shop');
  if (shop.primaryCategoryId === null) {
    if (errors.length) throw new ValidationError(errors);
    throw new InvalidStateError(
      'PRIMARY_CATEGORY_NOT_SET',
      'A special-circumstances request asks for categories beyond the primary category: the shop needs one first (select it, or wait for auto-assignment).',
    );
  }
  const index = await loadCategoryIndex(ctx.prisma);
  errors.push(
    ...requestedCategoryErrors(input.requestedCategoryIds, index, shop.primaryCategoryId, [
      'input',
      'requestedCategoryIds',
    ]),
  );
  if (errors.length) throw new ValidationError(errors);
  const requestedCategoryIds = [...new Set(input.requestedCategoryIds)];
  return ctx.prisma.$transaction(async (tx) => {
    const request = await tx.categoryExceptionRequest.create({
      data: { shopId: input.shopId, comment, requestedCategoryIds, createdAt: now },
    });
    await recordEvent(tx, {
      type: 'category_exception.requested',
      shopId: input.shopId,
      subjectType: 'CategoryExceptionRequest',
      subjectId: String(request.id),
      payload: { requestedCategoryIds },
      occurredAt: now,
    });
    return request;
  });
}

export interface ReviewExceptionInput {
  requestId: number;
  decision: 'APPROVE' | 'DENY';
  grantedCategoryIds?: number[] | null;
  note?: string | null;
}

/** An administrator approves (granting named extra categories) or denies a special-circumstances request. */
export async function reviewExceptionRequest(ctx: Context, input: ReviewExceptionInput) {
  const now = await ctx.now();
  const request = await ctx.prisma.categoryExceptionRequest.findUnique({ where: { id: input.requestId } });
  if (!request) throw new NotFoundError('CategoryExceptionRequest');
  if (input.decision === 'DENY' && !input.note?.trim())
    throw ValidationError.field(['input', 'note'], 'Say why the request is denied.');
  const granted =
    input.decision === 'APPROVE' ? [...new Set(input.grantedCategoryIds ?? request.requestedCategoryIds)] : [];
  if (input.decision === 'APPROVE') {
    if (!granted.length)
      throw ValidationError.field(['input', 'grantedCategoryIds'], 'Name at least one category to grant.');
    const index = await loadCategoryIndex(ctx.prisma);
    const bad = granted.findIndex((id) => {
      const category = index.get(id);
      return !category || effectiveRestriction(category, index).restriction === 'PROHIBITED';
    });
    if (bad >= 0)
      throw ValidationError.field(
        ['input', 'grantedCategoryIds', String(bad)],
        'No such category, or it is prohibited.',
      );
  }
  return ctx.prisma.$transaction(async (tx) => {
    const decided = await tx.categoryExceptionRequest.updateMany({
      where: { id: request.id, status: 'PENDING' },
      data: {
        status: input.decision === 'APPROVE' ? 'APPROVED' : 'DENIED',
        decisionNote: input.note?.trim() || null,
        decidedAt: now,
        decidedByApiKeyId: ctx.viewer?.apiKeyId ?? null,
      },
    });
    if (decided.count === 0) throw new InvalidStateError('INVALID_STATE', 'This request has already been decided.');
    if (granted.length) {
      await tx.categoryExceptionGrant.createMany({
        data: granted.map((categoryId) => ({
          shopId: request.shopId,
          categoryId,
          requestId: request.id,
          createdAt: now,
        })),
        skipDuplicates: true,
      });
    }
    await recordEvent(tx, {
      type: 'category_exception.decided',
      shopId: request.shopId,
      subjectType: 'CategoryExceptionRequest',
      subjectId: String(request.id),
      payload: { decision: input.decision, grantedCategoryIds: granted },
      occurredAt: now,
    });
    return tx.categoryExceptionRequest.findUniqueOrThrow({ where: { id: request.id } });
  });
}

/** An administrator changes (or sets) a shop's primary category, with a reason. */
export async function changePrimaryCategory(
  ctx: Context,
  input: { shopId: number; categoryId: number; reason: string },
) {
  const now = await ctx.now();
  const reason = input.reason.trim();
  if (!reason)
    throw ValidationError.field(['input', 'reason'], 'Give the reason for the change; it is kept with the decision.');
  const { category } = await assertPrimaryCandidate(ctx.prisma, input.categoryId, ['input', 'categoryId']);
  return ctx.prisma.$transaction(async (tx) => {
    const shop = await tx.shop.findUnique({
      where: { id: input.shopId },
      select: { id: true, primaryCategoryId: true, version: true },
    });
    if (!shop) throw new NotFoundError('Shop');
    if (shop.primaryCategoryId === category.id)
      throw new InvalidStateError('INVALID_STATE', `${category.name} is already this shop's primary category.`);
    const updated = await tx.shop.updateMany({
      where: { id: shop.id, version: shop.version },
      data: {
        primaryCategoryId: category.id,
        primaryCategorySetAt: now,
        primaryCategorySource: 'ADMIN_CHANGED',
        needsManualCategoryDecision: false,
        version: { increment: 1 },
      },
    });
    if (updated.count === 0)
      throw new ConflictError('The shop changed while this decision was made; re-read it and try again.');
    const selection = await tx.primaryCategorySelection.create({
      data: {
        shopId: shop.id,
        categoryId: category.id,
        previousCategoryId: shop.primaryCategoryId,
        source: 'ADMIN_CHANGED',
        reason,
        actorApiKeyId: ctx.viewer?.apiKeyId ?? null,
        createdAt: now,
      },
    });
    await recordEvent(tx, {
      type: 'shop.primary_category_changed',
      shopId: shop.id,
      subjectType: 'Shop',
      subjectId: String(shop.id),
      payload: { categoryId: category.id, previousCategoryId: shop.primaryCategoryId, reason },
      occurredAt: now,
    });
    return { shop: await tx.shop.findUniqueOrThrow({ where: { id: shop.id } }), selection };
  });
}

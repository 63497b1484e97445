import { Prisma, type ContentKind } from '@shopwarden/db';
import type { Context } from '#context';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldError } from '#lib/errors.ts';
import { hasScope, assertAdmin } from '#modules/auth/viewer.ts';
import { recordEvent } from '#modules/platform/outbox.service.ts';
import { canReachShop } from '#modules/shops/shop.policy.ts';
import { assertCanActForCreator } from './creator.policy.ts';

export const HANDLE_PATTERN = /^[a-z0-9][a-z0-9._]{1,29}$/;
const MAX_FOLLOWERS = 2_000_000_000;

export interface CreatorFields {
  handle?: string | null;
  displayName?: string | null;
  regions?: readonly string[] | null;
  nicheCategoryIds?: readonly number[] | null;
  followerCount?: number | null;
  /** Percent with at most two decimals (1.25 = 1.25 %). */
  engagementRate?: number | null;
}

/** Percent with at most 2 decimals → basis points; null when it is not such a number. */
export function engagementRateToBps(rate: number): number | null {
  const bps = Math.round(rate * 100);
  return rate >= 0 && rate <= 100 && Math.abs(rate * 100 - bps) < 1e-6 ? bps : null;
}

/** Validates the fields given and turns them into columns; top-level niches are checked against the catalogue. */
async function creatorData(ctx: Context, input: CreatorFields, creating: boolean) {
  const errors: FieldError[] = [];
  const need = (field: keyof CreatorFields) =>
    creating && (input[field] === null || input[field] === undefined)
      ? errors.push({ path: ['input', field], message: `${field} is required.` })
      : 0;
  (['handle', 'displayName', 'regions', 'nicheCategoryIds', 'followerCount', 'engagementRate'] as const).forEach(need);
  const data: Prisma.CreatorUncheckedUpdateInput = {};
  if (input.handle != null) {
    const handle = input.handle.trim().replace(/^@/, '').toLowerCase();
    if (!HANDLE_PATTERN.test(handle))
      errors.push({
        path: ['input', 'handle'],
        message: 'A handle is 2–30 characters: letters, digits, "." and "_", starting with a letter or digit.',
      });
    data.handle = handle;
  }
  if (input.displayName != null) {
    const name = input.displayName.trim();
    if (!name || name.length > 100)
      errors.push({ path: ['input', 'displayName'], message: 'The display name is 1–100 characters.' });
    data.displayName = name;
  }
  if (input.regions != null) {
    const regions = [...new Set(input.regions)];
    if (regions.length < 1 || regions.length > 30)
      errors.push({ path: ['input', 'regions'], message: 'Give 1–30 audience regions.' });
    data.regions = regions;
  }
  if (input.followerCount != null) {
    if (!Number.isInteger(input.followerCount) || input.followerCount < 0 || input.followerCount > MAX_FOLLOWERS)
      errors.push({ path: ['input', 'followerCount'], message: `Followers are 0–${MAX_FOLLOWERS}.` });
    data.followerCount = input.followerCount;
  }
  if (input.engagementRate != null) {
    const bps = engagementRateToBps(input.engagementRate);
    if (bps === null)
      errors.push({
        path: ['input', 'engagementRate'],
        message: 'The engagement rate is a percent between 0 and 100 with at most two decimals.',
      });
    else data.engagementRateBps = bps;
  }
  if (input.nicheCategoryIds != null) {
    const ids = [...new Set(input.nicheCategoryIds)];
    if (ids.length < 1 || ids.length > 10)
      errors.push({ path: ['input', 'nicheCategoryIds'], message: 'Give 1–10 niche categories.' });
    else {
      const found = await ctx.prisma.category.findMany({
        where: { id: { in: ids } },
        select: { id: true, depth: true, restriction: true },
      });
      ids.forEach((id, i) => {
        const c = found.find((f) => f.id === id);
        if (!c || c.depth !== 0 || c.restriction === 'PROHIBITED')
          errors.push({
            path: ['input', 'nicheCategoryIds', String(i)],
            message: 'A niche is a top-level category that is not prohibited.',
          });
      });
    }
    data.nicheCategoryIds = ids;
  }
  if (errors.length) throw new ValidationError(errors);
  return data;
}

function handleTaken(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

/**
 * Creates a creator (administrators, and partner apps with `creators:write`). A partner app that
 * creates a creator represents it from then on (in the same transaction).
 */
export async function createCreator(ctx: Context, input: CreatorFields) {
  const viewer = ctx.viewer;
  if (!viewer || (viewer.role !== 'ADMIN' && viewer.role !== 'PARTNER'))
    throw new ForbiddenError('Only administrators and partner apps that represent creators can create creators.');
  if (!hasScope(viewer, 'creators:write')) throw new ForbiddenError('Your API key needs the creators:write scope.');
  const data = (await creatorData(ctx, input, true)) as Prisma.CreatorUncheckedCreateInput;
  const now = await ctx.now();
  try {
    return await ctx.prisma.$transaction(async (tx) => {
      const creator = await tx.creator.create({ data: { ...data, createdAt: now, updatedAt: now } });
      if (viewer.role === 'PARTNER' && viewer.accountId !== null)
        await tx.creatorRepresentation.create({
          data: {
            creatorId: creator.id,
            accountId: viewer.accountId,
            grantedByApiKeyId: viewer.apiKeyId,
            createdAt: now,
          },
        });
      await recordEvent(tx, {
        type: 'creator.created',
        shopId: null,
        subjectType: 'Creator',
        subjectId: String(creator.id),
        payload: { handle: creator.handle },
        occurredAt: now,
      });
      return creator;
    });
  } catch (error) {
    if (handleTaken(error)) throw new ConflictError(`The handle @${String(data.handle)} is taken.`);
    throw error;
  }
}

/** Changes the fields given (administrators, and partner apps that represent the creator). */
export async function updateCreator(ctx: Context, creatorId: number, input: CreatorFields) {
  assertCanActForCreator(ctx.viewer, creatorId, 'creators:write');
  const data = await creatorData(ctx, input, false);
  const now = await ctx.now();
  try {
    return await ctx.prisma.$transaction(async (tx) => {
      const updated = await tx.creator.updateMany({ where: { id: creatorId }, data: { ...data, updatedAt: now } });
      if (updated.count === 0) throw new NotFoundError('Creator');
      await recordEvent(tx, {
        type: 'creator.updated',
        shopId: null,
        subjectType: 'Creator',
        subjectId: String(creatorId),
        payload: { fields: Object.keys(data) },
        occurredAt: now,
      });
      return tx.creator.findUniqueOrThrow({ where: { id: creatorId } });
    });
  } catch (error) {
    if (handleTaken(error)) throw new ConflictError(`The handle @${String(data.handle)} is taken.`);
    throw error;
  }
}

export interface AddContentItemInput {
  creatorId: number;
  shopId: number;
  kind: ContentKind;
  title: string;
  url: string | null;
  publishedAt: Date;
}

/**
 * Records a live session or video a creator published for a shop. The shop must be in the caller's
 * reach or have accepted a partnership with the creator; any other shop is NOT_FOUND.
 */
export async function addContentItem(ctx: Context, input: AddContentItemInput) {
  assertCanActForCreator(ctx.viewer, input.creatorId, 'creators:write');
  const now = await ctx.now();
  const errors: FieldError[] = [];
  const title = input.title.trim();
  if (!title || title.length > 300)
    errors.push({ path: ['input', 'title'], message: 'The title is 1–300 characters.' });
  if (input.url !== null && (input.url.length > 2000 || !/^https?:\/\/[^\s]+$/i.test(input.url)))
    errors.push({ path: ['input', 'url'], message: 'The URL is an http(s) address of at most 2000 characters.' });
  if (input.publishedAt.getTime() > now.getTime())
    errors.push({
      path: ['input', 'publishedAt'],
      message: 'Content cannot be published in the future (platform clock).',
    });
  if (errors.length) throw new ValidationError(errors);
  const [creator, shop, partnered] = await Promise.all([
    ctx.prisma.creator.findUnique({ where: { id: input.creatorId }, select: { id: true } }),
    ctx.prisma.shop.findUnique({ where: { id: input.shopId }, select: { id: true } }),
    ctx.prisma.partnership.count({
      where: { shopId: input.shopId, creatorId: input.creatorId, status: { in: ['ACTIVE', 'ENDED'] } },
    }),
  ]);
  if (!creator) throw new NotFoundError('Creator');
  if (!shop || (!canReachShop(ctx.viewer, shop.id) && partnered === 0)) throw new NotFoundError('Shop');
  return ctx.prisma.$transaction(async (tx) => {
    const item = await tx.contentItem.create({
      data: { ...input, title, createdAt: now },
    });
    await recordEvent(tx, {
      type: 'content_item.added',
      shopId: input.shopId,
      subjectType: 'ContentItem',
      subjectId: String(item.id),
      payload: { creatorId: input.creatorId, kind: input.kind, publishedAt: input.publishedAt.toISOString() },
      occurredAt: now,
    });
    return item;
  });
}

/** An administrator lets a partner app represent a creator (or renews a revoked representation). */
export async function grantCreatorRepresentation(ctx: Context, input: { creatorId: number; accountId: number }) {
  assertAdmin(ctx.viewer);
  const [creator, account] = await Promise.all([
    ctx.prisma.creator.findUnique({ where: { id: input.creatorId }, select: { id: true } }),
    ctx.prisma.account.findUnique({ where: { id: input.accountId }, select: { kind: true } }),
  ]);
  if (!creator) throw new NotFoundError('Creator');
  if (!account) throw new NotFoundError('Account');
  if (account.kind !== 'PARTNER')
    throw ValidationError.field(['input', 'accountId'], 'Only partner apps represent creators.');
  const now = await ctx.now();
  return ctx.prisma.creatorRepresentation.upsert({
    where: { creatorId_accountId: input },
    create: { ...input, grantedByApiKeyId: ctx.viewer.apiKeyId, createdAt: now },
    update: { revokedAt: null, grantedByApiKeyId: ctx.viewer.apiKeyId },
  });
}

/** An administrator withdraws a representation; the partner's keys no longer reach the creator. */
export async function revokeCreatorRepresentation(ctx: Context, input: { creatorId: number; accountId: number }) {
  assertAdmin(ctx.viewer);
  const revoked = await ctx.prisma.creatorRepresentation.updateMany({
    where: { ...input, revokedAt: null },
    data: { revokedAt: await ctx.now() },
  });
  if (revoked.count === 0) throw new NotFoundError('CreatorRepresentation');
  return ctx.prisma.creatorRepresentation.findUniqueOrThrow({ where: { creatorId_accountId: input } });
}

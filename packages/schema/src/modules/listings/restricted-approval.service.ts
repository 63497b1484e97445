import { Prisma } from '@shopwarden/db';
import type { Context } from '#context';
import { ConflictError, InvalidStateError, NotFoundError, ValidationError } from '#lib/errors.ts';
import { recordEvent } from '#modules/platform/outbox.service.ts';
import { effectiveRestriction, loadCategoryIndex } from '#modules/shops/category-eligibility.service.ts';
import { assertCanWriteShop } from '#modules/shops/shop.policy.ts';
import { assertAdmin } from '#modules/auth/viewer.ts';

/**
 * A seller asks to list in a RESTRICTED category. One row per shop and category: a request after a
 * DENIED decision puts the same row back to PENDING; a pending or granted one cannot be re-requested.
 */
export async function requestRestrictedApproval(
  ctx: Context,
  input: { shopId: number; categoryId: number; justification: string },
) {
  assertCanWriteShop(ctx.viewer, input.shopId, 'listings:write');
  const now = await ctx.now();
  const justification = input.justification.trim();
  if (!justification || justification.length > 2000)
    throw ValidationError.field(
      ['input', 'justification'],
      'Explain in 1–2000 characters why the shop should list in this category.',
    );
  const index = await loadCategoryIndex(ctx.prisma);
  const category = index.get(input.categoryId);
  if (!category) throw ValidationError.field(['input', 'categoryId'], 'No such category.');
  const restriction = effectiveRestriction(category, index).restriction;
  if (restriction !== 'RESTRICTED') {
    throw new InvalidStateError(
      'CATEGORY_NOT_ELIGIBLE',
      restriction === 'PROHIBITED'
        ? `${category.name} is prohibited: no approval can allow it.`
        : `${category.name} is not restricted: no approval is needed.`,
    );
  }
  try {
    return await ctx.prisma.$transaction(async (tx) => {
      const existing = await tx.restrictedCategoryApproval.findUnique({
        where: { shopId_categoryId: { shopId: input.shopId, categoryId: category.id } },
      });
      let approvalId: number;
      if (!existing) {
        approvalId = (
          await tx.restrictedCategoryApproval.create({
            data: { shopId: input.shopId, categoryId: category.id, justification, createdAt: now },
          })
        ).id;
      } else {
        if (existing.status !== 'DENIED') {
          throw new InvalidStateError(
            'INVALID_STATE',
            existing.status === 'GRANTED'
              ? 'This shop already has a granted approval for the category.'
              : 'A request for this category is already pending.',
          );
        }
        // Conditional: two re-requests after one denial cannot both reset it.
        const reset = await tx.restrictedCategoryApproval.updateMany({
          where: { id: existing.id, status: 'DENIED' },
          data: {
            status: 'PENDING',
            justification,
            decisionNote: null,
            decidedAt: null,
            decidedByApiKeyId: null,
            createdAt: now,
          },
        });
        if (reset.count === 0) throw new ConflictError('The request changed meanwhile; re-read it.');
        approvalId = existing.id;
      }
      await recordEvent(tx, {
        type: 'restricted_approval.requested',
        shopId: input.shopId,
        subjectType: 'RestrictedCategoryApproval',
        subjectId: String(approvalId),
        payload: { categoryId: category.id },
        occurredAt: now,
      });
      return { approvalId };
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')
      throw new ConflictError('A request for this category was made at the same moment; re-read it.');
    throw error;
  }
}

/** An administrator grants or denies a PENDING restricted-category request (a note is required to deny). */
export async function decideRestrictedApproval(
  ctx: Context,
  input: { approvalId: number; decision: 'GRANT' | 'DENY'; note?: string | null },
) {
  assertAdmin(ctx.viewer);
  const now = await ctx.now();
  const note = input.note?.trim() || null;
  if (input.decision === 'DENY' && !note)
    throw ValidationError.field(['input', 'note'], 'Say why the request is denied.');
  const approval = await ctx.prisma.restrictedCategoryApproval.findUnique({ where: { id: input.approvalId } });
  if (!approval) throw new NotFoundError('RestrictedCategoryApproval');
  return ctx.prisma.$transaction(async (tx) => {
    const decided = await tx.restrictedCategoryApproval.updateMany({
      where: { id: approval.id, status: 'PENDING' },
      data: {
        status: input.decision === 'GRANT' ? 'GRANTED' : 'DENIED',
        decisionNote: note,
        decidedAt: now,
        decidedByApiKeyId: ctx.viewer?.apiKeyId ?? null,
      },
    });
    if (decided.count === 0) throw new InvalidStateError('INVALID_STATE', 'This request has already been decided.');
    await recordEvent(tx, {
      type: 'restricted_approval.decided',
      shopId: approval.shopId,
      subjectType: 'RestrictedCategoryApproval',
      subjectId: String(approval.id),
      payload: { categoryId: approval.categoryId, decision: input.decision },
      occurredAt: now,
    });
    return { approvalId: approval.id };
  });
}

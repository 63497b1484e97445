import { randomBytes } from 'node:crypto';
import type { InvitationCode, Prisma } from '@shopwarden/db';
import type { Context } from '#context';
import { InvalidStateError, NotFoundError, ValidationError, type FieldError } from '#lib/errors.ts';
import { assertAdmin } from '#modules/auth/viewer.ts';

/** Codes issued by one call at most (the input-list limit). */
export const INVITATION_BATCH_MAX = 250;

export type InvitationCodeStatus = 'UNUSED' | 'USED' | 'EXPIRED' | 'REVOKED';

/** A code's state at `now`: used and revoked are final; an unused one expires at `expiresAt`. */
export function invitationCodeStatus(
  code: Pick<InvitationCode, 'usedByShopId' | 'revokedAt' | 'expiresAt'>,
  now: Date,
): InvitationCodeStatus {
  if (code.usedByShopId !== null) return 'USED';
  if (code.revokedAt !== null) return 'REVOKED';
  if (code.expiresAt !== null && code.expiresAt <= now) return 'EXPIRED';
  return 'UNUSED';
}

/** The rows in one state at `now`, as a filter. */
export function invitationCodeStatusWhere(status: InvitationCodeStatus, now: Date): Prisma.InvitationCodeWhereInput {
  switch (status) {
    case 'USED':
      return { usedByShopId: { not: null } };
    case 'REVOKED':
      return { usedByShopId: null, revokedAt: { not: null } };
    case 'EXPIRED':
      return { usedByShopId: null, revokedAt: null, expiresAt: { lte: now } };
    case 'UNUSED':
      return { usedByShopId: null, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] };
  }
}

// Crockford's base 32 without I, L, O, U: nothing to misread when a code is typed from a letter.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** "FR-7K2M-9QXD-4TNB": the site, then 60 random bits. */
function newCode(site: string): string {
  const bytes = randomBytes(12);
  const chars = [...bytes].map((b) => ALPHABET[b % 32]);
  return `${site}-${chars.slice(0, 4).join('')}-${chars.slice(4, 8).join('')}-${chars.slice(8, 12).join('')}`;
}

/** Issues `count` new codes for a site, all with the same expiry, in one statement. */
export async function issueInvitationCodes(
  ctx: Context,
  input: { site: string; count?: number | null; expiresAt?: Date | null },
): Promise<InvitationCode[]> {
  assertAdmin(ctx.viewer);
  const apiKeyId = ctx.viewer.apiKeyId;
  const now = await ctx.now();
  const count = input.count ?? 1;
  const errors: FieldError[] = [];
  if (!Number.isInteger(count) || count < 1 || count > INVITATION_BATCH_MAX)
    errors.push({ path: ['input', 'count'], message: `Issue between 1 and ${INVITATION_BATCH_MAX} codes at once.` });
  if (input.expiresAt && input.expiresAt <= now)
    errors.push({ path: ['input', 'expiresAt'], message: "The expiry must be after the platform clock's now." });
  if (errors.length) throw new ValidationError(errors);
  const codes = new Set<string>();
  while (codes.size < count) codes.add(newCode(input.site));
  return ctx.prisma.invitationCode.createManyAndReturn({
    data: [...codes].map((code) => ({
      code,
      site: input.site,
      expiresAt: input.expiresAt ?? null,
      createdByApiKeyId: apiKeyId,
      createdAt: now,
    })),
  });
}

/** Revokes an unused code (expired ones included); a used code stays as it is: INVITATION_CODE_USED. */
export async function revokeInvitationCode(ctx: Context, id: number): Promise<InvitationCode> {
  assertAdmin(ctx.viewer);
  const now = await ctx.now();
  // The conditional update races safely with a shop claiming the code: exactly one of them wins.
  const revoked = await ctx.prisma.invitationCode.updateMany({
    where: { id, usedByShopId: null, revokedAt: null },
    data: { revokedAt: now },
  });
  const code = await ctx.prisma.invitationCode.findUnique({ where: { id } });
  if (!code) throw new NotFoundError('InvitationCode');
  if (revoked.count === 1) return code;
  if (code.usedByShopId !== null)
    throw new InvalidStateError('INVITATION_CODE_USED', `Code ${code.code} was used by a shop; it cannot be revoked.`);
  throw new InvalidStateError('INVALID_STATE', `Code ${code.code} is already revoked.`);
}

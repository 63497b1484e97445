import { enqueueJob, defineJob } from '@shopwarden/jobs';
import type { CatalogueChange, CatalogueEntity, Prisma } from '@shopwarden/db';
import type { Context } from '#context';
import { NotFoundError, ValidationError } from '#lib/errors.ts';
import { assertAdmin } from '#modules/auth/viewer.ts';

/** A catalogue row's changed fields: JSON values (bigints as decimal strings). */
export type CatalogueValues = Record<string, Prisma.InputJsonValue>;

/** How one kind of catalogue row is changed: it writes the values and returns the ones it replaced. */
export interface CatalogueApplier {
  /** The GraphQL type name, for NOT_FOUND. */
  typename: string;
  apply(tx: Prisma.TransactionClient, id: number, changes: CatalogueValues, now: Date): Promise<CatalogueValues | null>;
}

const appliers = new Map<CatalogueEntity, CatalogueApplier>();

/** Each module registers how its catalogue rows are changed (tiers, policies, fee categories, quizzes, categories). */
export function registerCatalogueApplier(entity: CatalogueEntity, applier: CatalogueApplier): void {
  appliers.set(entity, applier);
}

/** Applies a stored change to its row once (a second call, or a change already applied, does nothing). */
export async function applyCatalogueChange(tx: Prisma.TransactionClient, changeId: number, now: Date): Promise<void> {
  const [row] = await tx.$queryRaw<{ id: number }[]>`
    SELECT id FROM "CatalogueChange" WHERE id = ${changeId} AND "appliedAt" IS NULL FOR UPDATE`;
  if (!row) return;
  const change = await tx.catalogueChange.findUniqueOrThrow({ where: { id: changeId } });
  const applier = appliers.get(change.entity);
  if (!applier) throw new Error(`No catalogue applier for ${change.entity}`);
  const previous = await applier.apply(tx, change.entityId, change.changes as CatalogueValues, now);
  await tx.catalogueChange.update({
    where: { id: changeId },
    data: { appliedAt: now, previous: previous ?? undefined },
  });
}

/** Enqueued with each change dated in the future, due at its `effectiveFrom` on the platform clock. */
export const applyCatalogueChangeJob = defineJob<{ changeId: number }>({
  name: 'platform.catalogue-apply',
  description:
    'Applies an administrator’s catalogue change (tier, policy, fee category, quiz, category) when it takes effect.',
  transactional: true,
  async run({ changeId }, { tx, now }) {
    await applyCatalogueChange(tx, changeId, now);
  },
});

/**
 * Records an administrator's change to a catalogue row, effective from `effectiveFrom` (default:
 * the platform clock's now). A change dated now is applied in the same transaction; a later one is
 * applied by the job runner at that instant. An earlier instant is refused: what was decided before
 * (violations' points, issued reports and tiers, graded attempts) keeps the values it was made with.
 */
export async function changeCatalogueRow(
  ctx: Context,
  input: {
    entity: CatalogueEntity;
    entityId: number;
    changes: CatalogueValues;
    effectiveFrom?: Date | null;
    /** Checks the row exists and the values fit it; throws typed errors. */
    validate: (tx: Prisma.TransactionClient) => Promise<void>;
  },
): Promise<CatalogueChange> {
  assertAdmin(ctx.viewer);
  const now = await ctx.now();
  const effectiveFrom = input.effectiveFrom ?? now;
  if (effectiveFrom < now)
    throw ValidationError.field(
      ['input', 'effectiveFrom'],
      "A change cannot take effect before the platform clock's now: it never rewrites history.",
    );
  if (Object.keys(input.changes).length === 0)
    throw ValidationError.field(['input'], 'Give at least one field to change.');
  const apiKeyId = ctx.viewer.apiKeyId;
  return ctx.prisma.$transaction(async (tx) => {
    await input.validate(tx);
    const change = await tx.catalogueChange.create({
      data: {
        entity: input.entity,
        entityId: input.entityId,
        changes: input.changes,
        effectiveFrom,
        apiKeyId,
        createdAt: now,
      },
    });
    if (effectiveFrom <= now) {
      await applyCatalogueChange(tx, change.id, now);
      return tx.catalogueChange.findUniqueOrThrow({ where: { id: change.id } });
    }
    await enqueueJob(tx, applyCatalogueChangeJob, { changeId: change.id }, { runAt: effectiveFrom });
    return change;
  });
}

/** Throws NOT_FOUND unless the row exists. */
export function found<T>(row: T | null, typename: string): T {
  if (!row) throw new NotFoundError(typename);
  return row;
}

/** Only the fields given (not null or undefined), as a plain object. */
export function given<T extends object>(input: T): Partial<{ [K in keyof T]: NonNullable<T[K]> }> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined)) as Partial<{
    [K in keyof T]: NonNullable<T[K]>;
  }>;
}

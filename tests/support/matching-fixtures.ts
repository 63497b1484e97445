import type { PrismaClient } from '@shopwarden/db';

export interface CreatorSpec {
  handle: string;
  niches: number[];
  regions: string[];
  followers: number;
  bps: number;
  /** Violations on the creator's content: points and how many days before `now` they occurred. */
  violations?: { points: number; daysAgo: number }[];
}

/** Creators with content for `shopId` and the violations of each spec, written in a few statements. */
export async function createCreators(
  prisma: PrismaClient,
  specs: CreatorSpec[],
  opts: { shopId: number; policyId: number; now: Date },
) {
  const creators = await prisma.creator.createManyAndReturn({
    data: specs.map((s) => ({
      handle: s.handle,
      displayName: s.handle,
      regions: s.regions,
      nicheCategoryIds: s.niches,
      followerCount: s.followers,
      engagementRateBps: s.bps,
    })),
    select: { id: true, handle: true },
  });
  const idOf = new Map(creators.map((c) => [c.handle, c.id]));
  const withViolations = specs.filter((s) => s.violations?.length);
  if (withViolations.length) {
    const items = await prisma.contentItem.createManyAndReturn({
      data: withViolations.map((s) => ({
        creatorId: idOf.get(s.handle)!,
        shopId: opts.shopId,
        kind: 'VIDEO' as const,
        title: `${s.handle} video`,
        publishedAt: new Date(opts.now.getTime() - 400 * 86_400_000),
      })),
      select: { id: true, creatorId: true },
    });
    const itemOf = new Map(items.map((i) => [i.creatorId, i.id]));
    await prisma.violation.createMany({
      data: withViolations.flatMap((s) =>
        s.violations!.map((v) => ({
          shopId: opts.shopId,
          policyId: opts.policyId,
          source: 'VIDEO' as const,
          contentItemId: itemOf.get(idOf.get(s.handle)!)!,
          occurredAt: new Date(opts.now.getTime() - v.daysAgo * 86_400_000),
          points: v.points,
        })),
      ),
    });
  }
  return idOf;
}

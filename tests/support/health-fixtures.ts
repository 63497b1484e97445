import type { ContentKind, PrismaClient } from '@shopwarden/db';

let seq = 0;
const unique = (prefix: string) => `${prefix}_${process.pid}_${++seq}`;

/** A policy with a known code and default points. */
export async function createPolicy(
  prisma: PrismaClient,
  opts: { code?: string; title?: string; points?: number } = {},
) {
  const code = opts.code ?? unique('POLICY');
  return prisma.policy.create({
    data: {
      code,
      title: opts.title ?? `Policy ${code}`,
      description: `What ${code} forbids.`,
      defaultPoints: opts.points ?? 4,
      educationUrl: `https://seller-academy.example.com/policies/${code.toLowerCase()}`,
    },
  });
}

/** The correct choice of each question of a quiz made by `createQuiz`. */
export const QUIZ_KEY = [1, 2, 0] as const;

/** A quiz with three questions whose correct choices are QUIZ_KEY. */
export async function createQuiz(prisma: PrismaClient, policyId: number, title = 'Policy quiz') {
  return prisma.quiz.create({
    data: {
      policyId,
      title,
      description: 'Three questions.',
      questions: {
        create: QUIZ_KEY.map((correctIndex, i) => ({
          position: i + 1,
          prompt: `Question ${i + 1}?`,
          choices: ['Choice A', 'Choice B', 'Choice C', 'Choice D'],
          correctIndex,
          explanation: `Because of rule ${i + 1}.`,
        })),
      },
    },
  });
}

export async function createCreator(
  prisma: PrismaClient,
  opts: { handle?: string; regions?: string[]; nicheCategoryIds?: number[] } = {},
) {
  const handle = opts.handle ?? unique('creator').toLowerCase();
  return prisma.creator.create({
    data: {
      handle,
      displayName: `Creator ${handle}`,
      regions: opts.regions ?? ['GB'],
      nicheCategoryIds: opts.nicheCategoryIds ?? [],
      followerCount: 120_000,
      engagementRateBps: 425,
    },
  });
}

export async function createContentItem(
  prisma: PrismaClient,
  creatorId: number,
  shopId: number,
  kind: ContentKind,
  title: string,
  publishedAt = new Date('2024-03-01T12:00:00Z'),
) {
  return prisma.contentItem.create({
    data: {
      creatorId,
      shopId,
      kind,
      title,
      url: `https://video.example.com/${encodeURIComponent(title)}`,
      publishedAt,
    },
  });
}

export async function createListing(prisma: PrismaClient, shopId: number, categoryId: number, title = 'A listing') {
  return prisma.listing.create({
    data: { shopId, categoryId, title, description: 'Described.', priceAmount: 1999, currency: 'USD', sites: ['GB'] },
  });
}

export async function createOrder(prisma: PrismaClient, shopId: number, categoryId: number) {
  return prisma.order.create({
    data: {
      shopId,
      categoryId,
      amount: 2500,
      currency: 'USD',
      placedAt: new Date('2024-03-01T00:00:00Z'),
      externalId: unique('ORD'),
    },
  });
}

/**
 * Writes `count` violations with their VIOLATION_ADDED entries directly (for the benchmark and the
 * statement-count test): spread evenly over [from, to), cycling through policies and sources.
 */
export async function createManyViolations(
  prisma: PrismaClient,
  args: {
    shopId: number;
    policyIds: number[];
    contentItemIds: { LIVE_SESSION: number; VIDEO: number };
    count: number;
    from: Date;
    to: Date;
    expiryDays?: number;
  },
) {
  const sources = ['LIVE_SESSION', 'VIDEO', 'LISTING', 'ORDER', 'OTHER'] as const;
  const span = args.to.getTime() - args.from.getTime();
  const expiryMs = (args.expiryDays ?? 90) * 86_400_000;
  for (let start = 0; start < args.count; start += 1000) {
    const batch = Array.from({ length: Math.min(1000, args.count - start) }, (_, j) => {
      const i = start + j;
      const source = sources[i % sources.length]!;
      return {
        shopId: args.shopId,
        policyId: args.policyIds[i % args.policyIds.length]!,
        source: source === 'LISTING' || source === 'ORDER' ? ('OTHER' as const) : source,
        contentItemId: source === 'LIVE_SESSION' || source === 'VIDEO' ? args.contentItemIds[source] : null,
        occurredAt: new Date(args.from.getTime() + Math.floor((span * i) / args.count)),
        points: 1 + (i % 3),
      };
    });
    const created = await prisma.violation.createManyAndReturn({
      data: batch,
      select: { id: true, policyId: true, occurredAt: true, points: true },
    });
    await prisma.pointsLedgerEntry.createMany({
      data: created.map((v) => ({
        shopId: args.shopId,
        policyId: v.policyId,
        violationId: v.id,
        kind: 'VIOLATION_ADDED' as const,
        points: v.points,
        effectiveAt: v.occurredAt,
        expiresAt: new Date(v.occurredAt.getTime() + expiryMs),
      })),
    });
  }
}

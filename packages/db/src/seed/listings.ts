import type { ListingStatus, ReviewDecision } from '../generated/prisma/client';
import { listOf, topCategory, type CategoryIndex, type SeededCategory, type TopSlug } from './categories';
import type { SeedContext, Site, Tx } from './context';
import { createRandom, seedFrom, type Random } from './random';
import type { SeededShop, ShopProfile } from './shops';
import { addDays, addHours, maxDate, minDate } from './time';
import { statusAt, type ShopViolationPlan } from './violations';

type Reason = { code: string; message: string };

const CURRENCIES: Record<Site, { code: string; perUsd: number; exponent: number; step: number }> = {
  US: { code: 'USD', perUsd: 1, exponent: 2, step: 1 },
  GB: { code: 'GBP', perUsd: 0.79, exponent: 2, step: 1 },
  DE: { code: 'EUR', perUsd: 0.92, exponent: 2, step: 1 },
  FR: { code: 'EUR', perUsd: 0.92, exponent: 2, step: 1 },
  ES: { code: 'EUR', perUsd: 0.92, exponent: 2, step: 1 },
  IT: { code: 'EUR', perUsd: 0.92, exponent: 2, step: 1 },
  ID: { code: 'IDR', perUsd: 15_800, exponent: 2, step: 1_000 },
  MY: { code: 'MYR', perUsd: 4.7, exponent: 2, step: 1 },
  TH: { code: 'THB', perUsd: 36, exponent: 2, step: 10 },
  VN: { code: 'VND', perUsd: 25_000, exponent: 0, step: 1_000 },
  PH: { code: 'PHP', perUsd: 57, exponent: 2, step: 10 },
  SG: { code: 'SGD', perUsd: 1.35, exponent: 2, step: 1 },
};

const HUMAN_REJECTIONS: Reason[][] = [
  [
    {
      code: 'MISLEADING_CLAIMS',
      message: 'The description makes a medical claim ("heals", "cures"); remove it or provide substantiation.',
    },
  ],
  [{ code: 'INACCURATE_LISTING', message: 'The main image shows a different product from the one described.' }],
  [{ code: 'IP_INFRINGEMENT', message: 'The title uses a registered brand name without proof of authorisation.' }],
  [
    { code: 'MISLEADING_PRICING', message: 'The reference price was never charged; remove the strike-through price.' },
    { code: 'INACCURATE_LISTING', message: 'Material in the attributes does not match the description.' },
  ],
  [{ code: 'UNSAFE_CONTENT', message: 'The product video shows the item used without its safety guard.' }],
];

const SUSPENSIONS: Reason[][] = [
  [{ code: 'COUNTERFEIT', message: 'Brand owner complaint confirmed by a test purchase.' }],
  [{ code: 'IP_INFRINGEMENT', message: 'Valid rights-holder notice against the product images.' }],
  [{ code: 'MISLEADING_CLAIMS', message: 'Repeated unsubstantiated health claims in the linked videos.' }],
];

const VARIANTS = [
  '',
  ' (Pack of 2)',
  ' – Limited Edition',
  ' – Gift Set',
  ' – Travel Size',
  ' (New Colour)',
  ' – Bundle',
];

type Outcome = 'DRAFT' | 'PENDING_REVIEW' | 'ACTIVE' | 'REJECTED' | 'SUSPENDED' | 'RESUBMITTED';

interface PlannedReview {
  decision: ReviewDecision;
  automatic: boolean;
  fromStatus: ListingStatus;
  toStatus: ListingStatus;
  reasons: Reason[];
  note: string | null;
  at: Date;
}

interface PlannedListing {
  title: string;
  description: string;
  category: SeededCategory;
  priceAmount: number;
  currency: string;
  sites: Site[];
  status: ListingStatus;
  createdAt: Date;
  submittedAt: Date | null;
  reviews: PlannedReview[];
}

interface PlannedApproval {
  categoryId: number;
  status: 'PENDING' | 'GRANTED';
  justification: string;
  createdAt: Date;
  decidedAt: Date | null;
}

export interface SeededListing {
  id: number;
  status: ListingStatus;
  submittedAt: Date | null;
}

/** The automatic checks of SPEC §2, in order, as they stood for this shop at `at`. */
function automaticReasons(
  p: ShopProfile,
  plan: ShopViolationPlan | undefined,
  category: SeededCategory,
  at: Date,
  ctx: SeedContext,
  categories: CategoryIndex,
  granted: Map<number, Date>,
): Reason[] {
  const reasons: Reason[] = [];
  const status = statusAt(plan, at);
  if (status !== 'ACTIVE')
    reasons.push({
      code: 'SHOP_NOT_ACTIVE',
      message: `The shop is ${status.toLowerCase()}; listings cannot be submitted until it is active again.`,
    });
  if (category.restriction === 'PROHIBITED')
    reasons.push({ code: 'PROHIBITED_ITEM', message: `"${category.name}" is a prohibited category.` });
  if (at >= ctx.settings.categoryEnforcementAt) {
    const primarySet = p.hasPrimary && p.primarySetAt !== null && p.primarySetAt <= at;
    if (!primarySet)
      reasons.push({
        code: 'PRIMARY_CATEGORY_NOT_SET',
        message: 'Select a primary category before submitting listings.',
      });
    else if (category.rootId !== topCategory(categories, p.home).id) {
      reasons.push({
        code: 'OUTSIDE_PRIMARY_CATEGORY',
        message: `"${category.name}" is outside the shop's primary category "${topCategory(categories, p.home).name}".`,
      });
    }
  }
  if (category.restriction === 'RESTRICTED') {
    const since = granted.get(category.id);
    if (!since || since > at)
      reasons.push({
        code: 'RESTRICTED_REQUIRES_APPROVAL',
        message: `"${category.name}" is restricted and the shop holds no granted approval for it.`,
      });
  }
  return reasons;
}

function price(
  rng: Random,
  p: ShopProfile,
  category: SeededCategory,
  categories: CategoryIndex,
): { amount: number; currency: string } {
  const spec = categories.topSpec.get(categories.topSlugOf(category.id));
  const [lo, hi] = spec?.priceUsd ?? [10, 100];
  const centre = Math.min(Math.max(p.aovUsd, lo), hi);
  let usd = Math.min(Math.max(rng.logNormal(centre, 0.4), lo), hi);
  const site = p.sites[0] ?? 'US';
  const cur = CURRENCIES[site];
  // Minor units must fit a 32-bit integer.
  usd = Math.min(usd, 2_000_000_000 / (cur.perUsd * 10 ** cur.exponent));
  const major = usd * cur.perUsd;
  const rounded =
    cur.step === 1
      ? Math.max(1, Math.round(major)) - 0.01
      : Math.max(cur.step, Math.round(major / cur.step) * cur.step);
  return { amount: Math.round(rounded * 10 ** cur.exponent), currency: cur.code };
}

function planShopListings(
  p: ShopProfile,
  plan: ShopViolationPlan | undefined,
  ctx: SeedContext,
  categories: CategoryIndex,
): { listings: PlannedListing[]; approvals: PlannedApproval[] } {
  const { now, settings } = ctx;
  const rng = createRandom(seedFrom('listings', p.index));
  const statusChange = plan?.changes.find((c) => c.toStatus !== 'ACTIVE')?.occurredAt ?? null;
  const activeUntil = minDate(statusChange ?? now, addHours(now, -6));
  const preEnforcement = !p.hasPrimary && now > settings.categoryEnforcementAt;
  const from = maxDate(
    addHours(p.createdAt, 24),
    preEnforcement ? addDays(settings.categoryEnforcementAt, -200) : addDays(now, -420),
  );
  const until = preEnforcement ? minDate(addDays(settings.categoryEnforcementAt, -1), activeUntil) : activeUntil;
  const span = { start: from, end: until > from ? until : addHours(from, 1) };

  const tops: TopSlug[] = [p.home, ...(p.second ? [p.second] : [])];
  const restricted = tops.flatMap((t) => listOf(categories.restrictedLeaves, t));
  const otherTops = [...categories.top.keys()].filter((t) => !tops.includes(t));
  const drafts: { category: SeededCategory; at: Date; outcome: Outcome }[] = [];
  const count = rng.int(5, 15);
  for (let i = 0; i < count; i++) {
    const kind = rng.weighted<'home' | 'second' | 'outside' | 'restricted' | 'prohibited'>([
      ['home', 72],
      ['second', p.second ? 10 : 0],
      ['outside', p.hasPrimary ? 6 : 0],
      ['restricted', restricted.length > 0 ? 8 : 0],
      ['prohibited', 4],
    ]);
    const pool =
      kind === 'second' && p.second
        ? listOf(categories.openLeaves, p.second)
        : kind === 'outside'
          ? listOf(categories.openLeaves, rng.pick(otherTops))
          : kind === 'restricted'
            ? restricted
            : kind === 'prohibited'
              ? categories.prohibitedLeaves
              : listOf(categories.openLeaves, p.home);
    const outcome = rng.weighted<Outcome>([
      ['DRAFT', 9],
      ['PENDING_REVIEW', 10],
      ['ACTIVE', 52],
      ['RESUBMITTED', 7],
      ['REJECTED', 13],
      ['SUSPENDED', 6],
    ]);
    drafts.push({ category: rng.pick(pool), at: randomBetween(rng, span.start, span.end), outcome });
  }
  // A recent submission that the automatic checks turn down: the campaign's or the account's rules in action.
  if (statusChange || preEnforcement) {
    drafts.push({
      category: rng.pick(listOf(categories.openLeaves, p.home)),
      at: randomBetween(rng, maxDate(statusChange ?? now, addDays(now, -20)), addHours(now, -1)),
      outcome: 'ACTIVE',
    });
  }
  drafts.sort((a, b) => a.at.getTime() - b.at.getTime());

  const granted = new Map<number, Date>();
  const approvals: PlannedApproval[] = [];
  const titles = new Set<string>();
  const listings: PlannedListing[] = [];
  for (const d of drafts) {
    if (d.category.restriction === 'RESTRICTED' && !approvals.some((a) => a.categoryId === d.category.id)) {
      const grant = rng.chance(0.6);
      const decidedAt = maxDate(addDays(d.at, -rng.int(3, 30)), addHours(p.createdAt, 2));
      approvals.push({
        categoryId: d.category.id,
        status: grant ? 'GRANTED' : 'PENDING',
        justification: `We source ${d.category.name.toLowerCase()} from certified manufacturers and keep the certificates on file.`,
        createdAt: maxDate(addDays(decidedAt, grant ? -rng.int(2, 8) : 0), addHours(p.createdAt, 1)),
        decidedAt: grant ? decidedAt : null,
      });
      if (grant) granted.set(d.category.id, decidedAt);
    }
    const title = uniqueTitle(rng, d.category, titles);
    const { amount, currency } = price(rng, p, d.category, categories);
    let submittedAt: Date | null = d.at;
    let outcome = d.outcome;
    if (outcome === 'PENDING_REVIEW') {
      const recent = addHours(now, -rng.int(2, 96));
      if (recent > p.createdAt && automaticReasons(p, plan, d.category, recent, ctx, categories, granted).length === 0)
        submittedAt = recent;
      else outcome = 'ACTIVE';
    }
    const createdAt = maxDate(addHours(submittedAt, -rng.int(1, 72)), addHours(p.createdAt, 1));
    const reviews: PlannedReview[] = [];
    let status: ListingStatus = 'DRAFT';
    const record = (
      decision: ReviewDecision,
      toStatus: ListingStatus,
      at: Date,
      automatic: boolean,
      reasons: Reason[] = [],
      note: string | null = null,
    ) => {
      reviews.push({ decision, automatic, fromStatus: status, toStatus, reasons, note, at });
      status = toStatus;
    };
    if (outcome === 'DRAFT') {
      submittedAt = null;
    } else {
      const auto = automaticReasons(p, plan, d.category, submittedAt, ctx, categories, granted);
      if (auto.length > 0) {
        record('AUTO_REJECTED', 'REJECTED', submittedAt, true, auto);
      } else {
        record('SUBMITTED', 'PENDING_REVIEW', submittedAt, true);
        let decisionAt = addHours(submittedAt, rng.int(2, 40));
        if (outcome !== 'PENDING_REVIEW' && decisionAt < now) {
          if (outcome === 'REJECTED' || outcome === 'RESUBMITTED') {
            record(
              'REJECTED',
              'REJECTED',
              decisionAt,
              false,
              rng.pick(HUMAN_REJECTIONS),
              'Please correct the listing and submit it again.',
            );
          }
          if (outcome === 'RESUBMITTED') {
            const again = addHours(decisionAt, rng.int(3, 72));
            const recheck = automaticReasons(p, plan, d.category, again, ctx, categories, granted);
            if (again < now && recheck.length === 0) {
              submittedAt = again;
              record('SUBMITTED', 'PENDING_REVIEW', again, true);
              decisionAt = addHours(again, rng.int(2, 30));
              if (decisionAt < now) record('APPROVED', 'ACTIVE', decisionAt, false);
            }
          } else if (outcome !== 'REJECTED') {
            record('APPROVED', 'ACTIVE', decisionAt, false);
            const suspendAt = addDays(decisionAt, rng.int(5, 120));
            if (outcome === 'SUSPENDED' && suspendAt < now)
              record(
                'SUSPENDED',
                'SUSPENDED',
                suspendAt,
                false,
                rng.pick(SUSPENSIONS),
                'Suspended after a policy review.',
              );
          }
        }
      }
    }
    listings.push({
      title,
      description: `${title} from ${p.name}. Category: ${d.category.name}. Dispatched within ${rng.int(1, 3)} business days; 30-day returns.`,
      category: d.category,
      priceAmount: amount,
      currency,
      sites: p.sites,
      status,
      createdAt,
      submittedAt,
      reviews,
    });
  }
  return { listings, approvals };
}

function uniqueTitle(rng: Random, category: SeededCategory, used: Set<string>): string {
  const product = category.products.length > 0 ? rng.pick(category.products) : category.name;
  for (const variant of VARIANTS) {
    const title = `${product}${variant}`;
    if (!used.has(title)) {
      used.add(title);
      return title;
    }
  }
  for (let n = 2; ; n++) {
    const title = `${product} – Batch ${n}`;
    if (!used.has(title)) {
      used.add(title);
      return title;
    }
  }
}

function randomBetween(rng: Random, start: Date, end: Date): Date {
  const t = start.getTime() + rng.next() * Math.max(0, end.getTime() - start.getTime());
  return new Date(Math.floor(t / 60_000) * 60_000);
}

export interface ListingCounts {
  listings: number;
  reviews: number;
  approvals: number;
}

export async function seedListings(
  tx: Tx,
  ctx: SeedContext,
  categories: CategoryIndex,
  shops: SeededShop[],
  plans: Map<number, ShopViolationPlan>,
  adminKeyId: number,
): Promise<{ byShopId: Map<number, SeededListing[]>; counts: ListingCounts }> {
  const planned = shops.map((s) => ({
    shop: s,
    ...planShopListings(s.profile, plans.get(s.profile.index), ctx, categories),
  }));

  const approvals = planned.flatMap(({ shop, approvals: list }) =>
    list.map((a) => ({
      shopId: shop.id,
      categoryId: a.categoryId,
      status: a.status,
      justification: a.justification,
      decisionNote: a.status === 'GRANTED' ? 'Certificates verified.' : null,
      decidedAt: a.decidedAt,
      decidedByApiKeyId: a.status === 'GRANTED' ? adminKeyId : null,
      createdAt: a.createdAt,
    })),
  );
  await tx.restrictedCategoryApproval.createMany({ data: approvals });

  const rows = planned.flatMap(({ shop, listings }) => listings.map((l) => ({ shopId: shop.id, l })));
  const created = await tx.listing.createManyAndReturn({
    data: rows.map(({ shopId, l }) => ({
      shopId,
      title: l.title,
      description: l.description,
      categoryId: l.category.id,
      priceAmount: l.priceAmount,
      currency: l.currency,
      sites: l.sites,
      status: l.status,
      version: l.reviews.length,
      submittedAt: l.submittedAt,
      createdAt: l.createdAt,
      updatedAt: l.reviews.at(-1)?.at ?? l.createdAt,
    })),
    select: { id: true, shopId: true, title: true },
  });
  const idByKey = new Map(created.map((c) => [`${c.shopId}:${c.title}`, c.id]));
  const byShopId = new Map<number, SeededListing[]>();
  const reviews: {
    listingId: number;
    decision: ReviewDecision;
    automatic: boolean;
    fromStatus: ListingStatus;
    toStatus: ListingStatus;
    reasons: Reason[];
    note: string | null;
    reviewerApiKeyId: number | null;
    listingVersion: number;
    createdAt: Date;
  }[] = [];
  for (const { shopId, l } of rows) {
    const id = idByKey.get(`${shopId}:${l.title}`);
    if (id === undefined) throw new Error(`Listing ${l.title} of shop ${shopId} was not returned`);
    const list = byShopId.get(shopId) ?? [];
    list.push({ id, status: l.status, submittedAt: l.submittedAt });
    byShopId.set(shopId, list);
    l.reviews.forEach((r, i) =>
      reviews.push({
        listingId: id,
        decision: r.decision,
        automatic: r.automatic,
        fromStatus: r.fromStatus,
        toStatus: r.toStatus,
        reasons: r.reasons,
        note: r.note,
        reviewerApiKeyId: r.automatic ? null : adminKeyId,
        listingVersion: i + 1,
        createdAt: r.at,
      }),
    );
  }
  await tx.listingReview.createMany({ data: reviews });
  return { byShopId, counts: { listings: rows.length, reviews: reviews.length, approvals: approvals.length } };
}

import type { RegistrationStatus } from '../generated/prisma/client';
import { topCategory, type CategoryIndex, type TopSlug } from './categories';
import type { SeedContext, Site, Tx } from './context';
import { createRandom, seedFrom } from './random';
import { ROLE, type SeededShop } from './shops';
import { addDays, addHours, startOfDay } from './time';
import { tierId, type TierCode, type TierIds } from './tiers';

interface EventSpec {
  title: string;
  description: string;
  city: string;
  venue: string;
  inDays: number;
  startHourUtc: number;
  hours: number;
  capacity: number;
  closesDaysBefore: number;
  minTier?: TierCode;
  categories?: TopSlug[];
  /** Which shops sign up in the demo data. */
  audience: (shop: SeededShop) => boolean;
  registrations: number;
}

const SEA: Site[] = ['ID', 'MY', 'TH', 'VN', 'PH', 'SG'];

export async function seedEvents(
  tx: Tx,
  ctx: SeedContext,
  categories: CategoryIndex,
  tiers: TierIds,
  shops: SeededShop[],
  shopTier: Map<number, TierCode>,
): Promise<{ events: number; registrations: number }> {
  const { now } = ctx;
  const rng = createRandom(seedFrom('events'));
  const specs: EventSpec[] = [
    {
      title: 'Primary Category Clinic',
      description:
        'Bring your sales data: policy specialists help you choose a primary category, prepare an exception request and fix listings rejected as outside it.',
      city: 'Los Angeles',
      venue: 'The Vine Conference Centre, 1550 Vine Street',
      inDays: 21,
      startHourUtc: 17,
      hours: 4,
      capacity: 40,
      closesDaysBefore: 3,
      audience: (s) => s.profile.sites.includes('US'),
      registrations: 4,
    },
    {
      title: 'Live Selling Masterclass',
      description:
        'Hands-on workshop on live shopping sessions that convert without breaking the conduct rules: scripting, disclosures, moderation and claims.',
      city: 'London',
      venue: 'Shoreditch Studios, 38 Rivington Street',
      inDays: 35,
      startHourUtc: 10,
      hours: 6,
      capacity: 30,
      closesDaysBefore: 5,
      categories: ['beauty-personal-care', 'womenswear'],
      audience: (s) =>
        s.profile.hasPrimary && (s.profile.home === 'beauty-personal-care' || s.profile.home === 'womenswear'),
      registrations: 4,
    },
    {
      title: 'Cross-border Growth Summit',
      description:
        'Selling across Southeast Asian sites: logistics, cash on delivery, local campaigns such as 11.11 and 12.12, and working with regional creators.',
      city: 'Singapore',
      venue: 'Marina Bay Expo Hall 3',
      inDays: 49,
      startHourUtc: 2,
      hours: 8,
      capacity: 60,
      closesDaysBefore: 4,
      audience: (s) => s.profile.sites.some((site) => SEA.includes(site)),
      registrations: 6,
    },
    {
      title: 'Established Seller Operations Day',
      description:
        'For established-tier shops: self-shipping standards, dispatch performance and a session with your dedicated operations contacts.',
      city: 'Berlin',
      venue: 'Kraftwerk Event Space, Köpenicker Straße 70',
      inDays: 63,
      startHourUtc: 8,
      hours: 7,
      capacity: 20,
      closesDaysBefore: 7,
      minTier: 'ESTABLISHED',
      audience: (s) => shopTier.get(s.id) === 'ESTABLISHED' || shopTier.get(s.id) === 'STRATEGIC',
      registrations: 3,
    },
    // Held yesterday: its confirmed registrations can have their attendance marked (docs/events.md).
    {
      title: 'Policy Update Briefing',
      description:
        'What changed in the conduct rules this quarter: live-session disclosures, claims in videos and the new restricted categories.',
      city: 'New York',
      venue: 'Hudson Yards Forum, 20 Hudson Yards',
      inDays: -1,
      startHourUtc: 15,
      hours: 3,
      capacity: 25,
      closesDaysBefore: 2,
      audience: (s) => s.profile.sites.includes('US'),
      registrations: 3,
    },
  ];

  const created = await tx.sellerEvent.createManyAndReturn({
    data: specs.map((e) => {
      const startsAt = addHours(addDays(startOfDay(now), e.inDays), e.startHourUtc);
      return {
        title: e.title,
        description: e.description,
        city: e.city,
        venue: e.venue,
        startsAt,
        endsAt: addHours(startsAt, e.hours),
        capacity: e.capacity,
        registrationClosesAt: addDays(startsAt, -e.closesDaysBefore),
        minTierId: e.minTier ? tierId(tiers, e.minTier) : null,
        eligibleCategoryIds: (e.categories ?? []).map((slug) => topCategory(categories, slug).id),
        createdAt: addDays(now, -rng.int(20, 40)),
      };
    }),
    select: { id: true, title: true },
  });
  const idByTitle = new Map(created.map((c) => [c.title, c.id]));

  const registrations: {
    eventId: number;
    shopId: number;
    status: RegistrationStatus;
    cancelledAt: Date | null;
    createdAt: Date;
  }[] = [];
  for (const e of specs) {
    const eventId = idByTitle.get(e.title);
    if (eventId === undefined) throw new Error(`Event ${e.title} was not returned`);
    // Only shops in good standing may register; shop 1 goes first where it qualifies, for the seller demo.
    const eligible = shops
      .filter((s) => s.profile.health === 'HEALTHY' || s.profile.health === 'AT_RISK')
      .filter(e.audience)
      .sort((a, b) =>
        a.profile.index === ROLE.demoSeller ? -1 : b.profile.index === ROLE.demoSeller ? 1 : a.id - b.id,
      );
    eligible.slice(0, e.registrations).forEach((shop, i) => {
      const createdAt = addHours(addDays(now, -rng.int(1, 14)), -rng.int(0, 23));
      const cancelled = i === e.registrations - 1 && e.registrations > 4;
      registrations.push({
        eventId,
        shopId: shop.id,
        status: cancelled ? 'CANCELLED' : 'CONFIRMED',
        cancelledAt: cancelled ? addDays(createdAt, 1) : null,
        createdAt,
      });
    });
  }
  await tx.eventRegistration.createMany({ data: registrations });
  return { events: specs.length, registrations: registrations.length };
}

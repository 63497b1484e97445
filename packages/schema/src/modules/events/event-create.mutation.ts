import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { CategoryNode } from '#modules/shops/category.node.ts';
import { TierNode } from '#modules/revenue/tier.node.ts';
import { createEvent } from './event.service.ts';
import './seller-event.node.ts';

const EventCreateInput = builder.inputType('EventCreateInput', {
  description: 'A new in-person seller event.',
  fields: (t) => ({
    title: t.string({ required: true, description: 'Title (1–200 characters).' }),
    description: t.string({ required: true, description: 'What the workshop covers.' }),
    city: t.string({ required: true, description: 'City.' }),
    venue: t.string({ required: true, description: 'Venue and address.' }),
    startsAt: t.field({ type: 'DateTime', required: true, description: 'Start.' }),
    endsAt: t.field({ type: 'DateTime', required: true, description: 'End (after the start).' }),
    capacity: t.int({ required: true, description: 'Seats (at least 1).' }),
    registrationClosesAt: t.field({
      type: 'DateTime',
      required: true,
      description: 'Registrations close at this instant (not after the start).',
    }),
    minTierId: t.globalID({ for: TierNode, description: 'Optional minimum tier.' }),
    eligibleCategoryIds: t.globalIDList({
      for: CategoryNode,
      description: 'Optional: top-level categories whose shops may register (by primary category).',
    }),
  }),
});

const EventCreateSuccess = builder.objectRef<{ eventId: number }>('EventCreateSuccess').implement({
  description: 'The event was created.',
  fields: (t) => ({
    event: t.prismaField({
      type: 'SellerEvent',
      description: 'The event, re-read.',
      resolve: (q, r, _a, ctx) => ctx.prisma.sellerEvent.findUniqueOrThrow({ ...q, where: { id: r.eventId } }),
    }),
  }),
});

builder.mutationField('eventCreate', (t) =>
  t.field({
    type: EventCreateSuccess,
    description: 'Creates a seller event (administrators).',
    errors: {},
    args: { input: t.arg({ type: EventCreateInput, required: true, description: 'The event.' }) },
    resolve: audited('eventCreate', async (_root, { input }, ctx) => {
      const event = await createEvent(ctx, {
        title: input.title,
        description: input.description,
        city: input.city,
        venue: input.venue,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        capacity: input.capacity,
        registrationClosesAt: input.registrationClosesAt,
        minTierId: input.minTierId ? toDbId(input.minTierId, ['input', 'minTierId']) : null,
        eligibleCategoryIds: (input.eligibleCategoryIds ?? []).map((g, i) =>
          toDbId(g, ['input', 'eligibleCategoryIds', String(i)]),
        ),
      });
      return { eventId: event.id };
    }),
  }),
);

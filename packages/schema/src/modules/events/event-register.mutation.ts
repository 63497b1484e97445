import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { ShopNode } from '#modules/shops/shop.node.ts';
import { registerForEvent, type RegistrationOutcome } from './event.service.ts';
import { SellerEventNode } from './seller-event.node.ts';

const EventRegisterInput = builder.inputType('EventRegisterInput', {
  description: 'Register a shop for a seller event.',
  fields: (t) => ({
    eventId: t.globalID({ for: SellerEventNode, required: true, description: 'The event.' }),
    shopId: t.globalID({
      for: ShopNode,
      required: true,
      description: 'The shop (ACTIVE, and eligible for the event).',
    }),
  }),
});

const EventRegisterSuccess = builder.objectRef<RegistrationOutcome>('EventRegisterSuccess').implement({
  description: 'The shop holds a registration: CONFIRMED or WAITLISTED.',
  fields: (t) => ({
    registration: t.prismaField({
      type: 'EventRegistration',
      description: 'The registration, re-read.',
      resolve: (q, r, _a, ctx) =>
        ctx.prisma.eventRegistration.findUniqueOrThrow({ ...q, where: { id: r.registrationId } }),
    }),
    alreadyRegistered: t.exposeBoolean('alreadyRegistered', {
      description: 'True when the shop was already registered and nothing changed.',
    }),
  }),
});

builder.mutationField('eventRegister', (t) =>
  t.field({
    type: EventRegisterSuccess,
    description:
      'Registers a shop for a seller event before registration closes: CONFIRMED while seats remain, else WAITLISTED in arrival order. One registration per shop and event: a repeat returns the existing one. Needs `events:write`.',
    errors: {},
    args: { input: t.arg({ type: EventRegisterInput, required: true, description: 'The event and the shop.' }) },
    resolve: audited('eventRegister', (_root, { input }, ctx) =>
      registerForEvent(ctx, {
        eventId: toDbId(input.eventId, ['input', 'eventId']),
        shopId: toDbId(input.shopId, ['input', 'shopId']),
      }),
    ),
  }),
);

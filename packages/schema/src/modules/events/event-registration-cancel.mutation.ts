import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { cancelRegistration, type CancellationOutcome } from './event.service.ts';
import { EventRegistrationNode } from './seller-event.node.ts';

const EventRegistrationCancelInput = builder.inputType('EventRegistrationCancelInput', {
  description: 'Cancel a registration.',
  fields: (t) => ({
    registrationId: t.globalID({ for: EventRegistrationNode, required: true, description: 'The registration.' }),
  }),
});

const EventRegistrationCancelSuccess = builder
  .objectRef<CancellationOutcome>('EventRegistrationCancelSuccess')
  .implement({
    description: 'The registration is cancelled; a freed seat went to the first waitlisted shop.',
    fields: (t) => ({
      registration: t.prismaField({
        type: 'EventRegistration',
        description: 'The cancelled registration, re-read.',
        resolve: (q, r, _a, ctx) =>
          ctx.prisma.eventRegistration.findUniqueOrThrow({ ...q, where: { id: r.registrationId } }),
      }),
      promoted: t.field({
        type: EventRegistrationNode,
        nullable: true,
        description:
          'The waitlisted registration promoted to CONFIRMED, when a seat was freed (visible to administrators; null for other callers unless it is their own).',
        resolve: (r, _a, ctx) =>
          r.promotedRegistrationId === null
            ? null
            : ctx.prisma.eventRegistration.findFirst({
                where: {
                  id: r.promotedRegistrationId,
                  ...(ctx.viewer?.shopIds ? { shopId: { in: [...ctx.viewer.shopIds] } } : {}),
                },
              }),
      }),
    }),
  });

builder.mutationField('eventRegistrationCancel', (t) =>
  t.field({
    type: EventRegistrationCancelSuccess,
    description:
      'Cancels a registration before the event starts. Cancelling a CONFIRMED one promotes the first WAITLISTED shop (event `registration.promoted`). Needs `events:write`.',
    errors: {},
    args: { input: t.arg({ type: EventRegistrationCancelInput, required: true, description: 'The registration.' }) },
    resolve: audited('eventRegistrationCancel', (_root, { input }, ctx) =>
      cancelRegistration(ctx, { registrationId: toDbId(input.registrationId, ['input', 'registrationId']) }),
    ),
  }),
);

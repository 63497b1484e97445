import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { WebhookEndpointNode } from './webhook-endpoint.node.ts';
import { replayWebhookEvents } from './webhook-endpoint.service.ts';

const WebhookEventReplayInput = builder.inputType('WebhookEventReplayInput', {
  description: 'Events to send again to an endpoint: one by id, or those that occurred in a time range.',
  fields: (t) => ({
    endpointId: t.globalID({ for: WebhookEndpointNode, required: true, description: 'An enabled endpoint.' }),
    eventId: t.string({ required: false, description: 'The event id (the `webhook-id`, e.g. "evt_42").' }),
    from: t.field({ type: 'DateTime', required: false, description: 'Events that occurred at or after this instant…' }),
    to: t.field({ type: 'DateTime', required: false, description: '…and before this one (at most 1,000 events).' }),
  }),
});

const WebhookEventReplaySuccess = builder.objectRef<{ count: number }>('WebhookEventReplaySuccess').implement({
  description: 'The events are queued again, with their original `webhook-id`.',
  fields: (t) => ({
    replayedCount: t.exposeInt('count', { description: 'How many events will be sent again.' }),
  }),
});

builder.mutationField('webhookEventReplay', (t) =>
  t.field({
    type: WebhookEventReplaySuccess,
    description:
      'Sends events again to an endpoint with the same `webhook-id` (`webhooks:write`): one event by id, or every event in [from, to) that the endpoint receives, at most 1,000. A delivery that failed gets a fresh set of 8 attempts; its log is kept.',
    errors: {},
    args: { input: t.arg({ type: WebhookEventReplayInput, required: true }) },
    resolve: audited('webhookEventReplay', async (_root, { input }, ctx) => ({
      count: await replayWebhookEvents(ctx, toDbId(input.endpointId, ['input', 'endpointId']), {
        eventId: input.eventId,
        from: input.from,
        to: input.to,
      }),
    })),
  }),
);

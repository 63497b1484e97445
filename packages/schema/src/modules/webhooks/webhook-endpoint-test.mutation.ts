import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { WebhookEndpointNode } from './webhook-endpoint.node.ts';
import { testWebhookEndpoint } from './webhook-endpoint.service.ts';

const WebhookEndpointTestInput = builder.inputType('WebhookEndpointTestInput', {
  description: 'The endpoint to send a ping to.',
  fields: (t) => ({
    endpointId: t.globalID({ for: WebhookEndpointNode, required: true, description: 'An enabled endpoint.' }),
  }),
});

const WebhookEndpointTestSuccess = builder.objectRef<{ deliveryId: number }>('WebhookEndpointTestSuccess').implement({
  description: 'A `ping` is queued; its delivery shows how the endpoint answered.',
  fields: (t) => ({
    delivery: t.prismaField({
      type: 'WebhookDelivery',
      description: 'The ping delivery (read it again to see its attempts).',
      resolve: (q, r, _a, ctx) => ctx.prisma.webhookDelivery.findUniqueOrThrow({ ...q, where: { id: r.deliveryId } }),
    }),
  }),
});

builder.mutationField('webhookEndpointTest', (t) =>
  t.field({
    type: WebhookEndpointTestSuccess,
    description:
      'Sends a signed `ping` event to the endpoint, logged and retried like any delivery (`webhooks:write`).',
    errors: {},
    args: { input: t.arg({ type: WebhookEndpointTestInput, required: true }) },
    resolve: audited('webhookEndpointTest', async (_root, { input }, ctx) =>
      testWebhookEndpoint(ctx, toDbId(input.endpointId, ['input', 'endpointId'])),
    ),
  }),
);

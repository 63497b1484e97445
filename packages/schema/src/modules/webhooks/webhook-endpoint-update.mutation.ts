import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { ShopNode } from '#modules/shops/shop.node.ts';
import { WebhookEndpointNode } from './webhook-endpoint.node.ts';
import { webhookEndpointSuccess } from './webhook-endpoint-success.ts';
import { updateWebhookEndpoint } from './webhook-endpoint.service.ts';

const WebhookEndpointUpdateInput = builder.inputType('WebhookEndpointUpdateInput', {
  description: 'What to change on an endpoint; omitted fields stay.',
  fields: (t) => ({
    endpointId: t.globalID({ for: WebhookEndpointNode, required: true, description: 'The endpoint.' }),
    url: t.string({ required: false, description: 'A new https:// URL.' }),
    description: t.string({ required: false, description: 'A new description (null clears it).' }),
    eventTypes: t.stringList({
      required: false,
      maxItems: 100,
      description: 'The event types to receive; empty: every type your key may read.',
    }),
    shopIds: t.globalIDList({
      for: ShopNode,
      required: false,
      maxItems: 250,
      description: 'The shops to cover; empty: every shop your key reaches.',
    }),
    enabled: t.boolean({
      required: false,
      description:
        'false disables it (its pending deliveries fail; replay re-sends them); true enables it again and clears `failingSince`.',
    }),
  }),
});

builder.mutationField('webhookEndpointUpdate', (t) =>
  t.field({
    type: webhookEndpointSuccess('WebhookEndpointUpdateSuccess', 'The endpoint is changed.'),
    description: "Changes one of your owner's webhook endpoints (`webhooks:write`).",
    errors: {},
    args: { input: t.arg({ type: WebhookEndpointUpdateInput, required: true }) },
    resolve: audited('webhookEndpointUpdate', async (_root, { input }, ctx) =>
      updateWebhookEndpoint(ctx, toDbId(input.endpointId, ['input', 'endpointId']), {
        url: input.url,
        description: input.description,
        eventTypes: input.eventTypes,
        shopIds: input.shopIds?.map((id, i) => toDbId(id, ['input', 'shopIds', String(i)])),
        enabled: input.enabled,
      }),
    ),
  }),
);

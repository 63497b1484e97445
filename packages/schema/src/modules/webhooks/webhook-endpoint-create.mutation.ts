import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { ShopNode } from '#modules/shops/shop.node.ts';
import { webhookEndpointSuccess } from './webhook-endpoint-success.ts';
import { createWebhookEndpoint } from './webhook-endpoint.service.ts';

const WebhookEndpointCreateInput = builder.inputType('WebhookEndpointCreateInput', {
  description: 'A URL to receive events.',
  fields: (t) => ({
    url: t.string({
      required: true,
      description: 'An https:// URL (http:// only to localhost outside production); redirects are not followed.',
    }),
    description: t.string({ required: false, description: 'What it is for (at most 500 characters).' }),
    eventTypes: t.stringList({
      required: false,
      maxItems: 100,
      description: 'Event types to receive (`webhookEventTypes`); omitted or empty: every type your key may read.',
    }),
    shopIds: t.globalIDList({
      for: ShopNode,
      required: false,
      maxItems: 250,
      description: 'Shops in your reach to receive events of; omitted or empty: every shop your key reaches.',
    }),
  }),
});

builder.mutationField('webhookEndpointCreate', (t) =>
  t.field({
    type: webhookEndpointSuccess(
      'WebhookEndpointCreateSuccess',
      'The endpoint is registered and enabled; keep the secret.',
      true,
    ),
    description:
      "Registers a webhook endpoint for your owner (a seller's shop, an agency's or partner app's account, or the administrators). Needs `webhooks:write`. It receives the events your API key may read, signed per Standard Webhooks. At most 20 per owner.",
    errors: {},
    args: { input: t.arg({ type: WebhookEndpointCreateInput, required: true }) },
    resolve: audited('webhookEndpointCreate', async (_root, { input }, ctx) =>
      createWebhookEndpoint(ctx, {
        url: input.url,
        description: input.description,
        eventTypes: input.eventTypes,
        shopIds: input.shopIds?.map((id, i) => toDbId(id, ['input', 'shopIds', String(i)])),
      }),
    ),
  }),
);

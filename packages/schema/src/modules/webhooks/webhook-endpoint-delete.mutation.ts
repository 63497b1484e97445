import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { encodeGlobalId, toDbId } from '#lib/ids.ts';
import { WebhookEndpointNode } from './webhook-endpoint.node.ts';
import { deleteWebhookEndpoint } from './webhook-endpoint.service.ts';

const WebhookEndpointDeleteInput = builder.inputType('WebhookEndpointDeleteInput', {
  description: 'The endpoint to delete.',
  fields: (t) => ({
    endpointId: t.globalID({ for: WebhookEndpointNode, required: true, description: 'The endpoint.' }),
  }),
});

const WebhookEndpointDeleteSuccess = builder
  .objectRef<{ endpointId: number }>('WebhookEndpointDeleteSuccess')
  .implement({
    description: 'The endpoint and its delivery log are deleted; nothing more is sent to it.',
    fields: (t) => ({
      deletedEndpointId: t.id({
        description: 'The global ID of the deleted endpoint.',
        resolve: (r) => encodeGlobalId('WebhookEndpoint', r.endpointId),
      }),
    }),
  });

builder.mutationField('webhookEndpointDelete', (t) =>
  t.field({
    type: WebhookEndpointDeleteSuccess,
    description: "Deletes one of your owner's webhook endpoints with its delivery log (`webhooks:write`).",
    errors: {},
    args: { input: t.arg({ type: WebhookEndpointDeleteInput, required: true }) },
    resolve: audited('webhookEndpointDelete', async (_root, { input }, ctx) =>
      deleteWebhookEndpoint(ctx, toDbId(input.endpointId, ['input', 'endpointId'])),
    ),
  }),
);

import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { WebhookEndpointNode } from './webhook-endpoint.node.ts';
import { webhookEndpointSuccess } from './webhook-endpoint-success.ts';
import { rotateWebhookSecret } from './webhook-endpoint.service.ts';

const WebhookEndpointRotateSecretInput = builder.inputType('WebhookEndpointRotateSecretInput', {
  description: 'The endpoint whose secret to replace.',
  fields: (t) => ({
    endpointId: t.globalID({ for: WebhookEndpointNode, required: true, description: 'The endpoint.' }),
  }),
});

builder.mutationField('webhookEndpointRotateSecret', (t) =>
  t.field({
    type: webhookEndpointSuccess(
      'WebhookEndpointRotateSecretSuccess',
      'A new secret signs from now on; the previous one signs beside it for 24 hours.',
      true,
    ),
    description:
      'Replaces the signing secret (`webhooks:write`). For 24 hours every delivery carries two signatures, one per secret, so receivers switch without losing an event.',
    errors: {},
    args: { input: t.arg({ type: WebhookEndpointRotateSecretInput, required: true }) },
    resolve: audited('webhookEndpointRotateSecret', async (_root, { input }, ctx) =>
      rotateWebhookSecret(ctx, toDbId(input.endpointId, ['input', 'endpointId'])),
    ),
  }),
);

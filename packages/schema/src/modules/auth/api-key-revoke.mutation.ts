import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { ApiKeyNode } from './api-key.node.ts';
import { revokeApiKey } from './api-key.service.ts';

const ApiKeyRevokeInput = builder.inputType('ApiKeyRevokeInput', {
  description: 'The key to revoke.',
  fields: (t) => ({ id: t.globalID({ for: ApiKeyNode, required: true, description: "The key's global ID." }) }),
});

const ApiKeyRevokeSuccess = builder.objectRef<{ apiKeyId: number }>('ApiKeyRevokeSuccess').implement({
  description: 'The key no longer works.',
  fields: (t) => ({
    apiKey: t.prismaField({
      type: 'ApiKey',
      description: 'The revoked key.',
      resolve: (q, r, _a, ctx) => ctx.prisma.apiKey.findUniqueOrThrow({ ...q, where: { id: r.apiKeyId } }),
    }),
  }),
});

builder.mutationField('apiKeyRevoke', (t) =>
  t.field({
    type: ApiKeyRevokeSuccess,
    description: "Revokes a key at once: administrators any key, sellers their own shop's keys.",
    errors: {},
    args: { input: t.arg({ type: ApiKeyRevokeInput, required: true }) },
    resolve: audited('apiKeyRevoke', async (_root, { input }, ctx) => {
      const key = await revokeApiKey(ctx, toDbId(input.id, ['input', 'id']));
      return { apiKeyId: key.id };
    }),
  }),
);

import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { creatorFieldsOf, creatorProfileFields, creatorSuccess } from './creator-inputs.ts';
import { CreatorNode } from './creator.node.ts';
import { updateCreator } from './creator.service.ts';

const CreatorUpdateInput = builder.inputType('CreatorUpdateInput', {
  description: 'Fields to change on a creator; omitted fields keep their value.',
  fields: (t) => ({
    creatorId: t.globalID({ for: CreatorNode, required: true, description: 'The creator.' }),
    ...creatorProfileFields(t, false),
  }),
});

const CreatorUpdateSuccess = creatorSuccess('CreatorUpdateSuccess', 'The creator was changed.');

builder.mutationField('creatorUpdate', (t) =>
  t.field({
    type: CreatorUpdateSuccess,
    description: 'Changes a creator (administrators, and partner apps that represent it with `creators:write`).',
    errors: {},
    args: { input: t.arg({ type: CreatorUpdateInput, required: true }) },
    resolve: audited('creatorUpdate', async (_root, { input }, ctx) => {
      const creatorId = toDbId(input.creatorId, ['input', 'creatorId']);
      await updateCreator(ctx, creatorId, creatorFieldsOf(input));
      return { creatorId };
    }),
  }),
);

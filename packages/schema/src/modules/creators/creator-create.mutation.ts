import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { creatorFieldsOf, creatorProfileFields, creatorSuccess } from './creator-inputs.ts';
import { createCreator } from './creator.service.ts';

const CreatorCreateInput = builder.inputType('CreatorCreateInput', {
  description: 'A new creator. A partner app that creates one represents it from then on.',
  fields: (t) => creatorProfileFields(t, true),
});

const CreatorCreateSuccess = creatorSuccess('CreatorCreateSuccess', 'The creator exists.');

builder.mutationField('creatorCreate', (t) =>
  t.field({
    type: CreatorCreateSuccess,
    description:
      'Creates a creator (administrators, and partner apps with `creators:write`). A taken handle is CONFLICT.',
    errors: {},
    args: { input: t.arg({ type: CreatorCreateInput, required: true }) },
    resolve: audited('creatorCreate', async (_root, { input }, ctx) => ({
      creatorId: (await createCreator(ctx, creatorFieldsOf(input))).id,
    })),
  }),
);

import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { ShopNode } from '#modules/shops/shop.node.ts';
import { ContentKindEnum, CreatorNode } from './creator.node.ts';
import { addContentItem } from './creator.service.ts';

const ContentItemAddInput = builder.inputType('ContentItemAddInput', {
  description: 'A live session or video a creator published to promote a shop.',
  fields: (t) => ({
    creatorId: t.globalID({ for: CreatorNode, required: true, description: 'Who published it.' }),
    shopId: t.globalID({
      for: ShopNode,
      required: true,
      description: 'The shop it promotes: one in your reach, or one that accepted a partnership with the creator.',
    }),
    kind: t.field({ type: ContentKindEnum, required: true, description: 'Live session or video.' }),
    title: t.string({ required: true, description: 'The title as published (1–300 characters).' }),
    url: t.string({ description: 'Where it can be watched: an http(s) URL of at most 2000 characters.' }),
    publishedAt: t.field({
      type: 'DateTime',
      required: true,
      description: 'When it was published or went live (not after the platform clock).',
    }),
  }),
});

const ContentItemAddSuccess = builder.objectRef<{ contentItemId: number }>('ContentItemAddSuccess').implement({
  description: 'The content item is recorded; violations found in it can now point at it.',
  fields: (t) => ({
    contentItem: t.prismaField({
      type: 'ContentItem',
      description: 'The content item, re-read.',
      resolve: (q, r, _a, ctx) => ctx.prisma.contentItem.findUniqueOrThrow({ ...q, where: { id: r.contentItemId } }),
    }),
  }),
});

builder.mutationField('contentItemAdd', (t) =>
  t.field({
    type: ContentItemAddSuccess,
    description:
      "Records a creator's live session or video for a shop (administrators, and partner apps that represent the creator with `creators:write`).",
    errors: {},
    args: { input: t.arg({ type: ContentItemAddInput, required: true }) },
    resolve: audited('contentItemAdd', async (_root, { input }, ctx) => {
      const item = await addContentItem(ctx, {
        creatorId: toDbId(input.creatorId, ['input', 'creatorId']),
        shopId: toDbId(input.shopId, ['input', 'shopId']),
        kind: input.kind,
        title: input.title,
        url: input.url ?? null,
        publishedAt: input.publishedAt,
      });
      return { contentItemId: item.id };
    }),
  }),
);

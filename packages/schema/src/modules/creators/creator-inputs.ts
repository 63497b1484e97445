import { builder } from '#builder';
import { toDbId } from '#lib/ids.ts';
import { CategoryNode } from '#modules/shops/category.node.ts';
import type { CreatorFields } from './creator.service.ts';

type InputFieldBuilder = Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0];

/** The profile fields shared by creatorCreate (all required) and creatorUpdate (all optional). */
export function creatorProfileFields(t: InputFieldBuilder, required: boolean) {
  return {
    handle: t.string({
      required,
      description: 'Unique public handle, without "@": 2–30 of a–z, 0–9, "." and "_" (stored lower-case).',
    }),
    displayName: t.string({ required, description: "The name shown on the creator's profile (1–100 characters)." }),
    regions: t.field({
      type: ['CountryCode'],
      required,
      maxItems: 30,
      description: "ISO country codes of the creator's audience (1–30).",
    }),
    nicheCategoryIds: t.globalIDList({
      for: CategoryNode,
      required,
      maxItems: 10,
      description: 'Niches: 1–10 top-level categories that are not prohibited.',
    }),
    followerCount: t.int({ required, description: "Followers across the creator's channels (0–2,000,000,000)." }),
    engagementRate: t.float({
      required,
      description: 'Engagement rate in percent, at most two decimals (3.45 means 3.45 %).',
    }),
  };
}

/** Decodes the profile fields of either input into service fields. */
export function creatorFieldsOf(input: {
  handle?: string | null;
  displayName?: string | null;
  regions?: readonly string[] | null;
  nicheCategoryIds?: readonly { id: string }[] | null;
  followerCount?: number | null;
  engagementRate?: number | null;
}): CreatorFields {
  return {
    handle: input.handle,
    displayName: input.displayName,
    regions: input.regions,
    nicheCategoryIds: input.nicheCategoryIds?.map((g, i) => toDbId(g, ['input', 'nicheCategoryIds', String(i)])),
    followerCount: input.followerCount,
    engagementRate: input.engagementRate,
  };
}

/** The success type of a mutation that returns a creator, re-read with the operation's selection. */
export function creatorSuccess(name: string, description: string) {
  return builder.objectRef<{ creatorId: number }>(name).implement({
    description,
    fields: (t) => ({
      creator: t.prismaField({
        type: 'Creator',
        description: 'The creator, re-read.',
        resolve: (q, r, _a, ctx) => ctx.prisma.creator.findUniqueOrThrow({ ...q, where: { id: r.creatorId } }),
      }),
    }),
  });
}

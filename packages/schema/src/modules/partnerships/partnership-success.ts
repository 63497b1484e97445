import { builder } from '#builder';

/** The success type of a partnership mutation: the partnership, re-read with the operation's selection. */
export function partnershipSuccess(name: string, description: string) {
  return builder.objectRef<{ partnershipId: number }>(name).implement({
    description,
    fields: (t) => ({
      partnership: t.prismaField({
        type: 'Partnership',
        description: 'The partnership, re-read.',
        resolve: (q, r, _a, ctx) => ctx.prisma.partnership.findUniqueOrThrow({ ...q, where: { id: r.partnershipId } }),
      }),
    }),
  });
}

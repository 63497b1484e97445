import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { CreatorNode } from '#modules/creators/creator.node.ts';
import { CategoryNode } from '#modules/shops/category.node.ts';
import { ShopNode } from '#modules/shops/shop.node.ts';
import { partnershipSuccess } from './partnership-success.ts';
import { proposePartnership } from './partnership.service.ts';

const PartnershipScopeInput = builder.inputType('PartnershipScopeInput', {
  description: 'The products a partnership covers; leave both lists empty for the whole shop.',
  fields: (t) => ({
    listingIds: t.globalIDList({ maxItems: 100, description: 'Listings of the shop.' }),
    categoryIds: t.globalIDList({ for: CategoryNode, maxItems: 50, description: 'Categories.' }),
  }),
});

const PartnershipProposeInput = builder.inputType('PartnershipProposeInput', {
  description: 'A partnership a shop proposes to a creator.',
  fields: (t) => ({
    shopId: t.globalID({ for: ShopNode, required: true, description: 'Your shop (it must be ACTIVE).' }),
    creatorId: t.globalID({ for: CreatorNode, required: true, description: 'The creator.' }),
    commissionRate: t.float({
      required: true,
      description:
        'Commission in percent with at most two decimals, within the settings (1–80 by default): 12.5 means 12.5 %.',
    }),
    scope: t.field({ type: PartnershipScopeInput, description: 'The products covered; default: the whole shop.' }),
    startsAt: t.field({ type: 'DateTime', description: 'The agreed start; default: from acceptance.' }),
    endsAt: t.field({ type: 'DateTime', description: 'The agreed end (after the start and the platform clock).' }),
    message: t.string({ description: 'A note for the creator (at most 2000 characters).' }),
  }),
});

builder.mutationField('partnershipPropose', (t) =>
  t.field({
    type: partnershipSuccess(
      'PartnershipProposeSuccess',
      "The proposal is PROPOSED and waits for the creator's answer until `expiresAt`.",
    ),
    description:
      'Proposes a partnership to a creator (sellers and agencies with `partnerships:write`). A RESTRICTED or SUSPENDED shop cannot propose (INVALID_STATE); a pair with an open partnership answers CONFLICT.',
    errors: {},
    args: { input: t.arg({ type: PartnershipProposeInput, required: true }) },
    resolve: audited('partnershipPropose', async (_root, { input }, ctx) => {
      const listingIds = (input.scope?.listingIds ?? []).map((g, i) => {
        const path = ['input', 'scope', 'listingIds', String(i)];
        return g.typename === 'Listing' ? toDbId(g, path) : -1;
      });
      const partnership = await proposePartnership(ctx, {
        shopId: toDbId(input.shopId, ['input', 'shopId']),
        creatorId: toDbId(input.creatorId, ['input', 'creatorId']),
        commissionRate: input.commissionRate,
        listingIds,
        categoryIds: (input.scope?.categoryIds ?? []).map((g, i) =>
          toDbId(g, ['input', 'scope', 'categoryIds', String(i)]),
        ),
        startsAt: input.startsAt ?? null,
        endsAt: input.endsAt ?? null,
        message: input.message ?? null,
      });
      return { partnershipId: partnership.id };
    }),
  }),
);

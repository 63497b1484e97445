import { builder } from '#builder';
import type { Context } from '#context';
import { ForbiddenError, InvalidStateError, NotFoundError } from '#lib/errors.ts';
import { encodeGlobalId } from '#lib/ids.ts';
import { forgetLoads } from '#lib/loaders.ts';
import { reachableNodes } from '#lib/node-reach.ts';
import { PushStream } from '#lib/push-stream.ts';
import { eventFeedKey } from './event-feed.ts';
import type { Viewer } from '#modules/auth/viewer.ts';
import { ShopNode } from '#modules/shops/shop.node.ts';
import { canReachShop } from '#modules/shops/shop.policy.ts';
import { eventCatalogue } from '#modules/webhooks/event-catalogue.ts';
import { webhookEventId, type StoredEvent } from '#modules/webhooks/webhook-payload.ts';

/** Whether a subscriber may see an event: its shop is in reach (or, for partnerships, the creator is represented). */
export function subscriberSees(viewer: Viewer, event: Pick<StoredEvent, 'type' | 'shopId' | 'payload'>): boolean {
  if (event.shopId !== null && canReachShop(viewer, event.shopId)) return true;
  if (event.type.startsWith('partnership.')) {
    const creatorId = (event.payload as { creatorId?: unknown } | null)?.creatorId;
    return typeof creatorId === 'number' && viewer.representedCreatorIds.includes(creatorId);
  }
  return viewer.role === 'ADMIN';
}

/**
 * Events of `types` committed from now on that the caller may see, optionally of one shop (NOT_FOUND
 * outside its reach), as they are relayed from the outbox. Waits until the feed listens before the
 * stream opens, so nothing committed after the subscription started is missed.
 */
async function followEvents(
  ctx: Context,
  types: readonly string[],
  shopId: number | null,
): Promise<PushStream<StoredEvent>> {
  const viewer = ctx.viewer;
  // The field's auth scope already refused a caller without a key.
  if (!viewer) throw new ForbiddenError();
  if (shopId !== null && !canReachShop(viewer, shopId)) throw new NotFoundError('Shop');
  const feed = ctx.feed(eventFeedKey);
  if (!feed) throw new InvalidStateError('INVALID_STATE', 'This server does not push events; use webhooks instead.');
  const stream = new PushStream<StoredEvent>(() => unsubscribe());
  const { ready, unsubscribe } = feed.subscribe(viewer.apiKeyId, (event) => {
    if (!types.includes(event.type)) return;
    if (shopId !== null ? event.shopId === shopId : subscriberSees(viewer, event)) stream.push(event);
  });
  await ready;
  return stream;
}

const ShopEventObject = builder.objectRef<StoredEvent>('ShopEvent').implement({
  description:
    'A committed change, as the outbox recorded it: the same event (and id) a webhook delivers. docs/subscriptions.md lists the `data` of each type.',
  fields: (t) => ({
    eventId: t.string({
      description: 'The stable event id, also the webhook `webhook-id` (e.g. "evt_42").',
      resolve: (e) => webhookEventId(e.id),
    }),
    type: t.exposeString('type', { description: 'The event type, e.g. "listing.reviewed".' }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime', description: 'When it happened (platform clock).' }),
    shopId: t.id({
      nullable: true,
      description: "The shop's global ID.",
      resolve: (e) => (e.shopId === null ? null : encodeGlobalId('Shop', e.shopId)),
    }),
    shop: t.prismaField({
      type: 'Shop',
      nullable: true,
      description: 'The shop, when it is in your reach.',
      resolve: (query, e, _a, ctx) =>
        e.shopId !== null && canReachShop(ctx.viewer, e.shopId)
          ? ctx.prisma.shop.findUnique({ ...query, where: { id: e.shopId } })
          : null,
    }),
    subjectType: t.string({
      description: 'The GraphQL type of the object the event is about.',
      resolve: (e) => eventCatalogue[e.type]?.subject ?? e.subjectType,
    }),
    subjectId: t.id({
      description: 'The global ID of that object: read its current state with `node(id:)`.',
      resolve: (e) => encodeGlobalId(eventCatalogue[e.type]?.subject ?? e.subjectType, e.subjectId),
    }),
    subject: t.node({
      description:
        "The object the event is about, as its GraphQL type renders it when the event is pushed (the webhook payload's `data.object`, with your selection): null when it is gone, outside your reach, or of a type your key lacks the read scope for.",
      // Its possible types carry read scopes: the id resolver checks them as `node(id:)` does.
      extensions: { checksNodeReach: true },
      id: async (e, _a, ctx, info) => {
        const typename = eventCatalogue[e.type]?.subject;
        if (!typename || !/^\d+$/.test(e.subjectId)) return null;
        const [reachable] = await reachableNodes(info.schema, ctx, [{ typename, id: e.subjectId }]);
        return reachable ? encodeGlobalId(typename, e.subjectId) : null;
      },
    }),
    data: t.field({
      type: 'JSON',
      description: "The event's fields, as in the webhook payload's `data` (docs/webhooks.md).",
      resolve: (e) => e.payload,
    }),
  }),
});

const families = {
  listingReviewed: {
    types: ['listing.reviewed'],
    scope: 'listings:read',
    what: 'a listing is approved, rejected or suspended',
  },
  violationRecorded: { types: ['violation.recorded'], scope: 'health:read', what: 'a violation is recorded' },
  shopHealthChanged: {
    types: ['shop.health_changed'],
    scope: 'health:read',
    what: "a shop's health or account status changes",
  },
  shopTierChanged: { types: ['shop.tier_changed'], scope: 'revenue:read', what: 'a shop moves to another tier' },
  registrationPromoted: {
    types: ['registration.promoted'],
    scope: 'events:read',
    what: 'a waitlisted seller-event registration gets a seat',
  },
  partnershipChanged: {
    types: [
      'partnership.proposed',
      'partnership.accepted',
      'partnership.declined',
      'partnership.expired',
      'partnership.ended',
    ],
    scope: 'partnerships:read',
    what: 'a partnership is proposed, accepted, declined, expires or ends (its creator’s partner app sees it too)',
  },
} as const;

builder.subscriptionFields((t) =>
  Object.fromEntries(
    Object.entries(families).map(([name, family]) => [
      name,
      t.field({
        type: ShopEventObject,
        description: `Pushes an event whenever ${family.what}, for the shops you reach (needs \`${family.scope}\`), from when you subscribe. Every API instance pushes the events of the whole deployment once they are committed and relayed.`,
        authScopes: { scope: family.scope },
        args: {
          shopId: t.arg.globalID({
            for: ShopNode,
            required: false,
            description: 'Only this shop (NOT_FOUND outside your reach); omitted: every shop you reach.',
          }),
        },
        subscribe: (_root, args, ctx) =>
          followEvents(ctx, family.types, args.shopId ? Number.parseInt(args.shopId.id, 10) || 0 : null),
        resolve: (event, _a, ctx) => {
          // One context serves every event of the subscription: each event reads the current rows.
          forgetLoads(ctx);
          return event as unknown as StoredEvent;
        },
      }),
    ]),
  ),
);

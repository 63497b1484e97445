import type { Prisma } from '@shopwarden/db';
import { builder } from '#builder';
import { compiledRoot, compiledRowsByIds } from '#compiled';
import { registerNodeReach } from '#lib/node-reach.ts';
import { shopWhere } from '#modules/shops/shop.policy.ts';
import { eventCatalogue } from './event-catalogue.ts';
import { webhookEndpointWhere } from './webhook-endpoint.policy.ts';
import type { Viewer } from '#modules/auth/viewer.ts';
import { webhookBody, webhookEventId } from './webhook-payload.ts';

const webhooksRead = { scope: 'webhooks:read' } as const;

export const WebhookDeliveryStatusEnum = builder.enumType('WebhookDeliveryStatus', {
  description: 'Where a webhook delivery is.',
  values: {
    PENDING: { description: 'Waiting for its turn or for its next attempt (`nextAttemptAt`).' },
    SUCCEEDED: { description: 'The endpoint answered 2xx.' },
    FAILED: {
      description: 'All 8 attempts failed, or the endpoint was disabled; `webhookEventReplay` sends it again.',
    },
  } as const,
});

export const WebhookDeliveryAttemptObject = builder.prismaObject('WebhookDeliveryAttempt', {
  readScope: 'webhooks:read',
  description: 'One HTTP attempt of a webhook delivery.',
  fields: (t) => ({
    attemptedAt: t.expose('attemptedAt', { type: 'DateTime', description: 'When the request was sent (real time).' }),
    statusCode: t.exposeInt('statusCode', {
      nullable: true,
      description: 'The HTTP status; null when no response came (timeout, connection refused, blocked address).',
    }),
    latencyMs: t.exposeInt('latencyMs', { description: 'Milliseconds from sending to the end of the response.' }),
    responseBody: t.exposeString('responseBody', {
      nullable: true,
      description: 'The first 1 KB of the response body.',
    }),
    error: t.exposeString('error', { nullable: true, description: 'Why no response counted (a timeout, a refusal…).' }),
    nextAttemptAt: t.expose('nextAttemptAt', {
      type: 'DateTime',
      nullable: true,
      description:
        'When this failure scheduled the next attempt (platform clock); null after a success or the last attempt.',
    }),
  }),
});

export const WebhookDeliveryNode = builder.prismaNode('WebhookDelivery', {
  id: { field: 'id' },
  description: 'One event sent to one endpoint, with every attempt.',
  findUnique: (id) => ({ id: Number.parseInt(id, 10) || 0 }),
  readScope: 'webhooks:read',
  fields: (t) => ({
    eventId: t.string({
      description: 'The stable event id: the `webhook-id` header and the payload\'s `id` (e.g. "evt_42").',
      select: { eventId: true },
      resolve: (d) => webhookEventId(d.eventId),
    }),
    eventType: t.string({
      description: 'The event type, e.g. "listing.reviewed".',
      select: { event: { select: { type: true } } },
      resolve: (d) => d.event.type,
    }),
    payload: t.string({
      description:
        "The JSON body, stored with `data.object` rendered for the endpoint's key when the delivery was created: the same bytes on every attempt and replay.",
      // Only a delivery stored before bodies were rendered on creation lacks one until its first attempt.
      select: { event: true, body: true },
      resolve: (d) => d.body ?? webhookBody(d.event),
    }),
    status: t.expose('status', { type: WebhookDeliveryStatusEnum, description: 'Where the delivery is.' }),
    attemptCount: t.exposeInt('attempts', { description: 'Attempts since it was created or last replayed.' }),
    nextAttemptAt: t.expose('nextAttemptAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the next attempt is due (platform clock); null when it is not waiting for a retry.',
    }),
    lastStatusCode: t.exposeInt('lastStatusCode', {
      nullable: true,
      description: 'The HTTP status of the last attempt.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the event was relayed to this endpoint.' }),
    attempts: t.relation('log', {
      description: 'Every attempt, oldest first (replays included).',
      query: { orderBy: { id: 'asc' } },
    }),
  }),
});

export const WebhookEndpointNode = builder.prismaNode('WebhookEndpoint', {
  id: { field: 'id' },
  description:
    'A URL that receives signed events (Standard Webhooks) that its owner may read: docs/webhooks.md. The secret is shown once, by `webhookEndpointCreate` and `webhookEndpointRotateSecret`.',
  findUnique: (id) => ({ id: Number.parseInt(id, 10) || 0 }),
  readScope: 'webhooks:read',
  fields: (t) => ({
    url: t.exposeString('url', { description: 'Where events are POSTed.' }),
    description: t.exposeString('description', { nullable: true, description: 'What it is for.' }),
    eventTypes: t.exposeStringList('eventTypes', {
      description: 'The event types it receives; empty: every type its API key may read.',
    }),
    shops: t.prismaField({
      type: ['Shop'],
      description: 'The shops it covers; empty: every shop its API key reaches when each event happens.',
      select: { shopIds: true },
      extensions: compiledRowsByIds('Shop', (e) => e.col('shopIds'), {
        by: 'findMany',
        orderBy: { id: 'asc' },
        where: (ctx) => shopWhere(ctx.viewer),
      }),
      resolve: (query, e, _a, ctx) =>
        e.shopIds.length
          ? ctx.prisma.shop.findMany({
              ...query,
              where: { AND: [{ id: { in: e.shopIds } }, shopWhere(ctx.viewer)] },
              orderBy: { id: 'asc' },
            })
          : [],
    }),
    enabled: t.exposeBoolean('enabled', { description: 'Whether events are delivered to it.' }),
    disabledAt: t.expose('disabledAt', { type: 'DateTime', nullable: true, description: 'When it was disabled.' }),
    disabledReason: t.exposeString('disabledReason', {
      nullable: true,
      description: 'Why: its owner, 410 Gone, or 3 days of failures.',
    }),
    failingSince: t.expose('failingSince', {
      type: 'DateTime',
      nullable: true,
      description: 'The first failed attempt since the last success; after 3 days it is disabled.',
    }),
    previousSecretExpiresAt: t.expose('previousSecretExpiresAt', {
      type: 'DateTime',
      nullable: true,
      description: 'Until then the secret before the last rotation signs too (a second signature).',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was registered.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it last changed.' }),
    deliveries: t.relatedConnection('deliveries', {
      cursor: 'id',
      defaultSize: 20,
      maxSize: 100,
      description: 'The delivery log, newest first.',
      args: {
        status: t.arg({
          type: WebhookDeliveryStatusEnum,
          required: false,
          description: 'Only deliveries in this status.',
        }),
        eventType: t.arg.string({ required: false, description: 'Only deliveries of this event type.' }),
      },
      query: (args) => ({
        where: {
          ...(args.status ? { status: args.status } : {}),
          ...(args.eventType ? { event: { type: args.eventType } } : {}),
        },
        orderBy: { id: 'desc' },
      }),
      totalCount: false,
    }),
  }),
});

const WebhookEventTypeObject = builder
  .objectRef<{ type: string; scope: string | null; subject: string; description: string }>('WebhookEventType')
  .implement({
    description: 'An event type webhooks and subscriptions carry.',
    fields: (t) => ({
      type: t.exposeString('type', {
        description: 'The `type` in the payload, e.g. "listing.reviewed".',
      }),
      description: t.exposeString('description', {
        description: 'What happened.',
      }),
      scope: t.exposeString('scope', {
        nullable: true,
        description: 'The scope a key needs to receive it.',
      }),
      subjectType: t.exposeString('subject', {
        description: "The GraphQL type of the payload's `data.subject`.",
      }),
    }),
  });

/** Every event type, by type (what `webhookEventTypes` answers). */
const listEventTypes = () =>
  Object.entries(eventCatalogue)
    .map(([type, info]) => ({ type, ...info }))
    .sort((a, b) => a.type.localeCompare(b.type));

/** What `webhookEndpoints` reads: the caller's owner's endpoints, oldest first (the resolver's and the compiled read's). */
function endpointsQuery(_args: unknown, ctx: { viewer: Viewer | null }) {
  return { where: webhookEndpointWhere(ctx.viewer), orderBy: { id: 'asc' as const } };
}

builder.queryFields((t) => ({
  webhookEndpoints: t.prismaConnection({
    type: 'WebhookEndpoint',
    cursor: 'id',
    defaultSize: 20,
    maxSize: 100,
    description:
      "Your owner's webhook endpoints (a seller's shop, an agency's or partner app's account; administrators see all), oldest first.",
    authScopes: webhooksRead,
    extensions: compiledRoot({
      model: 'WebhookEndpoint',
      kind: 'connection',
      query: endpointsQuery,
      defaultSize: 20,
      maxSize: 100,
    }),
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.webhookEndpoint.findMany({ ...query, ...endpointsQuery(args, ctx) }),
  }),
  webhookEventTypes: t.field({
    type: [WebhookEventTypeObject],
    description: 'Every event type, with the scope needed to receive it (docs/webhooks.md has the payloads).',
    authScopes: { authenticated: true },
    // No SQL form: the catalogue as parameters made one `||` chain per field and item, which PGlite
    // failed to run ("bad buffer ID") once it grew past about 130 of them; it reads nothing anyway.
    resolve: listEventTypes,
  }),
}));

const endpointReach = async (ctx: Parameters<Parameters<typeof registerNodeReach>[1]>[0], ids: number[]) =>
  (
    await ctx.prisma.webhookEndpoint.findMany({
      where: { AND: [{ id: { in: ids } }, webhookEndpointWhere(ctx.viewer)] },
      select: { id: true },
    })
  ).map((r) => r.id);

registerNodeReach('WebhookEndpoint', endpointReach);
registerNodeReach('WebhookDelivery', async (ctx, ids) =>
  (
    await ctx.prisma.webhookDelivery.findMany({
      where: { id: { in: ids }, endpoint: webhookEndpointWhere(ctx.viewer) as Prisma.WebhookEndpointWhereInput },
      select: { id: true },
    })
  ).map((r) => r.id),
);

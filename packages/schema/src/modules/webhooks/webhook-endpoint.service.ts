import { enqueueJobs } from '@shopwarden/jobs';
import type { Prisma } from '@shopwarden/db';
import type { Context } from '#context';
import { encodeGlobalId } from '#lib/ids.ts';
import { InvalidStateError, NotFoundError, ValidationError, type FieldError } from '#lib/errors.ts';
import { authenticateApiKeyId } from '#modules/auth/authenticate.service.ts';
import type { Viewer } from '#modules/auth/viewer.ts';
import { canReachShop } from '#modules/shops/shop.policy.ts';
import { canReceiveEventType, eventCatalogue } from './event-catalogue.ts';
import { deliverWebhooks } from './webhook-deliver.job.ts';
import { disableEndpoint, endpointReceives, laneKey } from './webhook-delivery.service.ts';
import { assertCanWriteWebhooks, findOwnEndpoint, webhookOwnerOf } from './webhook-endpoint.policy.ts';
import { isLoopbackHost, isPublicAddress } from './webhook-http.ts';
import {
  generateWebhookSecret,
  parseWebhookEventId,
  storedEventSelect,
  webhookBody,
  type StoredEvent,
} from './webhook-payload.ts';
import { renderWebhookObjects } from './webhook-render.ts';

/** Endpoints one owner (a shop, an account, the administrators) may have. */
export const MAX_ENDPOINTS_PER_OWNER = 20;
/** Events one `webhookEventReplay` re-sends at most. */
export const MAX_REPLAY_EVENTS = 1000;
/** How long the secret before a rotation keeps signing beside the new one. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;

export interface EndpointInput {
  url?: string | null;
  description?: string | null;
  eventTypes?: readonly string[] | null;
  shopIds?: readonly number[] | null;
}

/**
 * An endpoint URL: HTTPS; plain HTTP only to a loopback host outside production. In production an IP
 * literal must be public (host names are checked when each delivery resolves them).
 */
export function checkEndpointUrl(raw: string, production: boolean): string | null {
  if (raw.length > 2048) return 'The URL is longer than 2,048 characters.';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'The URL is not valid.';
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (url.protocol === 'http:') {
    if (production || !isLoopbackHost(host))
      return 'Use an https:// URL (plain http:// is allowed only to localhost outside production).';
    return null;
  }
  if (url.protocol !== 'https:') return 'Use an https:// URL.';
  if (url.username || url.password) return 'The URL cannot carry credentials; verify the signature instead.';
  if (production && (host === 'localhost' || (/^[\d.]+$|:/.test(host) && !isPublicAddress(host))))
    return 'The URL points to a private, loopback or link-local address.';
  return null;
}

function checkInput(viewer: Viewer, input: EndpointInput, production: boolean): FieldError[] {
  const errors: FieldError[] = [];
  if (input.url != null) {
    const problem = checkEndpointUrl(input.url.trim(), production);
    if (problem) errors.push({ path: ['input', 'url'], message: problem });
  }
  if (input.description != null && input.description.length > 500)
    errors.push({ path: ['input', 'description'], message: 'The description is longer than 500 characters.' });
  input.eventTypes?.forEach((type, i) => {
    const info = eventCatalogue[type];
    if (!info) errors.push({ path: ['input', 'eventTypes', String(i)], message: `Unknown event type "${type}".` });
    else if (!canReceiveEventType(type, viewer))
      errors.push({
        path: ['input', 'eventTypes', String(i)],
        message: `Your API key cannot receive "${type}"${info.scope ? ` (it needs ${info.scope})` : ''}.`,
      });
  });
  input.shopIds?.forEach((shopId, i) => {
    if (!canReachShop(viewer, shopId))
      errors.push({ path: ['input', 'shopIds', String(i)], message: 'Shop not found.' });
  });
  return errors;
}

const unique = <T>(values: readonly T[]) => [...new Set(values)];

/** Registers an endpoint for the caller's owner; its secret is returned here only. */
export async function createWebhookEndpoint(
  ctx: Context,
  input: EndpointInput & { url: string },
): Promise<{ endpointId: number; secret: string }> {
  assertCanWriteWebhooks(ctx.viewer);
  const viewer = ctx.viewer;
  const errors = checkInput(viewer, input, ctx.production);
  if (errors.length) throw new ValidationError(errors);
  const owner = webhookOwnerOf(viewer);
  const secret = generateWebhookSecret();
  return ctx.prisma.$transaction(async (tx) => {
    // Serialises creations per owner so the count below stays true.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`webhook-owner:${owner.ownerShopId}:${owner.ownerAccountId}`}))`;
    const count = await tx.webhookEndpoint.count({ where: owner });
    if (count >= MAX_ENDPOINTS_PER_OWNER)
      throw new InvalidStateError(
        'LIMIT_EXCEEDED',
        `At most ${MAX_ENDPOINTS_PER_OWNER} webhook endpoints per owner; delete one first.`,
      );
    const endpoint = await tx.webhookEndpoint.create({
      data: {
        ...owner,
        url: input.url.trim(),
        description: input.description?.trim() || null,
        secret,
        eventTypes: unique(input.eventTypes ?? []),
        shopIds: unique(input.shopIds ?? []),
        apiKeyId: viewer.apiKeyId,
      },
    });
    return { endpointId: endpoint.id, secret };
  });
}

/** Changes an endpoint's URL, description, event types, shops or whether it is enabled. */
export async function updateWebhookEndpoint(
  ctx: Context,
  id: number,
  input: EndpointInput & { enabled?: boolean | null },
): Promise<{ endpointId: number }> {
  assertCanWriteWebhooks(ctx.viewer);
  const viewer = ctx.viewer;
  const errors = checkInput(viewer, input, ctx.production);
  if (errors.length) throw new ValidationError(errors);
  const now = await ctx.now();
  await ctx.prisma.$transaction(async (tx) => {
    const endpoint = await findOwnEndpoint(tx, viewer, id);
    await tx.webhookEndpoint.update({
      where: { id },
      data: {
        ...(input.url != null ? { url: input.url.trim() } : {}),
        ...(input.description !== undefined ? { description: input.description?.trim() || null } : {}),
        ...(input.eventTypes != null ? { eventTypes: unique(input.eventTypes) } : {}),
        ...(input.shopIds != null ? { shopIds: unique(input.shopIds) } : {}),
        ...(input.enabled === true && !endpoint.enabled
          ? { enabled: true, disabledAt: null, disabledReason: null, failingSince: null }
          : {}),
      },
    });
    if (input.enabled === false) await disableEndpoint(tx, endpoint, 'Disabled by its owner.', now, false);
  });
  return { endpointId: id };
}

/** Deletes an endpoint with its delivery log. */
export async function deleteWebhookEndpoint(ctx: Context, id: number): Promise<{ endpointId: number }> {
  assertCanWriteWebhooks(ctx.viewer);
  const viewer = ctx.viewer;
  await ctx.prisma.$transaction(async (tx) => {
    await findOwnEndpoint(tx, viewer, id);
    await tx.webhookEndpoint.delete({ where: { id } });
  });
  return { endpointId: id };
}

/** A new secret; the old one keeps signing beside it for 24 h (two signatures in `webhook-signature`). */
export async function rotateWebhookSecret(ctx: Context, id: number): Promise<{ endpointId: number; secret: string }> {
  assertCanWriteWebhooks(ctx.viewer);
  const viewer = ctx.viewer;
  const now = await ctx.now();
  const secret = generateWebhookSecret();
  await ctx.prisma.$transaction(async (tx) => {
    const endpoint = await findOwnEndpoint(tx, viewer, id);
    await tx.webhookEndpoint.update({
      where: { id },
      data: {
        secret,
        previousSecret: endpoint.secret,
        previousSecretExpiresAt: new Date(now.getTime() + ROTATION_OVERLAP_MS),
      },
    });
  });
  return { endpointId: id, secret };
}

function assertEnabled(endpoint: { enabled: boolean }) {
  if (!endpoint.enabled)
    throw new InvalidStateError(
      'INVALID_STATE',
      'The endpoint is disabled; enable it with webhookEndpointUpdate first.',
    );
}

/** Sends a `ping` event to this endpoint only, through the usual delivery (signed, retried, logged). */
export async function testWebhookEndpoint(ctx: Context, id: number): Promise<{ deliveryId: number }> {
  assertCanWriteWebhooks(ctx.viewer);
  const viewer = ctx.viewer;
  const now = await ctx.now();
  // The endpoint rendered for its key before the transaction, whose one connection runs one statement at a time.
  const keyViewer = (await authenticateApiKeyId(ctx.prisma, (await findOwnEndpoint(ctx.prisma, viewer, id)).apiKeyId))
    .viewer;
  const objectOf = keyViewer
    ? await renderWebhookObjects(ctx.prisma, keyViewer, [{ type: 'ping', subjectId: String(id) }])
    : () => null;
  return ctx.prisma.$transaction(async (tx) => {
    const endpoint = await findOwnEndpoint(tx, viewer, id);
    assertEnabled(endpoint);
    // Written as relayed already: a ping goes to the endpoint tested and nowhere else.
    const event = await tx.outboxEvent.create({
      data: {
        type: 'ping',
        shopId: null,
        subjectType: 'WebhookEndpoint',
        subjectId: String(id),
        payload: { endpointId: encodeGlobalId('WebhookEndpoint', id) },
        occurredAt: now,
        relayedAt: new Date(),
      },
    });
    const delivery = await tx.webhookDelivery.create({
      data: { endpointId: id, eventId: event.id, laneShopId: 0, body: webhookBody(event, objectOf(event)) },
    });
    await enqueueJobs(tx, deliverWebhooks, [{ key: laneKey(id, 0), payload: { endpointId: id, shopId: 0 } }]);
    return { deliveryId: delivery.id };
  });
}

export interface ReplayInput {
  eventId?: string | null;
  from?: Date | null;
  to?: Date | null;
}

/**
 * Re-sends events to an endpoint with their original `webhook-id`: one event, or those that occurred
 * in [from, to) which the endpoint receives (at most 1,000). A delivery it had is sent again (with
 * a fresh attempt budget, its log kept); an event it never had is added. Returns how many.
 */
export async function replayWebhookEvents(ctx: Context, endpointId: number, input: ReplayInput): Promise<number> {
  assertCanWriteWebhooks(ctx.viewer);
  const viewer = ctx.viewer;
  const { eventId: rawEventId, from, to } = input;
  const byId = rawEventId != null;
  const either = () => ValidationError.field(['input'], 'Give either eventId, or both from and to.');
  let where: Prisma.OutboxEventWhereInput;
  if (rawEventId != null) {
    if (from != null || to != null) throw either();
    const eventId = parseWebhookEventId(rawEventId);
    if (eventId === null) throw ValidationError.field(['input', 'eventId'], 'Not an event id (like "evt_42").');
    where = { id: eventId };
  } else {
    if (from == null || to == null) throw either();
    if (from >= to) throw ValidationError.field(['input', 'to'], '`to` must be after `from`.');
    where = { occurredAt: { gte: from, lt: to }, relayedAt: { not: null } };
  }
  // Read and rendered before the transaction (rendering runs statements side by side); written in it.
  const db = ctx.prisma;
  const endpoint = await findOwnEndpoint(db, viewer, endpointId);
  assertEnabled(endpoint);
  const events: StoredEvent[] = await db.outboxEvent.findMany({
    where,
    orderBy: { id: 'asc' },
    take: MAX_REPLAY_EVENTS + 1,
    select: storedEventSelect,
  });
  if (events.length > MAX_REPLAY_EVENTS)
    throw new InvalidStateError(
      'LIMIT_EXCEEDED',
      `More than ${MAX_REPLAY_EVENTS} events occurred in that range; replay a shorter one.`,
    );
  const had = new Set(
    (
      await db.webhookDelivery.findMany({
        where: { endpointId, eventId: { in: events.map((e) => e.id) } },
        select: { eventId: true },
      })
    ).map((d) => d.eventId),
  );
  const keyViewer = (await authenticateApiKeyId(db, endpoint.apiKeyId)).viewer;
  const bulkKeyOf = new Map(
    (
      await db.bulkOperation.findMany({
        where: {
          id: { in: events.filter((e) => e.type === 'bulk_operation.finished').map((e) => Number(e.subjectId)) },
        },
        select: { id: true, apiKeyId: true },
      })
    ).map((b) => [String(b.id), b.apiKeyId]),
  );
  const endpointsById = new Map(
    (
      await db.webhookEndpoint.findMany({
        where: {
          id: { in: events.filter((e) => e.subjectType === 'WebhookEndpoint').map((e) => Number(e.subjectId)) },
        },
      })
    ).map((e) => [e.id, e]),
  );
  const chosen = events.filter(
    (e) => had.has(e.id) || endpointReceives(endpoint, keyViewer, e, { bulkKeyOf, endpointsById }),
  );
  if (byId && !chosen.length) throw new NotFoundError('WebhookEvent');
  if (!chosen.length) return 0;
  const again = chosen.filter((e) => had.has(e.id)).map((e) => e.id);
  const added = chosen.filter((e) => !had.has(e.id));
  const objectOf = keyViewer && added.length ? await renderWebhookObjects(db, keyViewer, added) : () => null;
  return db.$transaction(async (tx) => {
    assertEnabled(await findOwnEndpoint(tx, viewer, endpointId));
    if (again.length)
      await tx.webhookDelivery.updateMany({
        where: { endpointId, eventId: { in: again } },
        data: { status: 'PENDING', attempts: 0, nextAttemptAt: null },
      });
    await tx.webhookDelivery.createMany({
      data: added.map((e) => ({
        endpointId,
        eventId: e.id,
        laneShopId: e.shopId ?? 0,
        body: webhookBody(e, objectOf(e)),
      })),
      skipDuplicates: true,
    });
    const lanes = unique(chosen.map((e) => e.shopId ?? 0));
    await enqueueJobs(
      tx,
      deliverWebhooks,
      lanes.map((shopId) => ({ key: laneKey(endpointId, shopId), payload: { endpointId, shopId } })),
    );
    return chosen.length;
  });
}

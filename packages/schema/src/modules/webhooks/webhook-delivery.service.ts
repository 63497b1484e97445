import type { Prisma, PrismaClient } from '@shopwarden/db';
import { enqueueJobs, type JobRef } from '@shopwarden/jobs';
import { encodeGlobalId } from '#lib/ids.ts';
import { authenticateApiKeyId } from '#modules/auth/authenticate.service.ts';
import type { Viewer } from '#modules/auth/viewer.ts';
import { recordEvent } from '#modules/platform/outbox.service.ts';
import { canReachShop } from '#modules/shops/shop.policy.ts';
import { canReceiveEventType, eventCatalogue } from './event-catalogue.ts';
import { postWebhook, webhookDeliverySettings } from './webhook-http.ts';
import { webhookBody, webhookEventId, webhookHeaders, type StoredEvent } from './webhook-payload.ts';
import { renderWebhookObjects } from './webhook-render.ts';

/** Attempts per delivery, the first included. */
export const MAX_DELIVERY_ATTEMPTS = 8;

/** The delay after failed attempt n (1…7): about 3 h 51 min from the first attempt to the eighth, before jitter. */
export const RETRY_SCHEDULE_MS = [10_000, 60_000, 300_000, 900_000, 1_800_000, 3_600_000, 7_200_000] as const;

/** An endpoint that has failed for this long without a success is disabled. */
export const DISABLE_AFTER_FAILING_MS = 3 * 24 * 3_600_000;

/** The log keeps this much of each response body. */
export const LOGGED_RESPONSE_BYTES = 1024;

/** The channel the relay notifies (with the relayed event ids) after its transaction, for subscriptions. */
export const EVENTS_CHANNEL = 'shopwarden_events';

/** The NOTIFY channel of the outbox trigger (migration 20261207024551_webhooks): events committed. */
export const OUTBOX_CHANNEL = 'shopwarden_outbox';

/** The retry delay after failed attempt `attempt`, with ±10 % jitter so that retries of many endpoints spread out. */
export function retryDelayMs(attempt: number, random = Math.random()): number {
  const base = RETRY_SCHEDULE_MS[Math.min(attempt, RETRY_SCHEDULE_MS.length) - 1];
  if (base === undefined) throw new RangeError(`No retry follows attempt ${attempt}: attempts count from 1.`);
  return Math.round(base * (0.9 + 0.2 * random));
}

/** The job key of a lane: deliveries of one endpoint for one shop (0: events without a shop) go out in order. */
export const laneKey = (endpointId: number, laneShopId: number) => `webhooks.deliver:${endpointId}:${laneShopId}`;

type Tx = Prisma.TransactionClient;

interface EndpointRow {
  id: number;
  apiKeyId: number;
  eventTypes: string[];
  shopIds: number[];
  ownerShopId: number | null;
  ownerAccountId: number | null;
}

/** Endpoints of one seller shop, one account, or (neither) the administrators. */
const sameOwner = (a: EndpointRow, b: EndpointRow) =>
  a.ownerShopId === b.ownerShopId && a.ownerAccountId === b.ownerAccountId;

/** What an endpoint's key may receive of one event: its types, its shops, its key's reach and scopes. */
export function endpointReceives(
  endpoint: EndpointRow,
  viewer: Viewer | null,
  event: Pick<StoredEvent, 'type' | 'shopId' | 'subjectId' | 'payload'>,
  related: { bulkKeyOf: Map<string, number>; endpointsById: Map<number, EndpointRow> },
): boolean {
  if (!viewer) return false;
  const info = eventCatalogue[event.type];
  if (!info || event.type === 'ping') return false;
  if (endpoint.eventTypes.length && !endpoint.eventTypes.includes(event.type)) return false;
  if (!canReceiveEventType(event.type, viewer)) return false;
  switch (info.audience) {
    case 'shop': {
      if (event.shopId === null) return viewer.role === 'ADMIN';
      if (endpoint.shopIds.length && !endpoint.shopIds.includes(event.shopId)) return false;
      if (canReachShop(viewer, event.shopId)) return true;
      // A partner app is a party to its creators' partnerships and content, whichever shop they concern.
      const creatorId = (event.payload as { creatorId?: unknown } | null)?.creatorId;
      return !!info.creatorParty && typeof creatorId === 'number' && viewer.representedCreatorIds.includes(creatorId);
    }
    case 'creator':
      return viewer.role === 'ADMIN' || viewer.representedCreatorIds.includes(Number(event.subjectId));
    case 'admin':
      return viewer.role === 'ADMIN';
    case 'bulk':
      return related.bulkKeyOf.get(event.subjectId) === endpoint.apiKeyId;
    case 'owner': {
      const subject = related.endpointsById.get(Number(event.subjectId));
      return !!subject && subject.id !== endpoint.id && sameOwner(subject, endpoint);
    }
  }
}

/** A delivery to create: one event to one endpoint, in the lane of the event's shop. */
interface PlannedDelivery {
  endpointId: number;
  apiKeyId: number;
  eventId: number;
  laneShopId: number;
}

/** The deliveries `events` become (one per enabled endpoint that receives each, in event order), and the keys' viewers. */
async function plannedDeliveries(
  db: Tx,
  events: readonly StoredEvent[],
): Promise<{ deliveries: PlannedDelivery[]; viewers: Map<number, Viewer | null> }> {
  const endpoints = await db.webhookEndpoint.findMany({
    select: {
      id: true,
      apiKeyId: true,
      eventTypes: true,
      shopIds: true,
      ownerShopId: true,
      ownerAccountId: true,
      enabled: true,
    },
    orderBy: { id: 'asc' },
  });
  const endpointsById = new Map(endpoints.map((e) => [e.id, e]));
  const enabled = endpoints.filter((e) => e.enabled);
  const viewers = new Map<number, Viewer | null>();
  if (!enabled.length) return { deliveries: [], viewers };
  for (const apiKeyId of new Set(enabled.map((e) => e.apiKeyId)))
    viewers.set(apiKeyId, (await authenticateApiKeyId(db as PrismaClient, apiKeyId)).viewer);
  const bulkIds = events.filter((e) => e.type === 'bulk_operation.finished').map((e) => Number(e.subjectId));
  const bulkKeyOf = new Map(
    bulkIds.length
      ? (await db.bulkOperation.findMany({ where: { id: { in: bulkIds } }, select: { id: true, apiKeyId: true } })).map(
          (b) => [String(b.id), b.apiKeyId],
        )
      : [],
  );
  const deliveries: PlannedDelivery[] = [];
  for (const event of events)
    for (const endpoint of enabled)
      if (endpointReceives(endpoint, viewers.get(endpoint.apiKeyId) ?? null, event, { bulkKeyOf, endpointsById }))
        deliveries.push({
          endpointId: endpoint.id,
          apiKeyId: endpoint.apiKeyId,
          eventId: event.id,
          laneShopId: event.shopId ?? 0,
        });
  return { deliveries, viewers };
}

/** Rendered subjects by `objectKey(endpointId, eventId)`: what each delivery's `data.object` is. */
export type RenderedObjects = Map<string, Record<string, unknown> | null>;

const objectKey = (endpointId: number, eventId: number) => `${endpointId}:${eventId}`;

/**
 * Renders the subjects of `events` for the keys of the endpoints that receive them, once per key.
 * Outside any transaction: rendering runs statements side by side, which a transaction's one
 * connection must not.
 */
export async function renderDeliveryObjects(
  prisma: PrismaClient,
  events: readonly StoredEvent[],
): Promise<RenderedObjects> {
  const { deliveries: planned, viewers } = await plannedDeliveries(prisma, events);
  const rendered: RenderedObjects = new Map();
  const byKey = new Map<number, PlannedDelivery[]>();
  for (const d of planned) byKey.set(d.apiKeyId, [...(byKey.get(d.apiKeyId) ?? []), d]);
  for (const [apiKeyId, deliveries] of byKey) {
    const viewer = viewers.get(apiKeyId) ?? null;
    const received = new Set(deliveries.map((d) => d.eventId));
    const subjects = events.filter((e) => received.has(e.id));
    const objectOf = viewer ? await renderWebhookObjects(prisma, viewer, subjects) : () => null;
    const byId = new Map(subjects.map((e) => [e.id, e]));
    for (const d of deliveries) {
      const event = byId.get(d.eventId);
      if (event) rendered.set(objectKey(d.endpointId, d.eventId), objectOf(event));
    }
  }
  return rendered;
}

/** The body a new delivery stores: with `data.object` when it was rendered, else none (rendered at its first attempt). */
export function plannedBody(objects: RenderedObjects, endpointId: number, event: StoredEvent): string | undefined {
  const key = objectKey(endpointId, event.id);
  return objects.has(key) ? webhookBody(event, objects.get(key)) : undefined;
}

/** The next committed outbox events not yet relayed (without locking them), in order. */
export function nextUnrelayedEvents(prisma: PrismaClient, batch: number): Promise<StoredEvent[]> {
  return prisma.$queryRaw<StoredEvent[]>`
    SELECT "id", "type", "shopId", "subjectType", "subjectId", "payload", "occurredAt" FROM "OutboxEvent"
     WHERE "relayedAt" IS NULL ORDER BY "id" LIMIT ${batch}`;
}

/**
 * Turns the next committed, not yet relayed outbox events into deliveries (one per receiving
 * endpoint) and wakes each lane's delivery job, in the caller's transaction: relayed exactly once.
 * Each delivery stores its body with the object `objects` rendered for it before the transaction
 * (`renderDeliveryObjects`), so the log shows it from the start; one missing there (an endpoint
 * created meanwhile) is rendered at its first attempt. Rows another relay holds are skipped.
 * Returns the ids relayed, in order.
 */
export async function relayOutbox(
  tx: Tx,
  deliverJob: JobRef,
  options: { batch?: number; objects?: RenderedObjects } = {},
): Promise<number[]> {
  const events = await tx.$queryRaw<StoredEvent[]>`
    SELECT "id", "type", "shopId", "subjectType", "subjectId", "payload", "occurredAt" FROM "OutboxEvent"
     WHERE "relayedAt" IS NULL ORDER BY "id" LIMIT ${options.batch ?? 500} FOR UPDATE SKIP LOCKED`;
  if (!events.length) return [];
  const { deliveries } = await plannedDeliveries(tx, events);
  if (deliveries.length) {
    const objects = options.objects ?? new Map();
    const byId = new Map(events.map((e) => [e.id, e]));
    await tx.webhookDelivery.createMany({
      data: deliveries.map(({ endpointId, eventId, laneShopId }) => {
        const event = byId.get(eventId);
        return { endpointId, eventId, laneShopId, body: event && plannedBody(objects, endpointId, event) };
      }),
      skipDuplicates: true,
    });
    const lanes = new Map(deliveries.map((d) => [laneKey(d.endpointId, d.laneShopId), d]));
    await enqueueJobs(
      tx,
      deliverJob,
      [...lanes].map(([key, d]) => ({ key, payload: { endpointId: d.endpointId, shopId: d.laneShopId } })),
    );
  }
  const ids = events.map((e) => e.id);
  await tx.$executeRaw`UPDATE "OutboxEvent" SET "relayedAt" = CURRENT_TIMESTAMP WHERE "id" = ANY(${ids}::int[])`;
  await tx.$executeRaw`SELECT pg_notify(${EVENTS_CHANNEL}, ${ids.join(',')})`;
  return ids;
}

/**
 * What one delivery job run did with the head of its lane. `settled`: the attempt was recorded and
 * changed nothing of the endpoint, so the rest of the lane as read before still holds.
 */
export type LaneStep =
  { kind: 'empty' } | { kind: 'wait'; until: Date } | { kind: 'delivered' | 'failed' | 'retry'; settled: boolean };

/** A lane's pending deliveries (at most `count`), oldest first, with their events and endpoint. */
export function readLaneHeads(prisma: PrismaClient, lane: { endpointId: number; shopId: number }, count: number) {
  return prisma.webhookDelivery.findMany({
    where: { endpointId: lane.endpointId, laneShopId: lane.shopId, status: 'PENDING' },
    orderBy: { id: 'asc' },
    take: count,
    include: { event: true, endpoint: true },
  });
}

/** A pending delivery as `readLaneHeads` reads it. */
export type LaneHead = Awaited<ReturnType<typeof readLaneHeads>>[number];

/**
 * Attempts the oldest pending delivery of a lane (`read`, when the caller read the lane ahead), if
 * it is due at `now` (platform time), and logs the attempt: 2xx succeeds; anything else schedules
 * the next attempt, until the eighth fails; 410 Gone, or three days of failures, disables the
 * endpoint.
 */
export async function deliverLaneHead(
  prisma: PrismaClient,
  lane: { endpointId: number; shopId: number },
  now: Date,
  read?: LaneHead,
): Promise<LaneStep> {
  const head = read ?? (await readLaneHeads(prisma, lane, 1))[0];
  if (!head || !head.endpoint.enabled) return { kind: 'empty' };
  if (head.nextAttemptAt && head.nextAttemptAt > now) return { kind: 'wait', until: head.nextAttemptAt };
  const { endpoint, event } = head;
  const secrets = [endpoint.secret];
  if (endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now)
    secrets.push(endpoint.previousSecret);
  const body = head.body ?? (await renderDeliveryBody(prisma, head.id, endpoint.apiKeyId, event));
  const firstAttemptAt = head.firstAttemptAt ?? new Date();
  const response = await postWebhook(endpoint.url, webhookHeaders(secrets, webhookEventId(event.id), body), body);
  const ok = response.statusCode !== null && response.statusCode >= 200 && response.statusCode < 300;
  const attempts = head.attempts + 1;
  const failingSince = ok ? null : (endpoint.failingSince ?? now);
  const disable =
    failingSince === null
      ? null
      : response.statusCode === 410
        ? 'The endpoint answered 410 Gone.'
        : now.getTime() - failingSince.getTime() >= DISABLE_AFTER_FAILING_MS
          ? 'The endpoint failed every delivery for 3 days.'
          : null;
  const final = ok || disable !== null || attempts >= MAX_DELIVERY_ATTEMPTS;
  const retryAt = final ? null : new Date(now.getTime() + retryDelayMs(attempts));
  const status = ok ? 'SUCCEEDED' : final ? 'FAILED' : 'PENDING';
  const logged = response.body ? truncate(response.body, LOGGED_RESPONSE_BYTES) : null;
  // A run that lost its lease may have logged this attempt already: record each attempt number once.
  const record = (tx: Tx) => tx.$executeRaw`
    WITH updated AS (
      UPDATE "WebhookDelivery"
         SET "attempts" = ${attempts}, "status" = ${status}::"DeliveryStatus", "nextAttemptAt" = ${retryAt}::timestamp(3),
             "lastStatusCode" = ${response.statusCode}::int, "lastError" = ${response.error}::text,
             "firstAttemptAt" = ${firstAttemptAt}::timestamp(3), "updatedAt" = CURRENT_TIMESTAMP
       WHERE "id" = ${head.id} AND "attempts" = ${head.attempts} AND "status" = 'PENDING'
      RETURNING "id")
    INSERT INTO "WebhookDeliveryAttempt" ("deliveryId", "statusCode", "latencyMs", "responseBody", "error", "nextAttemptAt")
    SELECT "id", ${response.statusCode}::int, ${response.latencyMs}, ${logged}::text, ${response.error}::text, ${retryAt}::timestamp(3)
      FROM updated`;
  const endpointChanges = (ok ? endpoint.failingSince !== null : endpoint.failingSince === null) || disable !== null;
  let recorded = false;
  // The usual case touches the delivery and its log only: one statement, no transaction round trips.
  if (!endpointChanges) recorded = (await record(prisma)) > 0;
  else
    await prisma.$transaction(async (tx) => {
      if (!(await record(tx))) return;
      recorded = true;
      if (ok) await tx.webhookEndpoint.update({ where: { id: endpoint.id }, data: { failingSince: null } });
      else if (!endpoint.failingSince)
        await tx.webhookEndpoint.update({ where: { id: endpoint.id }, data: { failingSince } });
      if (disable) await disableEndpoint(tx, endpoint, disable, now, true);
    });
  const report = webhookDeliverySettings().onAttempt;
  if (recorded && report) {
    const sinceCommit = Date.now() - event.createdAt.getTime();
    report({
      outcome: ok ? 'succeeded' : disable ? 'disabled' : final ? 'failed' : 'retry',
      latencyMs: response.latencyMs,
      firstAttemptLagMs: head.attempts === 0 && !head.firstAttemptAt ? sinceCommit : null,
      deliveredLagMs: ok ? sinceCommit : null,
    });
  }
  return { kind: ok ? 'delivered' : final ? 'failed' : 'retry', settled: recorded && !endpointChanges };
}

/**
 * Renders the body of a delivery stored without one (created before bodies were rendered at
 * creation), outside any transaction, and stores it: later attempts and replays send these bytes.
 * A run racing this one keeps the body stored first.
 */
async function renderDeliveryBody(
  prisma: PrismaClient,
  deliveryId: number,
  apiKeyId: number,
  event: StoredEvent,
): Promise<string> {
  const viewer = (await authenticateApiKeyId(prisma, apiKeyId)).viewer;
  const objectOf = viewer ? await renderWebhookObjects(prisma, viewer, [event]) : () => null;
  const rendered = webhookBody(event, objectOf(event));
  const [stored] = await prisma.$queryRaw<{ body: string }[]>`
    WITH updated AS (
      UPDATE "WebhookDelivery" SET "body" = ${rendered} WHERE "id" = ${deliveryId} AND "body" IS NULL RETURNING "body")
    SELECT "body" FROM updated
    UNION ALL
    SELECT "body" FROM "WebhookDelivery" WHERE "id" = ${deliveryId} AND NOT EXISTS (SELECT 1 FROM updated)`;
  return stored?.body ?? rendered;
}

function truncate(text: string, bytes: number): string {
  const buffer = Buffer.from(text, 'utf8');
  return buffer.length <= bytes
    ? text
    : buffer
        .subarray(0, bytes)
        .toString('utf8')
        .replace(/\uFFFD$/, '');
}

/**
 * Disables an endpoint: its pending deliveries fail (replay re-sends them). `announce`: the owner's
 * other endpoints get a `webhook_endpoint.disabled` event. False when it was disabled already.
 */
export async function disableEndpoint(
  tx: Tx,
  endpoint: { id: number; url: string },
  reason: string,
  now: Date,
  announce: boolean,
): Promise<boolean> {
  const { count } = await tx.webhookEndpoint.updateMany({
    where: { id: endpoint.id, enabled: true },
    data: { enabled: false, disabledAt: now, disabledReason: reason },
  });
  if (!count) return false;
  await tx.webhookDelivery.updateMany({
    where: { endpointId: endpoint.id, status: 'PENDING' },
    data: { status: 'FAILED', nextAttemptAt: null, lastError: 'The endpoint was disabled.' },
  });
  if (announce)
    await recordEvent(tx, {
      type: 'webhook_endpoint.disabled',
      shopId: null,
      subjectType: 'WebhookEndpoint',
      subjectId: String(endpoint.id),
      payload: { endpointId: encodeGlobalId('WebhookEndpoint', endpoint.id), url: endpoint.url, reason },
      occurredAt: now,
    });
  return true;
}

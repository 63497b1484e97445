import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { expediteJob, JobRunner } from '@shopwarden/jobs';
import { configureWebhookDelivery, eventCatalogue, jobs, readPlatformNow } from '@shopwarden/schema';
import {
  assertSuccess,
  createShopWardenClient,
  ShopWardenWebhookError,
  verifyWebhook,
  type WebhookEvent,
} from '../packages/sdk/src/index.ts';
import { webhookReceiver } from '../packages/sdk/examples/webhook-receiver.ts';
import { createKey, createShop } from './support/fixtures.ts';
import { dbId, gid } from './support/client.ts';
import { testTargets } from './support/database.ts';
import { useSuite } from './support/suite.ts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts';

const ERR = /* GraphQL */ `... on Error { code message } ... on ValidationError { fields { path message } }`;
const ENDPOINT = /* GraphQL */ `id url eventTypes enabled disabledReason failingSince shops { id }`;
const CREATE = /* GraphQL */ `
  mutation Create($input: WebhookEndpointCreateInput!) {
    webhookEndpointCreate(input: $input) { __typename ... on WebhookEndpointCreateSuccess { secret endpoint { ${ENDPOINT} } } ${ERR} }
  }`;
const UPDATE = /* GraphQL */ `
  mutation Update($input: WebhookEndpointUpdateInput!) {
    webhookEndpointUpdate(input: $input) { __typename ... on WebhookEndpointUpdateSuccess { endpoint { ${ENDPOINT} } } ${ERR} }
  }`;
const DELETE = /* GraphQL */ `
  mutation Delete($input: WebhookEndpointDeleteInput!) {
    webhookEndpointDelete(input: $input) { __typename ... on WebhookEndpointDeleteSuccess { deletedEndpointId } ${ERR} }
  }`;
const ROTATE = /* GraphQL */ `
  mutation Rotate($input: WebhookEndpointRotateSecretInput!) {
    webhookEndpointRotateSecret(input: $input) { __typename ... on WebhookEndpointRotateSecretSuccess { secret endpoint { previousSecretExpiresAt } } ${ERR} }
  }`;
const TEST = /* GraphQL */ `
  mutation Test($input: WebhookEndpointTestInput!) {
    webhookEndpointTest(input: $input) { __typename ... on WebhookEndpointTestSuccess { delivery { id eventId eventType status } } ${ERR} }
  }`;
const REPLAY = /* GraphQL */ `
  mutation Replay($input: WebhookEventReplayInput!) {
    webhookEventReplay(input: $input) { __typename ... on WebhookEventReplaySuccess { replayedCount } ${ERR} }
  }`;
const LIST = /* GraphQL */ `
  query List {
    webhookEndpoints(first: 50) {
      edges {
        node {
          id
          url
        }
      }
    }
  }
`;
const LOG = /* GraphQL */ `
  query Log($id: ID!, $status: WebhookDeliveryStatus, $eventType: String) {
    node(id: $id) {
      ... on WebhookEndpoint {
        enabled
        disabledReason
        deliveries(first: 5, status: $status, eventType: $eventType) {
          edges {
            node {
              id
              eventId
              eventType
              status
              attemptCount
              nextAttemptAt
              lastStatusCode
              payload
              attempts {
                attemptedAt
                statusCode
                latencyMs
                responseBody
                error
                nextAttemptAt
              }
            }
          }
        }
      }
    }
  }
`;
const LISTING = /* GraphQL */ `
  mutation Listing($input: ListingCreateInput!) { listingCreate(input: $input) { __typename ... on ListingCreateSuccess { listing { id } } ${ERR} } }`;
const CLOCK = /* GraphQL */ `
  mutation Clock($now: DateTime) {
    sandboxClockSet(input: { now: $now, frozen: true }) {
      __typename
    }
  }
`;

const T0 = Date.parse('2024-03-01T00:00:00Z');
const SCOPES = ['shops:read', 'listings:read', 'listings:write', 'health:read', 'webhooks:read', 'webhooks:write'];

describe.each(testTargets())('webhooks (Standard Webhooks, retries, log, replay) on %s', (target) => {
  const { db, world, gql, app } = useSuite(target, { env: { API_KEY_CACHE_TTL_MS: '0' } });
  let receiver: WebhookReceiver;
  let runner: JobRunner;
  let clock = T0;
  let n = 0;

  const setClock = async (ms: number) => {
    clock = ms;
    const res = await gql(world.adminKey, CLOCK, { now: new Date(ms).toISOString() });
    expect(res.data?.sandboxClockSet.__typename).toBe('SandboxClockSetSuccess');
  };
  /** Relays what committed and runs every delivery due now, without waiting for a poll. */
  const deliver = async () => {
    await expediteJob(db.prisma, 'webhooks.relay');
    return runner.drain();
  };

  async function seller(scopes = SCOPES) {
    n += 1;
    const shop = await createShop(db.prisma, `Hook Shop ${target} ${n}`, {
      primaryCategoryId: world.categories.beauty,
    });
    const { key } = await createKey(db.prisma, 'SELLER', { shopId: shop.id, scopes });
    return { shop, key, shopGid: gid('Shop', shop.id) };
  }
  async function endpoint(key: string, input: Record<string, unknown> = {}) {
    const res = await gql(key, CREATE, { input: { url: receiver.url, ...input } });
    const r = res.data!.webhookEndpointCreate;
    expect(r.__typename).toBe('WebhookEndpointCreateSuccess');
    return { id: r.endpoint.id as string, secret: r.secret as string };
  }
  const createListing = async (key: string, shopGid: string, title = 'Rose serum') => {
    const res = await gql(key, LISTING, {
      input: {
        shopId: shopGid,
        title,
        description: 'Hydrating',
        categoryId: gid('Category', world.categories.skincare),
        priceAmount: 1999,
        currency: 'EUR',
        sites: ['GB'],
      },
    });
    expect(res.data!.listingCreate.__typename).toBe('ListingCreateSuccess');
    return res.data!.listingCreate.listing.id as string;
  };
  const log = async (key: string, id: string, vars: Record<string, unknown> = {}) => {
    const res = await gql(key, LOG, { id, ...vars });
    expect(res.errors).toBeUndefined();
    return res.data!.node;
  };
  const verify = (secret: string, r: { headers: Record<string, string>; body: string }) =>
    new Webhook(secret).verify(r.body, r.headers) as Record<string, any>;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    configureWebhookDelivery({ allowPrivateNetworks: true });
    runner = new JobRunner({ prisma: db.prisma, jobs, now: () => readPlatformNow(db.prisma, false) });
  });
  afterAll(async () => {
    configureWebhookDelivery({ allowPrivateNetworks: false, timeoutMs: 10_000 });
    await receiver.close();
  });
  beforeEach(async () => {
    await db.prisma.webhookEndpoint.deleteMany();
    await setClock(T0);
    await deliver();
    receiver.reset();
  });
  afterEach(() => configureWebhookDelivery({ allowPrivateNetworks: true }));

  it('manages endpoints per owner: a foreign one is NOT_FOUND, scopes and input are checked, the secret is shown once', async () => {
    const a = await seller();
    const b = await seller();
    const created = await gql(a.key, CREATE, {
      input: { url: receiver.url, eventTypes: ['listing.created'], shopIds: [a.shopGid], description: 'orders' },
    });
    const ok = created.data!.webhookEndpointCreate;
    expect(ok.__typename).toBe('WebhookEndpointCreateSuccess');
    expect(ok.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(ok.endpoint).toMatchObject({
      url: receiver.url,
      eventTypes: ['listing.created'],
      enabled: true,
      shops: [{ id: a.shopGid }],
    });
    const id = ok.endpoint.id as string;
    const listed = (k: string) => gql(k, LIST).then((r) => r.data!.webhookEndpoints.edges.map((e: any) => e.node.id));
    expect(await listed(a.key)).toEqual([id]);
    expect(await listed(b.key)).toEqual([]);
    expect(await listed(world.adminKey)).toContain(id);
    expect((await gql(b.key, LOG, { id })).data!.node).toBeNull();
    for (const [mutation, input] of [
      [UPDATE, { endpointId: id, url: 'https://example.com/x' }],
      [DELETE, { endpointId: id }],
      [ROTATE, { endpointId: id }],
      [TEST, { endpointId: id }],
      [REPLAY, { endpointId: id, eventId: 'evt_1' }],
    ] as const) {
      const res = await gql(b.key, mutation, { input });
      expect(Object.values(res.data!)[0]).toMatchObject({ code: 'NOT_FOUND' });
    }
    const readOnly = await seller(['shops:read', 'listings:read', 'webhooks:read']);
    expect((await gql(readOnly.key, CREATE, { input: { url: receiver.url } })).data!.webhookEndpointCreate.code).toBe(
      'FORBIDDEN',
    );
    const bad = await gql(a.key, CREATE, {
      input: {
        url: 'http://example.com/hook',
        eventTypes: ['listing.created', 'nope', 'shop.tier_changed'],
        shopIds: [b.shopGid],
      },
    });
    expect(bad.data!.webhookEndpointCreate.code).toBe('VALIDATION_FAILED');
    expect(bad.data!.webhookEndpointCreate.fields.map((f: any) => f.path.join('.'))).toEqual([
      'input.url',
      'input.eventTypes.1',
      'input.eventTypes.2',
      'input.shopIds.0',
    ]);
    for (const url of ['ftp://example.com/x', 'not a url', 'https://user:pw@example.com/x'])
      expect((await gql(a.key, CREATE, { input: { url } })).data!.webhookEndpointCreate.code).toBe('VALIDATION_FAILED');
    expect(await db.prisma.webhookEndpoint.count({ where: { ownerShopId: a.shop.id } })).toBe(1);

    const updated = await gql(a.key, UPDATE, { input: { endpointId: id, eventTypes: [], enabled: false } });
    expect(updated.data!.webhookEndpointUpdate.endpoint).toMatchObject({
      eventTypes: [],
      enabled: false,
      disabledReason: 'Disabled by its owner.',
    });
    const deleted = await gql(a.key, DELETE, { input: { endpointId: id } });
    expect(deleted.data!.webhookEndpointDelete.deletedEndpointId).toBe(id);
    expect(await listed(a.key)).toEqual([]);
  });

  it("delivers a committed change signed per Standard Webhooks, to its shop's endpoints only, and logs it", async () => {
    const a = await seller();
    const b = await seller();
    const hookA = await endpoint(a.key);
    const hookB = await endpoint(b.key);
    const listingId = await createListing(a.key, a.shopGid);
    await deliver();
    expect(receiver.received).toHaveLength(1);
    const [got] = receiver.received;
    expect(() => verify(hookB.secret, got!)).toThrow();
    const body = verify(hookA.secret, got!);
    expect(got!.headers['webhook-id']).toMatch(/^evt_\d+$/);
    expect(got!.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    expect(body).toMatchObject({
      id: got!.headers['webhook-id'],
      type: 'listing.created',
      shopId: a.shopGid,
      data: { subject: { type: 'Listing', id: listingId }, status: 'DRAFT' },
    });

    const node = await log(a.key, hookA.id);
    const [delivery] = node.deliveries.edges.map((e: any) => e.node);
    expect(delivery).toMatchObject({
      eventId: got!.headers['webhook-id'],
      eventType: 'listing.created',
      status: 'SUCCEEDED',
      attemptCount: 1,
      lastStatusCode: 200,
      payload: got!.body,
    });
    expect(delivery.attempts).toEqual([
      expect.objectContaining({ statusCode: 200, responseBody: 'ok', error: null, nextAttemptAt: null }),
    ]);
    expect(delivery.attempts[0].latencyMs).toBeGreaterThanOrEqual(0);
    expect((await log(b.key, hookB.id)).deliveries.edges).toEqual([]);
  });

  it('retries on the schedule (sandbox clock): 500, 500, then 200 is exactly 3 attempts with one webhook-id, logged', async () => {
    const a = await seller();
    const hook = await endpoint(a.key);
    receiver.answer(500, 500);
    await createListing(a.key, a.shopGid);
    await deliver();
    expect(receiver.received).toHaveLength(1);
    await deliver();
    expect(receiver.received).toHaveLength(1);
    let delivery = (await log(a.key, hook.id)).deliveries.edges[0].node;
    const first = Date.parse(delivery.nextAttemptAt) - clock;
    expect(first).toBeGreaterThanOrEqual(9_000);
    expect(first).toBeLessThanOrEqual(11_000);
    await setClock(clock + first - 1);
    await deliver();
    expect(receiver.received).toHaveLength(1);
    await setClock(clock + 1);
    await deliver();
    expect(receiver.received).toHaveLength(2);
    delivery = (await log(a.key, hook.id)).deliveries.edges[0].node;
    const second = Date.parse(delivery.nextAttemptAt) - clock;
    expect(second).toBeGreaterThanOrEqual(54_000);
    expect(second).toBeLessThanOrEqual(66_000);
    await setClock(clock + second);
    await deliver();
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    for (const r of receiver.received) expect(verify(hook.secret, r).type).toBe('listing.created');
    delivery = (await log(a.key, hook.id)).deliveries.edges[0].node;
    expect(delivery).toMatchObject({ status: 'SUCCEEDED', attemptCount: 3, nextAttemptAt: null });
    expect(delivery.attempts.map((x: any) => x.statusCode)).toEqual([500, 500, 200]);
    expect(delivery.attempts.map((x: any) => x.responseBody)).toEqual(['failed with 500', 'failed with 500', 'ok']);
    expect(delivery.attempts[0].nextAttemptAt).not.toBeNull();
    expect(
      (await db.prisma.webhookEndpoint.findFirstOrThrow({ where: { ownerShopId: a.shop.id } })).failingSince,
    ).toBeNull();
  });

  it('gives up after 8 attempts in about 4 h, and replay re-sends with the same webhook-id', async () => {
    const a = await seller();
    const hook = await endpoint(a.key);
    receiver.answer(...Array<number>(8).fill(503));
    await createListing(a.key, a.shopGid);
    const start = clock;
    await deliver();
    for (let i = 0; i < 7; i++) {
      const d = (await log(a.key, hook.id)).deliveries.edges[0].node;
      expect(d.status).toBe('PENDING');
      await setClock(Date.parse(d.nextAttemptAt));
      await deliver();
    }
    expect(receiver.received).toHaveLength(8);
    const failed = (await log(a.key, hook.id, { status: 'FAILED' })).deliveries.edges.map((e: any) => e.node);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ status: 'FAILED', attemptCount: 8, lastStatusCode: 503, nextAttemptAt: null });
    const hours = (clock - start) / 3_600_000;
    expect(hours).toBeGreaterThan(3.3);
    expect(hours).toBeLessThan(4.4);
    expect((await log(a.key, hook.id, { status: 'SUCCEEDED' })).deliveries.edges).toEqual([]);

    const replay = await gql(a.key, REPLAY, { input: { endpointId: hook.id, eventId: failed[0].eventId } });
    expect(replay.data!.webhookEventReplay).toMatchObject({ replayedCount: 1 });
    await deliver();
    expect(receiver.received).toHaveLength(9);
    expect(receiver.received[8]!.headers['webhook-id']).toBe(failed[0].eventId);
    expect(verify(hook.secret, receiver.received[8]!).id).toBe(failed[0].eventId);
    const after = (await log(a.key, hook.id)).deliveries.edges[0].node;
    expect(after).toMatchObject({ status: 'SUCCEEDED', attemptCount: 1 });
    expect(after.attempts).toHaveLength(9);

    const range = await gql(a.key, REPLAY, {
      input: { endpointId: hook.id, from: new Date(start - 1000).toISOString(), to: new Date(clock + 1).toISOString() },
    });
    expect(range.data!.webhookEventReplay).toMatchObject({ replayedCount: 1 });
    const both = await gql(a.key, REPLAY, {
      input: { endpointId: hook.id, eventId: 'evt_1', from: new Date(0).toISOString() },
    });
    expect(both.data!.webhookEventReplay.code).toBe('VALIDATION_FAILED');
  });

  it('keeps the order per (endpoint, shop): a retry holds back the later events of that shop only', async () => {
    const a = await seller();
    const b = await seller();
    const admin = await endpoint(world.adminKey, { eventTypes: ['listing.created'], shopIds: [a.shopGid, b.shopGid] });
    receiver.answer(500);
    const first = await createListing(a.key, a.shopGid, 'first');
    const second = await createListing(a.key, a.shopGid, 'second');
    const third = await createListing(a.key, a.shopGid, 'third');
    const other = await createListing(b.key, b.shopGid, 'other');
    await deliver();
    const subjects = () => receiver.received.map((r) => verify(admin.secret, r).data.subject.id);
    expect(subjects()).toEqual([first, other]);
    await setClock(clock + 11_000);
    await deliver();
    expect(subjects()).toEqual([first, other, first, second, third]);
  });

  it('disables an endpoint that answers 410 Gone and tells its owner through their other endpoints', async () => {
    const a = await seller();
    const gone = await endpoint(a.key, { eventTypes: ['listing.created'] });
    const other = await endpoint(a.key, { eventTypes: ['webhook_endpoint.disabled'] });
    receiver.answer(410);
    await createListing(a.key, a.shopGid);
    await deliver();
    await deliver();
    expect(receiver.received).toHaveLength(2);
    const node = await log(a.key, gone.id);
    expect(node).toMatchObject({ enabled: false, disabledReason: 'The endpoint answered 410 Gone.' });
    const notice = verify(other.secret, receiver.received[1]!);
    expect(notice).toMatchObject({
      type: 'webhook_endpoint.disabled',
      data: { endpointId: gone.id, url: receiver.url },
    });
    expect((await gql(a.key, TEST, { input: { endpointId: gone.id } })).data!.webhookEndpointTest.code).toBe(
      'INVALID_STATE',
    );
  });

  it('disables an endpoint failing for 3 days', async () => {
    const a = await seller();
    const hook = await endpoint(a.key);
    receiver.answer(...Array<number>(20).fill(500));
    await createListing(a.key, a.shopGid);
    await deliver();
    await setClock(clock + 3 * 24 * 3_600_000);
    await deliver();
    expect(await log(a.key, hook.id)).toMatchObject({
      enabled: false,
      disabledReason: 'The endpoint failed every delivery for 3 days.',
    });
    expect((await log(a.key, hook.id)).deliveries.edges[0].node.status).toBe('FAILED');
  });

  it('signs with both secrets for 24 h after a rotation, and pings', async () => {
    const a = await seller();
    const hook = await endpoint(a.key);
    const rotated = await gql(a.key, ROTATE, { input: { endpointId: hook.id } });
    const { secret } = rotated.data!.webhookEndpointRotateSecret;
    expect(secret).not.toBe(hook.secret);
    expect(Date.parse(rotated.data!.webhookEndpointRotateSecret.endpoint.previousSecretExpiresAt)).toBe(
      clock + 24 * 3_600_000,
    );
    const ping = await gql(a.key, TEST, { input: { endpointId: hook.id } });
    expect(ping.data!.webhookEndpointTest.delivery).toMatchObject({ eventType: 'ping', status: 'PENDING' });
    await deliver();
    const [got] = receiver.received;
    expect(got!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(verify(secret, got!)).toMatchObject({ type: 'ping', data: { endpointId: hook.id } });
    expect(verify(hook.secret, got!).type).toBe('ping');
    await setClock(clock + 24 * 3_600_000 + 1);
    await gql(a.key, TEST, { input: { endpointId: hook.id } });
    await deliver();
    expect(receiver.received[1]!.headers['webhook-signature']!.split(' ')).toHaveLength(1);
    expect(() => verify(hook.secret, receiver.received[1]!)).toThrow();
    expect(verify(secret, receiver.received[1]!).type).toBe('ping');
  });

  it('refuses private and loopback addresses when they are not allowed, and logs why', async () => {
    configureWebhookDelivery({ allowPrivateNetworks: false });
    const a = await seller();
    const hook = await endpoint(a.key);
    await gql(a.key, TEST, { input: { endpointId: hook.id } });
    await deliver();
    expect(receiver.received).toHaveLength(0);
    const d = (await log(a.key, hook.id)).deliveries.edges[0].node;
    expect(d).toMatchObject({ status: 'PENDING', attemptCount: 1, lastStatusCode: null });
    expect(d.attempts[0].error).toMatch(/not a public address/);
  });

  it('never sends an endpoint an event outside its key’s reach or scopes, for every event type', async () => {
    const a = await seller(['webhooks:read', 'webhooks:write', 'shops:read']);
    const b = await seller();
    const hookA = await endpoint(a.key);
    const admin = await endpoint(world.adminKey);
    const types = Object.keys(eventCatalogue).filter((t) => t !== 'ping');
    await db.prisma.outboxEvent.createMany({
      data: types.map((type) => ({
        type,
        shopId: eventCatalogue[type]!.audience === 'shop' ? b.shop.id : null,
        subjectType: eventCatalogue[type]!.subject,
        subjectId: '999999',
        payload: {},
        occurredAt: new Date(clock),
      })),
    });
    await deliver();
    const to = (secret: string) =>
      receiver.received.filter((r) => {
        try {
          verify(secret, r);
          return true;
        } catch {
          return false;
        }
      });
    expect(to(hookA.secret)).toEqual([]);
    const adminTypes = to(admin.secret)
      .map((r) => verify(admin.secret, r).type)
      .sort();
    // Bulk operations go to the key that ran them; endpoint notices to the endpoint's own owner.
    expect(adminTypes).toEqual(
      types.filter((t) => !['bulk_operation.finished', 'webhook_endpoint.disabled'].includes(t)).sort(),
    );
    // Its own shop's events within its scopes reach seller A's endpoint; others do not.
    await db.prisma.outboxEvent.createMany({
      data: ['shop.onboarded', 'violation.recorded'].map((type) => ({
        type,
        shopId: a.shop.id,
        subjectType: 'Shop',
        subjectId: String(a.shop.id),
        payload: {},
        occurredAt: new Date(clock),
      })),
    });
    await deliver();
    expect(to(hookA.secret).map((r) => verify(hookA.secret, r).type)).toEqual(['shop.onboarded']);
  });

  it('delivers each event once per endpoint with two runners competing', async () => {
    const shops = await Promise.all([seller(), seller(), seller()]);
    const hook = await endpoint(world.adminKey, {
      eventTypes: ['listing.created'],
      shopIds: shops.map((s) => s.shopGid),
    });
    for (let i = 0; i < 8; i++) for (const s of shops) await createListing(s.key, s.shopGid, `item ${i}`);
    const runners = [0, 1].map(
      () =>
        new JobRunner({
          prisma: db.prisma,
          jobs,
          now: () => readPlatformNow(db.prisma, false),
          listen: db.listen,
          pollIntervalMs: 100,
          concurrency: 3,
        }),
    );
    await Promise.all(runners.map((r) => r.start()));
    try {
      const deadline = Date.now() + 45_000;
      while (receiver.received.length < 24 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      // Anything sent twice would arrive in the meantime.
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await Promise.all(runners.map((r) => r.stop()));
    }
    expect(await db.prisma.webhookDelivery.count({ where: { endpointId: dbId(hook.id), status: 'SUCCEEDED' } })).toBe(
      24,
    );
    expect(await db.prisma.webhookDeliveryAttempt.count({ where: { delivery: { endpointId: dbId(hook.id) } } })).toBe(
      24,
    );
    const ids = receiver.received.map((r) => verify(hook.secret, r).id);
    expect(ids).toHaveLength(24);
    expect(new Set(ids).size).toBe(24);
    for (const s of shops) {
      const order = receiver.received
        .map((r) => verify(hook.secret, r))
        .filter((e) => e.shopId === s.shopGid)
        .map((e) => Number(e.id.slice(4)));
      expect(order).toHaveLength(8);
      expect(order).toEqual([...order].sort((x, y) => x - y));
    }
  });
  it('SDK: manages an endpoint, reads its log, and the example receiver verifies with verifyWebhook', async () => {
    const a = await seller();
    const client = createShopWardenClient({
      url: 'http://localhost/graphql',
      apiKey: a.key,
      fetch: (url, init) => app.yoga.fetch(url, init as RequestInit),
    });
    const events: WebhookEvent[] = [];
    const example = webhookReceiver('whsec_placeholder', () => undefined);
    await new Promise<void>((resolve) => example.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(example.address() as AddressInfo).port}/`;
    try {
      const created = await client.webhooks.create({ input: { url, eventTypes: ['listing.created', 'ping'] } });
      assertSuccess(created);
      example.removeAllListeners('request');
      example.on('request', webhookReceiver(created.secret, (e) => events.push(e)).listeners('request')[0] as never);
      const endpointId = created.endpoint.id;
      expect((await client.webhooks.list({})).edges.map((e) => e.node.id)).toEqual([endpointId]);
      expect((await client.webhooks.eventTypes()).map((t) => t.type)).toContain('shop.health_changed');
      const listingId = await createListing(a.key, a.shopGid);
      await deliver();
      expect(events).toHaveLength(1);
      const [event] = events;
      if (event?.type !== 'listing.created') throw new Error(`unexpected ${event?.type}`);
      expect(event.data.subject.id).toBe(listingId);
      const log = await client.webhooks.listDeliveries({ endpointId, first: 5 });
      const deliveries = log && 'deliveries' in log ? log.deliveries.edges.map((e) => e.node) : [];
      expect(deliveries).toMatchObject([
        { eventId: event.id, status: 'SUCCEEDED', attemptCount: 1, lastStatusCode: 204 },
      ]);
      const replayed = await client.webhooks.replay({ input: { endpointId, eventId: event.id } });
      assertSuccess(replayed);
      expect(replayed.replayedCount).toBe(1);
      await deliver();
      expect(events).toHaveLength(1); // the receiver ignores the repeated id
      const forged = await fetch(url, {
        method: 'POST',
        headers: {
          'webhook-id': 'evt_1',
          'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
          'webhook-signature': 'v1,AAAA',
        },
        body: '{}',
      });
      expect(forged.status).toBe(400);
      expect(() => verifyWebhook('{}', new Headers(), created.secret)).toThrow(ShopWardenWebhookError);
    } finally {
      await new Promise((resolve) => example.close(resolve));
    }
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { Kind, parse, print, validate, type OperationDefinitionNode } from 'graphql';
import { Webhook } from 'standardwebhooks';
import { expediteJob, JobRunner } from '@shopwarden/jobs';
import {
  configureWebhookDelivery,
  eventCatalogue,
  jobs,
  readPlatformNow,
  schema,
  webhookObjectSelection,
  webhookObjectSelections,
} from '@shopwarden/schema';
import { createKey, createShop, createWorld, type World } from './support/fixtures.ts';
import { createPolicy } from './support/health-fixtures.ts';
import { createTestApp, dbId, gid } from './support/client.ts';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts';

const ERR = /* GraphQL */ `... on Error { code message } ... on ValidationError { fields { path message } }`;
const CREATE = /* GraphQL */ `
  mutation Create($input: WebhookEndpointCreateInput!) {
    webhookEndpointCreate(input: $input) { __typename ... on WebhookEndpointCreateSuccess { secret endpoint { id } } ${ERR} }
  }`;
const LISTING = /* GraphQL */ `
  mutation Listing($input: ListingCreateInput!) { listingCreate(input: $input) { __typename ... on ListingCreateSuccess { listing { id } } ${ERR} } }`;
const VIOLATION = /* GraphQL */ `
  mutation Violation($input: ViolationRecordInput!) { violationRecord(input: $input) { __typename ... on ViolationRecordSuccess { violation { id } } ${ERR} } }`;
const TEST = /* GraphQL */ `
  mutation Test($input: WebhookEndpointTestInput!) { webhookEndpointTest(input: $input) { __typename ${ERR} } }`;

const REPLAY = /* GraphQL */ `
  mutation Replay($input: WebhookEventReplayInput!) {
    webhookEventReplay(input: $input) { __typename ... on WebhookEventReplaySuccess { replayedCount } ${ERR} }
  }`;

const LOG = /* GraphQL */ `
  query Log($id: ID!) {
    node(id: $id) {
      ... on WebhookEndpoint {
        deliveries(first: 5) {
          edges {
            node {
              status
              attemptCount
              payload
              attempts {
                statusCode
              }
            }
          }
        }
      }
    }
  }
`;

const SCOPES = ['shops:read', 'listings:read', 'listings:write', 'health:read', 'webhooks:read', 'webhooks:write'];

/** The document a payload's `data.object` is rendered with, as a client would send it. */
const nodeQuery = (type: string) =>
  `query($id: ID!) { node(id: $id) { ... on ${eventCatalogue[type]!.subject} { ${webhookObjectSelection(type)} } } }`;

describe('webhook payload selections', () => {
  it('are valid against the schema for every event type with a GraphQL subject', () => {
    const rendered = Object.keys(eventCatalogue).filter((t) => webhookObjectSelection(t) !== null);
    // Only auto-assignment runs have no GraphQL type.
    expect(Object.keys(eventCatalogue).filter((t) => !rendered.includes(t))).toEqual([
      'auto_assignment.manual_decisions_needed',
    ]);
    for (const type of rendered) expect(validate(schema, parse(nodeQuery(type))), type).toEqual([]);
  });

  it("match the SDK's fragments, which type verifyWebhook's data.object", async () => {
    const file = await readFile(new URL('../packages/sdk/operations/webhook-objects.graphql', import.meta.url), 'utf8');
    const fragments = parse(file).definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
    const sdk = new Map(
      fragments
        .filter((f) => !f.name.value.endsWith('TierObject'))
        .map((f) => [f.typeCondition.name.value, print(f.selectionSet)]),
    );
    const server = Object.entries(webhookObjectSelections).map(([type, sel]) => [
      type,
      print((parse(`{ ${sel} }`).definitions[0] as OperationDefinitionNode).selectionSet),
    ]);
    expect(Object.fromEntries(sdk)).toEqual(Object.fromEntries(server));
  });
});

describe.each(testTargets())('webhook payloads (the object as its GraphQL type renders it) on %s', (target) => {
  let db: TestDatabase;
  let world: World;
  let gql: ReturnType<typeof createTestApp>['gql'];
  let receiver: WebhookReceiver;
  let runner: JobRunner;

  const deliver = async () => {
    await expediteJob(db.prisma, 'webhooks.relay');
    return runner.drain();
  };
  const bodiesFor = (secret: string) =>
    receiver.received.flatMap((r) => {
      try {
        return [new Webhook(secret).verify(r.body, r.headers) as Record<string, any>];
      } catch {
        return [];
      }
    });

  beforeAll(async () => {
    db = await createTestDatabase(target);
    world = await createWorld(db.prisma);
    gql = createTestApp(db, { API_KEY_CACHE_TTL_MS: '0' }).gql;
    receiver = await startWebhookReceiver();
    configureWebhookDelivery({ allowPrivateNetworks: true });
    runner = new JobRunner({ prisma: db.prisma, jobs, now: () => readPlatformNow(db.prisma, false) });
  });
  afterAll(async () => {
    configureWebhookDelivery({ allowPrivateNetworks: false });
    await receiver.close();
    await db.drop();
  });
  beforeEach(async () => {
    await db.prisma.webhookEndpoint.deleteMany();
    await deliver();
    receiver.reset();
  });

  async function seller(name: string, scopes = SCOPES) {
    const shop = await createShop(db.prisma, `${name} ${target}`, { primaryCategoryId: world.categories.beauty });
    const { key } = await createKey(db.prisma, 'SELLER', { shopId: shop.id, scopes });
    return { shop, key, shopGid: gid('Shop', shop.id) };
  }
  async function endpoint(key: string) {
    const res = await gql(key, CREATE, { input: { url: receiver.url } });
    expect(res.data!.webhookEndpointCreate.__typename).toBe('WebhookEndpointCreateSuccess');
    return res.data!.webhookEndpointCreate as { secret: string; endpoint: { id: string } };
  }

  it('carries the subject rendered by the receiving key, equal to what node(id:) answers that key', async () => {
    const a = await seller('Payload Shop');
    const hook = await endpoint(a.key);
    const admin = await endpoint(world.adminKey);
    const created = await gql(a.key, LISTING, {
      input: {
        shopId: a.shopGid,
        title: 'Rose serum',
        description: 'Hydrating',
        categoryId: gid('Category', world.categories.skincare),
        priceAmount: 1999,
        currency: 'EUR',
        sites: ['GB'],
      },
    });
    const listingId = created.data!.listingCreate.listing.id as string;
    const policy = await createPolicy(db.prisma, { points: 5 });
    const recorded = await gql(world.adminKey, VIOLATION, {
      input: {
        shopId: a.shopGid,
        policyId: gid('Policy', policy.id),
        source: 'OTHER',
        occurredAt: new Date().toISOString(),
        note: 'Late shipment',
      },
    });
    expect(recorded.data!.violationRecord.__typename).toBe('ViolationRecordSuccess');
    await db.prisma.outboxEvent.create({
      data: {
        type: 'shop.onboarded',
        shopId: a.shop.id,
        subjectType: 'Shop',
        subjectId: String(a.shop.id),
        payload: { name: a.shop.name, sites: ['US'], businessModel: 'SELF_OPERATED' },
        occurredAt: new Date(),
      },
    });
    await deliver();

    const mine = bodiesFor(hook.secret);
    expect(mine.map((b) => b.type).sort()).toEqual(
      expect.arrayContaining(['listing.created', 'shop.onboarded', 'violation.recorded']),
    );
    for (const [secret, key, bodies] of [
      [hook.secret, a.key, mine],
      [admin.secret, world.adminKey, bodiesFor(admin.secret)],
    ] as const) {
      expect(bodies.length, secret).toBeGreaterThanOrEqual(3);
      for (const body of bodies) {
        expect(body.data.subject.id).toBeTruthy();
        const read = await gql(key, nodeQuery(body.type), { id: body.data.subject.id });
        expect(read.errors).toBeUndefined();
        expect(body.data.object, body.type).toEqual(read.data!.node);
      }
    }
    const listing = mine.find((b) => b.type === 'listing.created')!;
    expect(listing.data.object).toMatchObject({
      id: listingId,
      title: 'Rose serum',
      status: 'DRAFT',
      price: { amount: '19.99', currencyCode: 'EUR' },
      category: { id: gid('Category', world.categories.skincare) },
    });
    // The stored fields stay beside the object.
    expect(listing.data).toMatchObject({ subject: { type: 'Listing', id: listingId }, status: 'DRAFT' });
    const violation = mine.find((b) => b.type === 'violation.recorded')!;
    expect(violation.data.object).toMatchObject({
      points: 5,
      note: 'Late shipment',
      policy: { id: gid('Policy', policy.id) },
    });
    expect(mine.find((b) => b.type === 'shop.onboarded')!.data.object).toMatchObject({
      id: a.shopGid,
      name: a.shop.name,
    });

    // The log's payload is the exact body sent.
    const sent = receiver.received.find((r) => r.headers['webhook-id'] === listing.id)!;
    const logged = await db.prisma.webhookDelivery.findFirstOrThrow({
      where: { eventId: Number(listing.id.slice(4)), endpointId: dbId(hook.endpoint.id) },
    });
    expect(logged.body).toBe(sent.body);
  });

  it('renders the object when the delivery is created: the log shows it, every attempt and replay sends it', async () => {
    const a = await seller('Stable Shop');
    const hook = await endpoint(a.key);
    receiver.answer(500);
    await db.prisma.outboxEvent.create({
      data: {
        type: 'shop.onboarded',
        shopId: a.shop.id,
        subjectType: 'Shop',
        subjectId: String(a.shop.id),
        payload: {},
        occurredAt: new Date(),
      },
    });
    // The relay alone: the delivery exists, no attempt yet.
    const relayOnly = new JobRunner({
      prisma: db.prisma,
      jobs: jobs.filter((j) => j.name === 'webhooks.relay'),
      now: () => readPlatformNow(db.prisma, false),
    });
    await expediteJob(db.prisma, 'webhooks.relay');
    await relayOnly.drain();
    const log = await gql(a.key, LOG, { id: hook.endpoint.id });
    expect(log.errors).toBeUndefined();
    const [pending] = log.data!.node.deliveries.edges.map((e: { node: Record<string, any> }) => e.node);
    expect(pending).toMatchObject({ status: 'PENDING', attemptCount: 0, attempts: [] });
    const logged = JSON.parse(pending.payload);
    expect(logged.data.object).toEqual((await gql(a.key, nodeQuery('shop.onboarded'), { id: a.shopGid })).data!.node);
    expect(logged.data.object.name).toBe(a.shop.name);
    // Renamed after the relay: the attempt sends what was rendered then, and the log showed.
    await db.prisma.shop.update({ where: { id: a.shop.id }, data: { name: 'Renamed before the attempt' } });
    await deliver();
    const first = receiver.received.at(-1)!;
    expect(first.body).toBe(pending.payload);
    await db.prisma.shop.update({ where: { id: a.shop.id }, data: { name: 'Renamed meanwhile' } });
    await db.prisma.webhookDelivery.updateMany({ where: { status: 'PENDING' }, data: { nextAttemptAt: null } });
    await expediteJob(db.prisma, `webhooks.deliver:${dbId(hook.endpoint.id)}:${a.shop.id}`);
    await deliver();
    const second = receiver.received.at(-1)!;
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(second.body).toBe(first.body);
    expect(bodiesFor(hook.secret)).toHaveLength(2);
    const replayed = await gql(a.key, REPLAY, {
      input: { endpointId: hook.endpoint.id, eventId: first.headers['webhook-id'] },
    });
    expect(replayed.data!.webhookEventReplay.replayedCount).toBe(1);
    await deliver();
    expect(receiver.received.at(-1)!.body).toBe(first.body);
    expect(bodiesFor(hook.secret)).toHaveLength(3);
  });

  it('renders nothing the key may not read: an object its scopes do not cover is null', async () => {
    const a = await seller('Narrow Shop', ['webhooks:read', 'webhooks:write', 'health:read']);
    const hook = await endpoint(a.key);
    await db.prisma.outboxEvent.create({
      data: {
        type: 'shop.health_changed',
        shopId: a.shop.id,
        subjectType: 'Shop',
        subjectId: String(a.shop.id),
        payload: { toHealth: 'AT_RISK' },
        occurredAt: new Date(),
      },
    });
    await deliver();
    const [body] = bodiesFor(hook.secret);
    // Shop needs shops:read, which this key lacks: the ids and stored fields only.
    expect(body!.data).toEqual({ subject: { type: 'Shop', id: a.shopGid }, object: null, toHealth: 'AT_RISK' });
  });

  it('sends only the ids when the payload would be over 256 KB', async () => {
    const a = await seller('Big Shop');
    const hook = await endpoint(a.key);
    const listing = await db.prisma.listing.create({
      data: {
        shopId: a.shop.id,
        title: 'Huge',
        description: 'x'.repeat(300 * 1024),
        categoryId: world.categories.skincare,
        priceAmount: 100,
        currency: 'EUR',
        sites: ['GB'],
      },
    });
    await db.prisma.outboxEvent.create({
      data: {
        type: 'listing.updated',
        shopId: a.shop.id,
        subjectType: 'Listing',
        subjectId: String(listing.id),
        payload: { listingId: listing.id, version: 1 },
        occurredAt: new Date(),
      },
    });
    await deliver();
    const [got] = receiver.received;
    expect(Buffer.byteLength(got!.body)).toBeLessThan(1024);
    const body = bodiesFor(hook.secret)[0]!;
    expect(body.data).toEqual({ subject: { type: 'Listing', id: gid('Listing', listing.id) }, truncated: true });
  });

  it('pings with the endpoint rendered', async () => {
    const a = await seller('Ping Shop');
    const hook = await endpoint(a.key);
    expect(
      (await gql(a.key, TEST, { input: { endpointId: hook.endpoint.id } })).data!.webhookEndpointTest.__typename,
    ).toBe('WebhookEndpointTestSuccess');
    await deliver();
    const [ping] = bodiesFor(hook.secret);
    expect(ping).toMatchObject({
      type: 'ping',
      data: { object: { id: hook.endpoint.id, url: receiver.url, enabled: true }, endpointId: hook.endpoint.id },
    });
  });
});

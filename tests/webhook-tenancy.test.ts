import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { expediteJob, JobRunner } from '@shopwarden/jobs';
import { configureWebhookDelivery, eventCatalogue, jobs, readPlatformNow } from '@shopwarden/schema';
import { createKey, createShop, createWorld } from './support/fixtures.ts';
import { createCreator } from './support/health-fixtures.ts';
import { createTestApp, gid } from './support/client.ts';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts';

const ERR = /* GraphQL */ `... on Error { code message } ... on ValidationError { fields { path message } }`;
const CREATE = /* GraphQL */ `
  mutation Create($input: WebhookEndpointCreateInput!) {
    webhookEndpointCreate(input: $input) { __typename ... on WebhookEndpointCreateSuccess { secret endpoint { id } } ${ERR} }
  }`;
const EVERY_READ = [
  'shops:read',
  'listings:read',
  'health:read',
  'events:read',
  'revenue:read',
  'creators:read',
  'partnerships:read',
];
const HOOKS = ['webhooks:read', 'webhooks:write'];

/**
 * Two tenants, each with a seller, an agency and a partner app (representing its own creator):
 * every event type about one tenant reaches that tenant's endpoints only.
 */
describe.each(testTargets())('webhook tenancy across every event type on %s', (target) => {
  let db: TestDatabase;
  let gql: ReturnType<typeof createTestApp>['gql'];
  let receiver: WebhookReceiver;
  let runner: JobRunner;

  const deliver = async () => {
    await expediteJob(db.prisma, 'webhooks.relay');
    return runner.drain();
  };
  const typesFor = (secret: string) =>
    receiver.received.flatMap((r) => {
      try {
        const body = new Webhook(secret).verify(r.body, r.headers) as { type: string; shopId: string | null };
        return [body];
      } catch {
        return [];
      }
    });

  async function tenant(name: string) {
    const shop = await createShop(db.prisma, `${name} ${target}`);
    const creator = await createCreator(db.prisma, { handle: `${name}-${target}`.toLowerCase() });
    const agency = await db.prisma.account.create({ data: { name: `${name} agency`, kind: 'AGENCY' } });
    const partner = await db.prisma.account.create({ data: { name: `${name} partner`, kind: 'PARTNER' } });
    await db.prisma.shopAccessGrant.createMany({
      data: [
        { shopId: shop.id, accountId: agency.id, scopes: EVERY_READ },
        { shopId: shop.id, accountId: partner.id, scopes: EVERY_READ },
      ],
    });
    await db.prisma.creatorRepresentation.create({ data: { creatorId: creator.id, accountId: partner.id } });
    const keys = {
      seller: (await createKey(db.prisma, 'SELLER', { shopId: shop.id, scopes: [...EVERY_READ, ...HOOKS] })).key,
      agency: (await createKey(db.prisma, 'AGENCY', { accountId: agency.id, scopes: [...EVERY_READ, ...HOOKS] })).key,
      partner: (await createKey(db.prisma, 'PARTNER', { accountId: partner.id, scopes: [...EVERY_READ, ...HOOKS] }))
        .key,
    };
    const secrets: Record<string, string> = {};
    for (const [role, key] of Object.entries(keys)) {
      const res = await gql(key, CREATE, { input: { url: receiver.url } });
      expect(res.data!.webhookEndpointCreate.__typename, role).toBe('WebhookEndpointCreateSuccess');
      secrets[role] = res.data!.webhookEndpointCreate.secret;
    }
    return { shop, creator, keys, secrets };
  }

  beforeAll(async () => {
    db = await createTestDatabase(target);
    await createWorld(db.prisma);
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

  it("never delivers another tenant's event, to a seller, an agency or a partner app", async () => {
    const a = await tenant('Tenant A');
    const b = await tenant('Tenant B');
    const types = Object.keys(eventCatalogue).filter((t) => t !== 'ping');
    const about = (t: Awaited<ReturnType<typeof tenant>>, type: string) => {
      const { audience } = eventCatalogue[type]!;
      const creatorSubject = audience === 'creator';
      return {
        type,
        shopId: audience === 'shop' ? t.shop.id : null,
        subjectType: eventCatalogue[type]!.subject,
        subjectId: creatorSubject ? String(t.creator.id) : audience === 'shop' ? String(t.shop.id) : '999999',
        payload: { creatorId: t.creator.id },
        occurredAt: new Date(),
      };
    };
    await db.prisma.outboxEvent.createMany({ data: types.map((type) => about(b, type)) });
    await deliver();
    for (const role of ['seller', 'agency', 'partner']) expect(typesFor(a.secrets[role]!), role).toEqual([]);
    // B's own endpoints did get them: the check above is not vacuous.
    const shopTypes = types.filter((t) => eventCatalogue[t]!.audience === 'shop');
    expect(
      typesFor(b.secrets.seller!)
        .map((e) => e.type)
        .sort(),
    ).toEqual(shopTypes.sort());
    expect(
      typesFor(b.secrets.agency!)
        .map((e) => e.type)
        .sort(),
    ).toEqual(shopTypes.sort());
    expect(
      typesFor(b.secrets.partner!)
        .map((e) => e.type)
        .sort(),
    ).toEqual([...shopTypes, 'creator.created', 'creator.updated'].sort());
    for (const e of [...typesFor(b.secrets.seller!), ...typesFor(b.secrets.agency!)])
      expect(e.shopId).toBe(gid('Shop', b.shop.id));
  });

  it("delivers a partner app its creators' partnerships and content at shops it has no grant for, and their profile changes", async () => {
    const a = await tenant('Party A');
    const outsider = await createShop(db.prisma, `Outsider ${target}`);
    const stranger = await createCreator(db.prisma, { handle: `stranger-${target}` });
    const event = (type: string, creatorId: number, subjectId = '1') => ({
      type,
      shopId: type.startsWith('creator.') ? null : outsider.id,
      subjectType: eventCatalogue[type]!.subject,
      subjectId: type.startsWith('creator.') ? String(creatorId) : subjectId,
      payload: { creatorId },
      occurredAt: new Date(),
    });
    const types = ['partnership.proposed', 'partnership.ended', 'content_item.added', 'creator.updated'];
    await db.prisma.outboxEvent.createMany({
      data: [...types.map((t) => event(t, a.creator.id)), ...types.map((t) => event(t, stranger.id))],
    });
    await deliver();
    expect(
      typesFor(a.secrets.partner!)
        .map((e) => e.type)
        .sort(),
    ).toEqual([...types].sort());
    expect(typesFor(a.secrets.seller!)).toEqual([]);
    expect(typesFor(a.secrets.agency!)).toEqual([]);
    // Creator events are the creator side's: a seller cannot subscribe to them.
    const refused = await gql(a.keys.seller, CREATE, { input: { url: receiver.url, eventTypes: ['creator.updated'] } });
    expect(refused.data!.webhookEndpointCreate.code).toBe('VALIDATION_FAILED');
    const partner = await gql(a.keys.partner, CREATE, {
      input: { url: receiver.url, eventTypes: ['creator.updated', 'partnership.accepted'] },
    });
    expect(partner.data!.webhookEndpointCreate.__typename).toBe('WebhookEndpointCreateSuccess');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expediteJob, JobRunner } from '@shopwarden/jobs';
import { jobs, readPlatformNow } from '@shopwarden/schema';
import type { Prisma } from '@shopwarden/db';
import {
  createShopWardenClient,
  ShopWardenError,
  SubscriptionShopHealthChangedDocument,
  type FetchInit,
  type ShopEventFieldsFragment,
  type WebhookShopObjectFragment,
} from '../packages/sdk/src/index.ts';
import { createKey, createShop, createWorld, type World } from './support/fixtures.ts';
import { createTestApp, gid } from './support/client.ts';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';

describe.each(testTargets())('SDK subscriptions as async iterators on %s', (target) => {
  let db: TestDatabase;
  let world: World;
  let app: ReturnType<typeof createTestApp>;
  let runner: JobRunner;
  let n = 0;
  /** Resolves once the server has one more event subscriber than `before`, and it listens. */
  async function listening(before: number) {
    for (let i = 0; i < 200 && app.app.eventFeed.size <= before; i++) await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, 200));
  }

  const relay = async () => {
    await expediteJob(db.prisma, 'webhooks.relay');
    await runner.drain();
  };
  const client = (apiKey: string) =>
    createShopWardenClient({
      url: 'http://localhost/graphql',
      apiKey,
      fetch: (url: string, init: FetchInit) => app.yoga.fetch(url, init as RequestInit),
    });
  const event = (type: string, shopId: number, payload: Prisma.InputJsonObject = {}) => ({
    type,
    shopId,
    subjectType: 'Shop',
    subjectId: String(shopId),
    payload,
    occurredAt: new Date('2024-03-01T00:00:00Z'),
  });
  async function seller(scopes = ['shops:read', 'health:read']) {
    n += 1;
    const shop = await createShop(db.prisma, `SDK Sub Shop ${target} ${n}`);
    return { shop, key: (await createKey(db.prisma, 'SELLER', { shopId: shop.id, scopes })).key };
  }
  /** Starts iterating and resolves once the stream is open, with the promise of the first `count` events. */
  async function take<T extends ShopEventFieldsFragment>(iterator: AsyncGenerator<T>, count: number) {
    const before = app.app.eventFeed.size;
    const got = (async () => {
      const events: T[] = [];
      for await (const e of iterator) {
        events.push(e);
        if (events.length === count) break;
      }
      return events;
    })();
    await Promise.race([listening(before), got]);
    // Wrapped: an async function returning a promise would wait for it.
    return { events: got };
  }

  beforeAll(async () => {
    db = await createTestDatabase(target);
    world = await createWorld(db.prisma);
    app = createTestApp(db);
    runner = new JobRunner({ prisma: db.prisma, jobs, now: () => readPlatformNow(db.prisma, false) });
    await relay();
  });
  afterAll(async () => {
    await app.app.close();
    await db.drop();
  });

  it('yields each committed event of the family and the shops in reach, typed, until the loop stops', async () => {
    const a = await seller();
    const b = await seller();
    const { events } = await take(client(a.key).subscriptions.shopHealthChanged(), 2);
    await db.prisma.outboxEvent.createMany({
      data: [
        event('shop.health_changed', b.shop.id, { toHealth: 'AT_RISK' }),
        event('violation.recorded', a.shop.id),
        event('shop.health_changed', a.shop.id, { toHealth: 'AT_RISK' }),
        event('shop.health_changed', a.shop.id, { toHealth: 'RESTRICTED' }),
      ],
    });
    await relay();
    const got = await events;
    expect(got.map((e) => [e.type, e.shopId, e.data])).toEqual([
      ['shop.health_changed', gid('Shop', a.shop.id), { toHealth: 'AT_RISK' }],
      ['shop.health_changed', gid('Shop', a.shop.id), { toHealth: 'RESTRICTED' }],
    ]);
    expect(got[0]!.eventId).toMatch(/^evt_\d+$/);
    expect(got[0]!.subjectType).toBe('Shop');
    // Typed as the webhook payload's `data.object` of the family: the shop as it is now.
    const subject: WebhookShopObjectFragment | null = got[0]!.subject;
    expect(subject).toEqual(expect.objectContaining({ id: gid('Shop', a.shop.id), name: a.shop.name }));
    expect(subject?.healthStatus).toBe('HEALTHY');
  });

  it('follows one shop; the generic subscribe yields whole results; abort ends the iteration', async () => {
    const admin = client(world.adminKey);
    const a = await seller();
    const b = await seller();
    const { events: only } = await take(admin.subscriptions.shopHealthChanged({ shopId: gid('Shop', b.shop.id) }), 1);
    await db.prisma.outboxEvent.createMany({
      data: [event('shop.health_changed', a.shop.id), event('shop.health_changed', b.shop.id, { n: 1 })],
    });
    await relay();
    expect((await only).map((e) => e.shopId)).toEqual([gid('Shop', b.shop.id)]);

    const abort = new AbortController();
    const before = app.app.eventFeed.size;
    const results: unknown[] = [];
    const loop = (async () => {
      for await (const data of admin.subscribe(SubscriptionShopHealthChangedDocument, {}, { signal: abort.signal }))
        results.push(data.shopHealthChanged.shopId);
    })();
    await listening(before);
    await db.prisma.outboxEvent.create({ data: event('shop.health_changed', a.shop.id) });
    await relay();
    for (let i = 0; i < 50 && !results.length; i++) await new Promise((r) => setTimeout(r, 50));
    abort.abort();
    await loop;
    expect(results).toEqual([gid('Shop', a.shop.id)]);
  });

  it('throws ShopWardenError with the code: FORBIDDEN without the scope, NOT_FOUND outside reach', async () => {
    const a = await seller(['shops:read']);
    const b = await seller();
    const first = (iterator: AsyncGenerator<unknown>) => iterator.next();
    await expect(first(client(a.key).subscriptions.shopHealthChanged())).rejects.toMatchObject({
      name: 'ShopWardenError',
      code: 'FORBIDDEN',
    });
    const error = await first(client(b.key).subscriptions.shopHealthChanged({ shopId: gid('Shop', a.shop.id) })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ShopWardenError);
    expect(error).toMatchObject({ code: 'NOT_FOUND' });
  });
});

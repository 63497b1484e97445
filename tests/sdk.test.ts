import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { buildSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertSuccess,
  createShopWardenClient,
  isError,
  isSuccess,
  operationTable,
  ShopWardenError,
  ShopWardenResultError,
  type ClientLogEvent,
  type FetchInit,
  type ShopWardenClient,
} from '../packages/sdk/src/index.ts';
import { quickStart } from '../packages/sdk/examples/quick-start.ts';
import { selectPrimaryCategory } from '../packages/sdk/examples/select-primary-category.ts';
import { customDocument } from '../packages/sdk/examples/custom-document.ts';
import { createKey, createOrders, createShop, createWorld, type World } from './support/fixtures.ts';
import { createTestApp, gid } from './support/client.ts';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';

const URL_IN_PROCESS = 'http://localhost/graphql';
const answers = [
  { key: 'main_products', answer: 'Serums' },
  { key: 'category_share', answer: '90' },
  { key: 'policy_acknowledged', answer: 'yes' },
];

describe('SDK operations cover the API', () => {
  it('has an operation for every query and mutation field in packages/schema/schema.graphql', () => {
    const sdl = readFileSync(fileURLToPath(new URL('../packages/schema/schema.graphql', import.meta.url)), 'utf8');
    const schema = buildSchema(sdl);
    const covered = new Set<string>(Object.values(operationTable).flatMap((entries) => entries.map((e) => e.field)));
    const rootFields = [
      ...Object.keys(schema.getQueryType()!.getFields()),
      ...Object.keys(schema.getMutationType()?.getFields() ?? {}),
    ];
    expect(rootFields.filter((f) => !covered.has(f))).toEqual([]);
  });

  it('the generated code has no `any` and types every scalar', () => {
    for (const file of ['types.ts', 'operations.ts']) {
      const code = readFileSync(
        fileURLToPath(new URL(`../packages/sdk/src/generated/${file}`, import.meta.url)),
        'utf8',
      );
      const withoutComments = code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      expect(withoutComments).not.toMatch(/\bany\b/);
    }
  });

  it('the README lists every grouped method', () => {
    const readme = readFileSync(fileURLToPath(new URL('../packages/sdk/README.md', import.meta.url)), 'utf8');
    for (const [group, entries] of Object.entries(operationTable)) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${group}\` |`));
      expect(row, `README row for ${group}`).toBeDefined();
      for (const e of entries) {
        expect(row).toContain(`\`${e.method}\``.replace(/`$/, ''));
        if ('paginate' in e) expect(row).toContain(e.paginate);
      }
    }
  });

  it('the README documents every client option and every per-request option', () => {
    const readme = readFileSync(fileURLToPath(new URL('../packages/sdk/README.md', import.meta.url)), 'utf8');
    const types = readFileSync(fileURLToPath(new URL('../packages/sdk/src/types.ts', import.meta.url)), 'utf8');
    const membersOf = (name: string) => {
      const body = types.slice(types.indexOf(`export interface ${name} {`)).split('\n}\n')[0]!;
      return [...body.matchAll(/^ {2}(\w+)\??:/gm)].map((m) => m[1]!);
    };
    const rows = new Set(readme.split('\n').flatMap((line) => /^\| `(\w+)` \|/.exec(line)?.[1] ?? []));
    for (const name of ['ShopWardenClientOptions', 'RequestOptions']) {
      const members = membersOf(name);
      expect(members.length, name).toBeGreaterThan(4);
      expect(
        members.filter((m) => !rows.has(m)),
        `${name} members missing from the README's tables`,
      ).toEqual([]);
    }
  });

  it('every mutation document selects __typename, Error { code message } and ValidationError { fields }', () => {
    const mutations = Object.values(operationTable).flatMap((entries) => entries.filter((e) => e.mutation));
    expect(mutations.length).toBeGreaterThan(10);
    for (const m of mutations) {
      expect(m.document).toMatch(/^mutation /);
      expect(m.document).toContain('__typename');
      expect(m.document).toContain('...on Error{code message}');
      expect(m.document).toContain('...on ValidationError{fields{path message}}');
    }
  });
});

describe.each(testTargets())('SDK end to end (in-process) on %s', (target) => {
  let db: TestDatabase;
  let world: World;
  let app: ReturnType<typeof createTestApp>;
  let admin: ShopWardenClient;
  /** Every request the clients sent, with its headers. */
  const sent: { headers: Record<string, string>; body: string }[] = [];

  const clientFor = (apiKey: string) =>
    createShopWardenClient({
      url: URL_IN_PROCESS,
      apiKey,
      fetch: (url: string, init: FetchInit) => {
        sent.push({ headers: init.headers, body: init.body });
        return app.yoga.fetch(url, init);
      },
    });
  const inProcessFetch = (url: string, init: FetchInit) => app.yoga.fetch(url, init);

  async function sellerShop(name: string) {
    const shop = await createShop(db.prisma, name);
    const { key } = await createKey(db.prisma, 'SELLER', { shopId: shop.id });
    return { shop, key, id: gid('Shop', shop.id), client: clientFor(key) };
  }

  beforeAll(async () => {
    db = await createTestDatabase(target);
    world = await createWorld(db.prisma);
    app = createTestApp(db);
    admin = clientFor(world.adminKey);
  });
  afterAll(async () => db.drop());

  it('returns a frozen client whose grouped methods resolve to the root field', async () => {
    expect(Object.isFrozen(admin)).toBe(true);
    expect(Object.isFrozen(admin.shops)).toBe(true);
    const viewer = await admin.access.viewer();
    expect(viewer).toMatchObject({ role: 'ADMIN', scopes: ['*'], reachableShopCount: null });
    const clock = await admin.platform.clock();
    expect(typeof clock.now).toBe('string');
  });

  it('shops: onboards a shop, issues its seller key, and reads it back through get, list and node', async () => {
    const onboarded = await admin.shops.onboard({ input: { name: 'SDK Onboarded', sites: ['GB'] } });
    assertSuccess(onboarded);
    expect(onboarded.shop).toMatchObject({
      name: 'SDK Onboarded',
      sites: ['GB'],
      businessModel: 'CLOSED_LOOP',
      primaryCategory: null,
    });
    expect(onboarded.secret).toMatch(/^sw_sel_/);
    const row = await db.prisma.shop.findFirstOrThrow({ where: { name: 'SDK Onboarded' } });
    expect(onboarded.shop.id).toBe(gid('Shop', row.id));

    const seller = clientFor(onboarded.secret!);
    expect((await seller.access.viewer())?.shop).toEqual({ id: onboarded.shop.id, name: 'SDK Onboarded' });
    expect((await seller.shops.get({ id: onboarded.shop.id }))?.pendingActions.map((a) => a.kind)).toEqual([
      'SELECT_PRIMARY_CATEGORY',
    ]);
    expect((await seller.shops.list()).edges.map((e) => e.node.name)).toEqual(['SDK Onboarded']);
    const node = await seller.platform.node({ id: onboarded.shop.id });
    expect(node?.__typename).toBe('Shop');
    if (node?.__typename === 'Shop') expect(node.name).toBe('SDK Onboarded');
    const other = await createShop(db.prisma, 'SDK Out Of Reach');
    expect(await seller.platform.nodes({ ids: [onboarded.shop.id, gid('Shop', other.id)] })).toEqual([
      expect.objectContaining({ id: onboarded.shop.id }),
      null,
    ]);
  });

  it('returns a validation error at once with its field paths, and changes nothing', async () => {
    const before = await db.prisma.shop.count();
    const requestsBefore = sent.length;
    const result = await admin.shops.onboard({ input: { name: '', sites: [] } });
    expect(sent.length - requestsBefore).toBe(1);
    expect(isSuccess(result)).toBe(false);
    expect(isError(result)).toBe(true);
    expect(isError(result, 'NOT_FOUND')).toBe(false);
    if (!isError(result, 'VALIDATION_FAILED')) throw new Error(`expected VALIDATION_FAILED, got ${result.__typename}`);
    expect(result.__typename).toBe('ValidationError');
    expect(result.fields.map((f) => f.path.join('.'))).toEqual(expect.arrayContaining(['input.name', 'input.sites']));
    expect(() => assertSuccess(result)).toThrow(ShopWardenResultError);
    try {
      assertSuccess(result);
    } catch (error) {
      expect(error).toMatchObject({ code: 'VALIDATION_FAILED', typename: 'ValidationError' });
      expect((error as ShopWardenResultError).fields.length).toBeGreaterThanOrEqual(2);
    }
    expect(await db.prisma.shop.count()).toBe(before);
  });

  it('paginates every shop across pages with no repeats, following endCursor', async () => {
    for (let i = 0; i < 7; i++) await createShop(db.prisma, `Paged ${i}`);
    const names: string[] = [];
    const requestsBefore = sent.length;
    for await (const shop of admin.shops.paginate({ first: 2, filter: { nameContains: 'Paged' } }))
      names.push(shop.name);
    expect(names).toEqual(['Paged 0', 'Paged 1', 'Paged 2', 'Paged 3', 'Paged 4', 'Paged 5', 'Paged 6']);
    expect(sent.length - requestsBefore).toBe(4);
    const all: string[] = [];
    for await (const shop of admin.shops.paginate({ first: 3 })) all.push(shop.id);
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(await db.prisma.shop.count());
  });

  it('sends an Idempotency-Key on every mutation (a new one per call) and none on queries', async () => {
    sent.length = 0;
    await admin.platform.settings();
    await admin.platform.setSandboxClock({ input: { now: null } });
    await admin.platform.setSandboxClock({ input: { now: null } }, { idempotencyKey: 'my-own-key-123' });
    await admin.platform.setSandboxClock({ input: { now: null } });
    expect(sent[0]!.headers['idempotency-key']).toBeUndefined();
    const keys = sent.slice(1).map((s) => s.headers['idempotency-key']);
    expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(keys[1]).toBe('my-own-key-123');
    expect(keys[2]).not.toBe(keys[0]);
    expect(sent.every((s) => s.headers.authorization === `Bearer ${world.adminKey}`)).toBe(true);
  });

  it('primary category: select, refuse a second selection, list selections, eligibility and an administrator change', async () => {
    const { id, client } = await sellerShop('SDK Seller');
    const beauty = gid('Category', world.categories.beauty);
    const eligibility = await client.shops.categoryEligibility({
      id,
      categoryIds: [beauty, gid('Category', world.categories.weapons)],
    });
    // Past the effective date a shop without a primary category can list nowhere, as the listing checks say.
    expect(eligibility?.categoryEligibility.map((e) => [e.category.name, e.status])).toEqual([
      ['Beauty', 'PRIMARY_CATEGORY_NOT_SET'],
      ['Weapons', 'PROHIBITED'],
    ]);

    const selected = await client.shops.selectPrimaryCategory({ input: { shopId: id, categoryId: beauty, answers } });
    assertSuccess(selected);
    expect(selected.shop.primaryCategory?.name).toBe('Beauty');
    expect(selected.selection).toMatchObject({
      source: 'SELECTED',
      answers: { main_products: 'Serums', category_share: '90', policy_acknowledged: 'yes' },
    });

    const again = await client.shops.selectPrimaryCategory({
      input: { shopId: id, categoryId: gid('Category', world.categories.home), answers },
    });
    expect(isError(again, 'PRIMARY_CATEGORY_ALREADY_SET')).toBe(true);

    const changed = await admin.shops.changePrimaryCategory({
      input: { shopId: id, categoryId: gid('Category', world.categories.fashion), reason: 'Sells mostly dresses' },
    });
    assertSuccess(changed);
    expect(changed.selection).toMatchObject({
      source: 'ADMIN_CHANGED',
      reason: 'Sells mostly dresses',
      previousCategory: { name: 'Beauty' },
      category: { name: 'Fashion' },
    });

    const history: string[] = [];
    for await (const s of client.shops.paginateCategorySelections({ id, first: 1 }))
      history.push(`${s.source}:${s.category.name}`);
    expect(history).toEqual(['SELECTED:Beauty', 'ADMIN_CHANGED:Fashion']);
    const row = await db.prisma.shop.findUniqueOrThrow({
      where: { id: Number(Buffer.from(id, 'base64').toString().split(':')[1]) },
    });
    expect(row.primaryCategoryId).toBe(world.categories.fashion);
  });

  it('categories: the tree, the campaign, and a special-circumstances request reviewed by an administrator', async () => {
    const top: string[] = [];
    for await (const c of admin.categories.paginate({ first: 2 })) top.push(c.name);
    expect(top).toEqual(['Beauty', 'Fashion', 'Home', 'Weapons', 'Electronics']);
    const children = await admin.categories.list({ parentId: gid('Category', world.categories.beauty) });
    expect(children.edges.map((e) => [e.node.name, e.node.restriction, e.node.parent?.name])).toEqual([
      ['Skincare', 'NONE', 'Beauty'],
      ['Supplements', 'RESTRICTED', 'Beauty'],
    ]);
    const campaign = await admin.categories.campaign();
    expect(campaign.questionnaire.filter((q) => q.required).map((q) => q.key)).toEqual([
      'main_products',
      'category_share',
      'policy_acknowledged',
    ]);

    const { id, client } = await sellerShop('SDK Exception');
    const selected = await client.shops.selectPrimaryCategory({
      input: {
        shopId: id,
        categoryId: gid('Category', world.categories.home),
        answers,
        specialCircumstances: {
          comment: 'We make knives too',
          requestedCategoryIds: [gid('Category', world.categories.electronics)],
        },
      },
    });
    assertSuccess(selected);
    expect(selected.exceptionRequest).toMatchObject({
      status: 'PENDING',
      requestedCategories: [{ name: 'Electronics' }],
    });

    const pending: string[] = [];
    for await (const r of admin.categories.paginateExceptionRequests({ status: 'PENDING' })) pending.push(r.id);
    expect(pending).toContain(selected.exceptionRequest!.id);
    const forbidden = await client.categories.reviewExceptionRequest({
      input: { requestId: selected.exceptionRequest!.id, decision: 'APPROVE' },
    });
    expect(isError(forbidden, 'FORBIDDEN')).toBe(true);
    const reviewed = await admin.categories.reviewExceptionRequest({
      input: { requestId: selected.exceptionRequest!.id, decision: 'APPROVE', note: 'Own brand' },
    });
    assertSuccess(reviewed);
    expect(reviewed.request).toMatchObject({
      status: 'APPROVED',
      decisionNote: 'Own brand',
      grants: [{ category: { name: 'Electronics' } }],
    });
    expect((await client.shops.get({ id }))?.exceptionGrants.map((g) => g.category.name)).toEqual(['Electronics']);
    const mine: string[] = [];
    for await (const r of client.shops.paginateExceptionRequests({ id })) mine.push(r.status);
    expect(mine).toEqual(['APPROVED']);
  });

  it('auto-assignment preview and the sandbox clock', async () => {
    const { shop } = await sellerShop('SDK Auto');
    await createOrders(db.prisma, shop.id, world.categories.skincare, [
      { amount: 5000, placedAt: '2023-12-10T00:00:00Z' },
    ]);
    const moved = await admin.platform.setSandboxClock({ input: { now: '2024-02-10T00:00:00Z' } });
    assertSuccess(moved);
    expect(moved.clock).toEqual({ now: '2024-02-10T00:00:00.000Z', frozen: true, sandbox: true });
    expect((await admin.categories.campaign()).phase).toBe('AFTER_DEADLINE');
    const preview = await admin.categories.autoAssignPrimary({ input: { dryRun: true } });
    assertSuccess(preview);
    expect(preview).toMatchObject({ dryRun: true, runId: null });
    expect(preview.entries.find((e) => e.shop.name === 'SDK Auto')).toMatchObject({
      outcome: 'ASSIGN',
      category: { name: 'Beauty' },
    });
    expect((await db.prisma.shop.findUniqueOrThrow({ where: { id: shop.id } })).primaryCategoryId).toBeNull();
    assertSuccess(await admin.platform.setSandboxClock({ input: { now: null } }));
  });

  it('access: keys, accounts and shop grants; a revoked key gets UNAUTHENTICATED as a thrown ShopWardenError', async () => {
    const { id, client } = await sellerShop('SDK Access');
    const created = await client.access.createApiKey({
      input: { name: 'CI key', role: 'SELLER', scopes: ['shops:read'] },
    });
    assertSuccess(created);
    expect(created.apiKey).toMatchObject({ name: 'CI key', role: 'SELLER', scopes: ['shops:read'], shop: { id } });
    const keys: string[] = [];
    for await (const k of client.access.paginateApiKeys({ first: 1 })) keys.push(k.name);
    expect(keys).toHaveLength(2);
    expect(keys).toContain('CI key');

    const ciClient = clientFor(created.secret);
    expect((await ciClient.access.viewer())?.scopes).toEqual(['shops:read']);
    assertSuccess(await client.access.revokeApiKey({ input: { id: created.apiKey.id } }));
    const error = await ciClient.access.viewer().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopWardenError);
    expect(error).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
    // request() returns top-level errors instead of throwing.
    const raw = await ciClient.request('{ viewer { role } }');
    expect(raw.status).toBe(401);
    expect(raw.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const account = await admin.access.createAccount({ input: { name: 'SDK Agency', kind: 'AGENCY' } });
    assertSuccess(account);
    const granted = await client.shops.grantAccess({
      input: { shopId: id, accountId: account.account.id, scopes: ['shops:read'] },
    });
    assertSuccess(granted);
    expect(granted.grant).toMatchObject({
      scopes: ['shops:read'],
      revokedAt: null,
      shop: { id },
      account: { name: 'SDK Agency', kind: 'AGENCY' },
    });
    const revoked = await client.shops.revokeAccess({ input: { shopId: id, accountId: account.account.id } });
    assertSuccess(revoked);
    expect(revoked.grant.revokedAt).not.toBeNull();
  });

  it('platform: settings read and update (administrators only)', async () => {
    const settings = await admin.platform.settings();
    const updated = await admin.platform.updateSettings({
      input: { quizAttemptsPerMonth: settings.quizAttemptsPerMonth + 1 },
    });
    assertSuccess(updated);
    expect(updated.settings.quizAttemptsPerMonth).toBe(settings.quizAttemptsPerMonth + 1);
    const { client } = await sellerShop('SDK Not Admin');
    expect(isError(await client.platform.updateSettings({ input: { quizAttemptsPerMonth: 1 } }), 'FORBIDDEN')).toBe(
      true,
    );
    assertSuccess(
      await admin.platform.updateSettings({ input: { quizAttemptsPerMonth: settings.quizAttemptsPerMonth } }),
    );
  });

  it('runs the README examples: quick start, select a primary category, custom documents', async () => {
    const lines: string[] = [];
    const print = (line: string) => lines.push(line);
    for (let i = 0; i < 5; i++) await createShop(db.prisma, `Example ${i}`);
    const started = await quickStart({ url: URL_IN_PROCESS, apiKey: world.adminKey, fetch: inProcessFetch, print });
    expect(started.role).toBe('ADMIN');
    expect(started.firstPage).toHaveLength(5);
    const undecided = await db.prisma.shop.count({ where: { primaryCategoryId: null } });
    expect(started.undecided).toHaveLength(undecided);
    expect(lines[0]).toMatch(/^Signed in as ADMIN/);

    const { key, shop } = await sellerShop('SDK Example Seller');
    const outcome = await selectPrimaryCategory({
      url: URL_IN_PROCESS,
      apiKey: key,
      categoryName: 'Home',
      fetch: inProcessFetch,
      print,
    });
    expect(outcome).toEqual({ outcome: 'SELECTED', primaryCategory: 'Home' });
    expect((await db.prisma.shop.findUniqueOrThrow({ where: { id: shop.id } })).primaryCategoryId).toBe(
      world.categories.home,
    );
    expect(
      await selectPrimaryCategory({
        url: URL_IN_PROCESS,
        apiKey: key,
        categoryName: 'Home',
        fetch: inProcessFetch,
        print,
      }),
    ).toEqual({ outcome: 'PRIMARY_CATEGORY_ALREADY_SET', primaryCategory: null });

    const custom = await customDocument({ url: URL_IN_PROCESS, apiKey: world.adminKey, fetch: inProcessFetch, print });
    expect(Object.values(custom.counts).reduce((a, b) => a + (b ?? 0), 0)).toBe(await db.prisma.shop.count());
    expect(custom.invalidDocumentError).toMatch(/nope/);
  });
});

describe.each(testTargets())('SDK over real HTTP on %s', (target) => {
  let db: TestDatabase;
  let world: World;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    db = await createTestDatabase(target);
    world = await createWorld(db.prisma);
    const { yoga } = createTestApp(db);
    server = createServer(yoga);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await db.drop();
  });

  it('queries, paginates and mutates with the global fetch', async () => {
    const client = createShopWardenClient({ url, apiKey: world.adminKey });
    expect((await client.access.viewer())?.role).toBe('ADMIN');
    const onboarded = await client.shops.onboard({
      input: { name: 'Over HTTP', sites: ['GB'], createSellerKey: false },
    });
    assertSuccess(onboarded);
    expect(onboarded.secret).toBeNull();
    const names: string[] = [];
    for await (const shop of client.shops.paginate({ first: 1 })) names.push(shop.name);
    expect(names).toEqual(['Over HTTP']);
    const raw = await client.request('{ shops(first: 1) { edges { node { name } } } }');
    expect(raw.status).toBe(200);
    expect(raw.extensions?.cost).toMatchObject({
      requestedQueryCost: expect.any(Number),
      maximumCost: expect.any(Number),
    });
    expect(typeof raw.extensions?.requestId).toBe('string');
  });
});

describe.each(testTargets())('SDK self-throttling against the API rate limiter on %s', (target) => {
  let db: TestDatabase;
  let world: World;
  let app: ReturnType<typeof createTestApp>;

  beforeAll(async () => {
    db = await createTestDatabase(target);
    world = await createWorld(db.prisma);
    for (let i = 0; i < 3; i++) await createShop(db.prisma, `Budget ${i}`);
    // A small bucket: 100 points, refilling at 50 points per second.
    app = createTestApp(db, { RATE_LIMIT_CAPACITY: '100', RATE_LIMIT_RESTORE_RATE: '50' });
  });
  afterAll(async () => db.drop());

  const query = '{ shops(first: 15) { edges { node { id name } } } }';
  const run = async (throttle: boolean, apiKey: string) => {
    const events: ClientLogEvent[] = [];
    const client = createShopWardenClient({
      url: URL_IN_PROCESS,
      apiKey,
      throttle,
      logger: (e) => events.push(e),
      fetch: (url: string, init: FetchInit) => app.yoga.fetch(url, init),
    });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await client.request(query)).status);
    return { statuses, events };
  };

  it('paces itself from extensions.cost.throttleStatus instead of collecting 429s', async () => {
    const { statuses, events } = await run(true, world.adminKey);
    const cost = events.find((e) => e.type === 'response')!;
    expect(cost.type === 'response' && cost.cost).toMatchObject({
      requestedQueryCost: expect.any(Number),
      throttleStatus: { maximumAvailable: 100, restoreRate: 50 },
    });
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    expect(events.filter((e) => e.type === 'retry')).toEqual([]);
    expect(events.filter((e) => e.type === 'throttle').length).toBeGreaterThan(0);
  });

  it('without throttling, the same burst is answered 429 and retried after Retry-After', async () => {
    const { key } = await createKey(db.prisma, 'ADMIN');
    const { statuses, events } = await run(false, key);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    expect(events.filter((e) => e.type === 'retry' && e.reason === 'throttled').length).toBeGreaterThan(0);
  });
});

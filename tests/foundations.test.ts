import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, createShop, createWorld, type World } from './support/fixtures.ts';
import { countQueries, createTestApp, gid } from './support/client.ts';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';

describe.each(testTargets())('API foundations on %s', (target) => {
  let db: TestDatabase;
  let world: World;
  let app: ReturnType<typeof createTestApp>;
  let server: Server;

  beforeAll(async () => {
    db = await createTestDatabase(target);
    world = await createWorld(db.prisma);
    app = createTestApp(db);
    const cats = [world.categories.beauty, world.categories.fashion, world.categories.home, null];
    for (let i = 1; i <= 130; i++)
      await createShop(db.prisma, `Shop ${String(i).padStart(3, '0')}`, { primaryCategoryId: cats[i % 4] ?? null });
    server = createServer(app.yoga);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await db.drop();
  });

  it('pages through a connection: 20 by default, at most 100, every row once in a stable order', async () => {
    const PAGE = `query($first: Int, $after: String) { shops(first: $first, after: $after) { edges { cursor node { id name } } pageInfo { hasNextPage endCursor } } }`;
    const first = await app.gql(world.adminKey, `{ shops { edges { node { id } } } }`);
    expect(first.data!.shops.edges).toHaveLength(20);
    const tooMany = await app.gql(world.adminKey, PAGE, { first: 101 });
    expect(tooMany.errors?.[0]?.message ?? '').toMatch(/100/);

    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: {
        data?: { shops: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
      } = await app.gql(world.adminKey, PAGE, { first: 37, after });
      seen.push(...page.data!.shops.edges.map((e) => e.node.id));
      if (!page.data!.shops.pageInfo.hasNextPage) break;
      after = page.data!.shops.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(await db.prisma.shop.count());
    expect(new Set(seen).size).toBe(seen.length);
    const backwards = await app.gql(
      world.adminKey,
      `{ shops(last: 3) { edges { node { name } } pageInfo { hasPreviousPage } } }`,
    );
    expect(backwards.data!.shops.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual([
      'Shop 128',
      'Shop 129',
      'Shop 130',
    ]);
  });

  it('loads 20 shops with their categories in a fixed number of SQL statements, not one per shop', async () => {
    const QUERY = `query($first: Int) { shops(first: $first) { edges { node { id name primaryCategory { id name restriction } categoryEligibility { status } } } } }`;
    await app.gql(world.adminKey, QUERY, { first: 1 }); // warm the settings row
    const five = await countQueries(db, () => app.gql(world.adminKey, QUERY, { first: 5 }));
    const twenty = await countQueries(db, () => app.gql(world.adminKey, QUERY, { first: 20 }));
    expect(twenty.result.data!.shops.edges).toHaveLength(20);
    expect(
      twenty.result.data!.shops.edges.filter((e: { node: { primaryCategory: unknown } }) => e.node.primaryCategory)
        .length,
    ).toBe(15);
    expect(twenty.queries.length).toBe(five.queries.length);
    expect(twenty.queries.length).toBeLessThanOrEqual(7);
  });

  it('serves /health, /ready, request ids and GraphiQL over HTTP', async () => {
    await request(server).get('/health').expect(200);
    await request(server).get('/ready').expect(200);
    const res = await request(server)
      .post('/graphql')
      .set('authorization', `Bearer ${world.adminKey}`)
      .set('x-request-id', 'test-req-1')
      .send({ query: '{ viewer { role } }' })
      .expect(200);
    expect(res.headers['x-request-id']).toBe('test-req-1');
    expect(res.body).toMatchObject({ data: { viewer: { role: 'ADMIN' } }, extensions: { requestId: 'test-req-1' } });
    const page = await request(server).get('/graphql').set('accept', 'text/html').expect(200);
    expect(page.text).toContain('ShopWarden GraphiQL');
    expect(page.text).not.toMatch(/https:\/\/unpkg\.com|cdn\.jsdelivr/);
  });

  it('masks unexpected errors, enforces operation limits, and refuses oversized bodies', async () => {
    const deep = `{ shops { edges { node { primaryCategory { parent { parent { parent { parent { parent { parent { parent { parent { name } } } } } } } } } } } } }`;
    const res = await request(server)
      .post('/graphql')
      .set('authorization', `Bearer ${world.adminKey}`)
      .send({ query: deep });
    expect(JSON.stringify(res.body)).toMatch(/depth/i);
    const aliases = `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: viewer { role }`).join(' ')} }`;
    const aliased = await request(server)
      .post('/graphql')
      .set('authorization', `Bearer ${world.adminKey}`)
      .send({ query: aliases });
    expect(JSON.stringify(aliased.body)).toMatch(/alias/i);
    const big = await request(server)
      .post('/graphql')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ query: `{ viewer { role } }`, pad: 'x'.repeat(1_100_000) }));
    expect(big.status).toBe(413);
    // Without a Content-Length (chunked), the bytes are counted as they arrive: over the limit is 413 too, under it is served.
    const chunked = async (body: string) => {
      const { port } = server.address() as AddressInfo;
      return new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            path: '/graphql',
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${world.adminKey}`,
              'transfer-encoding': 'chunked',
            },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (text += c));
            res.on('end', () => resolve({ status: res.statusCode!, text }));
          },
        );
        req.on('error', reject);
        for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.slice(i, i + 64 * 1024));
        req.end();
      });
    };
    const overChunked = await chunked(
      JSON.stringify({ query: `{ viewer { role } }`, variables: { pad: 'x'.repeat(1_100_000) } }),
    );
    expect(overChunked.status).toBe(413);
    expect(overChunked.text).toContain('The request body is over 1048576 bytes.');
    const underChunked = await chunked(
      JSON.stringify({ query: `{ viewer { role } }`, variables: { pad: 'x'.repeat(100_000) } }),
    );
    expect(underChunked.status).toBe(200);
    expect(JSON.parse(underChunked.text)).toMatchObject({ data: { viewer: { role: 'ADMIN' } } });
    const suggestion = await request(server)
      .post('/graphql')
      .set('authorization', `Bearer ${world.adminKey}`)
      .send({ query: '{ shopz { edges { cursor } } }' });
    expect(JSON.stringify(suggestion.body)).not.toMatch(/Did you mean/);
  });

  it('resolves node and nodes by global ID', async () => {
    const shop = await db.prisma.shop.findFirstOrThrow({ orderBy: { id: 'asc' } });
    const res = await app.gql(world.adminKey, `query($id: ID!) { node(id: $id) { id ... on Shop { name } } }`, {
      id: gid('Shop', shop.id),
    });
    expect(res.data!.node).toEqual({ id: gid('Shop', shop.id), name: shop.name });
    const cat = await app.gql(
      world.adminKey,
      `query($id: ID!) { node(id: $id) { ... on Category { name isTopLevel } } }`,
      { id: gid('Category', world.categories.skincare) },
    );
    expect(cat.data!.node).toEqual({ name: 'Skincare', isTopLevel: false });
  });

  it('exposes the sandbox clock only outside production', async () => {
    const prod = createTestApp(db, { NODE_ENV: 'production' });
    const res = await prod.gql(
      world.adminKey,
      `mutation { sandboxClockSet(input: { now: "2030-01-01T00:00:00Z" }) { __typename ... on Error { code } } }`,
    );
    expect(res.data!.sandboxClockSet.code).toBe('SANDBOX_ONLY');
    const seller = await createKey(db.prisma, 'SELLER', { shopId: (await db.prisma.shop.findFirstOrThrow()).id });
    expect(
      (
        await app.gql(
          seller.key,
          `mutation { sandboxClockSet(input: { now: "2030-01-01T00:00:00Z" }) { __typename ... on Error { code } } }`,
        )
      ).data!.sandboxClockSet.code,
    ).toBe('FORBIDDEN');
  });
});

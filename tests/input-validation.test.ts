import { beforeAll, describe, expect, it } from 'vitest';
import { createKey, createShop } from './support/fixtures.ts';
import { gid, type GraphQLResponse } from './support/client.ts';
import { useSuite } from './support/suite.ts';
import { testTargets } from './support/database.ts';

const b64 = (text: string) => Buffer.from(text).toString('base64');

/** The top-level error's code and input paths (`extensions.fields`). */
const refusal = (res: GraphQLResponse) =>
  res.errors?.map((e) => ({
    code: e.extensions?.code,
    paths: (e.extensions?.fields as { path: string[] }[] | undefined)?.map((f) => f.path),
  }));

describe.each(testTargets())('input values are checked before anything runs on %s', (target) => {
  const { db, world, gql } = useSuite(target);
  let shop: { id: number; gid: string };
  let sellerKey: string;

  beforeAll(async () => {
    // An id that needs base64 padding, so an unpadded spelling is a distinct non-canonical form.
    await db.prisma.$executeRawUnsafe(`SELECT setval(pg_get_serial_sequence('"Shop"', 'id'), 11)`);
    const s = await createShop(db.prisma, 'Mine', { primaryCategoryId: world.categories.beauty });
    shop = { id: s.id, gid: gid('Shop', s.id) };
    sellerKey = (await createKey(db.prisma, 'SELLER', { shopId: s.id })).key;
  });

  /** Spellings that once meant the same object (or reached the database as an overflowing integer). */
  const nonCanonical = (type: string, id: number) => [
    b64(`${type}:${id}.9`),
    b64(`${type}: ${id}`),
    b64(`${type}:${id} `),
    b64(`${type}:0${id}`),
    b64(`${type}:+${id}`),
    b64(`${type}:${id}e0`),
    b64(`${type}:1e309`),
    b64(`${type}:99999999999999999999`),
    b64(`${type}:2147483648`),
    b64(`${type}:${id}:x`),
    b64(`${type}:${id}`).replace(/=+$/, ''),
    'not base64!',
  ];

  it('accepts a global ID only as the API writes it: in node, nodes, typed roots, filters and nested arguments', async () => {
    expect(shop.gid.endsWith('=')).toBe(true);
    const ok = await gql(world.adminKey, `query($id: ID!) { node(id: $id) { id } shop(id: $id) { name } }`, {
      id: shop.gid,
    });
    expect(ok.data).toEqual({ node: { id: shop.gid }, shop: { name: 'Mine' } });
    for (const [i, id] of nonCanonical('Shop', shop.id).entries()) {
      const node = await gql(world.adminKey, `query($id: ID!) { node(id: $id) { id } }`, { id });
      expect(node.data, id).toEqual({ node: null });
      expect(refusal(node), id).toEqual([{ code: 'VALIDATION_FAILED', paths: [['id']] }]);
      const typed = await gql(world.adminKey, `query($id: ID!) { shop(id: $id) { name } }`, { id });
      expect(refusal(typed), id).toEqual([{ code: 'VALIDATION_FAILED', paths: [['id']] }]);
      const nodes = await gql(world.adminKey, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, {
        ids: [shop.gid, id],
      });
      expect(refusal(nodes), id).toEqual([{ code: 'VALIDATION_FAILED', paths: [['ids', '1']] }]);
      const filter = await gql(
        world.adminKey,
        `query($id: ID!) { listings(first: 1, filter: { categoryId: $id }) { edges { cursor } } }`,
        { id: nonCanonical('Category', world.categories.beauty)[i] },
      );
      expect(filter.errors?.[0]?.extensions?.code, id).toBe('VALIDATION_FAILED');
      const nested = await gql(
        world.adminKey,
        `query($shop: ID!, $ids: [ID!]) { shop(id: $shop) { categoryEligibility(categoryIds: $ids) { status } } }`,
        { shop: shop.gid, ids: [id] },
      );
      expect(refusal(nested), id).toEqual([{ code: 'VALIDATION_FAILED', paths: [['categoryIds', '0']] }]);
    }
    // An ID of another type where one type is expected.
    const wrongType = await gql(world.adminKey, `query($id: ID!) { shop(id: $id) { name } }`, {
      id: gid('Listing', shop.id),
    });
    expect(refusal(wrongType)).toEqual([{ code: 'VALIDATION_FAILED', paths: [['id']] }]);
  });

  it('refuses a non-canonical ID in a mutation input as its typed ValidationError, and changes nothing', async () => {
    const before = await db.prisma.auditRecord.count();
    for (const id of nonCanonical('Shop', shop.id)) {
      const res = await gql(
        world.adminKey,
        `mutation($id: ID!) { shopHealthRefresh(input: { shopId: $id }) { __typename ... on ValidationError { code fields { path } } } }`,
        { id },
      );
      expect(res.data!.shopHealthRefresh, id).toEqual({
        __typename: 'ValidationError',
        code: 'VALIDATION_FAILED',
        fields: [{ path: ['input', 'shopId'] }],
      });
    }
    expect(await db.prisma.auditRecord.count()).toBe(before);
  });

  it('accepts a cursor only as the list returned it', async () => {
    const page = await gql(world.adminKey, `{ shops(first: 1) { pageInfo { endCursor } } }`);
    const cursor = page.data!.shops.pageInfo.endCursor as string;
    expect(cursor.endsWith('=')).toBe(true);
    const next = await gql(
      world.adminKey,
      `query($after: String) { shops(first: 1, after: $after) { edges { cursor } } }`,
      {
        after: cursor,
      },
    );
    expect(next.errors).toBeUndefined();
    const value = Buffer.from(cursor, 'base64')
      .toString()
      .replace(/^GPC:N:/, '');
    for (const after of [
      b64(`GPC:N:${value}.5`),
      b64(`GPC:N:0${value}`),
      b64('GPC:N:1e309'),
      b64('GPC:N:99999999999999999999'),
      b64(`GPC:S:${value}`),
      b64('GPC:N:-1'),
      cursor.replace(/=+$/, ''),
      'garbage',
    ]) {
      const res = await gql(
        world.adminKey,
        `query($after: String) { shops(first: 1, after: $after) { edges { cursor } } }`,
        {
          after,
        },
      );
      expect(refusal(res), after).toEqual([{ code: 'VALIDATION_FAILED', paths: [['after']] }]);
    }
  });

  it('refuses text with a NUL character wherever it would be stored or searched, and stores nothing', async () => {
    const listings = await db.prisma.listing.count();
    const created = await gql(
      sellerKey,
      `mutation($input: ListingCreateInput!) { listingCreate(input: $input) { __typename ... on ValidationError { code fields { path } } } }`,
      {
        input: {
          shopId: shop.gid,
          categoryId: gid('Category', world.categories.skincare),
          title: 'Serum\u0000',
          description: 'ok',
          priceAmount: 1000,
          currency: 'USD',
          sites: ['GB'],
        },
      },
    );
    expect(created.data!.listingCreate).toEqual({
      __typename: 'ValidationError',
      code: 'VALIDATION_FAILED',
      fields: [{ path: ['input', 'title'] }],
    });
    expect(await db.prisma.listing.count()).toBe(listings);

    const keys = await db.prisma.apiKey.count();
    const key = await gql(
      world.adminKey,
      `mutation { apiKeyCreate(input: { name: "a\\u0000b", role: ADMIN, scopes: ["*", "x\\u0000"] }) { __typename ... on ValidationError { fields { path } } } }`,
    );
    expect(key.data!.apiKeyCreate).toEqual({
      __typename: 'ValidationError',
      fields: [{ path: ['input', 'name'] }, { path: ['input', 'scopes', '1'] }],
    });
    expect(await db.prisma.apiKey.count()).toBe(keys);

    const search = await gql(
      world.adminKey,
      `{ shops(first: 5, filter: { nameContains: "Mi\\u0000" }) { edges { cursor } } }`,
    );
    expect(refusal(search)).toEqual([{ code: 'VALIDATION_FAILED', paths: [['filter', 'nameContains']] }]);
  });

  it('keeps instants between 1970 and 2100: the sandbox clock cannot be set to year 9999', async () => {
    const CLOCK = `mutation($now: DateTime) { sandboxClockSet(input: { now: $now }) { __typename ... on ValidationError { code fields { path } } } }`;
    const before = await db.prisma.platformSettings.findUniqueOrThrow({ where: { id: 1 } });
    for (const now of ['9999-01-01T00:00:00.000Z', '2100-01-01T00:00:00.000Z', '1969-12-31T23:59:59.999Z']) {
      const res = await gql(world.adminKey, CLOCK, { now });
      expect(res.data!.sandboxClockSet, now).toEqual({
        __typename: 'ValidationError',
        code: 'VALIDATION_FAILED',
        fields: [{ path: ['input', 'now'] }],
      });
    }
    const after = await db.prisma.platformSettings.findUniqueOrThrow({ where: { id: 1 } });
    expect(after.sandboxNow).toEqual(before.sandboxNow);
    expect(after.updatedAt).toEqual(before.updatedAt);

    // The edges of the range are accepted, and the weekly report still answers afterwards.
    for (const now of ['2099-12-31T23:59:59.999Z', '1970-01-01T00:00:00.000Z'])
      expect((await gql(world.adminKey, CLOCK, { now })).data!.sandboxClockSet.__typename).toBe(
        'SandboxClockSetSuccess',
      );
    await gql(world.adminKey, CLOCK, { now: '2024-03-01T00:00:00.000Z' });
    const report = await gql(
      sellerKey,
      `query($id: ID!) { shop(id: $id) { healthReport(weekOf: "2024-02-19T00:00:00.000Z") { pointsAtEnd } } }`,
      { id: shop.gid },
    );
    expect(report.errors).toBeUndefined();
    await gql(world.adminKey, CLOCK, { now: null });

    // Any DateTime argument, not only the clock.
    const asOf = await gql(
      world.adminKey,
      `query($id: ID!) { shop(id: $id) { pointsBalance(asOf: "9999-12-31T00:00:00.000Z") } }`,
      { id: shop.gid },
    );
    expect(refusal(asOf)).toEqual([{ code: 'VALIDATION_FAILED', paths: [['asOf']] }]);
  });

  it('refuses lists over their maximum with LIMIT_EXCEEDED instead of truncating them', async () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => gid('Shop', i + 1));
    const nodes = await gql(world.adminKey, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: ids(5000) });
    expect(nodes.errors?.map((e) => e.extensions?.code)).toEqual(['LIMIT_EXCEEDED']);
    const hundred = await gql(world.adminKey, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: ids(100) });
    expect(hundred.data!.nodes).toHaveLength(100);

    const fees = await gql(
      world.adminKey,
      `query($codes: [String!]) { feeCategories(first: 5, codes: $codes) { edges { cursor } } }`,
      {
        codes: Array.from({ length: 5000 }, (_, i) => `FEE_${i}`),
      },
    );
    expect(fees.errors?.map((e) => e.extensions?.code)).toEqual(['LIMIT_EXCEEDED']);

    const quizKey = (await createKey(db.prisma, 'SELLER', { shopId: shop.id, scopes: ['quiz:write', 'health:read'] }))
      .key;
    const attempts = await db.prisma.quizAttempt.count();
    const quiz = await gql(
      quizKey,
      `mutation($input: QuizAttemptSubmitInput!) { quizAttemptSubmit(input: $input) { __typename ... on Error { code } } }`,
      { input: { shopId: shop.gid, quizId: gid('Quiz', 1), answers: Array.from({ length: 5000 }, () => 0) } },
    );
    expect(quiz.data!.quizAttemptSubmit).toEqual({ __typename: 'InvalidStateError', code: 'LIMIT_EXCEEDED' });
    expect(await db.prisma.quizAttempt.count()).toBe(attempts);
  });
});

import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql, type FetchResult } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { getMainDefinition } from '@apollo/client/utilities';
import { Client as UrqlClient, fetchExchange, subscriptionExchange } from '@urql/core';
import { persistedExchange } from '@urql/exchange-persisted';
import { print } from 'graphql';
import { GraphQLClient } from 'graphql-request';
import { createClient as createSseClient, type Client as SseClient } from 'graphql-sse';
import { Observable } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BulkFinishedDocument,
  ShopListDocument,
  createShopWardenClient,
  possibleTypes,
} from '../packages/sdk/src/index.ts';
import { CANCEL, RUN, jsonl } from './support/bulk-fixtures.ts';
import { gid } from './support/client.ts';
import { createKey, createShop } from './support/fixtures.ts';
import { CLOCK, createListingRows, sellerShop } from './support/listing-fixtures.ts';
import { useSuite } from './support/suite.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const SHOPS = /* GraphQL */ `
  query Shops($first: Int!, $filter: ShopFilter) {
    shops(first: $first, filter: $filter) {
      edges {
        node {
          id
          name
        }
      }
    }
  }
`;
const ONBOARD = /* GraphQL */ `
  mutation Onboard($input: ShopOnboardInput!) {
    shopOnboard(input: $input) {
      __typename
      ... on ShopOnboardSuccess {
        shop {
          id
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`;
const FINISHED = /* GraphQL */ `
  subscription Finished($id: ID) {
    bulkOperationFinished(id: $id) {
      id
      status
    }
  }
`;
const EMPTY_NAME = { input: { name: '', sites: ['GB'] } };

/** Every result a graphql-sse subscription pushes until it completes. */
async function collect(client: SseClient<boolean>, query: string, variables: Record<string, unknown>) {
  const results: { data?: any; errors?: readonly { message: string; extensions?: any }[] }[] = [];
  for await (const result of client.iterate({ query, variables })) results.push(result);
  return results;
}

describe('every common GraphQL client against the server', () => {
  const { db, world, app } = useSuite('pglite');
  let server: Server;
  let base: string;
  let url: string;
  /** A bulk operation that has already finished (canceled): a subscription with its id pushes it at once. */
  let finishedId: string;
  let shopCount: number;
  let trustedOnlyKey: string;
  const auth = () => ({ authorization: `Bearer ${world.adminKey}` });

  beforeAll(async () => {
    await app.gql(world.adminKey, CLOCK, { now: '2024-03-01T00:00:00Z' });
    const { shop } = await sellerShop(db.prisma, 'Clients Shop', { primaryCategoryId: world.categories.beauty });
    const ids = await createListingRows(db.prisma, shop.id, world.categories.skincare, 2, { status: 'PENDING_REVIEW' });
    const run = await app.gql(world.adminKey, RUN, {
      input: {
        mutation: 'LISTING_REVIEW',
        lines: jsonl(ids.map((id) => ({ listingId: gid('Listing', id), decision: 'APPROVE', expectedVersion: 0 }))),
      },
    });
    finishedId = run.data!.bulkOperationRun.bulkOperation.id;
    const canceled = await app.gql(world.adminKey, CANCEL, { input: { id: finishedId } });
    expect(canceled.errors).toBeUndefined();
    for (let i = 1; i <= 6; i++) await createShop(db.prisma, `Clients Shop ${i}`);
    shopCount = await db.prisma.shop.count();
    const restricted = await createKey(db.prisma, 'ADMIN');
    await db.prisma.apiKey.update({ where: { id: restricted.id }, data: { trustedDocumentsOnly: true } });
    trustedOnlyKey = restricted.key;
    server = createServer(app.yoga);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    url = `${base}/graphql`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });

  describe('Apollo Client (core)', () => {
    /** Subscriptions through graphql-sse (distinct connections on /graphql), the rest over HTTP. */
    function apollo(options: { possibleTypes?: Record<string, string[]>; persisted?: boolean; key?: string } = {}) {
      const headers = { authorization: `Bearer ${options.key ?? world.adminKey}` };
      const sse = createSseClient({ url, headers });
      const sseLink = new ApolloLink(
        (operation) =>
          new Observable<FetchResult>((observer) =>
            sse.subscribe(
              { query: print(operation.query), variables: operation.variables },
              {
                next: (value) => observer.next(value as FetchResult),
                error: (error) => observer.error(error),
                complete: () => observer.complete(),
              },
            ),
          ),
      );
      const http = new HttpLink({ uri: url, headers });
      const httpLink = options.persisted ? new PersistedQueryLink({ sha256 }).concat(http) : http;
      const isSubscription = ({ query }: { query: Parameters<typeof getMainDefinition>[0] }) => {
        const def = getMainDefinition(query);
        return def.kind === 'OperationDefinition' && def.operation === 'subscription';
      };
      return new ApolloClient({
        link: ApolloLink.split(isSubscription, sseLink, httpLink),
        cache: new InMemoryCache({ possibleTypes: options.possibleTypes }),
      });
    }

    it('a query with variables', async () => {
      const { data } = await apollo({ possibleTypes }).query({ query: gql(SHOPS), variables: { first: 2 } });
      expect((data as any).shops.edges).toHaveLength(2);
    });

    it("a mutation's error result keeps `... on Error` with the SDK's possibleTypes (and loses it without)", async () => {
      const withTypes = await apollo({ possibleTypes }).mutate({ mutation: gql(ONBOARD), variables: EMPTY_NAME });
      expect((withTypes.data as any).shopOnboard).toMatchObject({
        __typename: 'ValidationError',
        code: 'VALIDATION_FAILED',
        message: expect.any(String),
      });
      const without = await apollo().mutate({ mutation: gql(ONBOARD), variables: EMPTY_NAME });
      expect((without.data as any).shopOnboard.__typename).toBe('ValidationError');
      expect((without.data as any).shopOnboard.code).toBeUndefined();
    });

    it('automatic persisted queries: the hash alone, the text once when unknown, then the hash alone again', async () => {
      const bodies: string[] = [];
      const realFetch = globalThis.fetch;
      globalThis.fetch = async (input, init) => {
        if (String(input) === url && typeof init?.body === 'string') bodies.push(init.body);
        return realFetch(input, init);
      };
      try {
        const query = SHOPS.replace('query Shops', 'query ApqShops');
        const first = await apollo({ persisted: true }).query({ query: gql(query), variables: { first: 3 } });
        expect((first.data as any).shops.edges).toHaveLength(3);
        const second = await apollo({ persisted: true }).query({ query: gql(query), variables: { first: 3 } });
        expect((second.data as any).shops.edges).toHaveLength(3);
        const sent = bodies.map((b) => JSON.parse(b) as { query?: string; extensions?: any });
        expect(sent.map((b) => typeof b.query === 'string')).toEqual([false, true, false]);
        expect(new Set(sent.map((b) => b.extensions.persistedQuery.sha256Hash)).size).toBe(1);
      } finally {
        globalThis.fetch = realFetch;
      }
    });

    it('a subscription (bulkOperationFinished) through graphql-sse', async () => {
      const results: any[] = [];
      await new Promise<void>((resolve, reject) =>
        apollo()
          .subscribe({ query: gql(FINISHED), variables: { id: finishedId } })
          .subscribe({ next: (r) => results.push(r.data), error: reject, complete: resolve }),
      );
      expect(results).toEqual([
        { bulkOperationFinished: { __typename: 'BulkOperation', id: finishedId, status: 'CANCELED' } },
      ]);
    });
  });

  describe('urql', () => {
    const urql = (key?: string) => {
      const headers = { authorization: `Bearer ${key ?? world.adminKey}` };
      const sse = createSseClient({ url: `${base}/graphql/stream`, singleConnection: true, headers });
      return new UrqlClient({
        url,
        fetchOptions: { headers },
        exchanges: [
          fetchExchange,
          subscriptionExchange({
            forwardSubscription: (request) => ({
              subscribe: (sink) => ({ unsubscribe: sse.subscribe({ ...request, query: request.query ?? '' }, sink) }),
            }),
          }),
        ],
      });
    };

    it('a query with variables', async () => {
      const result = await urql().query(SHOPS, { first: 4 }).toPromise();
      expect(result.error).toBeUndefined();
      expect(result.data.shops.edges).toHaveLength(4);
    });

    it('a mutation returning an error result', async () => {
      const result = await urql().mutation(ONBOARD, EMPTY_NAME).toPromise();
      expect(result.data.shopOnboard).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION_FAILED' });
    });

    it('automatic persisted queries (persistedExchange): the hash, the text once, then the hash again', async () => {
      const bodies: string[] = [];
      const spy: typeof fetch = (input, init) => {
        if (typeof init?.body === 'string') bodies.push(init.body);
        return fetch(input, init);
      };
      const persisted = () =>
        new UrqlClient({
          url,
          fetch: spy,
          fetchOptions: { headers: auth() },
          exchanges: [
            persistedExchange({ generateHash: async (query) => sha256(query), preferGetForPersistedQueries: false }),
            fetchExchange,
          ],
        });
      const query = SHOPS.replace('query Shops', 'query UrqlApqShops');
      expect((await persisted().query(query, { first: 2 }).toPromise()).data.shops.edges).toHaveLength(2);
      expect((await persisted().query(query, { first: 2 }).toPromise()).data.shops.edges).toHaveLength(2);
      const sent = bodies.map((b) => JSON.parse(b) as { query?: string; extensions?: any });
      expect(sent.map((b) => typeof b.query === 'string')).toEqual([false, true, false]);
      expect(sent.every((b) => typeof b.extensions.persistedQuery.sha256Hash === 'string')).toBe(true);
    });

    it('a trusted-documents-only key refuses what urql sends (urql adds __typename, so its text is not registered)', async () => {
      const other = await urql(trustedOnlyKey).query(SHOPS, { first: 1 }).toPromise();
      expect(other.data).toBeUndefined();
      expect(other.error?.graphQLErrors[0]?.extensions.code).toBe('PERSISTED_QUERY_ONLY');
    });

    it('a subscription through graphql-sse in single-connection mode', async () => {
      const data = await new Promise<any>((resolve, reject) => {
        const { unsubscribe } = urql()
          .subscription(FINISHED, { id: finishedId })
          .subscribe((result) => {
            unsubscribe();
            if (result.error) reject(result.error);
            else resolve(result.data);
          });
      });
      expect(data.bulkOperationFinished).toMatchObject({ id: finishedId, status: 'CANCELED' });
    });
  });

  describe('graphql-request', () => {
    const client = (key?: string) =>
      new GraphQLClient(url, { headers: { authorization: `Bearer ${key ?? world.adminKey}` } });

    it('a query with variables', async () => {
      const data = await client().request<any>(SHOPS, { first: 5 });
      expect(data.shops.edges).toHaveLength(5);
    });

    it('a mutation returning an error result', async () => {
      const data = await client().request<any>(ONBOARD, EMPTY_NAME);
      expect(data.shopOnboard).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION_FAILED' });
    });

    it('a trusted document with a trusted-documents-only key; any other document is refused with 403', async () => {
      const data = await client(trustedOnlyKey).request<any>(String(ShopListDocument), { first: 2 });
      expect(data.shops.edges).toHaveLength(2);
      const refused = await client(trustedOnlyKey)
        .request(SHOPS, { first: 2 })
        .catch((error: { response?: { status: number; errors?: { extensions?: { code?: string } }[] } }) => error);
      expect((refused as any).response.status).toBe(403);
      expect((refused as any).response.errors[0].extensions.code).toBe('PERSISTED_QUERY_ONLY');
    });
  });

  describe.each([
    ['distinct connections', () => createSseClient({ url, headers: auth() })],
    [
      'single connection',
      () => createSseClient({ url: `${base}/graphql/stream`, singleConnection: true, headers: auth() }),
    ],
  ] as const)('graphql-sse (%s mode)', (_mode, make) => {
    it('a query with variables', async () => {
      const results = await collect(make(), SHOPS, { first: 3 });
      expect(results).toHaveLength(1);
      expect(results[0]!.data.shops.edges).toHaveLength(3);
    });

    it('a mutation returning an error result', async () => {
      const [result] = await collect(make(), ONBOARD, EMPTY_NAME);
      expect(result!.data.shopOnboard).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION_FAILED' });
    });

    it('a subscription: bulkOperationFinished pushes the finished operation, then completes', async () => {
      const results = await collect(make(), FINISHED, { id: finishedId });
      expect(results).toEqual([{ data: { bulkOperationFinished: { id: finishedId, status: 'CANCELED' } } }]);
    });

    it("the SDK's trusted subscription runs with a trusted-documents-only key; another document does not", async () => {
      const headers = { authorization: `Bearer ${trustedOnlyKey}` };
      const single = _mode === 'single connection';
      const client = single
        ? createSseClient({ url: `${base}/graphql/stream`, singleConnection: true, headers, retryAttempts: 0 })
        : createSseClient({ url, headers, retryAttempts: 0 });
      const results = await collect(client, String(BulkFinishedDocument), { id: finishedId });
      expect(results[0]!.data.bulkOperationFinished).toMatchObject({ id: finishedId, status: 'CANCELED' });
      await expect(collect(client, FINISHED, { id: finishedId })).rejects.toBeTruthy();
    });
  });

  describe('the SDK with persisted documents', () => {
    it('sends its operations by hash, which a trusted-documents-only key accepts', async () => {
      const bodies: string[] = [];
      const client = createShopWardenClient({
        url,
        apiKey: trustedOnlyKey,
        persistedDocuments: true,
        fetch: (u, init) => {
          bodies.push(init.body);
          return fetch(u, init);
        },
      });
      const page = await client.shops.list({ first: 50 });
      expect(page.edges.length).toBe(Math.min(50, shopCount));
      const sent = JSON.parse(bodies[0]!);
      expect(sent.query).toBeUndefined();
      expect(sent.extensions.persistedQuery.sha256Hash).toBe(sha256(String(ShopListDocument)));
      // Its own documents go as text, and this key refuses them.
      const custom = await client.request(SHOPS, { first: 1 });
      expect(custom.status).toBe(403);
      expect(custom.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ONLY');
    });
  });
});

import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  assertSuccess,
  createShopWardenClient,
  isError,
  isSuccess,
  ShopListDocument,
  type BusinessModel,
  type ClientResponse,
  type ErrorCode,
  type ListingStatus,
  type ResultOf,
  type ShopListQuery,
  type ShopOnboardMutation,
  type ShopWardenClient,
  type TypedDocumentString,
  type VariablesOf,
} from '../packages/sdk/src/index.ts';

type OnboardResult = ShopOnboardMutation['shopOnboard'];

/**
 * Compile-time checks. They never run (the function is not called): `tsc --noEmit` over this
 * file (the last test) proves them, including that each `@ts-expect-error` line really fails.
 */
function typeChecks(client: ShopWardenClient, result: OnboardResult) {
  // Enums are string-literal unions, not `string`.
  expectTypeOf<BusinessModel>().toEqualTypeOf<'CLOSED_LOOP' | 'SELF_OPERATED' | 'SEMI_CLOSED_LOOP'>();
  expectTypeOf<'VALIDATION_FAILED'>().toExtend<ErrorCode>();
  expectTypeOf<string>().not.toExtend<ErrorCode>();
  expectTypeOf<string>().not.toExtend<ListingStatus>();

  // Result unions narrow on __typename through the helpers.
  if (isSuccess(result)) {
    expectTypeOf(result.__typename).toEqualTypeOf<'ShopOnboardSuccess'>();
    expectTypeOf(result.shop.businessModel).toEqualTypeOf<BusinessModel>();
    expectTypeOf(result.secret).toEqualTypeOf<string | null>();
  }
  if (isError(result, 'VALIDATION_FAILED')) {
    expectTypeOf(result.__typename).toEqualTypeOf<'ValidationError'>();
    expectTypeOf(result.fields).toEqualTypeOf<{ path: string[]; message: string }[]>();
    expectTypeOf(result.code).toEqualTypeOf<'VALIDATION_FAILED'>();
  }
  if (isError(result, 'NOT_FOUND')) expectTypeOf(result.__typename).toEqualTypeOf<'NotFoundError'>();
  if (isError(result)) {
    expectTypeOf(result.code).toEqualTypeOf<ErrorCode>();
    // @ts-expect-error an error member has no shop
    void result.shop;
  }
  assertSuccess(result);
  expectTypeOf(result.shop.id).toEqualTypeOf<string>();

  // Grouped methods: typed variables and results.
  expectTypeOf(client.shops.get).parameter(0).toEqualTypeOf<{ id: string }>();
  expectTypeOf(client.shops.onboard).returns.resolves.toEqualTypeOf<OnboardResult>();
  expectTypeOf(client.shops.paginate).returns.toEqualTypeOf<
    AsyncGenerator<ShopListQuery['shops']['edges'][number]['node'], void, undefined>
  >();
  // @ts-expect-error a wrong variable type does not compile
  void client.shops.get({ id: 42 });
  // @ts-expect-error a required variable cannot be left out
  void client.shops.get();
  // @ts-expect-error an enum takes only its values
  void client.shops.list({ filter: { businessModel: 'DROPSHIPPING' } });
  // @ts-expect-error unknown variables are refused
  void client.shops.list({ firstt: 5 });
  void client.shops.list();

  // Raw requests are typed by a TypedDocumentString, untyped for a plain string.
  expectTypeOf<ResultOf<typeof ShopListDocument>>().toEqualTypeOf<ShopListQuery>();
  expectTypeOf<VariablesOf<typeof ShopListDocument>['first']>().toEqualTypeOf<number | null | undefined>();
  expectTypeOf(client.request(ShopListDocument, { first: 5 })).resolves.toEqualTypeOf<ClientResponse<ShopListQuery>>();
  expectTypeOf(client.request('{ viewer { role } }')).resolves.toEqualTypeOf<ClientResponse<Record<string, unknown>>>();
  // @ts-expect-error `first` is a number
  void client.request(ShopListDocument, { first: 'five' });
  const Custom = '' as TypedDocumentString<{ shop: { name: string } | null }, { id: string }>;
  // @ts-expect-error `id` is required
  void client.request(Custom);
  const Paged = '' as TypedDocumentString<
    {
      shop: {
        orders: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
      } | null;
    },
    { id: string; after?: string | null }
  >;
  expectTypeOf(client.paginate(Paged, { id: 'x' }, (d) => d.shop?.orders)).toEqualTypeOf<
    AsyncGenerator<{ id: string }, void, undefined>
  >();
  // @ts-expect-error the connection's variables are checked too
  void client.paginate(Paged, { id: 1 }, (d) => d.shop?.orders);
}

describe('SDK types', () => {
  it('type-checks (tsc --noEmit over this file and the SDK sources): narrowing works and wrong variables do not compile', () => {
    expect(typeof typeChecks).toBe('function');
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const file = fileURLToPath(import.meta.url);
    const options = [
      '--noEmit',
      '--strict',
      '--target',
      'ES2022',
      '--module',
      'ESNext',
      '--moduleResolution',
      'Bundler',
      '--lib',
      'ES2023,DOM',
      '--types',
      'node',
      '--skipLibCheck',
      '--allowImportingTsExtensions',
      '--isolatedModules',
      '--noUncheckedIndexedAccess',
    ];
    let output = '';
    try {
      execFileSync(process.execPath, [tsc, ...options, file], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output).toBe('');
  }, 120_000);

  it('the client is usable without any type annotations (inference end to end)', () => {
    const client = createShopWardenClient({
      url: 'http://localhost/graphql',
      apiKey: 'k',
      fetch: async () => ({
        status: 200,
        headers: { get: () => null },
        text: async () => '{"data":{"shops":{"edges":[],"pageInfo":{"hasNextPage":false,"endCursor":null}}}}',
      }),
    });
    return client.shops.list().then((page) => {
      expectTypeOf(page.pageInfo.hasNextPage).toEqualTypeOf<boolean>();
      expect(page.edges).toEqual([]);
    });
  });
});

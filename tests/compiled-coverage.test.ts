/**
 * The operations the compiled read path exists for must keep compiling: a Pothos upgrade, a new
 * field without a SQL form or a changed scope would otherwise send them silently through the
 * resolvers, with every other test green. Each is compiled as the caller who sends it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  Kind,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isNonNullType,
  isScalarType,
  parse,
  typeFromAST,
  type DocumentNode,
  type OperationDefinitionNode,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authenticateApiKey,
  compileRead,
  createContext,
  eventCatalogue,
  schema,
  webhookObjectSelection,
  type Viewer,
} from '@shopwarden/schema';
import { exampleTabs } from '../apps/api/src/graphiql-examples.ts';
import { API_QUERY as COMPUTED_FIELDS } from '../bench/scenarios/computed-fields.ts';
import { API_QUERY as GRAPHIQL_EXPLORE } from '../bench/scenarios/graphiql-explore.ts';
import { API_QUERY as LATEST_REVIEW } from '../bench/scenarios/latest-review.ts';
import {
  API_QUERY as PARTIAL_READ,
  API_QUERY_DEFERRED as PARTIAL_READ_DEFERRED,
  API_QUERY_WITHOUT as PARTIAL_READ_WITHOUT,
} from '../bench/scenarios/partial-read.ts';
import { API_QUERY as PARTNER_READ } from '../bench/scenarios/partner-read.ts';
import { API_QUERY as REVIEW_QUEUE } from '../bench/scenarios/review-queue.ts';
import { gid } from './support/client.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { createKey, createShop, createWorld } from './support/fixtures.ts';

/** GraphiQL tour operations that compile, by role (apps/api/src/graphiql-examples.ts); the others select a field without a SQL form. */
const GRAPHIQL_EXAMPLES: { role: Caller; name: string }[] = [
  { role: 'admin', name: 'AdminTour' },
  { role: 'seller', name: 'SellerTour' },
  { role: 'partner', name: 'PartnerTour' },
  { role: 'admin', name: 'TierStanding' },
  { role: 'admin', name: 'CategoryTree' },
  { role: 'admin', name: 'UpcomingEvents' },
];
const EVERYONE: Caller[] = ['admin', 'partner', 'seller'];
/** SDK read operations with a SQL form (packages/sdk/operations/*.graphql), and the callers who send them. */
const SDK_READS: [string, Caller[]][] = [
  ['AccessViewer', EVERYONE],
  ['PlatformClock', EVERYONE],
  ['PlatformSettings', EVERYONE],
  ['EventList', EVERYONE],
  ['WebhookList', ['admin']],
  ['AccessListApiKeys', EVERYONE],
  ['HealthListAppeals', EVERYONE],
  ['RevenueListTiers', EVERYONE],
  ['RevenueListTierRecalculationRuns', ['admin']],
  ['PlatformListCatalogueChanges', ['admin']],
  ['PlatformListInvitationCodes', ['admin']],
  ['ListingListRestrictedApprovals', EVERYONE],
  ['CategoryListExceptionRequests', EVERYONE],
  ['BulkList', EVERYONE],
  ['BulkGet', EVERYONE],
  ['CreatorList', ['admin', 'seller']],
  ['EventListRegistrations', ['admin']],
  ['HealthListPolicies', EVERYONE],
  ['CategoryList', EVERYONE],
  ['RevenueListFeeCategories', EVERYONE],
  ['QuizList', EVERYONE],
];
/**
 * Reads that must compile whole, no field left to its resolver: a listing's latest review with its
 * reasons (GraphiQL, the SDK's ListingFields), a shop's category selections with their JSON answers,
 * rows listed by an int[] column (events' categories, creators' niches, requests' categories, endpoints' shops),
 * a shop's partnerships and one partnership (null without `partnerships:read`), catalogue changes with their JSON.
 */
const WHOLE_GRAPHIQL: { role: Caller; name: string }[] = [
  { role: 'admin', name: 'ReviewQueue' },
  { role: 'seller', name: 'MyListings' },
];
const WHOLE_SDK_READS: [string, Caller[]][] = [
  ['ListingGet', EVERYONE],
  ['ListingList', EVERYONE],
  ['ShopListCategorySelections', EVERYONE],
  ['EventList', EVERYONE],
  ['CreatorList', ['admin', 'seller']],
  ['CategoryListExceptionRequests', EVERYONE],
  ['WebhookList', ['admin']],
  ['PartnershipListForShop', ['admin']],
  ['PartnershipGet', EVERYONE],
  ['PlatformListCatalogueChanges', ['admin']],
];

type Caller = 'admin' | 'partner' | 'seller';

const sdkDir = path.resolve(import.meta.dirname, '../packages/sdk/operations');
const sdkDocument = parse(
  readdirSync(sdkDir)
    .filter((f) => f.endsWith('.graphql'))
    .map((f) => readFileSync(path.join(sdkDir, f), 'utf8'))
    .join('\n'),
);

const REVIEW_QUEUE_AS_PARTNER = parse(REVIEW_QUEUE);

describe('operations that must compile', () => {
  let db: TestDatabase;
  const viewers = {} as Record<Caller, Viewer>;
  const ids = { shop: '', listing: '' };

  beforeAll(async () => {
    db = await createTestDatabase('pglite');
    const world = await createWorld(db.prisma);
    const shop = await createShop(db.prisma, 'Compiled shop');
    const listing = await db.prisma.listing.create({
      data: { shopId: shop.id, categoryId: world.categories.skincare, title: 'One', priceAmount: 100, currency: 'USD' },
    });
    ids.shop = gid('Shop', shop.id);
    ids.listing = gid('Listing', listing.id);
    const account = await db.prisma.account.create({ data: { name: 'Partner', kind: 'PARTNER' } });
    const scopes = ['shops:read', 'listings:read', 'health:read'];
    await db.prisma.shopAccessGrant.create({ data: { shopId: shop.id, accountId: account.id, scopes } });
    const keys: Record<Caller, string> = {
      admin: world.adminKey,
      partner: (await createKey(db.prisma, 'PARTNER', { accountId: account.id, scopes })).key,
      seller: (await createKey(db.prisma, 'SELLER', { shopId: shop.id })).key,
    };
    for (const caller of Object.keys(keys) as Caller[]) {
      const { viewer } = await authenticateApiKey(db.prisma, `Bearer ${keys[caller]}`);
      viewers[caller] = viewer!;
    }
  });
  afterAll(async () => db?.drop());

  /** Values for an operation's variables that coerce: this shop's and listing's IDs, small scalars. */
  function variablesFor(operation: OperationDefinitionNode): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    for (const def of operation.variableDefinitions ?? []) {
      if (def.defaultValue) continue;
      const type = typeFromAST(schema, def.type as never);
      if (!type || !isNonNullType(type)) continue;
      const named = getNamedType(type);
      const name = def.variable.name.value.toLowerCase();
      const root = operation.selectionSet.selections.find((s) => s.kind === Kind.FIELD);
      const listing =
        name.includes('listing') || (name === 'id' && root?.kind === Kind.FIELD && root.name.value === 'listing');
      const bulk = root?.kind === Kind.FIELD && root.name.value === 'bulkOperation';
      if (isScalarType(named) && named.name === 'ID')
        values[def.variable.name.value] = bulk ? gid('BulkOperation', 1) : listing ? ids.listing : ids.shop;
      else if (isScalarType(named))
        values[def.variable.name.value] = named.name === 'Int' ? 5 : named.name === 'Boolean' ? false : 'x';
      else if (isEnumType(named)) values[def.variable.name.value] = named.getValues()[0]!.name;
      else if (isInputObjectType(named)) values[def.variable.name.value] = {};
    }
    return values;
  }

  async function compile(document: DocumentNode, operationName: string | null, caller: Caller) {
    const operation = document.definitions.find(
      (d): d is OperationDefinitionNode =>
        d.kind === Kind.OPERATION_DEFINITION && (operationName === null || d.name?.value === operationName),
    );
    if (!operation) throw new Error(`no operation ${operationName}`);
    return compileRead({
      schema,
      document,
      operationName,
      variableValues: variablesFor(operation),
      context: createContext({ prisma: db.prisma, viewer: viewers[caller], requestId: 'test', production: false }),
    });
  }

  /** Why the operation runs wholly through the resolvers; null when it compiles, wholly or partly. */
  async function fallback(document: DocumentNode, operationName: string | null, caller: Caller) {
    const result = await compile(document, operationName, caller);
    return result.ok ? null : result.reason;
  }

  it('the benchmark reads: partner read, review queue, GraphiQL explore, computed fields', async () => {
    expect(await fallback(parse(PARTNER_READ), 'PartnerRead', 'partner')).toBeNull();
    expect(await fallback(parse(COMPUTED_FIELDS), 'ShopComputed', 'admin')).toBeNull();
    expect(await fallback(parse(REVIEW_QUEUE), 'ReviewQueue', 'admin')).toBeNull();
    expect(await fallback(parse(GRAPHIQL_EXPLORE), null, 'admin')).toBeNull();
  });

  it('the GraphiQL examples and SDK reads that have SQL forms', async () => {
    for (const { role, name } of GRAPHIQL_EXAMPLES) {
      const tab = exampleTabs.find((t) => t.role === role)!;
      expect(await fallback(parse(tab.operations), name, role), `${role}: ${name}`).toBeNull();
    }
    for (const [name, callers] of SDK_READS)
      for (const caller of callers) expect(await fallback(sdkDocument, name, caller), `${caller}: ${name}`).toBeNull();
  });

  it("the latest-review read compiles whole: each listing's latest review in the one statement", async () => {
    const result = await compile(parse(LATEST_REVIEW), 'LatestReview', 'admin');
    expect(result.ok && !result.read.partial).toBe(true);
    const whole = await compile(parse(PARTNER_READ), 'PartnerRead', 'partner');
    expect(whole.ok && whole.read.partial).toBe(false);
  });

  it('the latest review with its reasons and reviewer, and JSON columns, compile whole', async () => {
    const whole = async (document: DocumentNode, name: string | null, caller: Caller) => {
      const result = await compile(document, name, caller);
      return result.ok ? (result.read.partial ? 'partial' : 'whole') : result.reason;
    };
    for (const { role, name } of WHOLE_GRAPHIQL) {
      const tab = exampleTabs.find((t) => t.role === role)!;
      expect(await whole(parse(tab.operations), name, role), `${role}: ${name}`).toBe('whole');
    }
    for (const [name, callers] of WHOLE_SDK_READS)
      for (const caller of callers) expect(await whole(sdkDocument, name, caller), `${caller}: ${name}`).toBe('whole');
    // The webhook payload of a listing event: its selection, as the renderer reads it through `nodes(ids:)`.
    const type = Object.keys(eventCatalogue).find((t) => eventCatalogue[t]?.subject === 'Listing')!;
    const webhook = parse(
      `query WebhookObjects($listingIds: [ID!]!) { nodes(ids: $listingIds) { ... on Listing { ${webhookObjectSelection(type)} } } }`,
    );
    for (const caller of EVERYONE) expect(await whole(webhook, 'WebhookObjects', caller), caller).toBe('whole');
    const review = parse(
      `query Review($id: ID!) { listing(id: $id) { latestReview { reviewer { id name role prefix shop { id } account { id name } } } } }`,
    );
    for (const caller of EVERYONE) expect(await whole(review, 'Review', caller), caller).toBe('whole');
  });

  it('an operation with a field without a SQL form compiles all but that field, which the resolvers answer', async () => {
    const document = parse(
      `query Partial($id: ID!) { shop(id: $id) { id categoryEligibility { status } listings(first: 10) { edges { node { id } } } } }`,
    );
    const result = await compile(document, 'Partial', 'admin');
    expect(result.ok && result.read.partial).toBe(true);
  });

  it('a row-only leaf (reviewerRole) is answered in place, once per place in the document, not deferred', async () => {
    const document = parse(
      `query InPlace($id: ID!) { shop(id: $id) { id listings(first: 10) { edges { node { id latestReview { reviewerRole again: reviewerRole } } } } } }`,
    );
    const result = await compile(document, 'InPlace', 'admin');
    expect(result.ok && result.read.partial).toBe(false);
    expect(result.ok && result.read.inPlace.map((f) => f.info.fieldName)).toEqual(['reviewerRole', 'reviewerRole']);
    expect(result.ok && result.read.resolverReads).toBe(false);
  });

  it("the benchmark's reads: reviewerRole in place, categoryEligibility partial, without them whole", async () => {
    const inPlace = await compile(parse(PARTIAL_READ), 'PartialRead', 'admin');
    expect(inPlace.ok && !inPlace.read.partial && inPlace.read.inPlace.length).toBe(1);
    const partial = await compile(parse(PARTIAL_READ_DEFERRED), 'PartialRead', 'admin');
    expect(partial.ok && partial.read.partial).toBe(true);
    const whole = await compile(parse(PARTIAL_READ_WITHOUT), 'PartialRead', 'admin');
    expect(whole.ok && !whole.read.partial && whole.read.inPlace.length).toBe(0);
  });

  it("a category's effectiveRestriction compiles: the read is whole, not partial, for every caller", async () => {
    const document = parse(
      `query Restriction($id: ID!) { shop(id: $id) { id listings(first: 10) { edges { node { id category { effectiveRestriction parent { effectiveRestriction } } } } } } }`,
    );
    for (const caller of EVERYONE) {
      const result = await compile(document, 'Restriction', caller);
      expect(result.ok && result.read.partial, caller).toBe(false);
      expect(result.ok && result.read.dependencies, caller).toContainEqual(
        expect.objectContaining({ model: 'Category', scope: 'all' }),
      );
    }
  });

  it('reports why an operation falls back', async () => {
    const document = parse(`query Jobs { platformJobs { name } }`);
    expect(await fallback(document, 'Jobs', 'admin')).toBe('root field platformJobs');
    const scoped = parse(
      `query V { shops(first: 1) { edges { node { violations(first: 1) { edges { node { id } } } } } } }`,
    );
    expect(await fallback(scoped, 'V', 'seller')).toBeNull();
    expect(await fallback(REVIEW_QUEUE_AS_PARTNER, 'ReviewQueue', 'partner')).toMatch(/^not allowed/);
  });
});

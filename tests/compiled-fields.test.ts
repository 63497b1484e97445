/**
 * Fields whose SQL forms rebuild a value the resolvers compute in JavaScript: a review's reasons
 * (asIssues over a JSON column, old and odd rows included), its reviewer (within the caller's
 * reach), and JSON columns (as JavaScript serialises what Prisma parsed from the jsonb:
 * key order, numbers, escapes). The compiled answer must be the resolvers' byte for byte, in one
 * statement, for every caller; a caller without the read scope gets the resolvers' error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { eventCatalogue, webhookObjectSelection } from '@shopwarden/schema';
import { createKey, createShop, createWorld, type World } from './support/fixtures.ts';
import { createCreator } from './support/health-fixtures.ts';
import { comparableErrors, gid } from './support/client.ts';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';
import { differential, type Caller as DiffCaller, type Differential, type ReadPath } from './support/differential.ts';

/** Reasons as old and odd rows hold them: not arrays, elements without a string code, extra keys, awkward text. */
const REASONS = [
  '[]',
  '{}',
  'null',
  '"not a list"',
  '42',
  '[{"code": "SHOP_NOT_ACTIVE", "message": "The shop is not active."}]',
  '[{"message": "no code"}, {"code": 1, "message": "numeric code"}, null, [], "s", 7, {"code": "NO_MESSAGE"}, {"code": "NUMBER_MESSAGE", "message": 7}, {"code": "NULL_MESSAGE", "message": null, "extra": {"x": [1.0]}}, {"message": "last", "code": "ORDERED"}]',
  '[{"code": "Ünïcødé — 日本語 🧴 \\" \\\\ \\n \\u0001 <b>&amp;</b>", "message": "Line\\nbreak\\ttab \' %_wild_%"}, {"code": "", "message": ""}]',
];

/** JSON whose JavaScript form differs from jsonb's text: integer-like keys, key lengths, numbers, escapes. */
const JSONS: (string | null)[] = [
  null,
  'null',
  '{"b": 1, "10": 2, "2": 3, "aa": {"z": [1.0, 1e20, 1e21, 1.5e-7, 0.000001, -0.0, 123456789012345678, 0.1, 1e-5, -3.25e-9, 1e400, 5e-324]}, "": "", "4294967294": true, "4294967295": false, "01": "x", "-1": "\\n\\u0001\\"é🧴 \\\\ \\u2028"}',
  '[]',
  '{}',
  '"just a string"',
  '3.0',
  'true',
  '[1, [2, [3, [4, {"k": {"0": null, "x": [{}]}}]]]]',
  '{"q1": "yes", "q10": ["a", "b"], "q2": {"nested": {"deeper": 1.50}}, "questionnaire": "v1"}',
  '{"__proto__": {"x": 1}, "constructor": 1, "toString": "s"}',
  '{"window": {"from": "2024-01-01", "to": "2024-03-31"}, "categories": [{"categoryId": 12, "sales": "1234500", "orderCount": 17}]}',
];

interface Caller {
  name: string;
  key: string;
  /** Its read scopes: without one a read needs, the resolvers answer it, and refuse. */
  listings: boolean;
  shops: boolean;
}

/** The raw text of a response's `data` member: compared byte for byte, since parsing would reorder integer keys. */
function rawData(text: string): string | undefined {
  let i = 1;
  const skipString = () => {
    for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
    i++;
  };
  const skipValue = () => {
    if (text[i] === '"') return skipString();
    if (text[i] !== '{' && text[i] !== '[') {
      while (i < text.length && !',}]'.includes(text[i]!)) i++;
      return;
    }
    let depth = 0;
    do {
      const c = text[i];
      if (c === '"') {
        skipString();
        continue;
      }
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') depth--;
      i++;
    } while (depth > 0);
  };
  while (text[i] === '"') {
    const key = i;
    skipString();
    const name = text.slice(key, i++);
    const value = i;
    skipValue();
    if (name === '"data"') return text.slice(value, i);
    if (text[i] === ',') i++;
  }
  return undefined;
}

/** One SDK operation with the fragments it spreads (the SDK's documents, as they are sent). */
function sdkOperation(source: string, name: string): string {
  const blocks = source.split(/\n(?=(?:query|mutation|subscription|fragment|#) )/);
  const operation = blocks.find((b) => b.startsWith(`query ${name}(`) || b.startsWith(`query ${name} `))!;
  const fragments = blocks.filter((b) => b.startsWith('fragment ') && operation.includes(`...${b.split(' ')[1]}`));
  return [operation, ...fragments].join('\n');
}

describe.each(testTargets())('compiled review and JSON fields on %s', (target) => {
  let db: TestDatabase;
  let world: World;
  const callers: Caller[] = [];
  const shops: number[] = [];
  const listings: number[] = [];
  let diff: Differential;

  beforeAll(async () => {
    db = await createTestDatabase(target);
    world = await createWorld(db.prisma);
    for (const name of ['Seller shop', 'Other shop', 'Nobody shop']) shops.push((await createShop(db.prisma, name)).id);
    const [own, other] = shops as [number, number, number];
    const agency = await db.prisma.account.create({ data: { name: 'Agency', kind: 'AGENCY' } });
    const partner = await db.prisma.account.create({ data: { name: 'Partner "app"', kind: 'PARTNER' } });
    const scopes = ['shops:read', 'listings:read'];
    for (const [accountId, granted] of [
      [agency.id, [own]],
      [partner.id, [own, other]],
    ] as const)
      for (const shopId of granted) await db.prisma.shopAccessGrant.create({ data: { shopId, accountId, scopes } });
    const admin = await db.prisma.apiKey.findFirstOrThrow({ where: { role: 'ADMIN' } });
    const seller = await createKey(db.prisma, 'SELLER', { shopId: own });
    const otherSeller = await createKey(db.prisma, 'SELLER', { shopId: other });
    const agencyKey = await createKey(db.prisma, 'AGENCY', { accountId: agency.id });
    const partnerKey = await createKey(db.prisma, 'PARTNER', { accountId: partner.id, scopes });
    callers.push(
      { name: 'admin', key: world.adminKey, listings: true, shops: true },
      { name: 'seller', key: seller.key, listings: true, shops: true },
      { name: 'agency', key: agencyKey.key, listings: true, shops: true },
      { name: 'partner', key: partnerKey.key, listings: true, shops: true },
      {
        name: 'partner without listings:read',
        key: (await createKey(db.prisma, 'PARTNER', { accountId: partner.id, scopes: ['shops:read'] })).key,
        listings: false,
        shops: true,
      },
      {
        name: 'partner without shops:read',
        key: (await createKey(db.prisma, 'PARTNER', { accountId: partner.id, scopes: ['listings:read'] })).key,
        listings: true,
        shops: false,
      },
    );
    // Reviewers in and out of each caller's reach, none, and a key that no longer exists.
    const reviewers = [admin.id, seller.id, otherSeller.id, agencyKey.id, partnerKey.id, null, 2_000_000_000];
    let n = 0;
    for (const shopId of shops) {
      for (let l = 0; l < 6; l++) {
        const listing = await db.prisma.listing.create({
          // No sites: Prisma leaves the list NULL, and reads it as [].
          data: {
            shopId,
            categoryId: world.categories.skincare,
            title: `Listing ${l}`,
            priceAmount: 100 * l,
            currency: 'USD',
            status: l === 0 ? 'DRAFT' : 'REJECTED',
          },
        });
        listings.push(listing.id);
        for (let r = 0; r < (l === 0 ? 0 : 1 + (l % 2)); r++, n++) {
          const review = await db.prisma.listingReview.create({
            data: {
              listingId: listing.id,
              decision: 'REJECTED',
              automatic: n % 2 === 0,
              fromStatus: 'PENDING_REVIEW',
              toStatus: 'REJECTED',
              listingVersion: r + 1,
              reviewerApiKeyId: reviewers[n % reviewers.length]!,
            },
          });
          // Raw jsonb, as old rows hold it (Prisma would write what JavaScript can express).
          await db.prisma.$executeRawUnsafe(
            'UPDATE "ListingReview" SET "reasons" = $1::jsonb WHERE "id" = $2',
            REASONS[n % REASONS.length]!,
            review.id,
          );
        }
      }
      for (const [i, answers] of JSONS.entries()) {
        const selection = await db.prisma.primaryCategorySelection.create({
          data: {
            shopId,
            categoryId: world.categories.beauty,
            previousCategoryId: i % 2 ? world.categories.fashion : null,
            source: (['SELECTED', 'AUTO_ASSIGNED', 'ADMIN_CHANGED'] as const)[i % 3]!,
            reason: i % 3 === 2 ? 'Changed "by hand"' : null,
          },
        });
        await db.prisma.$executeRawUnsafe(
          'UPDATE "PrimaryCategorySelection" SET "answers" = $1::jsonb, "figures" = $2::jsonb WHERE "id" = $3',
          answers,
          JSONS[(i + 3) % JSONS.length],
          selection.id,
        );
      }
    }
    // Catalogue changes: `changes` is a non-null column (no SQL NULL), `previous` a nullable one; no JSON null in `changes` yet.
    for (const [i, changes] of JSONS.entries()) {
      if (changes === null || changes === 'null') continue;
      const change = await db.prisma.catalogueChange.create({
        data: { entity: 'TIER', entityId: i + 1, changes: {}, effectiveFrom: new Date('2024-01-01T00:00:00Z') },
      });
      await db.prisma.$executeRawUnsafe(
        'UPDATE "CatalogueChange" SET "changes" = $1::jsonb, "previous" = $2::jsonb WHERE "id" = $3',
        changes,
        JSONS[(i + 5) % JSONS.length],
        change.id,
      );
    }
    diff = differential(db);
  });
  afterAll(async () => db?.drop());

  const compiledReads = async () =>
    (await diff.apps.compiled.metrics.reads.get()).values.find((v) => v.labels.path === 'compiled')?.value ?? 0;

  /** Both paths answer `query` alike, byte for byte; compiled (`compiles`) in one statement and the key lookup. */
  async function expectSame(caller: Caller, compiles: boolean, query: string, variables?: Record<string, unknown>) {
    const before = await compiledReads();
    const a = await diff.post('compiled', caller.key, query, variables);
    const compiled = (await compiledReads()) > before;
    const b = await diff.post('resolvers', caller.key, query, variables);
    const what = `${caller.name}: ${query.slice(0, 120)} ${JSON.stringify(variables ?? {})}`;
    expect(rawData(a.text), what).toBeDefined();
    expect(rawData(a.text), what).toBe(rawData(b.text));
    expect({ status: a.status, errors: comparableErrors(a.data, a.errors) }, what).toEqual({
      status: b.status,
      errors: comparableErrors(b.data, b.errors),
    });
    expect(compiled, what).toBe(compiles);
    if (compiled) expect(a.statements, what).toBe(2);
    return a;
  }

  const sdk = readFileSync(path.resolve(import.meta.dirname, '../packages/sdk/operations/listings.graphql'), 'utf8');
  const sdkShops = readFileSync(path.resolve(import.meta.dirname, '../packages/sdk/operations/shops.graphql'), 'utf8');

  const REVIEW = `id decision automatic note listingVersion createdAt reasons { code message __typename }
    reviewer { __typename id name prefix role scopes createdAt shop { id name } account { id name kind } }`;

  it("reads a review's reasons as the resolvers do, old and odd rows included, in the one statement", async () => {
    // What each needs besides listings:read: shops:read for a shop (the reviewer's, or the root).
    const both = (c: Caller) => c.listings && c.shops;
    const listingsOnly = (c: Caller) => c.listings;
    const operations: [string, (c: Caller) => boolean, Record<string, unknown>?][] = [
      [`{ listings(first: 100) { edges { node { id latestReview { ${REVIEW} } } } } }`, both],
      [
        `{ listings(first: 30) { edges { node { id reviews(first: 3) { edges { node { reasons { code message } } } } } } } }`,
        listingsOnly,
      ],
      [
        `query($id: ID!) { shop(id: $id) { id listings(first: 10) { edges { node { id reviews(first: 5) { edges { node { ${REVIEW} } } } latestReview { reasons { message } r: reasons { code } } } } } } }`,
        both,
        { id: gid('Shop', shops[0]!) },
      ],
      [
        `query($id: ID!) { listing(id: $id) { latestReview { ${REVIEW} } } }`,
        both,
        { id: gid('Listing', listings[2]!) },
      ],
    ];
    for (const [query, compiles, variables] of operations)
      for (const caller of callers) await expectSame(caller, compiles(caller), query, variables);
    // Every shape of row above was read: the awkward text, a dropped element, an empty message.
    const latest = (await diff.post('compiled', callers[0]!.key, operations[0]![0])).text;
    const every = (await diff.post('compiled', callers[0]!.key, operations[1]![0])).text;
    for (const seen of ['"reviewer":null', '"role":"AGENCY"', '"role":"ADMIN"']) expect(latest).toContain(seen);
    for (const seen of [
      '"code":"ORDERED","message":"last"',
      '"code":"NUMBER_MESSAGE","message":""',
      '🧴',
      '"reasons":[]',
    ])
      expect(every).toContain(seen);
  });

  it("reads the reviewer only within the caller's reach, null outside it, as the resolvers do", async () => {
    const query = `{ listings(first: 30) { edges { node { latestReview { reviewer { id role } } reviews(first: 3) { edges { node { reviewer { prefix } } } } } } } }`;
    const seen = new Map<string, number>();
    for (const caller of callers) {
      const { data } = await expectSame(caller, caller.listings, query);
      if (!data) continue;
      const reviewers = (
        data as { listings: { edges: { node: { latestReview: { reviewer: unknown } | null } }[] } }
      ).listings.edges.filter((e) => e.node.latestReview?.reviewer).length;
      seen.set(caller.name, reviewers);
    }
    // The administrator sees every key that exists; the others fewer, but some.
    expect(seen.get('admin')).toBeGreaterThan(seen.get('seller')!);
    expect(seen.get('seller')).toBeGreaterThan(0);
    expect(seen.get('partner')).toBeGreaterThan(0);
  });

  it('renders the SDK ListingFields and the webhook selection of a listing in one statement', async () => {
    for (const caller of callers) {
      const both = caller.listings && caller.shops;
      await expectSame(caller, both, sdkOperation(sdk, 'ListingList'), { first: 50 });
      await expectSame(caller, both, sdkOperation(sdk, 'ListingGet'), { id: gid('Listing', listings[3]!) });
    }
    const type = Object.keys(eventCatalogue).find((t) => eventCatalogue[t]?.subject === 'Listing')!;
    const webhook = `query WebhookObjects($ids: [ID!]!) { nodes(ids: $ids) { ... on Listing { ${webhookObjectSelection(type)} } } }`;
    const ids = listings.map((id) => gid('Listing', id));
    // `nodes` answers null for an ID of a type the key may not read: no error, and compiled.
    for (const caller of callers) await expectSame(caller, true, webhook, { ids });
  });

  it('serialises JSON columns as the resolvers do, byte for byte: key order, numbers, escapes', async () => {
    const selections = sdkOperation(sdkShops, 'ShopListCategorySelections');
    for (const caller of callers)
      for (const shopId of shops)
        await expectSame(caller, caller.shops, selections, { id: gid('Shop', shopId), first: 50 });
    const { text } = await diff.post('compiled', callers[0]!.key, selections, {
      id: gid('Shop', shops[0]!),
      first: 50,
    });
    // The shapes that differ from jsonb's own text were read.
    for (const seen of [
      '{"2":3,"10":2,"4294967294":true,"":"","b":1',
      '100000000000000000000,1e+21,1.5e-7',
      '"answers":null',
    ])
      expect(text).toContain(seen);
    const aliased = `query($id: ID!) { shop(id: $id) { categorySelections(first: 50) { edges { node { a: answers answers f: figures } } } } }`;
    for (const caller of callers) await expectSame(caller, caller.shops, aliased, { id: gid('Shop', shops[1]!) });
  });
  it("serialises a catalogue change's JSON as the resolvers do; a JSON null in `changes` is their error to answer", async () => {
    const changes = sdkOperation(
      readFileSync(path.resolve(import.meta.dirname, '../packages/sdk/operations/platform.graphql'), 'utf8'),
      'PlatformListCatalogueChanges',
    );
    // Administrators only: the others get the resolvers' error.
    for (const caller of callers) await expectSame(caller, caller.name === 'admin', changes, { first: 50 });
    const { text } = await diff.post('compiled', callers[0]!.key, changes, { first: 50 });
    for (const seen of ['"changes":{"2":3,"10":2,"4294967294":true', '"previous":null', '"changes":"just a string"'])
      expect(text).toContain(seen);
    // A JSON null in the non-null `changes`: the statement stops and the resolvers answer (their error).
    const odd = await db.prisma.catalogueChange.create({
      data: { entity: 'QUIZ', entityId: 1, changes: {}, effectiveFrom: new Date('2024-01-01T00:00:00Z') },
    });
    await db.prisma.$executeRawUnsafe(`UPDATE "CatalogueChange" SET "changes" = 'null'::jsonb WHERE "id" = $1`, odd.id);
    try {
      const a = await expectSame(callers[0]!, false, changes, { first: 50 });
      expect(a.errors).toBeDefined();
      await expectSame(callers[0]!, true, changes, { first: 50, entity: 'TIER' });
    } finally {
      await db.prisma.catalogueChange.delete({ where: { id: odd.id } });
    }
    await expectSame(callers[0]!, true, changes, { first: 50 });
  });
});

describe.each(testTargets())('compiled partnership reads on %s', (target) => {
  let db: TestDatabase;
  let diff: Differential;
  const shops: number[] = [];
  const creators: number[] = [];
  const partnerships: number[] = [];
  /**
   * Each caller, and the path its reads take: no partnerships:read is the resolvers' refusal; a
   * partner without creators:read leaves `Partnership.creator` to its resolver, and the creators root.
   */
  const callers: (DiffCaller & { path: ReadPath; creators?: false })[] = [];
  const sdk = readFileSync(
    path.resolve(import.meta.dirname, '../packages/sdk/operations/partnerships.graphql'),
    'utf8',
  );
  const PAGE = `pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`;
  const FIELDS = sdk.slice(sdk.indexOf('fragment PartnershipFields on Partnership {') + 43, sdk.indexOf('\n}\n'));

  beforeAll(async () => {
    db = await createTestDatabase(target);
    const world = await createWorld(db.prisma);
    const cats = world.categories;
    for (const name of ['Seller shop', 'Agency shop', 'Nobody "shop"'])
      shops.push((await createShop(db.prisma, name)).id);
    const listings = new Map<number, number[]>();
    for (const shopId of shops) {
      const ids: number[] = [];
      for (let l = 0; l < 2; l++)
        ids.push(
          (
            await db.prisma.listing.create({
              data: {
                shopId,
                categoryId: cats.skincare,
                title: `Listing ${l} of ${shopId}`,
                priceAmount: 100,
                currency: 'USD',
              },
            })
          ).id,
        );
      listings.set(shopId, ids);
    }
    for (const handle of ['glow_a', 'tech_b', 'home_c', 'nobody_d'])
      creators.push((await createCreator(db.prisma, { handle })).id);
    const agency = await db.prisma.account.create({ data: { name: 'Agency', kind: 'AGENCY' } });
    const partner = await db.prisma.account.create({ data: { name: 'Partner', kind: 'PARTNER' } });
    const other = await db.prisma.account.create({ data: { name: 'Other partner', kind: 'PARTNER' } });
    const grantScopes = ['shops:read', 'listings:read', 'partnerships:read'];
    await db.prisma.shopAccessGrant.create({ data: { shopId: shops[1]!, accountId: agency.id, scopes: grantScopes } });
    await db.prisma.shopAccessGrant.create({ data: { shopId: shops[0]!, accountId: partner.id, scopes: grantScopes } });
    for (const [accountId, creatorId] of [
      [partner.id, creators[0]!],
      [partner.id, creators[1]!],
      [other.id, creators[2]!],
    ] as const)
      await db.prisma.creatorRepresentation.create({ data: { accountId, creatorId } });
    const read = ['shops:read', 'listings:read', 'creators:read', 'partnerships:read'];
    const key = async (role: 'SELLER' | 'AGENCY' | 'PARTNER', opts: Parameters<typeof createKey>[2]) =>
      (await createKey(db.prisma, role, opts)).key;
    callers.push(
      { name: 'admin', key: world.adminKey, path: 'compiled' },
      { name: 'seller', key: await key('SELLER', { shopId: shops[0]!, scopes: read }), path: 'compiled' },
      { name: 'agency', key: await key('AGENCY', { accountId: agency.id, scopes: read }), path: 'compiled' },
      { name: 'partner', key: await key('PARTNER', { accountId: partner.id, scopes: read }), path: 'compiled' },
      {
        name: 'partner, second key',
        key: await key('PARTNER', { accountId: partner.id, scopes: read }),
        path: 'compiled',
      },
      { name: 'other partner', key: await key('PARTNER', { accountId: other.id, scopes: read }), path: 'compiled' },
      {
        name: 'seller without partnerships:read',
        key: await key('SELLER', { shopId: shops[0]! }),
        path: 'resolvers',
      },
      {
        name: 'partner without partnerships:read',
        key: await key('PARTNER', { accountId: partner.id, scopes: ['shops:read', 'listings:read', 'creators:read'] }),
        path: 'resolvers',
      },
      {
        name: 'partner without creators:read',
        key: await key('PARTNER', {
          accountId: partner.id,
          scopes: ['shops:read', 'listings:read', 'partnerships:read'],
        }),
        path: 'partial',
        creators: false,
      },
    );
    // Every status, a proposal expiring on either side of the clocks below, scopes in and out of the shop.
    const statuses = ['PROPOSED', 'PROPOSED', 'ACTIVE', 'DECLINED', 'EXPIRED', 'ENDED', 'PROPOSED'] as const;
    let n = 0;
    for (let round = 0; round < 2; round++)
      for (const shopId of shops)
        for (const creatorId of creators) {
          const status = statuses[n % statuses.length]!;
          const own = listings.get(shopId)!;
          const foreign = listings.get(shops[(shops.indexOf(shopId) + 1) % shops.length]!)!;
          const partnership = await db.prisma.partnership.create({
            data: {
              shopId,
              creatorId,
              status,
              commissionRateBps: [1250, 333, 1, 8000, 1001, 10_000][n % 6]!,
              scopeListingIds: [[], [own[1]!, own[0]!], [own[0]!, foreign[0]!, 2_000_000_000]][n % 3]!,
              scopeCategoryIds: n % 2 ? [cats.skincare, cats.beauty] : [],
              message: [null, 'Let\'s "work" together — 🧴', ''][n % 3],
              expiresAt:
                status === 'PROPOSED'
                  ? [new Date('2024-06-10T00:00:00Z'), null, new Date('2024-08-01T00:00:00Z')][n % 3]
                  : null,
              startsAt: n % 4 ? new Date('2024-05-01T00:00:00Z') : null,
              respondedAt: status === 'PROPOSED' ? null : new Date('2024-05-02T10:00:00.123Z'),
              startedAt: status === 'ACTIVE' || status === 'ENDED' ? new Date('2024-05-02T10:00:00Z') : null,
              endedAt: status === 'ENDED' ? new Date('2024-05-20T00:00:00Z') : null,
              closedBy: status === 'ENDED' ? 'SHOP' : status === 'EXPIRED' ? 'PLATFORM' : null,
              closeReason: status === 'DECLINED' ? 'Not "now"' : null,
              version: n % 3,
            },
          });
          partnerships.push(partnership.id);
          n++;
        }
    diff = differential(db);
  });
  afterAll(async () => db?.drop());

  /** Sets the sandbox clock, frozen at `now`. */
  async function setClock(now: string) {
    const data = { sandboxNow: new Date(now), sandboxSetAt: null, sandboxFrozen: true };
    await db.prisma.platformSettings.upsert({ where: { id: 1 }, create: { id: 1, ...data }, update: data });
  }

  /** Both paths answer alike; the caller's reads take its path, a compiled one in one statement and the key lookup. */
  async function expectSame(
    caller: (typeof callers)[number],
    query: string,
    variables?: Record<string, unknown>,
    path: ReadPath = caller.path,
  ) {
    const { path: taken, statements, data } = await diff.same(caller, query, variables);
    const what = `${caller.name}: ${query.slice(0, 80)} ${JSON.stringify(variables ?? {})}`;
    expect(taken, what).toBe(path);
    if (taken === 'compiled') expect(statements, what).toBe(2);
    return data;
  }

  const ids = (data: unknown) => JSON.stringify(data).match(/"id":"[^"]+"/g) ?? [];

  const STATUSES = [null, 'PROPOSED', 'ACTIVE', 'DECLINED', 'EXPIRED', 'ENDED'];

  it('PartnershipListForShop: every caller, shop and status, by the clock when the statement runs', async () => {
    const list = sdkOperation(sdk, 'PartnershipListForShop');
    const seen = new Set<string>();
    for (const [i, clock] of ['2024-06-15T00:00:00Z', '2024-06-01T00:00:00Z'].entries()) {
      await setClock(clock);
      for (const caller of callers)
        for (const shopId of shops)
          for (const status of caller.name === 'admin' ? STATUSES : [[null], ['EXPIRED']][i]!) {
            const data = await expectSame(caller, list, { shopId: gid('Shop', shopId), status, first: 20 });
            if (caller.name === 'admin') seen.add(`${status}:${ids(data).length}`);
          }
    }
    // The clock moved proposals between PROPOSED and EXPIRED.
    expect(seen.size).toBeGreaterThan(6);
    await setClock('2024-06-15T00:00:00Z');
    const admin = await diff.post('compiled', callers[0]!.key, list, { shopId: gid('Shop', shops[0]!) });
    for (const value of [
      '"scopeListings":[]',
      '"title":"Listing 1',
      '"status":"EXPIRED"',
      '"commissionRate":3.33',
      '🧴',
    ])
      expect(admin.text).toContain(value);
  });

  it("pages a shop's partnerships forwards and back, and answers bad page arguments as the resolvers do", async () => {
    await setClock('2024-06-15T00:00:00Z');
    const forward = `query($id: ID!, $first: Int, $after: String) { shop(id: $id) { partnerships(first: $first, after: $after) { edges { cursor node { id status } } ${PAGE} } } }`;
    const backward = `query($id: ID!, $last: Int, $before: String) { shop(id: $id) { partnerships(last: $last, before: $before) { edges { cursor node { id } } ${PAGE} } } }`;
    for (const caller of callers.slice(0, 4)) {
      const id = gid('Shop', shops[caller.name === 'agency' ? 1 : 0]!);
      let after: string | null = null;
      let pages = 0;
      for (;;) {
        const data = (await expectSame(caller, forward, { id, first: 3, after })) as {
          shop: { partnerships: { pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
        };
        const info = data.shop.partnerships.pageInfo;
        pages++;
        if (!info.hasNextPage || pages > 10) break;
        after = info.endCursor;
      }
      expect(pages, caller.name).toBe(3);
      let before: string | null = null;
      for (let page = 0; page < 3; page++) {
        const data = (await expectSame(caller, backward, { id, last: 3, before })) as {
          shop: { partnerships: { pageInfo: { startCursor: string | null } } };
        };
        before = data.shop.partnerships.pageInfo.startCursor;
      }
      const edgesOnly = `query($id: ID!, $last: Int) { shop(id: $id) { partnerships(last: $last) { edges { node { id } } } } }`;
      await expectSame(caller, edgesOnly, { id, last: 2 });
    }
    const admin = callers[0]!;
    const id = gid('Shop', shops[0]!);
    for (const args of ['first: 0', 'first: 101', 'last: 101', 'first: 1, last: 1', 'after: "nope"', 'first: -1'])
      await diff.same(
        admin,
        `query($id: ID!) { shop(id: $id) { partnerships(${args}) { edges { node { id } } ${PAGE} } } }`,
        { id },
      );
  });

  it("Creator.partnerships: the creator's partnerships each caller reaches, with their shops in reach or not", async () => {
    await setClock('2024-06-15T00:00:00Z');
    const query = `query($status: PartnershipStatus, $first: Int) { creators(first: 4) { edges { node { id handle partnerships(status: $status, first: $first) { edges { cursor node { ${FIELDS} } } ${PAGE} } } } } }`;
    const seen = new Map<string, string[]>();
    for (const caller of callers)
      for (const variables of [{ first: 8 }, { status: 'PROPOSED', first: 2 }, { status: 'EXPIRED', first: 8 }]) {
        const data = await expectSame(caller, query, variables, caller.creators === false ? 'resolvers' : caller.path);
        if (!('status' in variables)) seen.set(caller.name, ids(data));
      }
    // A partner sees only its own creators' partnerships; two keys of one account, the same ones.
    expect(seen.get('partner, second key')).toEqual(seen.get('partner'));
    expect(seen.get('other partner')).not.toEqual(seen.get('partner'));
    expect(seen.get('other partner')).toContain(`"id":"${gid('Creator', creators[2]!)}"`);
    expect(seen.get('other partner')).not.toContain(`"id":"${gid('Creator', creators[0]!)}"`);
    expect(seen.get('partner')!.length).toBeGreaterThan(seen.get('other partner')!.length);
    // The second key has the first's caller shape: it runs the first's plan, compiling nothing.
    const compiledPlans = async () =>
      (await diff.apps.compiled.metrics.plans.get()).values.find((v) => v.labels.result === 'compiled')?.value ?? 0;
    const plans = await compiledPlans();
    await diff.post('compiled', callers[4]!.key, query, { first: 8 });
    expect(await compiledPlans()).toBe(plans);
    // The other partner reaches no shop: each partnership's shop is null, its name still shown.
    const other = await diff.post('compiled', callers[5]!.key, query, { first: 8 });
    expect(other.errors).toBeUndefined();
    expect(other.text).toContain('"shop":null');
    expect(other.text).toContain('"shopName":"Nobody \\"shop\\""');
  });

  it('PartnershipGet: node(id:) of partnerships in and out of reach, in one statement', async () => {
    await setClock('2024-06-15T00:00:00Z');
    const get = sdkOperation(sdk, 'PartnershipGet');
    // A key without partnerships:read gets null for each, as from the resolvers.
    for (const caller of callers)
      for (const id of [0, 1, 4, 6, 9, 11].map((i) => partnerships[i]!)) {
        const { path: taken, statements } = await diff.same(caller, get, { id: gid('Partnership', id) });
        expect(taken, caller.name).toBe(caller.creators === false ? 'partial' : 'compiled');
        if (taken === 'compiled') expect(statements).toBe(2);
      }
  });
});

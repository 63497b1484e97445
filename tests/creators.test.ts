import { beforeAll, describe, expect, it } from 'vitest';
import { createKey, createShop } from './support/fixtures.ts';
import { dbId, gid } from './support/client.ts';
import { useSuite } from './support/suite.ts';
import { testTargets } from './support/database.ts';
import { createPolicy } from './support/health-fixtures.ts';

const ERR = /* GraphQL */ `... on Error { code message } ... on ValidationError { fields { path message } }`;

const CREATE = /* GraphQL */ `
  mutation Create($input: CreatorCreateInput!) {
    creatorCreate(input: $input) {
      __typename
      ... on CreatorCreateSuccess { creator { id handle regions followerCount engagementRate engagementRateBps niches { id } } }
      ${ERR}
    }
  }`;

const UPDATE = /* GraphQL */ `
  mutation Update($input: CreatorUpdateInput!) {
    creatorUpdate(input: $input) {
      __typename
      ... on CreatorUpdateSuccess { creator { id handle displayName followerCount } }
      ${ERR}
    }
  }`;

const ADD_CONTENT = /* GraphQL */ `
  mutation Add($input: ContentItemAddInput!) {
    contentItemAdd(input: $input) {
      __typename
      ... on ContentItemAddSuccess { contentItem { id kind title shopName shop { id } creator { handle } } }
      ${ERR}
    }
  }`;

const REPRESENT = /* GraphQL */ `
  mutation Represent($input: CreatorRepresentationInput!) {
    creatorRepresentationGrant(input: $input) {
      __typename
      ... on CreatorRepresentationGrantSuccess { representation { revokedAt creator { handle } account { name } } }
      ${ERR}
    }
  }`;

const UNREPRESENT = /* GraphQL */ `
  mutation Unrepresent($input: CreatorRepresentationInput!) {
    creatorRepresentationRevoke(input: $input) {
      __typename
      ... on CreatorRepresentationRevokeSuccess { representation { revokedAt } }
      ${ERR}
    }
  }`;

const RECORD = /* GraphQL */ `
  mutation Record($input: ViolationRecordInput!) {
    violationRecord(input: $input) { __typename ... on ViolationRecordSuccess { violation { id } } ${ERR} }
  }`;

const COMPLIANCE = /* GraphQL */ `
  query Compliance($id: ID!) {
    node(id: $id) {
      ... on Creator {
        compliance {
          points
          violationCount
          standing
          lastViolationAt
          windowStart
          windowEnd
          byPolicy {
            policy {
              code
            }
            count
            points
          }
          bySource {
            source
            count
            points
          }
        }
      }
    }
  }
`;

const NODES = /* GraphQL */ `
  query Nodes($ids: [ID!]!) {
    nodes(ids: $ids) {
      id
    }
  }
`;
const LIST = /* GraphQL */ `
  query List {
    creators(first: 100) {
      edges {
        node {
          id
          handle
        }
      }
    }
  }
`;
const CLOCK = /* GraphQL */ `
  mutation Clock($now: DateTime) {
    sandboxClockSet(input: { now: $now }) {
      __typename
    }
  }
`;
const SETTINGS = /* GraphQL */ `
  mutation Settings($input: CreatorSettingsUpdateInput!) {
    creatorSettingsUpdate(input: $input) { __typename ${ERR} }
  }`;

describe.each(testTargets())('creators, content and compliance (SPEC §7) on %s', (target) => {
  const { db, world, gql } = useSuite(target);
  let partner: { key: string; accountId: number };
  let otherPartner: { key: string; accountId: number };
  let readOnlyPartner: string;

  beforeAll(async () => {
    const scopes = ['creators:read', 'creators:write', 'partnerships:read', 'partnerships:write', 'shops:read'];
    const a = await db.prisma.account.create({ data: { name: 'Matchlight', kind: 'PARTNER' } });
    const b = await db.prisma.account.create({ data: { name: 'Other Match', kind: 'PARTNER' } });
    partner = { key: (await createKey(db.prisma, 'PARTNER', { accountId: a.id, scopes })).key, accountId: a.id };
    otherPartner = { key: (await createKey(db.prisma, 'PARTNER', { accountId: b.id, scopes })).key, accountId: b.id };
    readOnlyPartner = (await createKey(db.prisma, 'PARTNER', { accountId: a.id, scopes: ['creators:read'] })).key;
  });

  const profile = (handle: string, extra: Record<string, unknown> = {}) => ({
    handle,
    displayName: `Creator ${handle}`,
    regions: ['GB', 'US'],
    nicheCategoryIds: [gid('Category', world.categories.beauty)],
    followerCount: 250_000,
    engagementRate: 4.25,
    ...extra,
  });

  async function create(key: string, handle: string, extra: Record<string, unknown> = {}) {
    const res = await gql(key, CREATE, { input: profile(handle, extra) });
    expect(res.errors).toBeUndefined();
    return res.data!.creatorCreate;
  }

  it('creates a creator for an administrator, with the engagement rate in percent and basis points', async () => {
    const result = await create(world.adminKey, '@Glow.With_Ana');
    expect(result).toMatchObject({
      __typename: 'CreatorCreateSuccess',
      creator: { handle: 'glow.with_ana', regions: ['GB', 'US'], followerCount: 250_000, engagementRate: 4.25 },
    });
    expect(result.creator.engagementRateBps).toBe(425);
    expect(await db.prisma.outboxEvent.count({ where: { type: 'creator.created' } })).toBe(1);
  });

  it('refuses bad input with every field path, and a taken handle with CONFLICT, changing nothing', async () => {
    const before = await db.prisma.creator.count();
    const bad = await create(world.adminKey, 'x', {
      displayName: ' ',
      regions: [],
      nicheCategoryIds: [gid('Category', world.categories.skincare), gid('Category', world.categories.weapons)],
      followerCount: -1,
      engagementRate: 4.255,
    });
    expect(bad.__typename).toBe('ValidationError');
    expect(bad.fields.map((f: { path: string[] }) => f.path.join('.')).sort()).toEqual([
      'input.displayName',
      'input.engagementRate',
      'input.followerCount',
      'input.handle',
      'input.nicheCategoryIds.0',
      'input.nicheCategoryIds.1',
      'input.regions',
    ]);
    await create(world.adminKey, 'taken_handle');
    const taken = await create(world.adminKey, 'Taken_Handle');
    expect(taken).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT' });
    expect(await db.prisma.creator.count()).toBe(before + 1);
  });

  it('lets a partner app with creators:write create a creator it then represents, and no one else’s', async () => {
    const mine = await create(partner.key, 'partner_made');
    expect(mine.__typename).toBe('CreatorCreateSuccess');
    const theirs = await create(otherPartner.key, 'other_made');
    const adminMade = await create(world.adminKey, 'admin_made');
    const handles = async (key: string) =>
      (await gql(key, LIST)).data!.creators.edges.map((e: { node: { handle: string } }) => e.node.handle);
    expect(await handles(partner.key)).toEqual(['partner_made']);
    expect(await handles(otherPartner.key)).toEqual(['other_made']);
    const ids = [mine.creator.id, theirs.creator.id, adminMade.creator.id];
    expect((await gql(partner.key, NODES, { ids })).data!.nodes).toEqual([{ id: mine.creator.id }, null, null]);
    // Out of reach is the same as missing: NOT_FOUND, not FORBIDDEN.
    const foreign = await gql(partner.key, UPDATE, { input: { creatorId: theirs.creator.id, followerCount: 1 } });
    expect(foreign.data!.creatorUpdate.code).toBe('NOT_FOUND');
    const own = await gql(partner.key, UPDATE, {
      input: { creatorId: mine.creator.id, followerCount: 300_001, displayName: 'Renamed' },
    });
    expect(own.data!.creatorUpdate).toMatchObject({ creator: { followerCount: 300_001, displayName: 'Renamed' } });
    // A read-only key of the same app reads but does not write.
    const readOnly = await gql(readOnlyPartner, UPDATE, { input: { creatorId: mine.creator.id, followerCount: 2 } });
    expect(readOnly.data!.creatorUpdate.code).toBe('FORBIDDEN');
    expect((await create(readOnlyPartner, 'ro_made')).code).toBe('FORBIDDEN');
  });

  it('issues partner keys that write for represented creators, and nothing else', async () => {
    const KEY = `mutation($input: ApiKeyCreateInput!) { apiKeyCreate(input: $input) { __typename ${ERR} } }`;
    const issue = (scopes: string[]) =>
      gql(world.adminKey, KEY, {
        input: { name: 'match', role: 'PARTNER', accountId: gid('Account', partner.accountId), scopes },
      });
    expect(
      (await issue(['creators:write', 'partnerships:write', 'partnerships:read'])).data!.apiKeyCreate.__typename,
    ).toBe('ApiKeyCreateSuccess');
    expect((await issue(['listings:write'])).data!.apiKeyCreate.fields[0].path).toEqual(['input', 'scopes']);
  });

  it('keeps sellers and agencies from writing creators', async () => {
    const shop = await createShop(db.prisma, 'Writer Shop');
    const seller = await createKey(db.prisma, 'SELLER', {
      shopId: shop.id,
      scopes: ['shops:read', 'shops:write', 'creators:read', 'creators:write'],
    });
    expect((await create(seller.key, 'seller_made')).code).toBe('FORBIDDEN');
    const target = await create(world.adminKey, 'seller_target');
    const res = await gql(seller.key, UPDATE, { input: { creatorId: target.creator.id, followerCount: 1 } });
    expect(res.data!.creatorUpdate.code).toBe('FORBIDDEN');
  });

  it('grants and revokes representation (administrators only); a revoked partner no longer reaches the creator', async () => {
    const creator = await create(world.adminKey, 'represented_later');
    const input = { creatorId: creator.creator.id, accountId: gid('Account', otherPartner.accountId) };
    expect((await gql(partner.key, REPRESENT, { input })).data!.creatorRepresentationGrant.code).toBe('FORBIDDEN');
    const granted = await gql(world.adminKey, REPRESENT, { input });
    expect(granted.data!.creatorRepresentationGrant).toMatchObject({
      representation: { revokedAt: null, creator: { handle: 'represented_later' }, account: { name: 'Other Match' } },
    });
    expect((await gql(otherPartner.key, NODES, { ids: [creator.creator.id] })).data!.nodes).toEqual([
      { id: creator.creator.id },
    ]);
    const revoked = await gql(world.adminKey, UNREPRESENT, { input });
    expect(revoked.data!.creatorRepresentationRevoke.representation.revokedAt).not.toBeNull();
    expect((await gql(otherPartner.key, NODES, { ids: [creator.creator.id] })).data!.nodes).toEqual([null]);
    const agency = await db.prisma.account.create({ data: { name: 'An agency', kind: 'AGENCY' } });
    const wrongKind = await gql(world.adminKey, REPRESENT, {
      input: { creatorId: creator.creator.id, accountId: gid('Account', agency.id) },
    });
    expect(wrongKind.data!.creatorRepresentationGrant.fields[0].path).toEqual(['input', 'accountId']);
  });

  it('adds content a violation can point at; a partner sees its content but not a shop outside its reach', async () => {
    const shop = await createShop(db.prisma, 'Content Shop', { primaryCategoryId: world.categories.beauty });
    const creator = await create(partner.key, 'content_maker');
    const input = {
      creatorId: creator.creator.id,
      shopId: gid('Shop', shop.id),
      kind: 'LIVE_SESSION',
      title: 'Live: spring skincare',
      url: 'https://live.example.com/s/1',
      publishedAt: '2024-03-01T18:00:00.000Z',
    };
    // The partner neither reaches the shop nor has a partnership with it: the shop does not exist for it.
    expect((await gql(partner.key, ADD_CONTENT, { input })).data!.contentItemAdd.code).toBe('NOT_FOUND');
    const bad = await gql(world.adminKey, ADD_CONTENT, {
      input: { ...input, title: '', url: 'javascript:alert(1)', publishedAt: '2099-01-01T00:00:00.000Z' },
    });
    expect(bad.data!.contentItemAdd.fields.map((f: { path: string[] }) => f.path.at(-1)).sort()).toEqual([
      'publishedAt',
      'title',
      'url',
    ]);
    const added = await gql(world.adminKey, ADD_CONTENT, { input });
    expect(added.data!.contentItemAdd).toMatchObject({
      __typename: 'ContentItemAddSuccess',
      contentItem: { kind: 'LIVE_SESSION', shopName: 'Content Shop', shop: { id: gid('Shop', shop.id) } },
    });
    const itemId = added.data!.contentItemAdd.contentItem.id;
    const policy = await createPolicy(db.prisma, { points: 4 });
    const recorded = await gql(world.adminKey, RECORD, {
      input: {
        shopId: gid('Shop', shop.id),
        policyId: gid('Policy', policy.id),
        source: 'LIVE_SESSION',
        contentItemId: itemId,
        occurredAt: '2024-03-01T18:30:00.000Z',
      },
    });
    expect(recorded.data!.violationRecord.__typename).toBe('ViolationRecordSuccess');
    const seen = await gql(
      partner.key,
      `query($id: ID!) { node(id: $id) { ... on ContentItem { title shop { id } shopName } } }`,
      {
        id: itemId,
      },
    );
    expect(seen.data!.node).toEqual({ title: 'Live: spring skincare', shop: null, shopName: 'Content Shop' });
    expect((await gql(otherPartner.key, NODES, { ids: [itemId] })).data!.nodes).toEqual([null]);
  });

  it('derives the compliance record from the violations on the content: window, removal, standing thresholds', async () => {
    await gql(world.adminKey, CLOCK, { now: '2024-06-01T00:00:00.000Z' });
    const shop = await createShop(db.prisma, 'Compliance Shop');
    const creator = await create(world.adminKey, 'compliance_case');
    const creatorId = dbId(creator.creator.id);
    const item = await db.prisma.contentItem.create({
      data: { creatorId, shopId: shop.id, kind: 'VIDEO', title: 'Haul', publishedAt: new Date('2024-01-01T00:00:00Z') },
    });
    const policyA = await createPolicy(db.prisma, { code: `CMP_A_${target}`, points: 4 });
    const policyB = await createPolicy(db.prisma, { code: `CMP_B_${target}`, points: 2 });
    const violation = (policyId: number, occurredAt: string, points: number) =>
      gql(world.adminKey, RECORD, {
        input: {
          shopId: gid('Shop', shop.id),
          policyId: gid('Policy', policyId),
          source: 'VIDEO',
          contentItemId: gid('ContentItem', item.id),
          occurredAt,
          points,
        },
      });
    const read = async () => (await gql(world.adminKey, COMPLIANCE, { id: creator.creator.id })).data!.node.compliance;
    expect(await read()).toMatchObject({ points: 0, violationCount: 0, standing: 'GOOD', lastViolationAt: null });

    await violation(policyA.id, '2024-02-15T00:00:00.000Z', 6); // outside the 90-day window (after 2024-03-03)
    await violation(policyA.id, '2024-05-01T00:00:00.000Z', 4);
    const removed = (await violation(policyB.id, '2024-05-20T00:00:00.000Z', 9)).data!.violationRecord.violation.id;
    await violation(policyB.id, '2024-05-10T00:00:00.000Z', 2);
    let record = await read();
    expect(record).toMatchObject({
      points: 15,
      violationCount: 3,
      standing: 'POOR',
      lastViolationAt: '2024-05-20T00:00:00.000Z',
      windowStart: '2024-03-03T00:00:00.000Z',
      windowEnd: '2024-06-01T00:00:00.000Z',
      bySource: [{ source: 'VIDEO', count: 3, points: 15 }],
    });
    expect(record.byPolicy).toEqual([
      { policy: { code: `CMP_B_${target}` }, count: 2, points: 11 },
      { policy: { code: `CMP_A_${target}` }, count: 1, points: 4 },
    ]);

    // A removed violation (a granted appeal) stops counting at once: nothing is stored to go stale.
    await db.prisma.violation.update({ where: { id: dbId(removed) }, data: { status: 'REMOVED' } });
    record = await read();
    expect(record).toMatchObject({
      points: 6,
      violationCount: 2,
      standing: 'WATCH',
      lastViolationAt: '2024-05-10T00:00:00.000Z',
    });

    // The thresholds are settings.
    expect(
      (await gql(world.adminKey, SETTINGS, { input: { creatorWatchThreshold: 7 } })).data!.creatorSettingsUpdate
        .__typename,
    ).toBe('CreatorSettingsUpdateSuccess');
    expect((await read()).standing).toBe('GOOD');
    const refused = await gql(world.adminKey, SETTINGS, { input: { creatorWatchThreshold: 50 } });
    expect(refused.data!.creatorSettingsUpdate.fields[0].path).toEqual(['input', 'creatorWatchThreshold']);
    await gql(world.adminKey, SETTINGS, { input: { creatorWatchThreshold: 5 } });

    // Later, the window moves past them.
    await gql(world.adminKey, CLOCK, { now: '2024-09-01T00:00:00.000Z' });
    expect(await read()).toMatchObject({ points: 0, standing: 'GOOD', lastViolationAt: '2024-05-10T00:00:00.000Z' });
    await gql(world.adminKey, CLOCK, { now: null });
  });

  it('loads the compliance of a page of creators in one statement', async () => {
    const { countQueries } = await import('./support/client.ts');
    const { queries } = await countQueries(db, () =>
      gql(world.adminKey, `{ creators(first: 50) { edges { node { handle compliance { points standing } } } } }`),
    );
    expect(queries.filter((q) => q.includes('"Violation"'))).toHaveLength(1);
  });
});

/**
 * Root fields of the catalogue and of a caller's own records answered in one statement: the
 * compiled answer equals the resolvers' (data and errors) for every kind of caller, page by page,
 * with each root's filters, and the statement count is one plus the key lookup.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gid } from './support/client.ts';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';
import { differential, type Caller, type Differential } from './support/differential.ts';
import { createKey, createShop, createWorld, type World } from './support/fixtures.ts';
import { createPolicy, createQuiz } from './support/health-fixtures.ts';
import { createFeeCategories } from './support/revenue-fixtures.ts';

const PAGE = `pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`;

describe.each(testTargets())('compiled root fields on %s', (target) => {
  let db: TestDatabase;
  let world: World;
  let diff: Differential;
  const callers: Record<'admin' | 'seller' | 'agency' | 'partner' | 'bare', Caller> = {} as never;
  const shopIds: number[] = [];
  const policyIds: number[] = [];

  beforeAll(async () => {
    db = await createTestDatabase(target);
    world = await createWorld(db.prisma);
    for (let i = 0; i < 5; i++)
      policyIds.push(
        (await createPolicy(db.prisma, { code: `P_${i}`, title: i === 1 ? 'Quote " and \\ backslash' : `Policy ${i}` }))
          .id,
      );
    await db.prisma.policy.update({ where: { id: policyIds[3]! }, data: { active: false } });
    for (const [i, policyId] of [policyIds[0]!, policyIds[0]!, policyIds[2]!, policyIds[4]!].entries()) {
      const quiz = await createQuiz(db.prisma, policyId, `Quiz ${i}`);
      if (i === 1) await db.prisma.quiz.update({ where: { id: quiz.id }, data: { active: false } });
    }
    await createFeeCategories(db.prisma);
    for (let s = 0; s < 3; s++) shopIds.push((await createShop(db.prisma, `Shop ${s}`)).id);
    const agency = await db.prisma.account.create({ data: { name: 'Agency', kind: 'AGENCY' } });
    const partner = await db.prisma.account.create({ data: { name: 'Partner', kind: 'PARTNER' } });
    for (const [accountId, shopId] of [
      [agency.id, shopIds[1]!],
      [partner.id, shopIds[0]!],
      [partner.id, shopIds[2]!],
    ] as const)
      await db.prisma.shopAccessGrant.create({
        data: { shopId, accountId, scopes: ['shops:read', 'listings:read', 'health:read'] },
      });
    callers.admin = { name: 'admin', key: world.adminKey };
    callers.seller = { name: 'seller', key: (await createKey(db.prisma, 'SELLER', { shopId: shopIds[0]! })).key };
    callers.agency = { name: 'agency', key: (await createKey(db.prisma, 'AGENCY', { accountId: agency.id })).key };
    callers.partner = {
      name: 'partner',
      key: (
        await createKey(db.prisma, 'PARTNER', {
          accountId: partner.id,
          scopes: ['shops:read', 'listings:read', 'health:read', 'webhooks:read'],
        })
      ).key,
    };
    callers.bare = {
      name: 'partner without scopes',
      key: (await createKey(db.prisma, 'PARTNER', { accountId: partner.id, scopes: [] })).key,
    };
    diff = differential(db);
  });
  afterAll(async () => db?.drop());

  const all = () => Object.values(callers);

  /** Every caller agrees with the resolvers; the ones in `compiled` take the one-statement path. */
  async function agree(query: string, variables: Record<string, unknown> | undefined, compiled: string[]) {
    for (const caller of all()) {
      const { path } = await diff.same(caller, query, variables);
      if (compiled.includes(caller.name)) expect(path, `${caller.name}: ${query}`).toBe('compiled');
    }
  }

  /** Walks a connection forwards by `size` and back from its end, every page on both paths. */
  async function walk(caller: Caller, root: string, args: string, node: string, size = 2) {
    const forward = `query($first: Int, $after: String) { ${root}(first: $first, after: $after${args}) { edges { cursor node { ${node} } } ${PAGE} } }`;
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const { path, data } = await diff.same(caller, forward, { first: size, after });
      expect(path).toBe('compiled');
      const info = (data as Record<string, { pageInfo: { hasNextPage: boolean; endCursor: string | null } }>)[root]!
        .pageInfo;
      pages++;
      if (!info.hasNextPage || pages > 20) break;
      after = info.endCursor;
    }
    const backward = `query($last: Int, $before: String) { ${root}(last: $last, before: $before${args}) { edges { cursor node { ${node} } } ${PAGE} } }`;
    expect((await diff.same(caller, backward, { last: size, before: after })).path).toBe('compiled');
    return pages;
  }

  it('policies: the catalogue by id or one code, with its active quizzes', async () => {
    const node = `__typename id code title description defaultPoints educationUrl active quizzes { id title active policy { code } }`;
    await agree(`{ policies { edges { cursor node { ${node} } } ${PAGE} } }`, undefined, ['admin', 'seller', 'bare']);
    await agree(`query($code: String) { policies(code: $code) { edges { node { id code } } } }`, { code: 'P_2' }, [
      'partner',
    ]);
    await agree(`query($code: String) { policies(code: $code) { edges { node { id } } } }`, { code: 'nope' }, []);
    await agree(`{ policies(first: 0) { edges { node { id } } ${PAGE} } }`, undefined, []);
    await agree(`{ policies(first: 101) { edges { node { id } } } }`, undefined, []);
    expect(await walk(callers.seller, 'policies', '', 'id code')).toBe(3);
  });

  it('categories: the top level, one category’s children, by restriction', async () => {
    const node = `id name slug description depth isTopLevel restriction parent { id name } root { id name } children { id name }`;
    await agree(`{ categories { edges { cursor node { ${node} } } ${PAGE} } }`, undefined, ['admin', 'agency']);
    const children = `query($p: ID, $r: CategoryRestriction) { categories(parentId: $p, restriction: $r) { edges { node { id name restriction } } } }`;
    for (const [p, r] of [
      [gid('Category', world.categories.beauty), null],
      [gid('Category', world.categories.beauty), 'RESTRICTED'],
      [null, 'PROHIBITED'],
      [gid('Category', 999_999), null],
      [gid('Policy', policyIds[0]!), null],
      ['not a global id', null],
    ] as const)
      await agree(children, { p, r }, []);
    expect(await walk(callers.partner, 'categories', '', 'id name')).toBe(3);
  });

  it('feeCategories: the fee catalogue by id, narrowed to codes', async () => {
    const node = `id code name description defaultRateBps`;
    await agree(`{ feeCategories { edges { cursor node { ${node} } } ${PAGE} } }`, undefined, ['admin', 'bare']);
    const byCodes = `query($c: [String!]) { feeCategories(codes: $c) { edges { node { id code } } } }`;
    for (const c of [['COMMISSION', 'SHIPPING_LABEL'], [], ['NOPE'], null]) await agree(byCodes, { c }, ['seller']);
    expect(await walk(callers.agency, 'feeCategories', '', node)).toBe(3);
  });

  it('quizzes: the active quizzes, narrowed to one policy', async () => {
    const node = `id title description active policy { id code title } questions { position prompt choices }`;
    await agree(`{ quizzes { edges { cursor node { ${node} } } ${PAGE} } }`, undefined, ['admin', 'seller', 'bare']);
    const byPolicy = `query($p: ID) { quizzes(policyId: $p) { edges { node { id title } } } }`;
    for (const p of [gid('Policy', policyIds[0]!), gid('Policy', policyIds[1]!), gid('Policy', 999_999)])
      await agree(byPolicy, { p }, ['partner']);
    await agree(byPolicy, { p: gid('Category', world.categories.beauty) }, []);
    expect(await walk(callers.admin, 'quizzes', '', 'id', 1)).toBe(3);
  });
});

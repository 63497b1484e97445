/**
 * Root fields that read no table of their own, answered in the one statement (`compiledFromContext`):
 * `viewer` (the key's own fields as parameters, its key, shop and account as rows), `platformClock`
 * (the clock as the statement runs); `webhookEventTypes` has no SQL form. The compiled answer is the
 * resolvers' byte for byte, for every kind of caller, with and without a key; plans stay right for
 * keys of one shape.
 */
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateApiKey, compileRead, createContext, executionValues, schema } from '@shopwarden/schema';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';
import { differential, type Caller, type Differential } from './support/differential.ts';
import { createKey, createShop, createWorld } from './support/fixtures.ts';

type Name = 'admin' | 'seller' | 'agency' | 'partner' | 'bare' | 'none';

const KEY_FIELDS = `id name prefix role scopes expiresAt revokedAt trustedDocumentsOnly createdAt shop { id name } account { id name kind }`;
const VIEWER = `{ viewer { __typename role scopes reachableShopCount apiKey { ${KEY_FIELDS} } shop { id name status pendingActions { kind deadline overdue message } } account { __typename id name kind } } }`;

describe.each(testTargets())('compiled context roots on %s', (target) => {
  let db: TestDatabase;
  let diff: Differential;
  const callers = {} as Record<Name, Caller>;
  const keyIds = {} as Record<Name, number>;
  let shopId = 0;

  beforeAll(async () => {
    db = await createTestDatabase(target);
    const world = await createWorld(db.prisma);
    const shops = [];
    for (let s = 0; s < 3; s++) shops.push((await createShop(db.prisma, `Shop "${s}"`)).id);
    shopId = shops[0]!;
    const agency = await db.prisma.account.create({ data: { name: 'Agency \\ one', kind: 'AGENCY' } });
    const partner = await db.prisma.account.create({ data: { name: 'Partner', kind: 'PARTNER' } });
    for (const [accountId, id] of [
      [agency.id, shops[1]!],
      [partner.id, shops[0]!],
      [partner.id, shops[2]!],
    ] as const)
      await db.prisma.shopAccessGrant.create({ data: { shopId: id, accountId, scopes: ['shops:read'] } });
    const admin = await db.prisma.apiKey.findFirstOrThrow({ where: { role: 'ADMIN' } });
    callers.admin = { name: 'admin', key: world.adminKey };
    keyIds.admin = admin.id;
    const made: [Name, Awaited<ReturnType<typeof createKey>>][] = [
      ['seller', await createKey(db.prisma, 'SELLER', { shopId })],
      ['agency', await createKey(db.prisma, 'AGENCY', { accountId: agency.id })],
      [
        'partner',
        await createKey(db.prisma, 'PARTNER', { accountId: partner.id, scopes: ['shops:read', 'webhooks:read'] }),
      ],
      ['bare', await createKey(db.prisma, 'PARTNER', { accountId: partner.id, scopes: [] })],
    ];
    for (const [name, { key, id }] of made) {
      callers[name] = { name, key };
      keyIds[name] = id;
    }
    callers.none = { name: 'no key', key: '' };
    diff = differential(db);
  });
  afterAll(async () => db?.drop());

  /** Sets the sandbox clock (null: the real time). */
  async function setClock(now: string | null, frozen = true) {
    const data = {
      sandboxNow: now === null ? null : new Date(now),
      sandboxSetAt: now ? new Date() : null,
      sandboxFrozen: frozen,
    };
    await db.prisma.platformSettings.upsert({ where: { id: 1 }, create: { id: 1, ...data }, update: data });
  }

  /** Both paths answer with the same bytes (the request id of an error aside); returns the compiled path taken. */
  async function identical(caller: Caller, query: string, variables?: Record<string, unknown>) {
    const { path } = await diff.same(caller, query, variables);
    const strip = (text: string) => text.replace(/"requestId":"[^"]*"/g, '');
    const a = await diff.post('compiled', caller.key, query, variables);
    const b = await diff.post('resolvers', caller.key, query, variables);
    expect(strip(a.text), `${caller.name}: ${query}`).toBe(strip(b.text));
    return path;
  }

  it('viewer: the key, its shop and its account, compiled for every caller with a key', async () => {
    await setClock('2024-02-01T00:00:00Z');
    try {
      for (const name of ['admin', 'seller', 'agency', 'partner'] as const)
        expect(await identical(callers[name], VIEWER), name).toBe('compiled');
      // Without shops:read its shop is FORBIDDEN (the resolvers answer); its own fields compile.
      expect(await identical(callers.bare, VIEWER)).toBe('resolvers');
      expect(
        await identical(
          callers.bare,
          `{ viewer { role scopes reachableShopCount apiKey { prefix } account { name } } }`,
        ),
      ).toBe('compiled');
      // Without a key: null, in a statement that reads no table.
      expect(await identical(callers.none, VIEWER)).toBe('compiled');
      expect(await identical(callers.none, `{ a: viewer { role } b: viewer { scopes } }`)).toBe('compiled');
    } finally {
      await setClock(null);
    }
  });

  it('viewer with other roots: one statement; with a root without a SQL form, a partial read', async () => {
    const query = `query($first: Int) { viewer { role shop { name } account { name } } shops(first: $first) { edges { node { id name } } } platformClock { sandbox frozen } }`;
    for (const name of ['admin', 'seller', 'agency', 'partner', 'bare'] as const)
      expect(await identical(callers[name], query, { first: 2 }), name).toBe(name === 'bare' ? 'partial' : 'compiled');
    expect(await identical(callers.admin, `{ viewer { role apiKey { name } } platformJobs { name } }`)).toBe('partial');
  });

  it('viewer: plans of one caller shape do not carry one key’s id or scope order to another', async () => {
    // Keys of one shape: the same shop and scopes, in another order for the second.
    const scopes = ['shops:read', 'listings:read'];
    const first = await createKey(db.prisma, 'SELLER', { shopId, scopes });
    const second = await createKey(db.prisma, 'SELLER', { shopId, scopes: [...scopes].reverse() });
    for (const query of [`{ viewer { role scopes shop { id } } }`, `{ viewer { apiKey { id prefix } } }`]) {
      const answers = [];
      for (const key of [first, second, first]) {
        expect(await identical({ name: `seller key ${key.id}`, key: key.key }, query)).toBe('compiled');
        answers.push((await diff.post('compiled', key.key, query)).data);
      }
      expect(answers[1], query).not.toEqual(answers[0]);
      expect(answers[2], query).toEqual(answers[0]);
    }
  });

  it('platformClock: the sandbox clock frozen, advancing, and the real time, for every caller', async () => {
    const clock = `{ platformClock { __typename now sandbox frozen } }`;
    try {
      await setClock('2024-06-01T12:34:56.789Z');
      for (const name of ['admin', 'seller', 'agency', 'partner', 'bare'] as const)
        expect(await identical(callers[name], clock), name).toBe('compiled');
      // Without a key: the resolvers' UNAUTHENTICATED error.
      expect(await identical(callers.none, clock)).toBe('resolvers');
      // One plan, two clocks: the next execution reads the moved clock.
      await setClock('2030-01-01T00:00:00Z');
      expect(await identical(callers.seller, clock)).toBe('compiled');
      // Advancing and real time: the instants differ by the time between the two requests.
      await setClock('2024-06-01T00:00:00Z', false);
      expect(await identical(callers.admin, `{ platformClock { sandbox frozen } }`)).toBe('compiled');
      const { data } = await diff.post('compiled', callers.admin.key, clock);
      const now = Date.parse((data as { platformClock: { now: string } }).platformClock.now);
      expect(now).toBeGreaterThanOrEqual(Date.parse('2024-06-01T00:00:00Z'));
      expect(now).toBeLessThan(Date.parse('2024-06-01T00:10:00Z'));
      await setClock(null);
      expect(await identical(callers.partner, `{ platformClock { sandbox frozen } }`)).toBe('compiled');
      const real = await diff.post('compiled', callers.partner.key, clock);
      expect(
        Math.abs(Date.parse((real.data as { platformClock: { now: string } }).platformClock.now) - Date.now()),
      ).toBeLessThan(60_000);
      // Without a settings row: the column defaults the resolvers create it with.
      await db.prisma.platformSettings.deleteMany({});
      expect(await identical(callers.agency, `{ platformClock { sandbox frozen } }`)).toBe('compiled');
    } finally {
      await setClock(null);
    }
  });

  it('platformSettings: the row, its deadline day and instant; without the row the resolver creates it', async () => {
    const fields = `__typename categoryEnforcementAt categoryConfirmDeadline categoryConfirmDeadlineDay categoryLookbackStart categoryLookbackEnd previousPolicyMaxCategories semiClosedLoopRetiredAt semiClosedLoopMigrationDays inviteOnlySites verificationRequiredSites pointExpiryDays atRiskThreshold restrictedThreshold suspendedThreshold quizAttemptsPerMonth quizPointsRemoved quizRemovalCooldownDays quizQuestionCount updatedAt`;
    const query = `{ platformSettings { ${fields} } }`;
    await db.prisma.platformSettings.deleteMany({});
    // The statement finds no row and hands over: the resolver creates it, then both paths read it.
    expect(await identical(callers.seller, query)).toBe('resolvers');
    expect(await db.prisma.platformSettings.count()).toBe(1);
    await db.prisma.platformSettings.update({
      where: { id: 1 },
      data: { categoryConfirmDeadline: new Date('2025-12-31T00:00:00Z'), inviteOnlySites: ['GB', 'FR'] },
    });
    for (const name of ['admin', 'seller', 'agency', 'partner', 'bare'] as const)
      expect(await identical(callers[name], query), name).toBe('compiled');
    expect(await identical(callers.none, query)).toBe('resolvers');
    expect(
      await identical(
        callers.admin,
        `{ platformSettings { atRiskThreshold } platformClock { frozen } viewer { role } }`,
      ),
    ).toBe('compiled');
  });

  it('webhookEventTypes (no SQL form) answers through its resolver: alone, or deferred beside a compiled root', async () => {
    const query = `{ webhookEventTypes { __typename type description scope subjectType } }`;
    for (const name of ['admin', 'seller', 'agency', 'partner', 'bare', 'none'] as const)
      expect(await identical(callers[name], query), name).toBe('resolvers');
    expect(await identical(callers.seller, `{ webhookEventTypes { t: type } viewer { role } }`)).toBe('partial');
  });

  it('a read of the clock is never stored; the key’s own fields are read per key', async () => {
    const compile = async (name: Name, query: string, production = false) => {
      const { viewer } = await authenticateApiKey(db.prisma, `Bearer ${callers[name].key}`);
      const result = await compileRead({
        schema,
        document: parse(query),
        context: createContext({ prisma: db.prisma, viewer, requestId: 'test', production }),
      });
      if (!result.ok) throw new Error(result.reason);
      return result.read;
    };
    expect((await compile('seller', `{ platformClock { now } }`)).clock).not.toBeNull();
    // The clock itself declares no next change (`changesAt`): a read of it is never stored.
    expect((await compile('seller', `{ platformClock { now } }`)).clockBounded).toBe(false);
    expect((await compile('seller', `{ platformClock { frozen } }`)).clock).toBeNull();
    expect((await compile('seller', `{ viewer { role shop { id } } }`)).perKey).toBe(false);
    expect((await compile('seller', `{ viewer { apiKey { id } } }`)).perKey).toBe(true);
    expect((await compile('seller', `{ viewer { scopes } }`)).perKey).toBe(true);
    expect(keyIds.seller).toBeGreaterThan(0);
    // In production the sandbox clock is ignored: the real time, never a sandbox (its resolver's answer).
    try {
      await setClock('2024-06-01T00:00:00Z', false);
      const read = await compile('seller', `{ platformClock { now sandbox frozen } }`, true);
      const [text] = await db.queryText({ text: read.text, values: executionValues(read) });
      const clock = (JSON.parse(text!.toString()) as { platformClock: { now: string } }).platformClock;
      expect(clock).toMatchObject({ sandbox: false, frozen: false });
      expect(Math.abs(Date.parse(clock.now) - Date.now())).toBeLessThan(60_000);
    } finally {
      await setClock(null);
    }
  });
});

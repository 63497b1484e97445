/**
 * A type's read scope holds on every path to it. The paths are generated from the schema: `node`,
 * `nodes` and the root fields that return a scoped type, one level below a shop or a creator, one
 * level below every other node type, and two levels below a shop or a creator. For every key kind
 * (admin, seller, agency, partner; each with all read scopes, all but one, or just one) an answer
 * with a scope on the path missing equals the answer for a nonexistent ID (or a shop or creator
 * with nothing below it); with every scope the data comes back; compiled reads answer the same.
 */
import {
  getNamedType,
  getNullableType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient, Role } from '@shopwarden/db';
import { readScopeOf, schema, scopeName, type ReadScope } from '@shopwarden/schema';
import { createTestApp, gid, type GraphQLResponse } from './support/client.ts';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';
import { createKey, createShop, createWorld } from './support/fixtures.ts';
import {
  createContentItem,
  createCreator,
  createListing,
  createOrder,
  createPolicy,
  createQuiz,
} from './support/health-fixtures.ts';
import { createSellerEvent, createTiers } from './support/revenue-fixtures.ts';

const READ_SCOPES = [
  'shops:read',
  'listings:read',
  'health:read',
  'revenue:read',
  'creators:read',
  'partnerships:read',
  'webhooks:read',
] as const;
const ROLES: Role[] = ['ADMIN', 'SELLER', 'AGENCY', 'PARTNER'];
const MISSING_ID = 999_999;

// ---- the schema, walked ----

/** A field's values: its named type, or a connection's node type. */
function exposed(type: GraphQLOutputType): { type: GraphQLNamedType; connection: boolean } {
  const named = getNamedType(type);
  if (isObjectType(named) && named.getFields().edges && named.getFields().pageInfo) {
    const edge = getNamedType(named.getFields().edges!.type) as GraphQLObjectType;
    return { type: getNamedType(edge.getFields().node!.type), connection: true };
  }
  return { type: named, connection: false };
}

const scopeOf = (type: GraphQLNamedType): ReadScope | null => readScopeOf(type);
const nodeTypes = () =>
  Object.values(schema.getTypeMap()).filter(
    (t): t is GraphQLObjectType => isObjectType(t) && t.getInterfaces().some((i) => i.name === 'Node'),
  );

/** Arguments for a field's required arguments; null when the walk cannot make them up. */
function argsOf(field: GraphQLField<unknown, unknown>): string | null {
  const parts: string[] = [];
  for (const arg of field.args) {
    if (!isNonNullType(arg.type) || arg.defaultValue !== undefined) continue;
    const t = getNullableType(arg.type);
    if (!('name' in t) || t.name !== 'DateTime') return null;
    parts.push(`${arg.name}: "${arg.name === 'to' ? '2031-01-01T00:00:00.000Z' : '2020-01-01T00:00:00.000Z'}"`);
  }
  return parts.length ? `(${parts.join(', ')})` : '';
}

/** `field { … }` selecting the scoped values (or, for `inner`, a nested selection of them). */
function select(field: GraphQLField<unknown, unknown>, inner?: string): string | null {
  const args = argsOf(field);
  if (args === null) return null;
  const { type, connection } = exposed(field.type);
  const body = inner ?? (isObjectType(type) ? '__typename' : '');
  if (!isObjectType(type)) return null;
  return connection ? `${field.name}${args} { edges { node { ${body} } } }` : `${field.name}${args} { ${body} }`;
}

interface Path {
  /** e.g. `node(Shop).listings.reviews` */
  name: string;
  /** The scopes on the path (the anchor's and each hop's). */
  scopes: ReadScope[];
  /** The selection, given the anchor's variable (`$p0`). */
  selection: (variable: string) => string;
  /** Anchor type (node paths) or root field; `twin`: compare with an empty anchor, else only check refusal. */
  anchor: string;
  twin: boolean;
  /** The field name that must refuse when only the last scope is missing (refusal-only paths). */
  last: string;
  /** The scoped type the path ends at. */
  target: string;
  /** One level below an anchor: the anchor's selection. */
  body?: string;
}

const nodeFragment = (type: string, body: string) => (v: string) => `node(id: ${v}) { ... on ${type} { ${body} } }`;

function generatePaths(): Path[] {
  const paths: Path[] = [];
  const scoped = (t: GraphQLNamedType) => scopeOf(t) !== null;
  // node(id) for every scoped node type.
  for (const type of nodeTypes().filter(scoped))
    paths.push({
      name: `node(${type.name})`,
      scopes: [scopeOf(type)!],
      selection: nodeFragment(type.name, '__typename id'),
      anchor: type.name,
      twin: true,
      last: 'node',
      target: type.name,
    });
  // Root fields taking one ID and returning a scoped type.
  for (const field of Object.values(schema.getQueryType()!.getFields())) {
    const { type } = exposed(field.type);
    if (field.name === 'node' || !scoped(type) || field.args.length !== 1 || field.args[0]!.name !== 'id') continue;
    paths.push({
      name: `${field.name}(id)`,
      scopes: [scopeOf(type)!],
      selection: (v) => `${field.name}(id: ${v}) { __typename }`,
      anchor: type.name,
      twin: true,
      last: field.name,
      target: type.name,
    });
  }
  // One and two levels below a node.
  for (const anchor of nodeTypes()) {
    const anchorScopes = scopeOf(anchor) ? [scopeOf(anchor)!] : [];
    const container = anchor.name === 'Shop' || anchor.name === 'Creator';
    for (const f1 of Object.values(anchor.getFields())) {
      const b = exposed(f1.type).type;
      if (!isObjectType(b)) continue;
      const one = select(f1);
      if (one && scoped(b))
        paths.push({
          name: `node(${anchor.name}).${f1.name}`,
          scopes: [...anchorScopes, scopeOf(b)!],
          selection: nodeFragment(anchor.name, one),
          anchor: anchor.name,
          twin: container,
          last: f1.name,
          target: b.name,
          body: one,
        });
      if (!container) continue;
      for (const f2 of Object.values(b.getFields())) {
        const t = exposed(f2.type).type;
        const inner = select(f2);
        const outer = inner && select(f1, inner);
        // A hop that starts at a node type is already checked one level below that node.
        if (!outer || !scoped(t) || b.getInterfaces().some((i) => i.name === 'Node')) continue;
        paths.push({
          name: `node(${anchor.name}).${f1.name}.${f2.name}`,
          scopes: [...anchorScopes, ...(scopeOf(b) ? [scopeOf(b)!] : []), scopeOf(t)!],
          selection: nodeFragment(anchor.name, outer),
          anchor: anchor.name,
          twin: false,
          last: f2.name,
          target: t.name,
        });
      }
    }
  }
  return paths;
}

/** Root connections that return a scoped type (non-null: each runs in a request of its own). */
function rootConnections(): { field: string; scopes: ReadScope[] }[] {
  return Object.values(schema.getQueryType()!.getFields()).flatMap((field) => {
    const { type, connection } = exposed(field.type);
    const scope = scopeOf(type);
    return connection && scope ? [{ field: field.name, scopes: [scope] }] : [];
  });
}

// ---- keys and answers ----

interface Key {
  role: Role;
  scopes: string[];
  label: string;
  /** The key reaching the populated anchors, and its twin reaching the empty ones (the same key for ADMIN). */
  p: string;
  e: string;
}

function holds(key: Pick<Key, 'role' | 'scopes'>, scope: ReadScope): boolean {
  if (key.scopes.includes('*')) return true;
  if (typeof scope === 'string') return key.scopes.includes(scope);
  return !scope.roles.includes(key.role) || key.scopes.includes(scope.scope);
}

interface Answer {
  data: unknown;
  errors: string[];
}

/** One alias's answer: its data, and its errors as code@path (messages may name the scope differently). */
function answerOf(res: GraphQLResponse, alias: string): Answer {
  return {
    data: res.data === null || res.data === undefined ? 'NO DATA' : res.data[alias],
    errors: (res.errors ?? [])
      .filter((e) => !e.path || e.path[0] === alias)
      .map((e) => `${String(e.extensions?.code)}@${(e.path ?? []).slice(1).join('.')}`)
      .sort(),
  };
}

const hasData = (value: unknown): boolean =>
  value !== null &&
  value !== undefined &&
  (Array.isArray(value)
    ? value.length > 0 && value.some(hasData)
    : typeof value !== 'object' || Object.values(value).some(hasData));

describe.each(testTargets())('read scopes on every path on %s', (target) => {
  let db: TestDatabase;
  let app: ReturnType<typeof createTestApp>;
  let resolvers: ReturnType<typeof createTestApp>;
  const keys: Key[] = [];
  /** Populated and empty anchors: global IDs by type name. */
  const populated: Record<string, string> = {};
  let shopId = 0;
  let beautyId = 0;
  const empty: Record<string, string> = {};
  /** Anchors only their owner reaches (webhook endpoints and deliveries), by role. */
  const ownAnchors: Partial<Record<Role, Record<string, string>>> = {};
  const limits = {
    MAX_ALIASES: '1000',
    MAX_COST: '1000000',
    MAX_TOKENS: '100000',
    MAX_FIELDS: '100000',
    MAX_DEPTH: '20',
    RATE_LIMIT_CAPACITY: '100000000',
    RATE_LIMIT_RESTORE_RATE: '1000000',
    WORKER: 'false',
    BULK_WORKER: 'false',
  };

  beforeAll(async () => {
    db = await createTestDatabase(target);
    const prisma: PrismaClient = db.prisma;
    const world = await createWorld(prisma);
    app = createTestApp(db, limits);
    resolvers = createTestApp(db, { ...limits, COMPILED_READS: 'false' });
    await Promise.all([app.ready, resolvers.ready]);
    const beauty = world.categories.beauty;
    const shopP = await createShop(prisma, 'Populated', { primaryCategoryId: beauty });
    const shopE = await createShop(prisma, 'Empty', { primaryCategoryId: beauty });
    shopId = shopP.id;
    beautyId = beauty;
    const creatorP = await createCreator(prisma, { handle: 'populated_creator', nicheCategoryIds: [beauty] });
    const creatorE = await createCreator(prisma, { handle: 'empty_creator' });

    // One row of every scoped type (and of each node type with a field that exposes one) in shop P.
    const policy = await createPolicy(prisma, { code: 'MATRIX' });
    const quiz = await createQuiz(prisma, policy.id);
    const listing = await createListing(prisma, shopP.id, beauty);
    const review = await prisma.listingReview.create({
      data: {
        listingId: listing.id,
        decision: 'SUBMITTED',
        automatic: true,
        fromStatus: 'DRAFT',
        toStatus: 'PENDING_REVIEW',
        listingVersion: 1,
      },
    });
    const approval = await prisma.restrictedCategoryApproval.create({
      data: { shopId: shopP.id, categoryId: world.categories.supplements },
    });
    const content = await createContentItem(prisma, creatorP.id, shopP.id, 'VIDEO', 'Matrix video');
    const order = await createOrder(prisma, shopP.id, beauty);
    const violation = await prisma.violation.create({
      data: {
        shopId: shopP.id,
        policyId: policy.id,
        source: 'VIDEO',
        contentItemId: content.id,
        listingId: listing.id,
        orderId: order.id,
        occurredAt: new Date('2024-03-01T00:00:00Z'),
        points: 4,
      },
    });
    const appeal = await prisma.violationAppeal.create({ data: { violationId: violation.id, statement: 'Not us.' } });
    const attempt = await prisma.quizAttempt.create({
      data: {
        quizId: quiz.id,
        shopId: shopP.id,
        month: '2024-03',
        correctCount: 3,
        passed: true,
        submittedAt: new Date('2024-03-02T00:00:00Z'),
      },
    });
    const entry = await prisma.pointsLedgerEntry.create({
      data: {
        shopId: shopP.id,
        policyId: policy.id,
        violationId: violation.id,
        quizAttemptId: attempt.id,
        appealId: appeal.id,
        kind: 'VIOLATION_ADDED',
        points: 4,
        effectiveAt: new Date('2024-03-01T00:00:00Z'),
      },
    });
    const change = await prisma.shopStatusChange.create({
      data: {
        shopId: shopP.id,
        fromStatus: 'ACTIVE',
        toStatus: 'ACTIVE',
        fromHealth: 'HEALTHY',
        toHealth: 'AT_RISK',
        balance: 4,
        reason: 'Points reached 4.',
        occurredAt: new Date('2024-03-01T00:00:00Z'),
      },
    });
    const tiers = await createTiers(prisma);
    const run = await prisma.tierRecalculationRun.create({ data: { asOf: new Date('2024-03-01T00:00:00Z') } });
    const assignment = await prisma.tierAssignment.create({
      data: {
        shopId: shopP.id,
        tierId: tiers.entry,
        runId: run.id,
        trailingRevenue: 2500n,
        lastMonthSales: 1n,
        asOf: new Date('2024-03-01T00:00:00Z'),
      },
    });
    const partnership = await prisma.partnership.create({
      data: {
        shopId: shopP.id,
        creatorId: creatorP.id,
        commissionRateBps: 1000,
        status: 'ACTIVE',
        startedAt: new Date('2024-01-01T00:00:00Z'),
        scopeListingIds: [listing.id],
      },
    });
    const request = await prisma.categoryExceptionRequest.create({
      data: { shopId: shopP.id, comment: 'Special circumstances.', requestedCategoryIds: [world.categories.fashion] },
    });
    await prisma.categoryExceptionGrant.create({
      data: { shopId: shopP.id, categoryId: world.categories.fashion, requestId: request.id },
    });
    const document = await prisma.verificationDocument.create({
      data: { shopId: shopP.id, type: 'PASSPORT', reference: 'P-MATRIX' },
    });
    const invitation = await prisma.invitationCode.create({
      data: { code: 'MATRIX-CODE', site: 'GB', usedByShopId: shopP.id, usedAt: new Date('2024-01-01T00:00:00Z') },
    });
    const selection = await prisma.primaryCategorySelection.create({
      data: { shopId: shopP.id, categoryId: beauty, source: 'SELECTED' },
    });
    const event = await createSellerEvent(prisma, { capacity: 10 });
    const registration = await prisma.eventRegistration.create({
      data: { eventId: event.id, shopId: shopP.id, status: 'CONFIRMED' },
    });
    const issued = await app.gql(
      world.adminKey,
      `mutation($input: HealthReportIssueInput!) { healthReportIssue(input: $input) { __typename ... on HealthReportIssueSuccess { report { id } } } }`,
      { input: { shopId: gid('Shop', shopP.id), weekStart: '2024-03-04T00:00:00.000Z' } },
    );
    expect(issued.errors).toBeUndefined();
    const report = issued.data!.healthReportIssue.report.id as string;

    // Keys: every role with every read scope, all but one, and just one; each with an empty twin.
    const agency = await Promise.all(
      [shopP, shopE].map(async (shop) => {
        const account = await prisma.account.create({ data: { name: `Agency ${shop.name}`, kind: 'AGENCY' } });
        await prisma.shopAccessGrant.create({
          data: { shopId: shop.id, accountId: account.id, scopes: [...READ_SCOPES] },
        });
        return account.id;
      }),
    );
    const partner = await Promise.all(
      [
        [shopP, creatorP],
        [shopE, creatorE],
      ].map(async ([shop, creator]) => {
        const account = await prisma.account.create({ data: { name: `Partner ${shop!.id}`, kind: 'PARTNER' } });
        await prisma.shopAccessGrant.create({
          data: { shopId: shop!.id, accountId: account.id, scopes: [...READ_SCOPES] },
        });
        await prisma.creatorRepresentation.create({ data: { creatorId: creator!.id, accountId: account.id } });
        return account.id;
      }),
    );
    const sets: [string, string[]][] = [
      ['all', [...READ_SCOPES]],
      ...READ_SCOPES.map((s): [string, string[]] => [`all but ${s}`, READ_SCOPES.filter((x) => x !== s)]),
      ...READ_SCOPES.map((s): [string, string[]] => [`only ${s}`, [s]]),
    ];
    let sellerKeyP = 0;
    // Keys with a single scope: for administrators and sellers (the other roles add nothing new there).
    const setsOf = (role: Role): [string, string[]][] =>
      role === 'ADMIN'
        ? [['*', ['*']], ...sets.slice(1)]
        : role === 'SELLER'
          ? sets
          : sets.slice(0, 1 + READ_SCOPES.length);
    const made = await Promise.all(
      ROLES.flatMap((role) =>
        setsOf(role).map(async ([label, scopes]) => {
          const make = async (twin: 0 | 1) =>
            (
              await createKey(prisma, role, {
                scopes,
                ...(role === 'SELLER' ? { shopId: [shopP, shopE][twin]!.id } : {}),
                ...(role === 'AGENCY' ? { accountId: agency[twin] } : {}),
                ...(role === 'PARTNER' ? { accountId: partner[twin] } : {}),
              })
            ).key;
          const [p, e] = await Promise.all([make(0), role === 'ADMIN' ? null : make(1)]);
          return { role, scopes, label: `${role} ${label}`, p, e: e ?? p };
        }),
      ),
    );
    keys.push(...made);
    sellerKeyP = (await prisma.apiKey.findFirstOrThrow({ where: { shopId: shopP.id } })).id;
    const outbox = await prisma.outboxEvent.create({
      data: {
        type: 'listing.reviewed',
        shopId: shopP.id,
        subjectType: 'Listing',
        subjectId: String(listing.id),
        payload: {},
        occurredAt: new Date('2024-03-01T00:00:00Z'),
      },
    });
    const owners: Record<Role, { ownerShopId?: number; ownerAccountId?: number }> = {
      ADMIN: {},
      SELLER: { ownerShopId: shopP.id },
      AGENCY: { ownerAccountId: agency[0] },
      PARTNER: { ownerAccountId: partner[0] },
    };
    for (const role of ROLES) {
      const endpoint = await prisma.webhookEndpoint.create({
        data: {
          url: `https://hooks.example.com/${role}`,
          secret: 'whsec_matrix',
          eventTypes: [],
          shopIds: [shopP.id],
          apiKeyId: (await prisma.apiKey.findFirstOrThrow({ where: { role } })).id,
          ...owners[role],
        },
      });
      const delivery = await prisma.webhookDelivery.create({ data: { endpointId: endpoint.id, eventId: outbox.id } });
      await prisma.webhookDeliveryAttempt.create({ data: { deliveryId: delivery.id, latencyMs: 5 } });
      ownAnchors[role] = {
        WebhookEndpoint: gid('WebhookEndpoint', endpoint.id),
        WebhookDelivery: gid('WebhookDelivery', delivery.id),
      };
    }
    empty.WebhookEndpoint = gid('WebhookEndpoint', MISSING_ID);
    empty.WebhookDelivery = gid('WebhookDelivery', MISSING_ID);

    const ids: Record<string, number> = {
      Shop: shopP.id,
      Creator: creatorP.id,
      Listing: listing.id,
      ListingReview: review.id,
      RestrictedCategoryApproval: approval.id,
      ContentItem: content.id,
      Order: order.id,
      Violation: violation.id,
      ViolationAppeal: appeal.id,
      QuizAttempt: attempt.id,
      PointsLedgerEntry: entry.id,
      ShopStatusChange: change.id,
      TierAssignment: assignment.id,
      TierRecalculationRun: run.id,
      Partnership: partnership.id,
      CategoryExceptionRequest: request.id,
      PrimaryCategorySelection: selection.id,
      EventRegistration: registration.id,
      VerificationDocument: document.id,
      InvitationCode: invitation.id,
      ApiKey: sellerKeyP,
    };
    for (const [type, id] of Object.entries(ids)) {
      populated[type] = gid(type, id);
      empty[type] = gid(type, MISSING_ID);
    }
    populated.HealthReport = report;
    empty.HealthReport = gid('HealthReport', MISSING_ID);
    empty.Shop = gid('Shop', shopE.id);
    empty.Creator = gid('Creator', creatorE.id);
  }, 300_000);

  afterAll(async () => {
    await db?.drop();
  });

  const paths = generatePaths();

  it('declares a read scope on every type a scoped field returns, and no subscription exposes one', () => {
    // Types a field refuses without one scope must declare it; an envelope several scopes share (ShopEvent) cannot.
    const wantedBy = new Map<GraphQLNamedType, Set<string>>();
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        const auth = (field.extensions as { pothosOptions?: { authScopes?: unknown } }).pothosOptions?.authScopes;
        const target = exposed(field.type).type;
        if (!auth || typeof auth !== 'object' || !isObjectType(target)) continue;
        const wanted = (auth as { scope?: string }).scope;
        if (!wanted || Object.keys(auth).length !== 1) continue;
        wantedBy.set(target, (wantedBy.get(target) ?? new Set()).add(wanted));
      }
    }
    const mismatches = [...wantedBy].flatMap(([target, wanted]) => {
      const declared = scopeOf(target);
      return wanted.size === 1 && (!declared || scopeName(declared) !== [...wanted][0])
        ? [`${target.name} is read with ${[...wanted][0]} but declares ${String(declared)}`]
        : [];
    });
    expect(mismatches).toEqual([]);
    const subscriptions = Object.values(schema.getSubscriptionType()!.getFields());
    expect(subscriptions.filter((f) => scopeOf(exposed(f.type).type))).toEqual([]);
    // Every scoped type is reached by a generated path, and every anchor has a populated row.
    const reached = new Set(paths.map((p) => p.target));
    const scopedTypes = Object.values(schema.getTypeMap()).filter((t) => isObjectType(t) && scopeOf(t));
    expect(scopedTypes.filter((t) => !reached.has(t.name)).map((t) => t.name)).toEqual([]);
    const anchored = (role: Role, type: string) => populated[type] ?? ownAnchors[role]?.[type];
    expect(paths.filter((p) => ROLES.some((r) => !anchored(r, p.anchor))).map((p) => p.name)).toEqual([]);
  });

  /** Every anchored path in one request per key and twin; aliases keep their answers apart. */
  async function run(
    client: ReturnType<typeof createTestApp>,
    key: string,
    anchors: Record<string, string>,
    wanted: (path: Path) => boolean,
  ) {
    const variables: Record<string, string> = {};
    const defs: string[] = [];
    const fields = paths.flatMap((path, i) => {
      if (!wanted(path)) return [];
      const v = `v${i}`;
      variables[v] = anchors[path.anchor]!;
      defs.push(`$${v}: ID!`);
      return [`p${i}: ${path.selection(`$${v}`)}`];
    });
    const scoped = nodeTypes().filter((t) => scopeOf(t));
    const nodesField = `nodes: nodes(ids: $all) { __typename ${scoped.map((t) => `... on ${t.name} { id }`).join(' ')} }`;
    variables.all = scoped.map((t) => anchors[t.name]!) as never;
    const query = `query Matrix(${defs.join(', ')}, $all: [ID!]!) { ${fields.join(' ')} ${nodesField} }`;
    const res = await client.gql(key, query, variables);
    return res;
  }

  it('answers a path with a scope missing as it answers a missing ID, and with every scope the data', async () => {
    const failures: string[] = [];
    let compared = 0;
    let refused = 0;
    let served = 0;
    const scopedNodes = nodeTypes().filter((t) => scopeOf(t));
    /** Per role, the paths its key with every scope answered with data (the anchor is within its reach). */
    const reachedBy = new Map<Role, Set<number>>();
    for (const key of keys) {
      // Paths below a node that is not a shop or a creator are checked where only their last scope is missing.
      const checked = (path: Path) =>
        path.twin || path.scopes.every((s) => holds(key, s)) || path.scopes.slice(0, -1).every((s) => holds(key, s));
      const [p, e] = await Promise.all([
        run(app, key.p, { ...populated, ...ownAnchors[key.role] }, checked),
        run(app, key.e, empty, (path) => path.twin),
      ]);
      expect(p.status, `${key.label}: ${JSON.stringify(p.errors)}`).toBe(200);
      for (const [i, path] of paths.entries()) {
        const alias = `p${i}`;
        const got = answerOf(p, alias);
        const full = path.scopes.every((s) => holds(key, s));
        if (full) {
          served++;
          if (got.errors.length || (path.twin && !hasData(got.data)))
            failures.push(`${key.label} ${path.name}: no data with every scope ${JSON.stringify(got)}`);
          if (hasData(got.data)) reachedBy.set(key.role, (reachedBy.get(key.role) ?? new Set()).add(i));
          continue;
        }
        if (path.twin) {
          compared++;
          const twin = answerOf(e, alias);
          if (JSON.stringify(got) !== JSON.stringify(twin))
            failures.push(`${key.label} ${path.name}: ${JSON.stringify(got)} vs missing ${JSON.stringify(twin)}`);
        } else if (path.scopes.slice(0, -1).every((s) => holds(key, s)) && reachedBy.get(key.role)?.has(i)) {
          // Only the last hop's scope is missing: that hop refuses, whatever it would have held.
          refused++;
          if (!got.errors.some((x) => x.startsWith('FORBIDDEN@') && x.endsWith(path.last)))
            failures.push(`${key.label} ${path.name}: not refused ${JSON.stringify(got)}`);
        }
      }
      const nodesP = p.data?.nodes as unknown[];
      const nodesE = e.data?.nodes as unknown[];
      scopedNodes.forEach((t, i) => {
        const ok = holds(key, scopeOf(t)!);
        if (ok ? !nodesP?.[i] : nodesP?.[i] !== nodesE?.[i])
          failures.push(`${key.label} nodes[${t.name}]: ${JSON.stringify(nodesP?.[i])}`);
      });
    }
    expect(failures.slice(0, 40)).toEqual([]);
    expect(compared).toBeGreaterThan(500);
    expect(refused).toBeGreaterThan(50);
    expect(served).toBeGreaterThan(500);
  }, 300_000);

  it('refuses root connections of a scoped type without the scope as it would with nothing to list', async () => {
    const failures: string[] = [];
    const roots = rootConnections();
    expect(roots.map((r) => r.field)).toEqual(expect.arrayContaining(['listings', 'shops', 'violationAppeals']));
    for (const key of keys)
      await Promise.all(
        roots.map(async ({ field, scopes }) => {
          const query = `{ ${field}(first: 5) { edges { node { __typename } } } }`;
          const [p, e, r] = await Promise.all([
            app.gql(key.p, query),
            app.gql(key.e, query),
            resolvers.gql(key.p, query),
          ]);
          const got = { data: p.data ?? null, errors: answerOf(p, field).errors };
          const twin = { data: e.data ?? null, errors: answerOf(e, field).errors };
          if (JSON.stringify(got) !== JSON.stringify({ data: r.data ?? null, errors: answerOf(r, field).errors }))
            failures.push(`${key.label} ${field}: compiled and resolver answers differ`);
          if (scopes.every((s) => holds(key, s))) return;
          // The admin has no empty twin: its refusal must look like an empty seller's refusal.
          if (
            JSON.stringify(got) !== JSON.stringify(twin) ||
            got.data !== null ||
            !got.errors[0]?.startsWith('FORBIDDEN')
          )
            failures.push(`${key.label} ${field}: ${JSON.stringify(got)} vs ${JSON.stringify(twin)}`);
        }),
      );
    expect(failures).toEqual([]);
  }, 60_000);

  it('answers `shop(id)` one level down alike through compiled reads and resolvers, refusing without the scope', async () => {
    const failures: string[] = [];
    const below = paths.filter((p) => p.anchor === 'Shop' && p.body);
    expect(below.map((p) => p.last)).toEqual(expect.arrayContaining(['listings', 'listingCounts', 'violations']));
    for (const key of keys.filter((k) => k.role === 'SELLER'))
      await Promise.all(
        below.map(async (path) => {
          const query = `query($v: ID!) { s: shop(id: $v) { ${path.body} } }`;
          const [p, e, r] = await Promise.all([
            app.gql(key.p, query, { v: populated.Shop }),
            app.gql(key.e, query, { v: empty.Shop }),
            resolvers.gql(key.p, query, { v: populated.Shop }),
          ]);
          const got = answerOf(p, 's');
          if (JSON.stringify(got) !== JSON.stringify(answerOf(r, 's')))
            failures.push(`${key.label} ${path.name}: compiled and resolver answers differ`);
          const full = path.scopes.every((s) => holds(key, s));
          if (full ? !hasData(got.data) || got.errors.length : JSON.stringify(got) !== JSON.stringify(answerOf(e, 's')))
            failures.push(
              `${key.label} shop(id).${path.last}: ${JSON.stringify(got)} vs ${JSON.stringify(answerOf(e, 's'))}`,
            );
        }),
      );
    expect(failures).toEqual([]);
  }, 60_000);

  it('refuses a scoped type in a mutation result too', async () => {
    const create = `mutation($input: ListingCreateInput!) { listingCreate(input: $input) {
      __typename ... on ListingCreateSuccess { dryRun listing { title } } } }`;
    const input = {
      shopId: populated.Shop,
      categoryId: gid('Category', beautyId),
      title: 'Dry run',
      priceAmount: 1000,
      currency: 'USD',
      sites: ['GB'],
      dryRun: true,
    };
    const writeOnly = await createKey(db.prisma, 'SELLER', {
      shopId: shopId,
      scopes: ['shops:read', 'listings:write'],
    });
    const refused = await app.gql(writeOnly.key, create, { input });
    expect(JSON.stringify(refused.data ?? null)).not.toContain('Dry run');
    expect(refused.errors?.map((e) => [e.extensions?.code, e.path?.at(-1)])).toEqual([['FORBIDDEN', 'listing']]);
    const readWrite = await createKey(db.prisma, 'SELLER', {
      shopId,
      scopes: ['shops:read', 'listings:read', 'listings:write'],
    });
    const served = await app.gql(readWrite.key, create, { input: { ...input, dryRun: false } });
    expect(served.errors).toBeUndefined();
    expect(served.data!.listingCreate).toEqual({
      __typename: 'ListingCreateSuccess',
      dryRun: false,
      listing: { title: 'Dry run' },
    });
  });
});

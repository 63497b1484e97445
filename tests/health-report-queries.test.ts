import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, createShop, createWorld, type World } from './support/fixtures.ts';
import { countQueries, createTestApp, gid } from './support/client.ts';
import { createTestDatabase, testTargets, type TestDatabase } from './support/database.ts';
import {
  createContentItem,
  createCreator,
  createManyViolations,
  createPolicy,
  createQuiz,
} from './support/health-fixtures.ts';

const CLOCK = /* GraphQL */ `
  mutation Clock($now: DateTime) {
    sandboxClockSet(input: { now: $now }) {
      __typename
      ... on Error {
        code
      }
    }
  }
`;

const REPORT = /* GraphQL */ `
  query Report($id: ID!, $weekOf: DateTime) {
    shop(id: $id) {
      pointsBalance(asOf: $weekOf)
      healthReport(weekOf: $weekOf) {
        issued
        violationCount
        violationPoints
        previousWeekViolationCount
        byPolicy {
          code
          count
          points
        }
        bySource {
          source
          count
          points
        }
        topPolicies {
          code
          count
        }
        liveSessionViolations {
          policyCode
          contentTitle
          creatorHandle
        }
        videoViolations {
          policyCode
          contentTitle
          creatorHandle
        }
        pointsAtStart
        pointsAtEnd
        pointsChange
        healthAtEnd
        educationLinks {
          url
        }
        quizzes {
          title
        }
      }
    }
  }
`;

describe.each(testTargets())('Account Health Report statement count on %s', (target) => {
  let db: TestDatabase;
  let world: World;
  let gql: ReturnType<typeof createTestApp>['gql'];
  let shopGid: string;
  let key: string;

  beforeAll(async () => {
    db = await createTestDatabase(target);
    world = await createWorld(db.prisma);
    gql = createTestApp(db).gql;
    const shop = await createShop(db.prisma, 'Ten Thousand Violations');
    key = (await createKey(db.prisma, 'SELLER', { shopId: shop.id })).key;
    shopGid = gid('Shop', shop.id);
    const policies = await Promise.all(
      Array.from({ length: 8 }, (_, i) => createPolicy(db.prisma, { code: `BULK_${i}`, points: 1 + (i % 3) })),
    );
    await Promise.all(policies.slice(0, 4).map((p) => createQuiz(db.prisma, p.id)));
    const creator = await createCreator(db.prisma, { handle: 'bulkhost' });
    const live = await createContentItem(db.prisma, creator.id, shop.id, 'LIVE_SESSION', 'Bulk live');
    const video = await createContentItem(db.prisma, creator.id, shop.id, 'VIDEO', 'Bulk video');
    // 10,000 violations spread over 2023 (about 192 a week).
    await createManyViolations(db.prisma, {
      shopId: shop.id,
      policyIds: policies.map((p) => p.id),
      contentItemIds: { LIVE_SESSION: live.id, VIDEO: video.id },
      count: 10_000,
      from: new Date('2023-01-02T00:00:00Z'),
      to: new Date('2024-01-01T00:00:00Z'),
    });
    await gql(world.adminKey, CLOCK, { now: '2024-01-15T00:00:00Z' });
  }, 300_000);
  afterAll(async () => db.drop());

  it('computes a report over 10,000 violations with a fixed, small number of SQL statements', async () => {
    // Mondays, so pointsBalance(asOf) is the balance at the week's start.
    const weeks = ['2023-03-06T00:00:00Z', '2023-09-18T00:00:00Z', '2023-12-25T00:00:00Z'];
    const counts: number[] = [];
    for (const weekOf of weeks) {
      const { result, queries } = await countQueries(db, () => gql(key, REPORT, { id: shopGid, weekOf }));
      expect(result.errors).toBeUndefined();
      const report = result.data!.shop.healthReport;
      expect(report.violationCount).toBeGreaterThan(150);
      expect(report.liveSessionViolations.length + report.videoViolations.length).toBeGreaterThan(50);
      expect(report.bySource.reduce((s: number, r: { count: number }) => s + r.count, 0)).toBe(report.violationCount);
      expect(report.pointsAtEnd - report.pointsAtStart).toBe(report.pointsChange);
      expect(report.pointsAtStart).toBe(result.data!.shop.pointsBalance);
      // The report is 4 statements (aggregation by policy × source, the week's content violations, both
      // balances in one, the quizzes) plus the pointsBalance field's one; the rest is the request's own
      // (API key, shop, settings, snapshot lookup).
      const ledgerAndViolationStatements = queries.filter((q) => /"Violation"|"PointsLedgerEntry"|"Quiz"/.test(q));
      expect(ledgerAndViolationStatements).toHaveLength(5);
      counts.push(queries.length);
    }
    // Fixed: the same count whichever week, however many violations it holds.
    expect(new Set(counts).size).toBe(1);
    expect(counts[0]).toBeLessThanOrEqual(12);
  });

  it('never loads the violation rows into Node: no statement selects every violation of the shop', async () => {
    const { queries } = await countQueries(db, () => gql(key, REPORT, { id: shopGid, weekOf: '2023-06-14T00:00:00Z' }));
    const violationReads = queries.filter((q) => /FROM "public"\."Violation"|FROM "Violation"/.test(q));
    for (const q of violationReads) expect(q).toMatch(/GROUP BY|"source" IN \('LIVE_SESSION', 'VIDEO'\)/);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type World } from './support/fixtures.ts';
import { gid } from './support/client.ts';
import { useSuite } from './support/suite.ts';
import { testTargets } from './support/database.ts';
import {
  CLOCK,
  REVIEW,
  SUBMIT,
  UPDATE,
  createListingRow,
  grantException,
  grantRestricted,
  sellerShop,
} from './support/listing-fixtures.ts';

type CategoryName = keyof World['categories'];
const allCategories: CategoryName[] = [
  'beauty',
  'skincare',
  'supplements',
  'fashion',
  'dresses',
  'home',
  'knives',
  'weapons',
  'electronics',
];

/** A random shop and listing state, and one listing mutation to try on it. */
const scenario = fc.record({
  shopStatus: fc.constantFrom('ACTIVE', 'RESTRICTED', 'SUSPENDED'),
  primary: fc.constantFrom<CategoryName | null>(null, 'beauty', 'fashion', 'home'),
  exceptions: fc.subarray<CategoryName>(['fashion', 'dresses', 'home', 'electronics']),
  approvals: fc.subarray<CategoryName>(['supplements', 'knives']),
  clock: fc.constantFrom('2024-01-20T00:00:00Z', '2024-02-01T00:00:00Z', '2024-05-01T00:00:00Z'),
  existing: fc.array(
    fc.record({
      category: fc.constantFrom(...allCategories),
      status: fc.constantFrom('DRAFT', 'PENDING_REVIEW', 'ACTIVE', 'REJECTED'),
    }),
    { maxLength: 5 },
  ),
  listing: fc.record({
    category: fc.constantFrom(...allCategories),
    status: fc.constantFrom('DRAFT', 'REJECTED', 'PENDING_REVIEW', 'ACTIVE'),
  }),
  operation: fc.oneof(
    fc.record({ kind: fc.constant('submit' as const) }),
    fc.record({
      kind: fc.constant('update' as const),
      title: fc.constantFrom('A better title', '', 'x'.repeat(201)),
      category: fc.constantFrom(...allCategories),
      priceAmount: fc.integer({ min: -5, max: 5000 }),
    }),
    fc.record({
      kind: fc.constant('review' as const),
      decision: fc.constantFrom('APPROVE', 'REJECT', 'SUSPEND'),
      withReasons: fc.boolean(),
      expectedVersion: fc.constantFrom<number | null>(null, 0, 3),
    }),
  ),
});

describe.each(testTargets())('dry runs report exactly what the real call does on %s', (target) => {
  const { db, world, gql } = useSuite(target);
  let run = 0;
  const seen = new Set<string>();

  async function state(listingId: number) {
    const listing = await db.prisma.listing.findUniqueOrThrow({
      where: { id: listingId },
      select: { status: true, version: true, title: true, categoryId: true, priceAmount: true, submittedAt: true },
    });
    return { listing, reviews: await db.prisma.listingReview.count(), events: await db.prisma.outboxEvent.count() };
  }

  it('dryRun result == real result, and a dry run writes nothing (property over generated shops and listings)', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        run += 1;
        await gql(world.adminKey, CLOCK, { now: s.clock });
        const { shop, key } = await sellerShop(db.prisma, `Property ${run}`, {
          primaryCategoryId: s.primary ? world.categories[s.primary] : null,
        });
        await db.prisma.shop.update({ where: { id: shop.id }, data: { status: s.shopStatus as 'ACTIVE' } });
        for (const c of s.exceptions) await grantException(db.prisma, shop.id, world.categories[c]);
        for (const c of s.approvals) await grantRestricted(db.prisma, shop.id, world.categories[c]);
        for (const e of s.existing)
          await createListingRow(db.prisma, shop.id, world.categories[e.category], { status: e.status as 'DRAFT' });
        const listing = await createListingRow(db.prisma, shop.id, world.categories[s.listing.category], {
          status: s.listing.status as 'DRAFT',
        });
        const listingId = gid('Listing', listing.id);

        let call: (dryRun: boolean) => Promise<Record<string, unknown>>;
        if (s.operation.kind === 'submit') {
          call = async (dryRun) => (await gql(key, SUBMIT, { input: { listingId, dryRun } })).data!.listingSubmit;
        } else if (s.operation.kind === 'update') {
          const op = s.operation;
          call = async (dryRun) =>
            (
              await gql(key, UPDATE, {
                input: {
                  listingId,
                  dryRun,
                  title: op.title,
                  categoryId: gid('Category', world.categories[op.category]),
                  priceAmount: op.priceAmount,
                },
              })
            ).data!.listingUpdate;
        } else {
          const op = s.operation;
          call = async (dryRun) =>
            (
              await gql(world.adminKey, REVIEW, {
                input: {
                  listingId,
                  dryRun,
                  decision: op.decision,
                  expectedVersion: op.expectedVersion,
                  reasons: op.withReasons ? [{ code: 'GENERATED', message: 'Generated reason' }] : [],
                },
              })
            ).data!.listingReview;
        }

        const before = await state(listing.id);
        const dry = await call(true);
        expect(await state(listing.id)).toEqual(before);
        const real = await call(false);
        // Same outcome: the same typed error, or the same status and issues. Only `dryRun` and the re-read listing differ.
        const comparable = (r: Record<string, unknown>) => ({
          __typename: r.__typename,
          code: r.code ?? null,
          message: r.message ?? null,
          fields: r.fields ?? null,
          status: r.status ?? null,
          issues: r.issues ?? null,
        });
        expect(comparable(dry)).toEqual(comparable(real));
        seen.add(`${s.operation.kind}:${String(real.status ?? real.code ?? 'OK')}`);
        expect(dry.dryRun ?? true).toBe(true);
        if (real.__typename?.toString().endsWith('Success')) {
          const after = await state(listing.id);
          expect(after.listing.version).toBe(before.listing.version + 1);
          if (real.status) expect(after.listing.status).toBe(real.status);
        } else {
          expect(await state(listing.id)).toMatchObject({ listing: before.listing, reviews: before.reviews });
        }
      }),
      { numRuns: 60, seed: Number(process.env.FC_SEED ?? 20240201) },
    );
    // The generated cases reach both outcomes of a submission, errors, and edits and reviews that apply.
    for (const outcome of [
      'submit:PENDING_REVIEW',
      'submit:REJECTED',
      'submit:INVALID_STATE',
      'update:VALIDATION_FAILED',
      'update:OK',
      'review:INVALID_STATE',
    ])
      expect(seen).toContain(outcome);
  });
});

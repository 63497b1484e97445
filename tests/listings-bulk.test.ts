import { beforeEach, describe, expect, it } from 'vitest';
import { countQueries, gid } from './support/client.ts';
import { useSuite } from './support/suite.ts';
import { testTargets } from './support/database.ts';
import { BULK_REVIEW, BULK_SUBMIT, CLOCK, createListingRows, sellerShop } from './support/listing-fixtures.ts';

type Policy = 'REJECT_EVERYTHING' | 'REJECT_FAILED_ROWS' | 'IGNORE_FAILED';
const MISSING = 2_000_000_000;

describe.each(testTargets())('synchronous bulk listing mutations on %s', (target) => {
  const { db, world, gql } = useSuite(target);

  beforeEach(async () => {
    await gql(world.adminKey, CLOCK, { now: '2024-03-01T00:00:00Z' });
  });

  async function snapshot(shopIds: number[]) {
    const listings = await db.prisma.listing.findMany({
      where: { shopId: { in: shopIds } },
      orderBy: { id: 'asc' },
      select: { id: true, status: true, version: true, submittedAt: true },
    });
    return { listings, reviews: await db.prisma.listingReview.count(), events: await db.prisma.outboxEvent.count() };
  }

  /** 250 review items: about a third invalid in four different ways, the rest APPROVE / REJECT / SUSPEND decisions. */
  async function reviewBatch(name: string) {
    const { shop } = await sellerShop(db.prisma, name, { primaryCategoryId: world.categories.beauty });
    const pending = await createListingRows(db.prisma, shop.id, world.categories.skincare, 250, {
      status: 'PENDING_REVIEW',
    });
    const active = await createListingRows(db.prisma, shop.id, world.categories.skincare, 250, { status: 'ACTIVE' });
    const items = pending.map((id, i) => {
      const item = (listingId: number, decision: string, extra: object = {}) => ({
        listingId: gid('Listing', listingId),
        decision,
        ...extra,
      });
      const kind = i % 10;
      if (kind === 3) return { expect: 'NOT_FOUND', input: item(MISSING + i, 'APPROVE') };
      if (kind === 5) return { expect: 'INVALID_STATE', input: item(id, 'SUSPEND') };
      if (kind === 7) return { expect: 'VALIDATION_FAILED', input: item(id, 'REJECT') };
      if (kind === 9) return { expect: 'CONFLICT', input: item(id, 'APPROVE', { expectedVersion: 42 }) };
      if (kind === 1)
        return {
          expect: 'REJECTED',
          listingId: id,
          input: item(id, 'REJECT', { reasons: [{ code: 'BLURRY_PHOTOS', message: 'Use sharp photos.' }] }),
        };
      if (kind === 2)
        return {
          expect: 'SUSPENDED',
          listingId: active[i]!,
          input: item(active[i]!, 'SUSPEND', { expectedVersion: 0 }),
        };
      return { expect: 'ACTIVE', listingId: id, input: item(id, 'APPROVE', { expectedVersion: 0 }) };
    });
    return { shop, items };
  }

  it.each<Policy>(['REJECT_EVERYTHING', 'REJECT_FAILED_ROWS', 'IGNORE_FAILED'])(
    'reviews 250 mixed items under %s, checked row by row',
    async (policy) => {
      const { shop, items } = await reviewBatch(`Bulk review ${policy}`);
      const before = await snapshot([shop.id]);
      const res = await gql(world.adminKey, BULK_REVIEW, {
        input: { items: items.map((i) => i.input), errorPolicy: policy },
      });
      const payload = res.data!.listingBulkReview;
      expect(payload.__typename).toBe('ListingBulkReviewSuccess');
      expect(payload.results).toHaveLength(250);
      const failures = items.filter((i) => !i.listingId).length;
      expect(payload.failedCount).toBe(failures);
      expect(payload.appliedCount).toBe(policy === 'REJECT_EVERYTHING' ? 0 : 250 - failures);

      const rows = new Map((await db.prisma.listing.findMany({ where: { shopId: shop.id } })).map((l) => [l.id, l]));
      const beforeRows = new Map(before.listings.map((l) => [l.id, l]));
      const reviews = await db.prisma.listingReview.findMany({ where: { listing: { shopId: shop.id } } });
      items.forEach((item, index) => {
        const r = payload.results[index];
        expect(r.index).toBe(index);
        if (!item.listingId) {
          expect(r.error.code).toBe(item.expect);
          expect(r.state).toBe(policy === 'IGNORE_FAILED' ? 'IGNORED' : 'FAILED');
          expect(r.status).toBeNull();
          if (item.expect === 'NOT_FOUND') expect(r.listing).toBeNull();
          else expect(r.listing.status).toBe('PENDING_REVIEW');
          return;
        }
        expect(r.error).toBeNull();
        expect(r.status).toBe(item.expect);
        const row = rows.get(item.listingId)!;
        if (policy === 'REJECT_EVERYTHING') {
          expect(r.state).toBe('ROLLED_BACK');
          expect(row.status).toBe(beforeRows.get(item.listingId)!.status);
          expect(row.version).toBe(0);
        } else {
          expect(r.state).toBe('APPLIED');
          expect(row.status).toBe(item.expect);
          expect(row.version).toBe(1);
          expect(r.listing).toEqual({ id: gid('Listing', item.listingId), status: item.expect });
          expect(reviews.filter((v) => v.listingId === item.listingId)).toEqual([
            expect.objectContaining({
              automatic: false,
              toStatus: item.expect,
              listingVersion: 1,
              reasons: item.expect === 'REJECTED' ? [{ code: 'BLURRY_PHOTOS', message: 'Use sharp photos.' }] : [],
            }),
          ]);
        }
      });
      // Failed items changed nothing.
      for (const item of items.filter((i) => !i.listingId && i.expect !== 'NOT_FOUND')) {
        const id = Number(Buffer.from(item.input.listingId, 'base64').toString().split(':')[1]);
        expect(rows.get(id)).toMatchObject({ status: 'PENDING_REVIEW', version: 0 });
      }
      const applied = policy === 'REJECT_EVERYTHING' ? 0 : 250 - failures;
      expect(reviews).toHaveLength(applied);
      expect(await db.prisma.outboxEvent.count({ where: { shopId: shop.id, type: 'listing.reviewed' } })).toBe(applied);
    },
  );

  it('reviews 250 items in a bounded number of SQL statements', async () => {
    const { shop } = await sellerShop(db.prisma, 'Statement counter', { primaryCategoryId: world.categories.beauty });
    const ids = await createListingRows(db.prisma, shop.id, world.categories.skincare, 250, {
      status: 'PENDING_REVIEW',
    });
    const items = ids.map((id, i) => ({
      listingId: gid('Listing', id),
      decision: i % 2 ? 'APPROVE' : 'REJECT',
      reasons: i % 2 ? [] : [{ code: 'NOPE', message: 'No.' }],
      expectedVersion: 0,
    }));
    const { result, queries } = await countQueries(db, () =>
      gql(world.adminKey, BULK_REVIEW, { input: { items, errorPolicy: 'REJECT_FAILED_ROWS' } }),
    );
    expect(result.data!.listingBulkReview.appliedCount).toBe(250);
    expect(queries.length).toBeLessThanOrEqual(15);
    expect(queries.filter((q) => /^\s*UPDATE "Listing"/i.test(q) || /UPDATE\s+"Listing"\s+AS/i.test(q))).toHaveLength(
      1,
    );
  });

  it('submits 250 items across shops in a bounded number of SQL statements (eligibility data loaded once per kind)', async () => {
    await gql(world.adminKey, CLOCK, { now: '2024-01-15T00:00:00Z' });
    const shops = await Promise.all(
      [1, 2, 3, 4, 5].map((i) =>
        sellerShop(db.prisma, `Statement submit ${i}`, { primaryCategoryId: world.categories.beauty }),
      ),
    );
    const ids = (
      await Promise.all(
        shops.map((s, i) =>
          createListingRows(db.prisma, s.shop.id, i % 2 ? world.categories.supplements : world.categories.dresses, 50),
        ),
      )
    ).flat();
    const items = ids.map((id) => ({ listingId: gid('Listing', id) }));
    const { result, queries } = await countQueries(db, () =>
      gql(world.adminKey, BULK_SUBMIT, { input: { items, errorPolicy: 'REJECT_FAILED_ROWS' } }),
    );
    expect(result.data!.listingBulkSubmit.appliedCount).toBe(250);
    expect(queries.length).toBeLessThanOrEqual(15);
  });

  it('rejects 251 items with LIMIT_EXCEEDED and leaves the database unchanged', async () => {
    const { shop, key } = await sellerShop(db.prisma, 'Too many', { primaryCategoryId: world.categories.beauty });
    const drafts = await createListingRows(db.prisma, shop.id, world.categories.skincare, 251);
    const pending = await createListingRows(db.prisma, shop.id, world.categories.skincare, 251, {
      status: 'PENDING_REVIEW',
    });
    const before = await snapshot([shop.id]);
    const submit = await gql(key, BULK_SUBMIT, {
      input: { items: drafts.map((id) => ({ listingId: gid('Listing', id) })), errorPolicy: 'REJECT_FAILED_ROWS' },
    });
    expect(submit.data!.listingBulkSubmit.code).toBe('LIMIT_EXCEEDED');
    const review = await gql(world.adminKey, BULK_REVIEW, {
      input: {
        items: pending.map((id) => ({ listingId: gid('Listing', id), decision: 'APPROVE' })),
        errorPolicy: 'IGNORE_FAILED',
      },
    });
    expect(review.data!.listingBulkReview.code).toBe('LIMIT_EXCEEDED');
    const after = await snapshot([shop.id]);
    expect(after.listings).toEqual(before.listings);
    expect(after.reviews).toBe(before.reviews);
    // Only the two audit records were added; no outbox events.
    expect(after.events).toBe(before.events);
  });

  it.each<Policy>(['REJECT_EVERYTHING', 'REJECT_FAILED_ROWS', 'IGNORE_FAILED'])(
    'submits 250 mixed items under %s, checked row by row',
    async (policy) => {
      const mine = await sellerShop(db.prisma, `Bulk submit ${policy}`, { primaryCategoryId: world.categories.beauty });
      const other = await sellerShop(db.prisma, `Someone else ${policy}`, {
        primaryCategoryId: world.categories.beauty,
      });
      const good = await createListingRows(db.prisma, mine.shop.id, world.categories.skincare, 250);
      const outside = await createListingRows(db.prisma, mine.shop.id, world.categories.dresses, 250);
      const active = await createListingRows(db.prisma, mine.shop.id, world.categories.skincare, 250, {
        status: 'ACTIVE',
      });
      const foreign = await createListingRows(db.prisma, other.shop.id, world.categories.skincare, 250);
      const plan = good.map((id, i) => {
        switch (i % 8) {
          case 1:
            return { listingId: foreign[i]!, expect: 'NOT_FOUND' };
          case 3:
            return { listingId: active[i]!, expect: 'INVALID_STATE' };
          case 5:
            return { listingId: outside[i]!, expect: 'REJECTED' };
          case 7:
            return { listingId: MISSING + i, expect: 'NOT_FOUND' };
          default:
            return { listingId: id, expect: 'PENDING_REVIEW' };
        }
      });
      const before = await snapshot([mine.shop.id, other.shop.id]);
      const res = await gql(mine.key, BULK_SUBMIT, {
        input: { items: plan.map((p) => ({ listingId: gid('Listing', p.listingId) })), errorPolicy: policy },
      });
      const payload = res.data!.listingBulkSubmit;
      expect(payload.results).toHaveLength(250);
      const rows = new Map(
        (await db.prisma.listing.findMany({ where: { shopId: { in: [mine.shop.id, other.shop.id] } } })).map((l) => [
          l.id,
          l,
        ]),
      );
      const beforeRows = new Map(before.listings.map((l) => [l.id, l]));
      plan.forEach((p, index) => {
        const r = payload.results[index];
        expect(r.index).toBe(index);
        const row = rows.get(p.listingId);
        if (p.expect === 'NOT_FOUND' || p.expect === 'INVALID_STATE') {
          expect(r.error.code).toBe(p.expect);
          expect(r.state).toBe(policy === 'IGNORE_FAILED' ? 'IGNORED' : 'FAILED');
          // Another shop's listing is reported exactly like a missing one: no data leaks.
          if (p.expect === 'NOT_FOUND') expect(r.listing).toBeNull();
          if (row) expect(row).toMatchObject(beforeRows.get(p.listingId)!);
          return;
        }
        expect(r.status).toBe(p.expect);
        expect(r.issues.map((i: { code: string }) => i.code)).toEqual(
          p.expect === 'REJECTED' ? ['OUTSIDE_PRIMARY_CATEGORY'] : [],
        );
        if (policy === 'REJECT_EVERYTHING') {
          expect(r.state).toBe('ROLLED_BACK');
          expect(row).toMatchObject(beforeRows.get(p.listingId)!);
        } else {
          expect(r.state).toBe('APPLIED');
          expect(row).toMatchObject({ status: p.expect, version: 1, submittedAt: new Date('2024-03-01T00:00:00Z') });
        }
      });
      const applied =
        policy === 'REJECT_EVERYTHING'
          ? 0
          : plan.filter((p) => p.expect === 'PENDING_REVIEW' || p.expect === 'REJECTED').length;
      expect(await db.prisma.listingReview.count({ where: { listing: { shopId: mine.shop.id } } })).toBe(applied);
      expect(await db.prisma.listingReview.count({ where: { listing: { shopId: other.shop.id } } })).toBe(0);
      expect(await db.prisma.outboxEvent.count({ where: { shopId: mine.shop.id, subjectType: 'Listing' } })).toBe(
        applied,
      );
    },
  );

  it('reports duplicates within one call and keeps dry runs of bulk calls identical to real ones', async () => {
    const { shop, key } = await sellerShop(db.prisma, 'Bulk dry run', { primaryCategoryId: world.categories.beauty });
    const ids = await createListingRows(db.prisma, shop.id, world.categories.skincare, 3);
    const items = [ids[0], ids[1], ids[0], ids[2]].map((id) => ({ listingId: gid('Listing', id!) }));
    const before = await snapshot([shop.id]);
    const dry = (await gql(key, BULK_SUBMIT, { input: { items, errorPolicy: 'REJECT_FAILED_ROWS', dryRun: true } }))
      .data!.listingBulkSubmit;
    expect(await snapshot([shop.id])).toEqual(before);
    const real = (await gql(key, BULK_SUBMIT, { input: { items, errorPolicy: 'REJECT_FAILED_ROWS' } })).data!
      .listingBulkSubmit;
    const strip = (p: {
      results: { index: number; status: string; issues: unknown; error: unknown; state: string }[];
    }) =>
      p.results.map((r) => ({
        index: r.index,
        status: r.status,
        issues: r.issues,
        error: r.error,
        applied: r.state === 'APPLIED' || r.state === 'WOULD_APPLY',
      }));
    expect(strip(dry)).toEqual(strip(real));
    expect(dry.results.map((r: { state: string }) => r.state)).toEqual([
      'WOULD_APPLY',
      'WOULD_APPLY',
      'FAILED',
      'WOULD_APPLY',
    ]);
    expect(real.results[2].error.code).toBe('VALIDATION_FAILED');
    expect(dry.dryRun).toBe(true);
    expect(dry.appliedCount).toBe(0);
    expect(real.appliedCount).toBe(3);
  });
});

import { gunzipSync } from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import { createKey } from './support/fixtures.ts';
import { dbId, gid } from './support/client.ts';
import { useSuite } from './support/suite.ts';
import { testTargets } from './support/database.ts';
import { CLOCK, REVIEW, SUBMIT, createListingRow, createListingRows, sellerShop } from './support/listing-fixtures.ts';
import {
  CANCEL,
  GET,
  LIST,
  NODE,
  RUN,
  jsonl,
  parseResult,
  testWorker,
  type ResultLine,
} from './support/bulk-fixtures.ts';

const MISSING = 2_000_000_000;

describe.each(testTargets())('asynchronous bulk operations through the API on %s', (target) => {
  const { db, world, gql } = useSuite(target);

  beforeEach(async () => {
    await gql(world.adminKey, CLOCK, { now: '2024-03-01T00:00:00Z' });
  });

  async function run(key: string, mutation: string, lines: string) {
    const res = await gql(key, RUN, { input: { mutation, lines } });
    expect(res.errors).toBeUndefined();
    return res.data!.bulkOperationRun;
  }

  async function get(key: string, id: string) {
    return (await gql(key, GET, { id })).data!.bulkOperation;
  }

  /** PostgreSQL: resolves once the cancellation's UPDATE waits for a lock (at most 10 s). */
  async function waitForLockWaiter() {
    for (let i = 0; i < 200; i++) {
      const [row] = await db.prisma.$queryRaw<
        { n: number }[]
      >`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%''CANCELED''%'`;
      if (row!.n > 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error("The cancellation did not wait for the operation's row within 10 s.");
  }

  async function listingRow(id: number) {
    return db.prisma.listing.findUniqueOrThrow({ where: { id }, select: { status: true, version: true } });
  }

  // The default batch (the whole chunk here), and batches of 3 and 2 lines: a chunk's batches write, and report, exactly what one batch does.
  it.each(['default', 3] as const)(
    'reviews (batch size %s): CREATED, progress chunk by chunk, then one result line per input line, in order, with the errors listingReview gives',
    async (size) => {
      const batchSize = typeof size === 'number' ? size : undefined;
      const { shop } = await sellerShop(db.prisma, `Bulk review shop ${size}`, {
        primaryCategoryId: world.categories.beauty,
      });
      const [p1, p2, p3, p4, p5, p6] = await createListingRows(db.prisma, shop.id, world.categories.skincare, 6, {
        status: 'PENDING_REVIEW',
      });
      const [a1, a2] = await createListingRows(db.prisma, shop.id, world.categories.skincare, 2, { status: 'ACTIVE' });
      const L = (id: number) => gid('Listing', id);
      const inputs: (object | string)[] = [
        { listingId: L(p1!), decision: 'APPROVE', expectedVersion: 0 },
        '{"listingId": "not closed"',
        { listingId: L(MISSING), decision: 'APPROVE' },
        { listingId: L(a1!), decision: 'APPROVE' },
        { listingId: L(p2!), decision: 'APPROVE', expectedVersion: 7 },
        { listingId: L(p3!), decision: 'REJECT' },
        {
          listingId: L(p4!),
          decision: 'REJECT',
          reasons: [{ code: 'BLURRY_PHOTOS', message: 'Use sharp photos.' }],
          note: 'second report',
        },
        { listingId: gid('Shop', shop.id), decision: 'APPROVE' },
        { listingId: L(p5!), decision: 'APPROVE', dryRun: true },
        { listingId: L(p1!), decision: 'APPROVE' },
        { listingId: L(p6!), decision: 'SUSPEND' },
        '[1, 2]',
        // An unknown field and a malformed ID: the line fails before it names a listing, so line 15 may name a2.
        { listingId: `${L(a2!)}=`, decision: 'SUSPEND', extra: 1 },
        '',
        { listingId: L(a2!), decision: 'SUSPEND', expectedVersion: 0 },
      ];

      const created = await run(world.adminKey, 'LISTING_REVIEW', jsonl(inputs));
      expect(created.__typename).toBe('BulkOperationRunSuccess');
      const op = created.bulkOperation;
      expect(op).toMatchObject({
        mutation: 'LISTING_REVIEW',
        status: 'CREATED',
        lineCount: 15,
        processedCount: 0,
        progress: 0,
        result: null,
        startedAt: null,
        finishedAt: null,
      });

      // First worker: one chunk of 4 lines, then it stops (and gives its lease up).
      const first = testWorker(
        db,
        { chunkSize: 4, ...(batchSize ? { batchSize } : {}) },
        { beforeCommit: () => void first.stop() },
      );
      expect(await first.drain()).toBe(1);
      const midway = await get(world.adminKey, op.id);
      expect(midway).toMatchObject({ status: 'RUNNING', processedCount: 4, progress: 4 / 15, result: null });
      expect(midway.startedAt).not.toBeNull();
      expect(await listingRow(p1!)).toEqual({ status: 'ACTIVE', version: 1 });

      // Second worker resumes at line 5.
      expect(await testWorker(db, { chunkSize: 4, ...(batchSize ? { batchSize: batchSize - 1 } : {}) }).drain()).toBe(
        1,
      );
      const done = await get(world.adminKey, op.id);
      expect(done).toMatchObject({
        status: 'COMPLETED',
        processedCount: 15,
        succeededCount: 3,
        failedCount: 12,
        progress: 1,
        errorCode: null,
      });
      expect(Date.parse(done.finishedAt)).toBeGreaterThanOrEqual(Date.parse(done.startedAt));
      const lines = parseResult(done.result);
      expect(lines.map((l) => l.line)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
      const err = (l: ResultLine) => l.errors!.map((e) => [e.code, e.field]);
      expect(lines[0]).toEqual({
        line: 1,
        ok: true,
        listing: { id: L(p1!), status: 'ACTIVE', version: 1 },
        issues: [],
      });
      expect(err(lines[1]!)).toEqual([['VALIDATION_FAILED', null]]);
      expect(lines[1]!.errors![0]!.message).toMatch(/^Not valid JSON/);
      expect(err(lines[2]!)).toEqual([['NOT_FOUND', ['listingId']]]);
      expect(err(lines[3]!)).toEqual([['INVALID_STATE', null]]);
      expect(err(lines[4]!)).toEqual([['CONFLICT', ['expectedVersion']]]);
      expect(err(lines[5]!)).toEqual([['VALIDATION_FAILED', ['reasons']]]);
      expect(lines[6]).toEqual({
        line: 7,
        ok: true,
        listing: { id: L(p4!), status: 'REJECTED', version: 1 },
        issues: [{ code: 'BLURRY_PHOTOS', message: 'Use sharp photos.' }],
      });
      expect(err(lines[7]!)).toEqual([['VALIDATION_FAILED', ['listingId']]]);
      expect(err(lines[8]!)).toEqual([['VALIDATION_FAILED', ['dryRun']]]);
      expect(err(lines[9]!)).toEqual([['VALIDATION_FAILED', ['listingId']]]);
      expect(lines[9]!.errors![0]!.message).toBe('This listing appears earlier in this bulk operation.');
      expect(err(lines[10]!)).toEqual([['INVALID_STATE', null]]);
      expect(err(lines[11]!)).toEqual([['VALIDATION_FAILED', null]]);
      expect(err(lines[12]!)).toEqual([
        ['VALIDATION_FAILED', ['extra']],
        ['VALIDATION_FAILED', ['listingId']],
      ]);
      expect(err(lines[13]!)).toEqual([['VALIDATION_FAILED', null]]);
      expect(lines[14]).toEqual({
        line: 15,
        ok: true,
        listing: { id: L(a2!), status: 'SUSPENDED', version: 1 },
        issues: [],
      });

      // Effects: exactly the three successful lines, each once.
      expect(await listingRow(p4!)).toEqual({ status: 'REJECTED', version: 1 });
      expect(await listingRow(a2!)).toEqual({ status: 'SUSPENDED', version: 1 });
      for (const id of [p2, p3, p5, p6])
        expect(await listingRow(id!)).toEqual({ status: 'PENDING_REVIEW', version: 0 });
      expect(await listingRow(a1!)).toEqual({ status: 'ACTIVE', version: 0 });
      const reviews = await db.prisma.listingReview.findMany({
        where: { listing: { shopId: shop.id } },
        orderBy: { id: 'asc' },
      });
      expect(reviews.map((r) => [r.listingId, r.decision, r.listingVersion])).toEqual([
        [p1, 'APPROVED', 1],
        [p4, 'REJECTED', 1],
        [a2, 'SUSPENDED', 1],
      ]);
      expect(reviews[1]).toMatchObject({
        note: 'second report',
        reasons: [{ code: 'BLURRY_PHOTOS', message: 'Use sharp photos.' }],
        automatic: false,
      });
      expect(await db.prisma.outboxEvent.count({ where: { shopId: shop.id, type: 'listing.reviewed' } })).toBe(3);
      expect(
        await db.prisma.outboxEvent.count({
          where: {
            type: 'bulk_operation.finished',
            subjectId: String(Buffer.from(op.id, 'base64').toString().split(':')[1]),
          },
        }),
      ).toBe(1);

      // The same inputs through listingReview give the same codes and messages (and change nothing).
      for (const index of [2, 3, 4, 5, 10]) {
        const single = (await gql(world.adminKey, REVIEW, { input: inputs[index] })).data!.listingReview;
        expect([single.code, single.message], `line ${index + 1}`).toEqual([
          lines[index]!.errors![0]!.code,
          lines[index]!.errors![0]!.message,
        ]);
      }
    },
  );

  it("submits for an agency through the automatic checks; another shop's listing is NOT_FOUND, as with listingSubmit", async () => {
    const mine = await sellerShop(db.prisma, 'Agency client', { primaryCategoryId: world.categories.beauty });
    const other = await sellerShop(db.prisma, 'Not a client', { primaryCategoryId: world.categories.beauty });
    const account = await db.prisma.account.create({ data: { name: 'Bulk agency', kind: 'AGENCY' } });
    await db.prisma.shopAccessGrant.create({
      data: { shopId: mine.shop.id, accountId: account.id, scopes: ['listings:read', 'listings:write'] },
    });
    const agency = await createKey(db.prisma, 'AGENCY', { accountId: account.id });
    const inside = await createListingRow(db.prisma, mine.shop.id, world.categories.skincare);
    const outside = await createListingRow(db.prisma, mine.shop.id, world.categories.dresses);
    const active = await createListingRow(db.prisma, mine.shop.id, world.categories.skincare, { status: 'ACTIVE' });
    const foreign = await createListingRow(db.prisma, other.shop.id, world.categories.skincare);
    const lines = jsonl(
      [inside, outside, active, foreign, { id: MISSING }].map((l) => ({ listingId: gid('Listing', l.id) })),
    );

    const op = (await run(agency.key, 'LISTING_SUBMIT', lines)).bulkOperation;
    await testWorker(db).drain();
    const done = await get(agency.key, op.id);
    expect(done).toMatchObject({ status: 'COMPLETED', succeededCount: 2, failedCount: 3 });
    const result = parseResult(done.result);
    expect(result[0]).toEqual({
      line: 1,
      ok: true,
      listing: { id: gid('Listing', inside.id), status: 'PENDING_REVIEW', version: 1 },
      issues: [],
    });
    expect(result[1]).toMatchObject({
      line: 2,
      ok: true,
      listing: { status: 'REJECTED', version: 1 },
      issues: [{ code: 'OUTSIDE_PRIMARY_CATEGORY' }],
    });
    expect(result.slice(2).map((l) => l.errors!.map((e) => [e.code, e.field]))).toEqual([
      [['INVALID_STATE', null]],
      [['NOT_FOUND', ['listingId']]],
      [['NOT_FOUND', ['listingId']]],
    ]);
    // Another shop's listing is reported exactly like a missing one, and untouched.
    expect(result[3]!.errors![0]!.message).toBe(result[4]!.errors![0]!.message);
    expect(await listingRow(foreign.id)).toEqual({ status: 'DRAFT', version: 0 });
    expect(
      await db.prisma.listingReview.count({
        where: { listingId: { in: [inside.id, outside.id] }, automatic: true, reviewerApiKeyId: agency.id },
      }),
    ).toBe(2);
    // listingSubmit says the same for the listings that failed.
    for (const [index, l] of [
      [2, active],
      [3, foreign],
    ] as const) {
      const single = (await gql(agency.key, SUBMIT, { input: { listingId: gid('Listing', l.id) } })).data!
        .listingSubmit;
      expect([single.code, single.message]).toEqual([
        result[index]!.errors![0]!.code,
        result[index]!.errors![0]!.message,
      ]);
    }
  });

  it('refuses with a typed error and stores nothing: no lines, too many lines, a caller that may never run the mutation', async () => {
    const { key: sellerKey } = await sellerShop(db.prisma, 'Refusals', { primaryCategoryId: world.categories.beauty });
    const partner = await createKey(db.prisma, 'PARTNER', {
      accountId: (await db.prisma.account.create({ data: { name: 'Reader', kind: 'PARTNER' } })).id,
    });
    const before = await db.prisma.bulkOperation.count();
    const empty = await run(world.adminKey, 'LISTING_REVIEW', '\n\n');
    expect(empty).toMatchObject({
      __typename: 'ValidationError',
      code: 'VALIDATION_FAILED',
      fields: [{ path: ['input', 'lines'] }],
    });
    const tooMany = await run(world.adminKey, 'LISTING_REVIEW', '{}\n'.repeat(10_001));
    expect(tooMany).toMatchObject({ code: 'LIMIT_EXCEEDED' });
    expect(tooMany.message).toContain('10000');
    expect(await run(sellerKey, 'LISTING_REVIEW', '{}')).toMatchObject({
      __typename: 'ForbiddenError',
      code: 'FORBIDDEN',
    });
    expect(await run(partner.key, 'LISTING_SUBMIT', jsonl([{ listingId: gid('Listing', 1) }]))).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(
      (await gql(null, RUN, { input: { mutation: 'LISTING_SUBMIT', lines: '{}' } })).data!.bulkOperationRun,
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect(await db.prisma.bulkOperation.count()).toBe(before);
    // Exactly 10,000 lines is fine.
    const ok = await run(sellerKey, 'LISTING_SUBMIT', `${'{}\n'.repeat(10_000)}`);
    expect(ok.bulkOperation).toMatchObject({ lineCount: 10_000, status: 'CREATED' });
    await gql(sellerKey, CANCEL, { input: { id: ok.bulkOperation.id } });
  });

  it('lets a key have at most 5 operations CREATED or RUNNING, also when they arrive at once', async () => {
    const { key } = await sellerShop(db.prisma, 'Five at most', { primaryCategoryId: world.categories.beauty });
    const attempts = await Promise.all(
      Array.from({ length: 8 }, () => gql(key, RUN, { input: { mutation: 'LISTING_SUBMIT', lines: '{}' } })),
    );
    const results = attempts.map((r) => r.data!.bulkOperationRun);
    expect(results.filter((r) => r.__typename === 'BulkOperationRunSuccess')).toHaveLength(5);
    const refused = results.filter((r) => r.__typename !== 'BulkOperationRunSuccess');
    expect(refused.map((r) => r.code)).toEqual(['LIMIT_EXCEEDED', 'LIMIT_EXCEEDED', 'LIMIT_EXCEEDED']);
    expect((await gql(key, LIST, { status: 'CREATED' })).data!.bulkOperations.edges).toHaveLength(5);
    // Another key is not affected; a finished operation frees a place.
    const other = await sellerShop(db.prisma, 'Another key', { primaryCategoryId: world.categories.beauty });
    expect((await run(other.key, 'LISTING_SUBMIT', '{}')).__typename).toBe('BulkOperationRunSuccess');
    const first = results.find((r) => r.__typename === 'BulkOperationRunSuccess')!.bulkOperation;
    expect((await gql(key, CANCEL, { input: { id: first.id } })).data!.bulkOperationCancel.__typename).toBe(
      'BulkOperationCancelSuccess',
    );
    expect((await run(key, 'LISTING_SUBMIT', '{}')).__typename).toBe('BulkOperationRunSuccess');
    expect((await run(key, 'LISTING_SUBMIT', '{}')).code).toBe('LIMIT_EXCEEDED');
    // Leave no work behind for the other tests' workers.
    await db.prisma.bulkOperation.updateMany({ where: { status: 'CREATED' }, data: { status: 'CANCELED' } });
  });

  it('cancels: a CREATED operation at once, a RUNNING one between chunks, keeping the results of the lines already processed', async () => {
    const { shop } = await sellerShop(db.prisma, 'Cancel shop', { primaryCategoryId: world.categories.beauty });
    const ids = await createListingRows(db.prisma, shop.id, world.categories.skincare, 12, {
      status: 'PENDING_REVIEW',
    });
    const lines = jsonl(ids.map((id) => ({ listingId: gid('Listing', id), decision: 'APPROVE' })));

    const waiting = (await run(world.adminKey, 'LISTING_REVIEW', lines)).bulkOperation;
    const canceled = (await gql(world.adminKey, CANCEL, { input: { id: waiting.id } })).data!.bulkOperationCancel;
    expect(canceled.bulkOperation).toMatchObject({ status: 'CANCELED', processedCount: 0, result: '' });
    expect(canceled.bulkOperation.finishedAt).not.toBeNull();
    expect((await gql(world.adminKey, CANCEL, { input: { id: waiting.id } })).data!.bulkOperationCancel).toMatchObject({
      __typename: 'InvalidStateError',
      code: 'INVALID_STATE',
    });
    await testWorker(db).drain();
    expect(await get(world.adminKey, waiting.id)).toMatchObject({
      status: 'CANCELED',
      processedCount: 0,
      startedAt: null,
    });

    // Stopped after its first chunk of 4, canceled, then no worker touches it again.
    const running = (await run(world.adminKey, 'LISTING_REVIEW', lines)).bulkOperation;
    const first = testWorker(db, { chunkSize: 4 }, { beforeCommit: () => void first.stop() });
    await first.drain();
    expect((await get(world.adminKey, running.id)).status).toBe('RUNNING');
    const stopped = (await gql(world.adminKey, CANCEL, { input: { id: running.id } })).data!.bulkOperationCancel
      .bulkOperation;
    expect(stopped).toMatchObject({ status: 'CANCELED', processedCount: 4, succeededCount: 4 });
    expect(parseResult(stopped.result).map((l) => [l.line, l.ok])).toEqual([
      [1, true],
      [2, true],
      [3, true],
      [4, true],
    ]);
    await testWorker(db, { chunkSize: 4 }).drain();
    expect((await get(world.adminKey, running.id)).processedCount).toBe(4);
    expect(await db.prisma.listing.count({ where: { id: { in: ids }, status: 'ACTIVE' } })).toBe(4);

    // Canceled while a worker runs it: the chunk in flight finishes, no further chunk starts.
    await db.prisma.listing.updateMany({ where: { id: { in: ids } }, data: { status: 'PENDING_REVIEW', version: 5 } });
    const live = (await run(world.adminKey, 'LISTING_REVIEW', lines)).bulkOperation;
    let cancel: Promise<unknown> | null = null;
    const worker = testWorker(
      db,
      { chunkSize: 4 },
      {
        beforeCommit: async () => {
          if (cancel) return;
          cancel = gql(world.adminKey, CANCEL, { input: { id: live.id } });
          // Hold this chunk's commit until the cancellation waits for the operation's row, so that it gets the row before
          // the next chunk does, however fast the worker is (PGlite queues the cancellation behind this transaction anyway).
          if (target === 'postgres') await waitForLockWaiter();
        },
      },
    );
    await worker.drain();
    await cancel;
    const after = await get(world.adminKey, live.id);
    expect(after.status).toBe('CANCELED');
    expect([4, 8]).toContain(after.processedCount);
    expect(parseResult(after.result)).toHaveLength(after.processedCount);
    expect(await db.prisma.listing.count({ where: { id: { in: ids }, status: 'ACTIVE' } })).toBe(after.processedCount);
  });

  it('stores lines and results gzip-compressed, and still runs and reads an operation stored as text before compression', async () => {
    const { shop } = await sellerShop(db.prisma, 'Stored shop', { primaryCategoryId: world.categories.beauty });
    const ids = await createListingRows(db.prisma, shop.id, world.categories.skincare, 6, { status: 'PENDING_REVIEW' });
    const line = (id: number) => ({ listingId: gid('Listing', id), decision: 'APPROVE' });
    const lines = jsonl(ids.slice(0, 3).map(line));

    // New operations: compressed, the text columns left null; two chunks append two gzip members.
    const op = (await run(world.adminKey, 'LISTING_REVIEW', lines)).bulkOperation;
    const stored = await db.prisma.bulkOperation.findUniqueOrThrow({
      where: { id: dbId(op.id) },
      select: { input: true, inputGzip: true },
    });
    expect(stored.input).toBeNull();
    expect(gunzipSync(stored.inputGzip!).toString()).toBe(lines);
    await testWorker(db, { chunkSize: 2 }).drain();
    const done = await get(world.adminKey, op.id);
    const row = await db.prisma.bulkOperation.findUniqueOrThrow({
      where: { id: dbId(op.id) },
      select: { result: true, resultGzip: true },
    });
    expect(row.result).toBeNull();
    expect([row.resultGzip![0], row.resultGzip![1]]).toEqual([0x1f, 0x8b]);
    expect(gunzipSync(row.resultGzip!).toString()).toBe(done.result);
    expect(parseResult(done.result).map((l) => [l.line, l.ok, l.listing?.id])).toEqual(
      ids.slice(0, 3).map((id, i) => [i + 1, true, gid('Listing', id)]),
    );

    // Stored before compression and half done then (line 1's result as text): resumed, its result is the text followed by the new lines.
    const apiKeyId = (await db.prisma.apiKey.findFirstOrThrow({ where: { role: 'ADMIN' }, select: { id: true } })).id;
    const oldLines = jsonl(ids.slice(3).map(line));
    await db.prisma.listing.update({ where: { id: ids[3]! }, data: { status: 'ACTIVE', version: 1 } });
    const firstResult = `{"line":1,"ok":true,"listing":{"id":"${gid('Listing', ids[3]!)}","status":"ACTIVE","version":1},"issues":[]}\n`;
    const legacy = await db.prisma.bulkOperation.create({
      data: {
        apiKeyId,
        mutation: 'LISTING_REVIEW',
        status: 'RUNNING',
        input: oldLines,
        result: firstResult,
        lineCount: 3,
        processedCount: 1,
        succeededCount: 1,
        startedAt: new Date(),
      },
    });
    await testWorker(db).drain();
    const resumed = await get(world.adminKey, gid('BulkOperation', legacy.id));
    expect(resumed).toMatchObject({ status: 'COMPLETED', processedCount: 3, succeededCount: 3 });
    expect(resumed.result.startsWith(firstResult)).toBe(true);
    expect(parseResult(resumed.result).map((l) => [l.line, l.ok, l.listing?.id])).toEqual(
      ids.slice(3).map((id, i) => [i + 1, true, gid('Listing', id)]),
    );
    expect(await db.prisma.listing.count({ where: { id: { in: ids }, status: 'ACTIVE', version: 1 } })).toBe(6);
  });

  it('honours per-line idempotency keys across operations: same line replays, another line is refused, a failed line leaves its key unused', async () => {
    const { shop } = await sellerShop(db.prisma, 'Idempotent lines', { primaryCategoryId: world.categories.beauty });
    const [a, b, c, d] = await createListingRows(db.prisma, shop.id, world.categories.skincare, 4, {
      status: 'PENDING_REVIEW',
    });
    const line = (id: number, key: string, extra: object = {}) => ({
      listingId: gid('Listing', id),
      decision: 'APPROVE',
      idempotencyKey: key,
      ...extra,
    });
    const first = (
      await run(
        world.adminKey,
        'LISTING_REVIEW',
        jsonl([line(a!, 'key-a'), line(b!, 'key-b', { expectedVersion: 9 }), line(c!, 'key-c'), line(c!, 'key-a')]),
      )
    ).bulkOperation;
    await testWorker(db).drain();
    const firstResult: string = (await get(world.adminKey, first.id)).result;
    const one = parseResult(firstResult);
    expect(one.map((l) => l.ok)).toEqual([true, false, true, false]);
    expect(one[3]!.errors!.map((e) => [e.code, e.field])).toEqual([['VALIDATION_FAILED', ['idempotencyKey']]]);

    // Sent again: key-a with the same line replays; key-b failed before, so it runs (and now succeeds); key-c with another line is refused.
    const second = (
      await run(
        world.adminKey,
        'LISTING_REVIEW',
        jsonl([line(a!, 'key-a'), line(b!, 'key-b', { expectedVersion: 0 }), line(d!, 'key-c')]),
      )
    ).bulkOperation;
    // In batches of 2 lines: each batch claims and settles its own keys.
    await testWorker(db, { batchSize: 2 }).drain();
    const secondResult: string = (await get(world.adminKey, second.id)).result;
    const two = parseResult(secondResult);
    // The stored line, byte for byte, marked as a replay.
    expect(secondResult.split('\n')[0]).toBe(`${firstResult.split('\n')[0]!.slice(0, -1)},"replayed":true}`);
    expect(two[0]).toEqual({ ...one[0], line: 1, replayed: true });
    expect(two[1]).toMatchObject({
      line: 2,
      ok: true,
      listing: { id: gid('Listing', b!), status: 'ACTIVE', version: 1 },
    });
    expect(two[2]!.errors!.map((e) => [e.code, e.field])).toEqual([['IDEMPOTENCY_KEY_REUSED', ['idempotencyKey']]]);
    expect(await db.prisma.listingReview.count({ where: { listingId: a! } })).toBe(1);
    expect(await listingRow(a!)).toEqual({ status: 'ACTIVE', version: 1 });
    expect(await listingRow(d!)).toEqual({ status: 'PENDING_REVIEW', version: 0 });

    // Keys belong to the API key: another administrator's key runs its own line (here a CONFLICT: a is ACTIVE now).
    const otherAdmin = await createKey(db.prisma, 'ADMIN');
    const third = (await run(otherAdmin.key, 'LISTING_REVIEW', jsonl([line(a!, 'key-a')]))).bulkOperation;
    await testWorker(db).drain();
    expect(parseResult((await get(otherAdmin.key, third.id)).result)[0]!.errors![0]!.code).toBe('INVALID_STATE');
    // And they do not collide with Idempotency-Key headers of the same key.
    const header = await gql(world.adminKey, CLOCK, { now: '2024-03-01T00:00:00Z' }, { 'idempotency-key': 'key-a' });
    expect(header.errors).toBeUndefined();

    // A key whose field name is escaped in the JSON text is a key all the same: stored, then replayed.
    const escaped = `{"listingId":"${gid('Listing', d!)}","decision":"APPROVE","idempotency\\u004bey":"key-e"}\n`;
    expect(escaped).not.toContain('idempotencyKey');
    for (const replayed of [undefined, true]) {
      const op = (await run(world.adminKey, 'LISTING_REVIEW', escaped)).bulkOperation;
      await testWorker(db).drain();
      expect(parseResult((await get(world.adminKey, op.id)).result)[0]).toEqual({
        line: 1,
        ok: true,
        listing: { id: gid('Listing', d!), status: 'ACTIVE', version: 1 },
        issues: [],
        ...(replayed ? { replayed } : {}),
      });
    }
    expect(await db.prisma.listingReview.count({ where: { listingId: d! } })).toBe(1);
  });

  it('shows an operation only to the key that created it and to administrators', async () => {
    const mine = await sellerShop(db.prisma, 'Owner shop', { primaryCategoryId: world.categories.beauty });
    const other = await sellerShop(db.prisma, 'Curious shop', { primaryCategoryId: world.categories.beauty });
    const sameShopKey = await createKey(db.prisma, 'SELLER', { shopId: mine.shop.id });
    const op = (await run(mine.key, 'LISTING_SUBMIT', '{}')).bulkOperation;
    for (const key of [other.key, sameShopKey.key]) {
      expect((await gql(key, NODE, { id: op.id })).data!.node).toBeNull();
      expect((await gql(key, GET, { id: op.id })).data!.bulkOperation).toBeNull();
      expect(
        (await gql(key, LIST, {})).data!.bulkOperations.edges.map((e: { node: { id: string } }) => e.node.id),
      ).not.toContain(op.id);
      expect((await gql(key, CANCEL, { input: { id: op.id } })).data!.bulkOperationCancel).toMatchObject({
        __typename: 'NotFoundError',
        code: 'NOT_FOUND',
      });
    }
    expect((await gql(mine.key, NODE, { id: op.id })).data!.node).toEqual({
      id: op.id,
      status: 'CREATED',
      lineCount: 1,
    });
    expect((await gql(world.adminKey, NODE, { id: op.id })).data!.node).toEqual({
      id: op.id,
      status: 'CREATED',
      lineCount: 1,
    });
    // bulkOperations is the caller's own list, even for an administrator.
    expect(
      (await gql(world.adminKey, LIST, {})).data!.bulkOperations.edges.map((e: { node: { id: string } }) => e.node.id),
    ).not.toContain(op.id);
    expect(
      (await gql(mine.key, LIST, {})).data!.bulkOperations.edges.map((e: { node: { id: string } }) => e.node.id),
    ).toEqual([op.id]);
    await gql(mine.key, CANCEL, { input: { id: op.id } });
  });

  it('audits the call that stores an operation, each chunk the worker runs, and a cancellation', async () => {
    const { key, keyId, shop } = await sellerShop(db.prisma, 'Audited shop', {
      primaryCategoryId: world.categories.beauty,
    });
    const drafts = await createListingRows(db.prisma, shop.id, world.categories.skincare, 5);
    const lines = jsonl(drafts.map((id) => ({ listingId: gid('Listing', id) })));
    const op = (await run(key, 'LISTING_SUBMIT', lines)).bulkOperation;
    await testWorker(db, { chunkSize: 2 }).drain();
    const queued = (await run(key, 'LISTING_SUBMIT', '{}')).bulkOperation;
    await gql(key, CANCEL, { input: { id: queued.id } });
    const audit = await db.prisma.auditRecord.findMany({ where: { apiKeyId: keyId }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => [a.operation, a.outcome])).toEqual([
      ['bulkOperationRun', 'SUCCESS'],
      ['listingSubmit', 'SUCCESS'],
      ['listingSubmit', 'SUCCESS'],
      ['listingSubmit', 'SUCCESS'],
      ['bulkOperationRun', 'SUCCESS'],
      ['bulkOperationCancel', 'SUCCESS'],
    ]);
    expect(audit[0]!.input).toEqual({ mutation: 'LISTING_SUBMIT', bytes: lines.length });
    expect(audit.slice(1, 4).map((a) => a.input)).toEqual([
      { bulkOperationId: expect.any(Number), lines: { from: 1, to: 2 }, succeeded: 2, failed: 0 },
      { bulkOperationId: expect.any(Number), lines: { from: 3, to: 4 }, succeeded: 2, failed: 0 },
      { bulkOperationId: expect.any(Number), lines: { from: 5, to: 5 }, succeeded: 1, failed: 0 },
    ]);
    expect(audit[1]).toMatchObject({ role: 'SELLER', shopId: shop.id, targetType: 'BulkOperation', targetId: op.id });
    expect(await db.prisma.listing.count({ where: { id: { in: drafts }, status: 'PENDING_REVIEW' } })).toBe(5);
  });
});

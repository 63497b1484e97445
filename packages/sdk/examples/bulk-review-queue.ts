/**
 * For the policy team: approve every listing waiting in the review queue with ONE asynchronous bulk
 * operation (up to 10,000 lines), following its progress, then print the lines that failed.
 * Each line carries the version that was read, so a listing changed in the meantime fails with
 * CONFLICT instead of being approved blind; each carries an idempotency key, so running the
 * script again does not approve anything twice.
 *
 *   SHOPWARDEN_API_KEY=sw_adm_demo… npx tsx packages/sdk/examples/bulk-review-queue.ts
 */
import { pathToFileURL } from 'node:url';
// In your project: import { createShopWardenClient, type BulkLine, type FetchLike, type TypedDocumentString } from '@shopwarden/sdk';
import { createShopWardenClient, type BulkLine, type FetchLike, type TypedDocumentString } from '../src/index.ts';

/** Only what the lines need: a page of 100 costs about 100 points instead of several hundred with every listing field. */
const ReviewQueueVersions = /* GraphQL */ `
  query ReviewQueueVersions($after: String) {
    listingReviewQueue(first: 100, after: $after) { edges { node { id version } } pageInfo { hasNextPage endCursor } }
  }` as TypedDocumentString<
  {
    listingReviewQueue: {
      edges: { node: { id: string; version: number } }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
  },
  { after?: string | null }
>;

export interface BulkReviewQueueOptions {
  url: string;
  apiKey: string;
  fetch?: FetchLike;
  /** How often to read the operation while it runs. @default 1000 */
  pollIntervalMs?: number;
  print?: (line: string) => void;
}

export async function bulkReviewQueue({
  url,
  apiKey,
  fetch,
  pollIntervalMs = 1000,
  print = console.log,
}: BulkReviewQueueOptions) {
  const client = createShopWardenClient({ url, apiKey, fetch });

  const lines: BulkLine<'LISTING_REVIEW'>[] = [];
  for await (const listing of client.paginate(ReviewQueueVersions, {}, (d) => d.listingReviewQueue)) {
    lines.push({
      listingId: listing.id,
      decision: 'APPROVE',
      expectedVersion: listing.version,
      idempotencyKey: `approve-${listing.id}-v${listing.version}`,
    });
    if (lines.length === 10_000) break;
  }
  print(`${lines.length} listings waiting for review`);
  if (!lines.length) return null;

  const operation = await client.bulk.run(
    { mutation: 'LISTING_REVIEW', lines },
    {
      pollIntervalMs,
      onProgress: (op) =>
        print(`${op.status} ${Math.round(op.progress * 100)}% (${op.processedCount}/${op.lineCount})`),
    },
  );
  print(`${operation.status}: ${operation.succeededCount} approved, ${operation.failedCount} failed`);
  for (const line of operation.results) {
    if (!line.ok)
      print(
        `line ${line.line} (${lines[line.line - 1]?.listingId ?? 'not a line sent'}): ${line.errors.map((e) => `${e.code} ${e.message}`).join('; ')}`,
      );
  }
  return operation;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await bulkReviewQueue({
    url: process.env.SHOPWARDEN_URL ?? 'http://localhost:4000/graphql',
    apiKey: process.env.SHOPWARDEN_API_KEY ?? '',
  });
}

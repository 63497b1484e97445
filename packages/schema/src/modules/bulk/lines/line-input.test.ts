import { describe, expect, it } from 'vitest';
import { ValidationError } from '#lib/errors.ts';
import { parseLines, splitLines } from './line-reader.ts';
import { bulkMutations } from '#modules/bulk/bulk-mutations.ts';

const read = (...lines: object[]) =>
  parseLines(
    'LISTING_REVIEW',
    splitLines(lines.map((l) => JSON.stringify(l)).join('\n')),
    bulkMutations.LISTING_REVIEW.shape,
  );
const paths = (line: ReturnType<typeof read>[number]) =>
  line.error instanceof ValidationError ? line.error.fields.map((f) => f.path.join('.')) : null;

describe('bulk lines read values by the same rules as GraphQL inputs', () => {
  it('take a listing ID only in its canonical form', () => {
    const spellings = [
      'Listing:12.0',
      'Listing: 12',
      'Listing:012',
      'Listing:+12',
      'Listing:12e0',
      'Listing:2147483648',
    ];
    const lines = read(
      { listingId: btoa('Listing:12'), decision: 'APPROVE' },
      ...spellings.map((s) => ({ listingId: btoa(s), decision: 'APPROVE' })),
      { listingId: btoa('Listing:12').replace(/=+$/, ''), decision: 'APPROVE' },
    );
    expect(lines[0]!.listingId).toBe(12);
    expect(lines.slice(1).map(paths)).toEqual(Array.from({ length: spellings.length + 1 }, () => ['listingId']));
  });

  it('refuse NUL characters in stored text and in line idempotency keys', () => {
    const lines = read(
      { listingId: btoa('Listing:1'), decision: 'REJECT', reasons: [{ code: 'BAD', message: 'x\u0000' }] },
      { listingId: btoa('Listing:2'), decision: 'APPROVE', note: '\u0000' },
      { listingId: btoa('Listing:3'), decision: 'APPROVE', idempotencyKey: 'k\u0000' },
    );
    expect(lines.map(paths)).toEqual([['reasons.0.message'], ['note'], ['idempotencyKey']]);
  });
});

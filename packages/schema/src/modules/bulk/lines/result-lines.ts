import { gunzipSync, gzipSync } from 'node:zlib';
import { ValidationError, type AppError, type ErrorCode } from '#lib/errors.ts';
import type { ParsedLine } from './line-reader.ts';

/** One error of a failed result line. */
export interface LineError {
  code: ErrorCode;
  message: string;
  /** Path of the offending field inside the line (["reasons", "0", "code"]), or null. */
  field: string[] | null;
}

/** A result line without its line number (the part stored with an idempotency key and replayed). */
export type LineOutcome =
  | {
      ok: true;
      listing: { id: string; status: string; version: number | null };
      issues: { code: string; message: string }[];
    }
  | { ok: false; errors: LineError[] };

/** The errors of a failed line: one per invalid field for VALIDATION_FAILED; otherwise one, pointing at the field it concerns. */
export function lineErrors(error: AppError, line: Pick<ParsedLine, 'sentExpectedVersion'>): LineError[] {
  if (error instanceof ValidationError)
    return error.fields.map((f) => ({ code: error.code, message: f.message, field: f.path.length ? f.path : null }));
  const field =
    error.code === 'NOT_FOUND'
      ? ['listingId']
      : error.code === 'CONFLICT' && line.sentExpectedVersion
        ? ['expectedVersion']
        : error.code === 'IDEMPOTENCY_KEY_REUSED'
          ? ['idempotencyKey']
          : null;
  return [{ code: error.code, message: error.message, field }];
}

/** The global ID of a listing, as `encodeGlobalID('Listing', id)` writes it (base64 of ASCII "Listing:<id>"). */
export const listingGlobalId = (id: number) => btoa(`Listing:${id}`);

/** A success outcome. */
export function okOutcome(
  listingId: number,
  status: string,
  version: number | null,
  issues: { code: string; message: string }[],
): LineOutcome {
  return { ok: true, listing: { id: listingGlobalId(listingId), status, version }, issues };
}

/**
 * One result line with its newline. A success is written directly: it is almost every line, and the
 * same text JSON.stringify would make of `{ line, ...okOutcome(…) }`.
 */
export function okResultLine(
  line: number,
  listingId: number,
  status: string,
  version: number | null,
  issues: { code: string; message: string }[],
): string {
  return `{"line":${line},"ok":true,"listing":{"id":"${listingGlobalId(listingId)}","status":"${status}","version":${version}},"issues":${issues.length ? JSON.stringify(issues) : '[]'}}\n`;
}

export function resultLine(line: number, outcome: LineOutcome, replayed: boolean): string {
  return `${JSON.stringify({ line, ...outcome, ...(replayed ? { replayed: true } : {}) })}\n`;
}

/**
 * Lines and result lines are stored gzip-compressed: JSONL of global IDs compresses about 15–25×, and
 * a 10,000-line operation otherwise carries 1.7 MB of text to and from the database (PostgreSQL reads
 * a message 8 KB at a time and TOAST-compresses it again). Level 1: the fastest, and nearly as small
 * on such repetitive text. Synchronous: about 2 ms per MB either way, where the thread pool's
 * round trips cost more than that under load (measured in the bulk-review benchmark).
 */
export function compressText(text: string): Uint8Array<ArrayBuffer> {
  // zlib's output never lives in a SharedArrayBuffer (the type Prisma's Bytes fields take).
  return gzipSync(text, { level: 1 }) as Uint8Array<ArrayBuffer>;
}

/** Stored text: the plain text of an operation stored before compression, followed by the gzip members (one per batch of result lines), if any. */
export function storedText(plain: string | null, compressed: Uint8Array | null): string {
  if (!compressed?.length) return plain ?? '';
  return (plain ?? '') + gunzipSync(compressed).toString('utf8');
}

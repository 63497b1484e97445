import type { BulkLine, BulkMutation } from '@shopwarden/sdk';
import { parse, type CsvError } from 'csv-parse/sync';
import { CliError, EXIT } from './errors.ts';

/** The mutations a bulk operation runs, each with the CSV columns its lines take. */
export const BULK_MUTATIONS = ['LISTING_REVIEW', 'LISTING_SUBMIT'] as const satisfies readonly BulkMutation[];
// Fails to compile when the API gains a bulk mutation this list lacks.
const _everyMutation: Exclude<BulkMutation, (typeof BULK_MUTATIONS)[number]> extends never ? true : never = true;
void _everyMutation;

const COLUMNS: Record<BulkMutation, readonly string[]> = {
  LISTING_SUBMIT: ['listingId', 'idempotencyKey'],
  LISTING_REVIEW: ['listingId', 'decision', 'reasonCode', 'reasonMessage', 'note', 'expectedVersion', 'idempotencyKey'],
};
const DECISIONS = ['APPROVE', 'REJECT', 'SUSPEND'] as const;
/** More reasons than one: reasonCode2/reasonMessage2, reasonCode3/…; the API takes at most 20. */
const REASON = /^reason(code|message)(\d*)$/;

/** `Listing ID`, `listing_id` and `listingId` are one column. */
const normalize = (header: string) => header.toLowerCase().replace(/[\s_-]+/g, '');

export interface ConvertResult {
  mutation: BulkMutation;
  lines: BulkLine<BulkMutation>[];
}

/** At most this many bad rows are listed; the count of the rest follows. */
const MAX_LISTED = 20;

/**
 * CSV rows (a header row first) as the lines of a bulk operation, one JSON object per row. The mutation is
 * `mutation`, else LISTING_REVIEW when there is a `decision` column, else LISTING_SUBMIT. Every bad row is reported
 * with its line number (`listings.csv:4: decision: …`) and nothing is returned unless every row is good.
 */
export function csvToLines(text: string, file: string, mutation?: BulkMutation): ConvertResult {
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  let headers: string[] = [];
  try {
    rows = parse(text, {
      bom: true,
      columns: (header: string[]) => (headers = header.map((h) => h.trim())).map(normalize),
      info: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as typeof rows;
  } catch (error) {
    const csv = error as CsvError & { lines?: number };
    throw new CliError('INVALID_CSV', `${file}${csv.lines ? `:${csv.lines}` : ''}: ${csv.message}`, EXIT.USAGE);
  }
  if (!headers.length) throw new CliError('INVALID_CSV', `${file}: no header row.`, EXIT.USAGE);

  const normalized = headers.map(normalize);
  const chosen: BulkMutation = mutation ?? (normalized.includes('decision') ? 'LISTING_REVIEW' : 'LISTING_SUBMIT');
  const allowed = new Map(COLUMNS[chosen].map((c) => [normalize(c), c]));
  const unknown = headers.filter((h) => {
    const n = normalize(h);
    return !allowed.has(n) && !(chosen === 'LISTING_REVIEW' && REASON.test(n));
  });
  const problems: string[] = [];
  if (unknown.length)
    problems.push(
      `${file}:1: ${unknown.map((u) => `"${u}"`).join(', ')} ${unknown.length > 1 ? 'are not columns' : 'is not a column'} of ${chosen} (columns: ${COLUMNS[chosen].join(', ')}${chosen === 'LISTING_REVIEW' ? ', reasonCode2, reasonMessage2, …' : ''}).`,
    );
  if (!normalized.includes('listingid')) problems.push(`${file}:1: the column listingId is required.`);
  if (chosen === 'LISTING_REVIEW' && !normalized.includes('decision'))
    problems.push(`${file}:1: the column decision is required for LISTING_REVIEW.`);
  const duplicate = normalized.find((n, i) => normalized.indexOf(n) !== i);
  if (duplicate) problems.push(`${file}:1: the column "${headers[normalized.indexOf(duplicate)]}" appears twice.`);
  if (problems.length) throw invalid(file, problems);

  const lines: BulkLine<BulkMutation>[] = [];
  const seenListing = new Map<string, number>();
  const seenKey = new Map<string, number>();
  for (const { record, info } of rows) {
    const at = `${file}:${info.lines}`;
    const bad = (message: string) => problems.push(`${at}: ${message}`);
    const cell = (name: string) => record[normalize(name)] || undefined;
    const line: Record<string, unknown> = {};

    const listingId = cell('listingId');
    if (!listingId) bad('listingId is empty.');
    else {
      const first = seenListing.get(listingId);
      if (first !== undefined)
        bad(`listingId ${listingId} is already on line ${first} (a listing may appear once per operation).`);
      else seenListing.set(listingId, info.lines);
      line.listingId = listingId;
    }

    if (chosen === 'LISTING_REVIEW') {
      const decision = cell('decision')?.toUpperCase();
      if (!decision) bad('decision is empty (APPROVE, REJECT or SUSPEND).');
      else if (!(DECISIONS as readonly string[]).includes(decision))
        bad(`decision "${cell('decision')}" is not APPROVE, REJECT or SUSPEND.`);
      else line.decision = decision;

      const reasons: { code: string; message: string }[] = [];
      const suffixes = [...new Set(normalized.flatMap((n) => REASON.exec(n)?.[2] ?? []))].sort(
        (a, b) => Number(a || 1) - Number(b || 1),
      );
      for (const suffix of suffixes) {
        const code = record[`reasoncode${suffix}`] || undefined;
        const message = record[`reasonmessage${suffix}`] || undefined;
        if (code && message) reasons.push({ code, message });
        else if (code || message)
          bad(`reasonCode${suffix} and reasonMessage${suffix} go together (one of them is empty).`);
      }
      if (reasons.length) line.reasons = reasons;
      if (decision === 'REJECT' && !reasons.length) bad('a REJECT needs a reason (reasonCode and reasonMessage).');

      const note = cell('note');
      if (note) line.note = note;
      const version = cell('expectedVersion');
      if (version !== undefined) {
        if (!/^\d+$/.test(version) || !Number.isSafeInteger(Number(version)))
          bad(`expectedVersion "${version}" is not a whole number ≥ 0.`);
        else line.expectedVersion = Number(version);
      }
    }

    const key = cell('idempotencyKey');
    if (key) {
      const first = seenKey.get(key);
      if (key.length > 255) bad('idempotencyKey is longer than 255 characters.');
      else if (first !== undefined) bad(`idempotencyKey "${key}" is already on line ${first}.`);
      else seenKey.set(key, info.lines);
      line.idempotencyKey = key;
    }
    lines.push(line as BulkLine<BulkMutation>);
  }
  if (problems.length) throw invalid(file, problems);
  if (!lines.length) throw new CliError('INVALID_CSV', `${file}: no rows below the header.`, EXIT.USAGE);
  return { mutation: chosen, lines };
}

function invalid(file: string, problems: string[]): CliError {
  const listed = problems.slice(0, MAX_LISTED);
  if (problems.length > MAX_LISTED) listed.push(`… and ${problems.length - MAX_LISTED} more.`);
  const rows = problems.length === 1 ? 'a problem' : `${problems.length} problems`;
  return new CliError('INVALID_CSV', `${file} has ${rows}; nothing was written.`, EXIT.USAGE, listed);
}

/**
 * For agencies: read a CSV of listings for several shops, create each as a draft, then submit
 * them in bulk (up to 250 per call) through the automatic checks, printing progress and a
 * summary per shop.
 *
 * CSV columns (header row required, any order): shop_id, title, category_id, price, currency, sites
 *   - shop_id, category_id: global IDs (as `shops` and `categories` return them)
 *   - price: a decimal amount in the currency ("19.99"); currency: ISO 4217 ("GBP")
 *   - sites: country codes separated by "|" or spaces ("GB|DE")
 *
 *   SHOPWARDEN_API_KEY=sw_agy_demo… npx tsx packages/sdk/examples/agency-bulk-submit.ts listings.csv
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
// In your project: import { createShopWardenClient, isError, isSuccess, type FetchLike, type ListingStatus } from '@shopwarden/sdk';
import { createShopWardenClient, isError, isSuccess, type FetchLike, type ListingStatus } from '../src/index.ts';

export interface BulkSubmitOptions {
  url: string;
  apiKey: string;
  /** The CSV text. */
  csv: string;
  fetch?: FetchLike;
  /** Drafts created at the same time. @default 4 */
  concurrency?: number;
  print?: (line: string) => void;
}

export interface RowOutcome {
  line: number;
  shopId: string;
  title: string;
  /** Where the row ended: its listing status, or why it never got one. */
  outcome: ListingStatus | 'INVALID_ROW' | 'CREATE_FAILED' | 'SUBMIT_FAILED';
  listingId?: string;
  detail?: string;
}

const BULK_LIMIT = 250;

/** A small RFC 4180 parser: quoted fields, doubled quotes, commas and newlines inside quotes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) rows.push([...row, field]);
  return rows.filter((r) => r.some((f) => f.trim() !== ''));
}

/** "19.99" in GBP → 1999; uses the currency's minor-unit digits (0 for JPY, 2 for most). */
function toMinorUnits(price: string, currency: string): number | null {
  if (!/^\d+(\.\d+)?$/.test(price.trim())) return null;
  let digits: number;
  try {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return null;
  }
  const [whole, fraction = ''] = price.trim().split('.');
  if (fraction.length > digits) return null;
  return Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
}

async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>) {
  // One iterator shared by every worker: each takes the next item.
  const queue = items.values();
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (const item of queue) await fn(item);
    }),
  );
}

export async function agencyBulkSubmit({
  url,
  apiKey,
  csv,
  fetch,
  concurrency = 4,
  print = console.log,
}: BulkSubmitOptions) {
  const client = createShopWardenClient({ url, apiKey, fetch });
  const [header, ...records] = parseCsv(csv);
  const columns = ['shop_id', 'title', 'category_id', 'price', 'currency', 'sites'];
  const names = header?.map((h) => h.trim().toLowerCase()) ?? [];
  const column = (c: string) => names.indexOf(c);
  const missing = columns.filter((c) => column(c) < 0);
  if (missing.length) throw new Error(`The CSV header lacks: ${missing.join(', ')}`);

  const outcomes: RowOutcome[] = [];
  const drafts: {
    row: RowOutcome;
    input: {
      shopId: string;
      title: string;
      categoryId: string;
      priceAmount: number;
      currency: string;
      sites: string[];
    };
  }[] = [];
  records.forEach((record, i) => {
    const get = (c: string) => (record[column(c)] ?? '').trim();
    const row: RowOutcome = { line: i + 2, shopId: get('shop_id'), title: get('title'), outcome: 'INVALID_ROW' };
    outcomes.push(row);
    const currency = get('currency').toUpperCase();
    const priceAmount = toMinorUnits(get('price'), currency);
    const sites = get('sites')
      .split(/[|\s;]+/)
      .filter(Boolean)
      .map((s) => s.toUpperCase());
    if (!row.shopId || !row.title || !get('category_id') || priceAmount === null || sites.length === 0) {
      row.detail =
        priceAmount === null
          ? `bad price "${get('price')}" for ${currency || 'no currency'}`
          : 'a required column is empty';
      return;
    }
    drafts.push({
      row,
      input: { shopId: row.shopId, title: row.title, categoryId: get('category_id'), priceAmount, currency, sites },
    });
  });
  print(`${records.length} rows, ${drafts.length} valid, ${records.length - drafts.length} invalid`);

  // 1. Drafts, a few at a time.
  let done = 0;
  const created: { row: RowOutcome; listingId: string }[] = [];
  await mapLimit(drafts, concurrency, async ({ row, input }) => {
    const result = await client.listings.create({ input });
    if (isSuccess(result) && result.listing) {
      const listingId = result.listing.id;
      row.listingId = listingId;
      row.outcome = result.listing.status;
      created.push({ row, listingId });
    } else {
      row.outcome = 'CREATE_FAILED';
      row.detail = isSuccess(result) ? 'no listing returned' : `${result.code}: ${result.message}`;
      if (isError(result, 'VALIDATION_FAILED'))
        row.detail += ` (${result.fields.map((f) => f.path.slice(1).join('.')).join(', ')})`;
    }
    done++;
    if (done % 10 === 0 || done === drafts.length) print(`created ${done}/${drafts.length}`);
  });

  // 2. Bulk submission, in input order, up to 250 listings per call (they may span shops).
  created.sort((a, b) => a.row.line - b.row.line);
  const chunks = Math.ceil(created.length / BULK_LIMIT);
  for (let c = 0; c < chunks; c++) {
    const chunk = created.slice(c * BULK_LIMIT, (c + 1) * BULK_LIMIT);
    const result = await client.listings.bulkSubmit({
      input: { errorPolicy: 'REJECT_FAILED_ROWS', items: chunk.map(({ listingId }) => ({ listingId })) },
    });
    if (!isSuccess(result)) {
      for (const { row } of chunk)
        Object.assign(row, { outcome: 'SUBMIT_FAILED', detail: `${result.code}: ${result.message}` });
      print(`submitted chunk ${c + 1}/${chunks}: refused (${result.code})`);
      continue;
    }
    for (const item of result.results) {
      const row = chunk[item.index]?.row;
      if (!row) throw new Error(`listingBulkSubmit answered for item ${item.index}, which this chunk does not have`);
      if (item.state === 'APPLIED' && item.status) {
        row.outcome = item.status;
        if (item.issues.length) row.detail = item.issues.map((i) => i.code).join(', ');
      } else {
        row.outcome = 'SUBMIT_FAILED';
        row.detail = item.error ? `${item.error.code}: ${item.error.message}` : item.state;
      }
    }
    print(`submitted chunk ${c + 1}/${chunks}: ${result.appliedCount} applied, ${result.failedCount} failed`);
  }

  // 3. Summary per shop.
  const byShop = new Map<string, Record<string, number>>();
  for (const row of outcomes) {
    const counts = byShop.get(row.shopId) ?? {};
    counts[row.outcome] = (counts[row.outcome] ?? 0) + 1;
    byShop.set(row.shopId, counts);
  }
  for (const [shopId, counts] of byShop)
    print(
      `shop ${shopId || '(none)'}: ${Object.entries(counts)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')}`,
    );
  for (const row of outcomes.filter((r) => r.detail))
    print(`line ${row.line} (${row.title || 'untitled'}): ${row.outcome} ${row.detail}`);
  return outcomes;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = process.argv[2];
  if (!file) throw new Error('Usage: agency-bulk-submit.ts <listings.csv>');
  await agencyBulkSubmit({
    url: process.env.SHOPWARDEN_URL ?? 'http://localhost:4000/graphql',
    apiKey: process.env.SHOPWARDEN_API_KEY ?? '',
    csv: await readFile(file, 'utf8'),
  });
}

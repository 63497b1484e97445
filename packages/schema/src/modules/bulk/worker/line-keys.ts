import type { Prisma } from '@shopwarden/db';
import { LINE_KEY_PREFIX, LINE_KEY_TTL_MS, type ParsedLine } from '#modules/bulk/lines/line-reader.ts';
import type { LineOutcome } from '#modules/bulk/lines/result-lines.ts';

/** A line that names a valid idempotency key. */
export type KeyedLine = ParsedLine & { idempotencyKey: string };

export function isKeyed(line: ParsedLine): line is KeyedLine {
  return !line.error && line.idempotencyKey !== null;
}

/** A line's idempotency key as a chunk found it: claimed by this chunk, or held with its stored record. */
export interface StoredKey {
  key: string;
  claimed: boolean;
  requestHash: string | null;
  state: string | null;
  response: unknown;
}

/**
 * Claims line keys in ONE statement: a key nobody holds (or an expired one) is taken for this
 * transaction; for the others it returns the stored record. A chunk claims all its keys at once,
 * before its first batch, in sorted order: two operations sharing keys lock them in the same order,
 * so they wait for each other instead of deadlocking.
 */
export async function claimLineKeys(
  tx: Prisma.TransactionClient,
  apiKeyId: number,
  lines: KeyedLine[],
): Promise<Map<string, StoredKey>> {
  const sorted = [...lines].sort((a, b) => (a.idempotencyKey < b.idempotencyKey ? -1 : 1));
  const now = new Date();
  const rows = await tx.$queryRaw<StoredKey[]>`
    WITH wanted AS (
      SELECT * FROM unnest(${sorted.map((l) => LINE_KEY_PREFIX + l.idempotencyKey)}::text[], ${sorted.map((l) => l.hash)}::text[]) WITH ORDINALITY AS w(key, hash, n)
    ),
    claimed AS (
      INSERT INTO "IdempotencyRecord" ("apiKeyId", "key", "requestHash", "state", "createdAt", "expiresAt")
      SELECT ${apiKeyId}::int, w.key, w.hash, 'IN_PROGRESS'::"IdempotencyState", ${now}::timestamp(3), ${new Date(now.getTime() + LINE_KEY_TTL_MS)}::timestamp(3) FROM wanted w ORDER BY w.n
      ON CONFLICT ("apiKeyId", "key") DO UPDATE
        SET "requestHash" = EXCLUDED."requestHash", "state" = 'IN_PROGRESS', "response" = NULL, "createdAt" = EXCLUDED."createdAt", "expiresAt" = EXCLUDED."expiresAt"
        WHERE "IdempotencyRecord"."expiresAt" <= ${now}::timestamp(3)
      RETURNING "key"
    )
    SELECT w.key, (c.key IS NOT NULL) AS claimed, r."requestHash", r."state"::text AS state, r."response"
    FROM wanted w
    LEFT JOIN claimed c ON c.key = w.key
    LEFT JOIN "IdempotencyRecord" r ON c.key IS NULL AND r."apiKeyId" = ${apiKeyId}::int AND r."key" = w.key`;
  return new Map(rows.map((r) => [r.key.slice(LINE_KEY_PREFIX.length), r]));
}

/** Stores the outcome of each claimed key whose line succeeded and frees the keys of lines that failed (they changed nothing), in ONE statement. */
export async function settleLineKeys(
  tx: Prisma.TransactionClient,
  apiKeyId: number,
  done: { key: string; outcome: LineOutcome }[],
  failed: string[],
): Promise<void> {
  await tx.$queryRaw`
    WITH done AS (
      UPDATE "IdempotencyRecord" AS r SET "state" = 'COMPLETED', "response" = d.response
      FROM unnest(${done.map((d) => LINE_KEY_PREFIX + d.key)}::text[], ${done.map((d) => JSON.stringify(d.outcome))}::text[]) AS d(key, response)
      WHERE r."apiKeyId" = ${apiKeyId}::int AND r."key" = d.key
      RETURNING 1
    ),
    freed AS (
      DELETE FROM "IdempotencyRecord" WHERE "apiKeyId" = ${apiKeyId}::int AND "key" = ANY(${failed.map((k) => LINE_KEY_PREFIX + k)}::text[])
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM done)::int AS done, (SELECT count(*) FROM freed)::int AS freed`;
}

/** A stored outcome: the line's JSON text, so a replay has the original line's bytes. */
export function storedOutcome(response: unknown): LineOutcome | null {
  if (typeof response !== 'string') return null;
  const value = JSON.parse(response) as unknown;
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean'
    ? (value as LineOutcome)
    : null;
}

/** The outcome of one batch of a chunk's lines, before its result lines are written. */

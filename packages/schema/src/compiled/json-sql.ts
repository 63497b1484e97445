/**
 * SQL expressions that produce JSON text by concatenation (cheaper than json_build_object: decision
 * 0001); each yields valid JSON and never SQL NULL (a NULL becomes `null`).
 */
import { ID_CURSOR_PREFIX, globalIdPrefix } from './adapter.ts';

/** A JSON string from any text expression (PostgreSQL escapes it exactly as JSON requires). */
export const jsonString = (expr: string, nullable = true) =>
  nullable ? `coalesce(to_json(${expr})::text, 'null')` : `to_json(${expr})::text`;

/** A JSON number or boolean from an expression whose text form is already valid JSON (int, boolean). */
export const jsonLiteral = (expr: string, nullable = true) =>
  nullable ? `coalesce((${expr})::text, 'null')` : `(${expr})::text`;

/** A JSON string for text known to need no escaping (enum labels, base64, formatted numbers and dates). */
export const jsonPlain = (expr: string, nullable = true) =>
  nullable ? `coalesce('"' || (${expr})::text || '"', 'null')` : concat([`'"'`, `(${expr})::text`, `'"'`]);

/** An instant as the DateTime scalar serialises it: `2024-02-07T00:00:00.000Z` (columns hold UTC). */
export const jsonDateTime = (expr: string, nullable = true) =>
  jsonPlain(`to_char(${expr}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`, nullable);

/** A JSON array of strings from a text[] column. */
export const jsonStringArray = (expr: string, nullable = true) => jsonString(expr, nullable);

/** Base64 of `prefix || value`, as Node's Buffer encodes it (PostgreSQL wraps lines after 76 characters: strip them). */
export function base64Of(prefix: string, valueExpr: string): string {
  if (!/^[\w:]+$/.test(prefix)) throw new Error(`unsafe base64 prefix ${prefix}`);
  const encoded = `encode(('${prefix}' || ${valueExpr})::bytea, 'base64')`;
  return prefix.length + 20 > 57 ? `replace(${encoded}, E'\\n', '')` : encoded;
}

/** The Relay global ID of a row, as the relay plugin encodes it: base64 of `Type:id`. */
export const jsonGlobalId = (typename: string, idExpr: string) =>
  concat([`'"'`, base64Of(globalIdPrefix(typename), idExpr), `'"'`]);

/** The Prisma plugin's cursor for `cursor: 'id'` on an integer id: base64 of `GPC:N:<id>`. */
export const jsonIdCursor = (idExpr: string) => concat([`'"'`, base64Of(ID_CURSOR_PREFIX, idExpr), `'"'`]);

/** Integer minor units as a decimal string with two places ("-12.05"), as `minorToDecimal` formats them. */
export const jsonDecimalFromMinor = (minorExpr: string) =>
  `'"' || CASE WHEN (${minorExpr}) < 0 THEN '-' ELSE '' END || (abs(${minorExpr}) / 100)::text || '.' || lpad((abs(${minorExpr}) % 100)::text, 2, '0') || '"'`;

/**
 * Concatenation that merges adjacent literals (`'{"a":' || '"'` becomes `'{"a":"'`): every `||`
 * costs PostgreSQL a function call and a copy, per row.
 */
export function concat(parts: readonly string[]): string {
  const out: string[] = [];
  for (const part of parts) {
    for (const piece of splitTopLevel(part)) {
      const prev = out[out.length - 1];
      if (prev !== undefined && isLiteral(prev) && isLiteral(piece))
        out[out.length - 1] = `${prev.slice(0, -1)}${piece.slice(1)}`;
      else out.push(piece);
    }
  }
  return out.join(' || ');
}

const isLiteral = (s: string) => s.length >= 2 && s.startsWith("'") && s.endsWith("'") && !s.slice(1, -1).includes("'");

/** Splits `a || b || c` at top-level `||` (outside parentheses and quotes). */
function splitTopLevel(expr: string): string[] {
  const pieces: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0 && c === '|' && expr[i + 1] === '|' && expr[i - 1] === ' ' && expr[i + 2] === ' ') {
      pieces.push(expr.slice(start, i - 1));
      start = i + 3;
      i += 2;
    }
  }
  pieces.push(expr.slice(start));
  return pieces;
}

/**
 * A JSON object from `[key, jsonTextExpr]` pairs, keys in the order given (GraphQL response order),
 * after `hidden` pairs whose keys are no GraphQL names (a partial read's marks, compiled/partial.ts).
 */
export function jsonObject(
  entries: readonly (readonly [string, string])[],
  hidden: readonly (readonly [string, string])[] = [],
): string {
  const keyed: (readonly [string, string])[] = [
    ...hidden.map(([key, expr]) => [JSON.stringify(key), expr] as const),
    ...entries.map(([key, expr]) => [`"${safeKey(key)}"`, expr] as const),
  ];
  if (!keyed.length) return `'{}'`;
  return concat([...keyed.flatMap(([key, expr], i) => [`'${i === 0 ? '{' : ','}${key}:'`, expr]), `'}'`]);
}

function safeKey(key: string): string {
  if (!/^[_A-Za-z][_0-9A-Za-z]*$/.test(key)) throw new Error(`not a GraphQL name: ${key}`);
  return key;
}

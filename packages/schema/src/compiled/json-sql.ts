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

/** A JSON array of strings from a text[] column: Prisma reads a NULL list (one it was not given on create) as []. */
export const jsonStringArray = (expr: string) => `coalesce(to_json(${expr})::text, '[]')`;

/** From this magnitude on (2^1024 − 2^970) JavaScript parses a JSON number as ±Infinity, which serialises as null. */
const DOUBLE_OVERFLOW = (2n ** 1024n - 2n ** 970n).toString();
/** A JSON number at most 2^-1075 in magnitude parses as 0: `abs(n) * 2^1075 <= 1`, exact in numeric. */
const DOUBLE_UNDERFLOW_SCALE = (2n ** 1075n).toString();

/**
 * JavaScript's Number::toString of a positive double from its shortest digits `d` (no leading or
 * trailing zeros) and the exponent `e` of the first: fixed from 1e-6 to below 1e21, else `1.5e-7`.
 */
function jsNumberText(d: string, e: string): string {
  const k = `length(${d})`;
  const n = `(${e} + 1)`;
  return (
    `CASE WHEN ${k} <= ${n} AND ${n} <= 21 THEN ${d} || repeat('0', ${n} - ${k}) ` +
    `WHEN 0 < ${n} AND ${n} <= 21 THEN left(${d}, ${n}) || '.' || substr(${d}, ${n} + 1) ` +
    `WHEN -6 < ${n} AND ${n} <= 0 THEN '0.' || repeat('0', -${n}) || ${d} ` +
    `ELSE left(${d}, 1) || CASE WHEN ${k} > 1 THEN '.' || substr(${d}, 2) ELSE '' END || 'e' || CASE WHEN ${n} > 0 THEN '+' ELSE '-' END || abs(${n} - 1)::text END`
  );
}

/**
 * A jsonb number as JavaScript writes the double it parses to (`JSON.stringify(JSON.parse(text))`):
 * 0 and null beyond the double range; else the shortest digits that round-trip. float8's text gives
 * them (Ryu, PostgreSQL 12+) but for a double one of whose rounding bounds is itself shorter, which
 * JavaScript takes and float8 does not: with 16 or more digits, the digits one shorter (rounded
 * down, or up) are taken when they parse to the same double.
 */
function jsonbNumberAsJs(v: string): string {
  const digits =
    `(SELECT rtrim(ltrim(replace(sw_nm.m, '.', ''), '0'), '0') AS d, CASE WHEN sw_nm.x IS NOT NULL THEN sw_nm.x ` +
    `WHEN sw_nm.m ~ '^0\\.' THEN -length(substring(sw_nm.m from '^0\\.(0*)')) - 1 ELSE length(split_part(sw_nm.m, '.', 1)) - 1 END AS e ` +
    `FROM (SELECT split_part(sw_nf.p, 'e', 1) AS m, CASE WHEN sw_nf.p LIKE '%e%' THEN split_part(sw_nf.p, 'e', 2)::int END AS x) sw_nm)`;
  const shorter = (plus: string) => `(left(sw_nd.d, length(sw_nd.d) - 1)::numeric${plus})::text`;
  const parses = (plus: string) =>
    `(${shorter(plus)} || 'e' || (sw_nd.e - length(sw_nd.d) + 2))::numeric::float8 = sw_nf.a`;
  const pick = `CASE WHEN length(sw_nd.d) < 16 THEN 0 WHEN ${parses('')} THEN 1 WHEN ${parses(' + 1')} THEN 2 ELSE 0 END`;
  const chosen =
    `(SELECT CASE sw_np.k WHEN 1 THEN rtrim(${shorter('')}, '0') WHEN 2 THEN rtrim(${shorter(' + 1')}, '0') ELSE sw_nd.d END AS d, ` +
    `CASE sw_np.k WHEN 2 THEN sw_nd.e + length(${shorter(' + 1')}) - length(sw_nd.d) + 1 ELSE sw_nd.e END AS e FROM (SELECT ${pick} AS k) sw_np)`;
  const text =
    `(SELECT CASE WHEN sw_nf.f < 0 THEN '-' ELSE '' END || ${jsNumberText('sw_nc.d', 'sw_nc.e')} ` +
    `FROM (SELECT sw_n.n::float8 AS f, abs(sw_n.n::float8) AS a, abs(sw_n.n::float8)::text AS p) sw_nf, ` +
    `LATERAL ${digits} sw_nd, LATERAL ${chosen} sw_nc)`;
  return (
    `(SELECT CASE WHEN abs(sw_n.n) >= ${DOUBLE_OVERFLOW} THEN 'null' WHEN abs(sw_n.n) * ${DOUBLE_UNDERFLOW_SCALE} <= 1 OR sw_n.n = 0 THEN '0' ` +
    `ELSE ${text} END FROM (SELECT (${v})::numeric AS n) sw_n)`
  );
}

/**
 * A jsonb value walked top-down (a recursive CTE) as JavaScript serialises what Prisma parsed from
 * it: each node a token ordered by its path of sort keys (a container's closing token after its
 * descendants), numbers as doubles (jsonbNumberAsJs), and object keys in JavaScript's order, which
 * is not jsonb's (by length, then bytes): array-index keys ("0" to "4294967294") first, ascending,
 * then the others in jsonb's order. Strings and keys keep jsonb's escaping, which is JSON.stringify's.
 */
function jsonbWalkedAsJs(jsonb: string): string {
  const maxIndex = 2 ** 32 - 2;
  const children =
    `SELECT CASE WHEN sw_je.i THEN sw_je.key::bigint ELSE ${maxIndex + 1} + sw_je.o END, to_json(sw_je.key)::text || ':', sw_je.value ` +
    `FROM (SELECT key, value, o, CASE WHEN key ~ '^(0|[1-9][0-9]{0,9})$' THEN key::bigint <= ${maxIndex} ELSE false END AS i ` +
    `FROM jsonb_each(CASE WHEN jsonb_typeof(sw_j.v) = 'object' THEN sw_j.v END) WITH ORDINALITY AS sw_je(key, value, o)) sw_je ` +
    `UNION ALL SELECT sw_ja.o, '', sw_ja.value FROM jsonb_array_elements(CASE WHEN jsonb_typeof(sw_j.v) = 'array' THEN sw_j.v END) WITH ORDINALITY AS sw_ja(value, o)`;
  const nodes =
    `WITH RECURSIVE sw_j(path, pre, v) AS (SELECT ARRAY[]::bigint[], '', ${jsonb} ` +
    `UNION ALL SELECT sw_j.path || sw_jc.k, sw_jc.pre, sw_jc.v FROM sw_j, LATERAL (${children}) AS sw_jc(k, pre, v))`;
  const comma = `CASE WHEN cardinality(path) > 0 AND row_number() OVER (PARTITION BY cardinality(path), path[1:cardinality(path) - 1] ORDER BY path) > 1 THEN ',' ELSE '' END`;
  const open = `CASE jsonb_typeof(v) WHEN 'object' THEN '{' WHEN 'array' THEN '[' WHEN 'number' THEN ${jsonbNumberAsJs('v')} ELSE v::text END`;
  const tokens =
    `SELECT path, ${comma} || pre || ${open} AS tok FROM sw_j UNION ALL ` +
    `SELECT path || 9223372036854775807::bigint, CASE jsonb_typeof(v) WHEN 'object' THEN '}' ELSE ']' END FROM sw_j WHERE jsonb_typeof(v) IN ('object', 'array')`;
  return `(${nodes} SELECT string_agg(sw_jt.tok, '' ORDER BY sw_jt.path) FROM (${tokens}) sw_jt)`;
}

/**
 * jsonb text that JavaScript may write otherwise than jsonb's own text, spaces apart: an array-index
 * key (`"12": `), a number with 16 or more digits (a double keeps fewer), one with a trailing zero
 * after the point (`1.50`), or below 1e-6 (`0.0000001`, exponential in JavaScript). Matched anywhere,
 * strings included: a false match only costs the walk.
 */
const JS_DIFFERS = String.raw`"(0|[1-9][0-9]{0,9})": |[0-9](\.?[0-9]){15}|\.[0-9]*0([^0-9]|$)|0\.0{6}`;
/** jsonb text's separators (`, ` and `: `) outside strings, strings matched whole so theirs stay. */
const JSONB_SPACES = String.raw`("(?:[^"\\]|\\.)*")|([,:]) `;

/**
 * A jsonb value (NULL: `null`) as JSON text exactly as JavaScript serialises what Prisma parsed from
 * it (`JSON.stringify(JSON.parse(jsonb::text))`). Mostly that is jsonb's text without its spaces;
 * a value JavaScript would write otherwise (JS_DIFFERS) is walked node by node (jsonbWalkedAsJs).
 */
export function jsonFromJsonb(expr: string): string {
  const walked = jsonbWalkedAsJs('sw_jf.j');
  const text = `(SELECT CASE WHEN sw_jf.t ~ '${JS_DIFFERS}' THEN ${walked} ELSE regexp_replace(sw_jf.t, '${JSONB_SPACES}', '\\1\\2', 'g') END FROM (SELECT (${expr})::jsonb AS j, (${expr})::jsonb::text AS t) sw_jf)`;
  return `coalesce(${text}, 'null')`;
}

/** In a statement's error: the rows hold a value its SQL form cannot answer, so the resolvers answer the operation. */
const RESOLVERS_ANSWER = 'sw_resolvers_answer';

/** Whether a compiled statement failed on a value the resolvers must answer (`jsonUnless`). */
export const resolversMustAnswer = (error: unknown) =>
  error instanceof Error && error.message.includes(RESOLVERS_ANSWER);

/**
 * `json`, except where `condition` holds: there the statement fails with RESOLVERS_ANSWER in its
 * error (a non-constant cast, which PostgreSQL cannot fold into the plan and fail every read).
 */
export const jsonUnless = (condition: string, json: string) =>
  `CASE WHEN ${condition} THEN ('${RESOLVERS_ANSWER}:' || (${condition})::text)::int::text ELSE ${json} END`;

/** A non-null JSON field's jsonb value (`jsonFromJsonb`); a JSON null, its resolver's error, is the resolvers' to answer. */
export const jsonFromJsonbNonNull = (expr: string) =>
  jsonUnless(`coalesce(jsonb_typeof((${expr})::jsonb), 'null') = 'null'`, jsonFromJsonb(expr));

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

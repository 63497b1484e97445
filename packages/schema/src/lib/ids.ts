import { decodeCursorChunk, encodeCursorChunk } from '@pothos/core';
import { ValidationError } from './errors.ts';

/** The largest primary key: every table's id is a PostgreSQL `integer`. */
export const MAX_DB_ID = 2 ** 31 - 1;

const typenamePattern = /^[A-Z][A-Za-z0-9]*$/;

/** The integer `text` spells from `start` in canonical decimal (no sign, spaces or leading zeros) within 0…MAX_DB_ID; -1 otherwise. */
function canonicalId(text: string, start = 0): number {
  const length = text.length - start;
  if (length < 1 || length > 10 || (length > 1 && text.charCodeAt(start) === 48)) return -1;
  let n = 0;
  for (let i = start; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    n = n * 10 + digit;
  }
  return n <= MAX_DB_ID ? n : -1;
}

/** A global ID as the API writes it: base64 of "Typename:id". */
export function encodeGlobalId(typename: string, id: number | string): string {
  return btoa(`${typename}:${id}`);
}

/**
 * Reads a global ID in its one canonical form — exactly what `encodeGlobalId` writes for a
 * positive id up to MAX_DB_ID — or null. So `Shop:1.9`, `Shop: 1`, `Shop:01`, `Shop:+1`,
 * `Shop:1e0`, unpadded or otherwise re-spelt base64 never stand for shop 1.
 */
export function parseGlobalId(value: string): { typename: string; id: number } | null {
  if (value.length > 120) return null;
  let decoded: string;
  try {
    decoded = atob(value);
  } catch {
    return null;
  }
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  const id = canonicalId(decoded, colon + 1);
  const typename = decoded.slice(0, colon);
  if (id <= 0 || !typenamePattern.test(typename) || btoa(decoded) !== value) return null;
  return { typename, id };
}

/**
 * Whether a connection cursor is one the API could have written: base64 of `GPC:` and a Pothos
 * cursor chunk, spelt canonically, holding a whole number within 0…MAX_DB_ID (every list here
 * pages by an integer column).
 */
export function isCanonicalCursor(value: string): boolean {
  if (value.length > 200) return false;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  if (!decoded.startsWith('GPC:')) return false;
  let chunk: unknown;
  try {
    chunk = decodeCursorChunk(decoded.slice(4));
  } catch {
    return false;
  }
  if (typeof chunk !== 'number' || canonicalId(String(chunk)) < 0) return false;
  return Buffer.from(`GPC:${encodeCursorChunk(chunk)}`).toString('base64') === value;
}

/** Turns the `id` part of a decoded global ID into the integer primary key, or a typed validation error. */
export function toDbId(globalId: { id: string } | string, path: string[]): number {
  const raw = typeof globalId === 'string' ? globalId : globalId.id;
  const id = canonicalId(raw);
  if (id <= 0) throw ValidationError.field(path, 'Not a valid ID.');
  return id;
}

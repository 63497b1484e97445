import { createHash, randomBytes } from 'node:crypto';
import type { Role } from './generated/prisma/client.ts';

const rolePrefix: Record<Role, string> = { ADMIN: 'adm', SELLER: 'sel', AGENCY: 'agy', PARTNER: 'ptn' };
const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** The visible, non-secret start of a key ("sw_sel_3kq9x"), stored for recognition. */
export const API_KEY_PREFIX_LENGTH = 12;

/** SHA-256 of the whole key: what the database stores instead of the key. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function apiKeyPrefix(key: string): string {
  return key.slice(0, API_KEY_PREFIX_LENGTH);
}

/** A new random key for a role: `sw_<role>_<32 base62 characters>`. */
export function generateApiKey(role: Role): string {
  const bytes = randomBytes(32);
  let body = '';
  for (const b of bytes) body += alphabet[b % alphabet.length];
  return `sw_${rolePrefix[role]}_${body}`;
}
